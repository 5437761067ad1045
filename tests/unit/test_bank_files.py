"""Reading bank statement files (SPEC F2, issue 14 §7): CSV with a saved mapping, and
CAMT.053 XML parsed without entities or DTDs. Bad files name the line and the column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from engine.domain.bank_csv import mapping_from, read_csv
from engine.domain.bank_lines import with_identities
from engine.domain.camt import read_camt053
from engine.domain.errors import ValidationFailed

SAMPLE = Path(__file__).parent.parent / "data" / "camt053_sample.xml"


def camt(**values: str) -> bytes:
    filled = {"closing": "600000000", "full": "98100000", "part": "40000000"}
    filled |= {"number": "INV-1405-00012", "other": "شرکت نمونه"} | values
    return SAMPLE.read_text(encoding="utf-8").format(**filled).encode()


def errors_of(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return excinfo.value.fields


MELLI = mapping_from(
    {
        "columns": {
            "date": "تاریخ",
            "amount": "مبلغ",
            "sign": "نوع",
            "reference": "شماره پیگیری",
            "description": "شرح",
            "counterparty_name": "نام",
            "counterparty_iban": "شبا",
        },
        "delimiter": ";",
        "calendar": "jalali",
    }
)


def test_a_persian_bank_csv_with_jalali_dates_and_a_sign_column() -> None:
    """Jalali dates, Persian digits, thousands separators, «بدهکار» for money out."""
    content = (
        "تاریخ;مبلغ;نوع;شماره پیگیری;شرح;نام;شبا\n"
        "۱۴۰۵/۰۹/۰۲;۹۸٬۱۰۰٬۰۰۰;بستانکار;778812;پرداخت INV-1405-00012;علیرضا سامری;"
        "IR06 0170 0000 0012 3456 7890 01\n"
        "1405/09/02;25,000;بدهکار;;کارمزد;;\n"
    ).encode()

    lines = read_csv(content, MELLI, currency="IRR")

    assert [(x.booked_on, x.amount) for x in lines] == [
        (date(2026, 11, 23), Decimal(98100000)),
        (date(2026, 11, 23), Decimal(-25000)),
    ]
    assert lines[0].counterparty_iban == "IR060170000000123456789001"
    assert lines[0].description == "پرداخت INV-1405-00012"
    assert lines[0].source_line == 2


def test_debit_and_credit_columns_with_a_comma_decimal_and_day_first_dates() -> None:
    mapping = mapping_from(
        {
            "columns": {"date": 1, "debit": 2, "credit": 3, "reference": 4},
            "delimiter": ";",
            "decimal": ",",
            "date_order": "dmy",
        }
    )
    content = b"23.11.2026;;1.250,50;RF18 5390 0754 7034\n24.11.2026;10,00;;fee\n"

    lines = read_csv(content, mapping, currency="EUR")

    assert [(x.booked_on, x.amount) for x in lines] == [
        (date(2026, 11, 23), Decimal("1250.50")),
        (date(2026, 11, 24), Decimal("-10.00")),
    ]


def test_a_bad_amount_names_its_line_and_column_and_nothing_is_read() -> None:
    content = "تاریخ;مبلغ;نوع;شماره پیگیری;شرح;نام;شبا\n1405/09/02;100;;;;;\n1405/09/02;صد;;;;;\n"

    with pytest.raises(ValidationFailed) as excinfo:
        read_csv(content.encode(), MELLI, currency="IRR")

    assert list(errors_of(excinfo)) == ["lines[3].amount"]
    assert "line 3, amount" in errors_of(excinfo)["lines[3].amount"][0]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("1405/13/02;100;;;;;", "lines[2].date"),  # no 13th month
        ("1405/09/02;100.5;;;;;", "lines[2].amount"),  # the Rial has no decimals
        ("1405/09/02;0;;;;;", "lines[2].amount"),
        ("1405/09/02", "lines[2].amount"),  # too few columns
    ],
)
def test_bad_cells_are_refused_by_line_and_column(row: str, field: str) -> None:
    content = f"تاریخ;مبلغ;نوع;شماره پیگیری;شرح;نام;شبا\n{row}\n".encode()

    with pytest.raises(ValidationFailed) as excinfo:
        read_csv(content, MELLI, currency="IRR")

    assert field in errors_of(excinfo)


def test_a_header_without_the_mapped_column_is_refused_on_line_1() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        read_csv(b"date;amount\n2026-11-23;5\n", MELLI, currency="IRR")

    assert "line 1" in errors_of(excinfo)["file"][0]


def test_a_mapping_names_each_bad_key() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        mapping_from(
            {
                "columns": {"date": 0, "colour": "x", "debit": "D", "amount": "A"},
                "delimiter": "#",
                "calendar": "lunar",
            }
        )

    assert set(errors_of(excinfo)) == {
        "csv_mapping.columns.date",
        "csv_mapping.columns.colour",
        "csv_mapping.columns.amount",
        "csv_mapping.delimiter",
        "csv_mapping.calendar",
    }


def test_identities_are_stable_and_tell_identical_lines_apart() -> None:
    content = "تاریخ;مبلغ;نوع;شماره پیگیری;شرح;نام;شبا\n1405/09/02;100;;;;;\n1405/09/02;100;;;;;\n"
    first = with_identities(read_csv(content.encode(), MELLI, currency="IRR"))
    again = with_identities(read_csv(content.encode(), MELLI, currency="IRR"))

    assert [x.identity for x in first] == [x.identity for x in again]
    assert first[0].identity != first[1].identity


def test_a_camt053_statement_reads_booked_entries_with_their_parties() -> None:
    statement = read_camt053(camt(), currency="IRR")

    assert statement.iban == "IR820540102680020817909002"
    assert statement.statement_ids == ("1405-09-03-001",)
    full, part, fee = statement.lines  # the pending entry is not booked: left out
    assert (full.amount, full.reference, full.counterparty_name) == (
        Decimal(98100000),
        "INV-1405-00012",
        "علیرضا سامری",
    )
    assert full.counterparty_iban == "IR060170000000123456789001"
    assert full.bank_id == "BKMN-20261123-778812"
    assert (part.reference, part.description) == ("", "علی الحساب")  # NOTPROVIDED is no reference
    assert (fee.amount, fee.description) == (Decimal(-25000), "کارمزد انتقال ساتنا")
    assert full.booked_on == date(2026, 11, 23)


def test_a_camt_file_with_an_entity_is_refused_and_nothing_is_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    evil = (
        camt()
        .replace(
            b'<?xml version="1.0" encoding="UTF-8"?>',
            f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'.encode(),
        )
        .replace(b"<Ustrd>", b"<Ustrd>&x;")
    )

    with pytest.raises(ValidationFailed) as excinfo:
        read_camt053(evil, currency="IRR")

    assert "DOCTYPE" in errors_of(excinfo)["file"][0]


def test_a_billion_laughs_file_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol2;</Document>'
    )
    with pytest.raises(ValidationFailed):
        read_camt053(bomb, currency="IRR")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"full": "98100000.5"}, "entries[1].amount"),  # the Rial has no decimals
        ({"part": "-5"}, "entries[2].amount"),
        ({"full": "lots"}, "entries[1].amount"),
    ],
)
def test_a_bad_camt_entry_names_the_entry_and_its_line(values: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        read_camt053(camt(**values), currency="IRR")

    assert field in errors_of(excinfo), errors_of(excinfo)
    assert "(line " in errors_of(excinfo)[field][0]


def test_broken_xml_names_its_line() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        read_camt053(camt().replace(b"</Stmt>", b""), currency="IRR")

    assert errors_of(excinfo)["file"][0].startswith("line ")


def test_another_message_type_is_refused() -> None:
    other = camt().replace(b"camt.053.001.02", b"pain.001.001.03")
    with pytest.raises(ValidationFailed) as excinfo:
        read_camt053(other, currency="IRR")

    assert "not a CAMT.053" in errors_of(excinfo)["file"][0]
