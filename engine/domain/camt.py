"""Bank statements as ISO 20022 CAMT.053 XML (SPEC F2, issue 14 §7).

Read with lxml, the file being untrusted: no entities, no DTD, no network, a DOCTYPE is
refused (as deployed diagrams are, engine/workflow/parsing.py). Any version of
``camt.053.001.xx`` is read by local element names. Only booked entries (``Sts`` BOOK)
become lines; an entry with several transactions (a batch booking) gives one line per
transaction that carries its own amount. The other party is the debtor of money that
came in (CRDT) and the creditor of money that went out (DBIT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from engine.domain import bounds
from engine.domain.bank_lines import (
    DESCRIPTION_MAX,
    MAX_LINES,
    NAME_MAX,
    REFERENCE_MAX,
    BankLine,
    clean_iban,
    clip,
)
from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, check_scale, to_decimal

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053."
_NO_REFERENCE = "NOTPROVIDED"


@dataclass(frozen=True)
class CamtStatement:
    """What a CAMT.053 file holds for one account: its IBAN, its statement ids, lines."""

    iban: str
    statement_ids: tuple[str, ...]
    lines: list[BankLine]


def read_camt053(content: bytes, *, currency: str) -> CamtStatement:
    """Read every statement of a CAMT.053 file (all for one account).

    Raises ValidationFailed on ``file`` for XML that does not parse (with its line), a
    DOCTYPE, another message type or several accounts, and on ``entries[<i>].<field>``
    (i counting entries from 1, the message naming the XML line) for an entry whose
    amount, currency, direction or date does not read.
    """
    root = _parse(content)
    statements = _children(root, "BkToCstmrStmt", "Stmt")
    if not statements:
        raise ValidationFailed.single("file", "no statement (BkToCstmrStmt/Stmt) in the file")
    ibans = {clean_iban(_text(s, "Acct", "Id", "IBAN")) for s in statements}
    if len(ibans) > 1:
        raise ValidationFailed.single("file", "the file holds statements of several accounts")
    lines: list[BankLine] = []
    reader = _EntryReader(currency, MINOR_UNITS.get(currency, 0))
    for statement in statements:
        for entry in statement.iterchildren("{*}Ntry"):
            reader.count += 1
            lines.extend(reader.lines(entry))
            if len(lines) > MAX_LINES:
                raise ValidationFailed.single("file", f"more than {MAX_LINES} lines")
    return CamtStatement(
        iban=ibans.pop(),
        statement_ids=tuple(_text(s, "Id") for s in statements),
        lines=lines,
    )


def _parse(content: bytes) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationFailed.single("file", f"line {exc.lineno}: {exc.msg}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ValidationFailed.single("file", "a DOCTYPE (and entities) is not allowed")
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith(NAMESPACE_PREFIX):
        raise ValidationFailed.single(
            "file",
            f"line {root.sourceline}: not a CAMT.053 statement ({namespace or 'no'} namespace)",
        )
    return root


def _children(node: Any, *path: str) -> list[Any]:
    found = [node]
    for name in path:
        found = [child for parent in found for child in parent.iterchildren(f"{{*}}{name}")]
    return found


def _text(node: Any, *path: str) -> str:
    found = _children(node, *path)
    return (found[0].text or "").strip() if found else ""


@dataclass
class _EntryReader:
    currency: str
    places: int
    count: int = 0

    def lines(self, entry: Any) -> list[BankLine]:
        if not self._booked(entry):
            return []
        sign = self._sign(entry)
        booked_on = self._date(entry)
        entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
        details = _children(entry, "NtryDtls", "TxDtls")
        with_amounts = [tx for tx in details if self._tx_amount_node(tx) is not None]
        if len(with_amounts) > 1:
            return [
                self._line(entry, tx, sign, booked_on, self._tx_amount_node(tx), entry_ref, i)
                for i, tx in enumerate(with_amounts, start=1)
            ]
        tx = details[0] if details else None
        amount_node = _children(entry, "Amt")
        if not amount_node:
            raise self._bad(entry, "amount", "has no Amt")
        return [self._line(entry, tx, sign, booked_on, amount_node[0], entry_ref, 0)]

    def _line(
        self,
        entry: Any,
        tx: Any,
        sign: int,
        booked_on: date,
        amount_node: Any,
        entry_ref: str,
        index: int,
    ) -> BankLine:
        amount = self._amount(entry, amount_node) * sign
        party = ("Dbtr", "DbtrAcct") if sign > 0 else ("Cdtr", "CdtrAcct")
        reference = description = name = iban = tx_ref = ""
        if tx is not None:
            tx_ref = _text(tx, "Refs", "AcctSvcrRef")
            references = [
                _text(tx, "Refs", "EndToEndId"),
                _text(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref"),
                _text(tx, "Refs", "InstrId"),
            ]
            reference = next((r for r in references if r and r != _NO_REFERENCE), "")
            description = " ".join((n.text or "").strip() for n in _children(tx, "RmtInf", "Ustrd"))
            related = _children(tx, "RltdPties")
            if related:
                name = _text(related[0], party[0], "Nm") or _text(related[0], party[0], "Pty", "Nm")
                iban = _text(related[0], party[1], "Id", "IBAN")
        if not description:
            description = _text(entry, "AddtlNtryInf")
        if tx_ref:
            bank_id = tx_ref
        elif entry_ref:
            bank_id = f"{entry_ref}/{index}" if index else entry_ref
        else:
            bank_id = ""
        return BankLine(
            booked_on=booked_on,
            amount=amount,
            reference=clip(reference, REFERENCE_MAX),
            description=clip(description, DESCRIPTION_MAX),
            counterparty_name=clip(name, NAME_MAX),
            counterparty_iban=clean_iban(iban),
            bank_id=clip(bank_id, 90),
            source_line=int(entry.sourceline or 0),
        )

    @staticmethod
    def _booked(entry: Any) -> bool:
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        return status in ("", "BOOK")

    def _sign(self, entry: Any) -> int:
        indicator = _text(entry, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise self._bad(entry, "direction", "CdtDbtInd must be CRDT or DBIT")
        return 1 if indicator == "CRDT" else -1

    def _date(self, entry: Any) -> date:
        text = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10]
        try:
            return bounds.check_date(date.fromisoformat(text), field="date")
        except (ValueError, ValidationFailed) as error:
            raise self._bad(entry, "date", f"BookgDt {text!r} is not a date") from error

    @staticmethod
    def _tx_amount_node(tx: Any) -> Any:
        found = _children(tx, "AmtDtls", "TxAmt", "Amt") or _children(tx, "Amt")
        return found[0] if found else None

    def _amount(self, entry: Any, node: Any) -> Decimal:
        currency = node.get("Ccy", self.currency)
        if currency != self.currency:
            raise self._bad(entry, "amount", f"in {currency}, the account is in {self.currency}")
        text = (node.text or "").strip()
        field = "amount"
        try:
            value = to_decimal(text, field=field)
            check_scale(value, self.places, field=field)
            bounds.check_number(value, field=field)
        except ValidationFailed as error:
            raise self._bad(entry, "amount", f"{text!r} {error.fields[field][0]}") from error
        if value <= 0:
            raise self._bad(entry, "amount", "must be greater than zero (CdtDbtInd gives the sign)")
        return value

    def _bad(self, entry: Any, what: str, reason: str) -> ValidationFailed:
        return ValidationFailed.single(
            f"entries[{self.count}].{what}",
            f"entry {self.count} (line {entry.sourceline}), {what}: {reason}",
        )
