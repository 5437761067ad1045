"""engine.pdf: Persian text shaped and extractable, Vazirmatn embedded, LTR runs kept."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from engine.pdf import FontMissing, font_files, html_to_pdf, ltr, text_direction

PERSIAN_PAGE = f"""<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>t</title></head>
<body>
<h1>صورتحساب فروش</h1>
<p>مشتری: علیرضا سامری</p>
<p>کالا: میز قابل تنظیم — مبلغ {ltr("98,100,000")} ریال — شماره {ltr("INV-1403-00001")}</p>
<p>ایمیل: {ltr("sameri@example.com")}</p>
</body></html>"""


def _reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def _fonts(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font.get("/FontDescriptor")
            ).get_object()
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


def test_persian_words_come_out_of_the_pdf_in_reading_order() -> None:
    text = _reader(html_to_pdf(PERSIAN_PAGE)).pages[0].extract_text()
    for word in ("صورتحساب", "فروش", "علیرضا", "سامری", "میز", "تنظیم", "ریال"):
        assert word in text, (word, text)


def test_ltr_runs_keep_their_order_inside_rtl_text() -> None:
    text = _reader(html_to_pdf(PERSIAN_PAGE)).pages[0].extract_text()
    assert "98,100,000" in text
    assert "INV-1403-00001" in text
    assert "sameri@example.com" in text


def test_vazirmatn_is_embedded_as_a_subset() -> None:
    embedded = _fonts(_reader(html_to_pdf(PERSIAN_PAGE)))
    assert any("Vazirmatn" in name for name in embedded), embedded


def test_bold_text_uses_the_bold_face() -> None:
    assert 700 in font_files()
    embedded = _fonts(_reader(html_to_pdf(PERSIAN_PAGE)))  # h1 is bold
    assert any("Vazirmatn-Bold" in name for name in embedded), embedded


def test_missing_font_dir_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FontMissing):
        font_files(tmp_path)


def test_ltr_escapes_markup() -> None:
    assert ltr("<b>&") == '<bdi dir="ltr">\u2066&lt;b&gt;&amp;\u2069</bdi>'


@pytest.mark.parametrize(("lang", "direction"), [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")])
def test_text_direction(lang: str, direction: str) -> None:
    assert text_direction(lang) == direction
