"""Document totals (SPEC I7, T3.18, T3.19, T3.20, T3.23)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from engine.domain.errors import ValidationFailed
from engine.domain.money import round_money
from engine.domain.pricing import (
    AdditionBasis,
    AdditionInput,
    AdditionKind,
    LineInput,
    Overrides,
    PricingRules,
    Totals,
    price_document,
    validate_addition,
)

D = Decimal
NO_TAX = PricingRules(tax_percent=D(0), levy_percent=D(0))
VAT_9 = PricingRules(tax_percent=D(9), levy_percent=D(0))


def line(qty: str, price: str, percent: str = "0", amount: str = "0") -> LineInput:
    return LineInput(D(qty), D(price), D(percent), D(amount))


def fixed(value: str, *, taxable: bool = False, leviable: bool = False) -> AdditionInput:
    return AdditionInput("shipping", AdditionKind.FIXED, D(value), None, taxable, leviable)


def percent(value: str, basis: AdditionBasis, **flags: bool) -> AdditionInput:
    return AdditionInput(f"{basis}-{value}", AdditionKind.PERCENT, D(value), basis, **flags)


def fields_of(call: object) -> dict[str, list[str]]:
    assert callable(call)
    with pytest.raises(ValidationFailed) as exc:
        call()
    return exc.value.fields


# --- the worked example and lines ------------------------------------------------------


def test_worked_example_i7_gives_tax_8_100_000_and_total_98_100_000() -> None:
    """I7: 1 × 90,000,000 Rial at 9% sales tax → 98,100,000 Rial."""
    totals = price_document([line("1", "90000000")], VAT_9)
    assert totals.as_dict() == {
        "subtotal": "90000000",
        "discount": "0",
        "additions": "0",
        "tax": "8100000",
        "levy": "0",
        "total": "98100000",
    }


def test_line_gross_is_rounded_half_up_once() -> None:
    """T3.19: 0.5 × 3 = 1.5 Rial rounds to 2 at the line total."""
    totals = price_document([line("0.5", "3")], NO_TAX)
    assert totals.lines[0].gross == D(2)


def test_line_discount_combines_rounded_percent_and_amount() -> None:
    totals = price_document([line("1", "1005", percent="10", amount="100")], NO_TAX)
    # 10% of 1005 = 100.5 → 101; plus 100 off
    assert (totals.lines[0].discount, totals.lines[0].net) == (D(201), D(804))
    assert totals.discount == D(201)
    assert totals.total == D(804)


def test_full_discount_is_allowed_but_more_is_rejected() -> None:
    assert price_document([line("1", "500", amount="500")], NO_TAX).total == D(0)
    errors = fields_of(
        lambda: price_document([line("1", "500", percent="50", amount="251")], NO_TAX)
    )
    assert list(errors) == ["lines[0].discount_amount"]


def test_negative_unit_price_names_the_line_and_field() -> None:
    lines = [line("1", "10"), line("1", "10"), line("1", "-10")]
    errors = fields_of(lambda: price_document(lines, NO_TAX))
    assert errors == {"lines[2].unit_price": ["must not be negative"]}


def test_negative_quantity_is_rejected() -> None:
    assert "lines[0].quantity" in fields_of(lambda: price_document([line("-1", "10")], NO_TAX))


def test_discount_percent_over_100_is_rejected() -> None:
    errors = fields_of(lambda: price_document([line("1", "10", percent="100.01")], NO_TAX))
    assert "lines[0].discount_percent" in errors


def test_fractional_rial_discount_amount_is_rejected() -> None:
    """T3.19: Rial amounts are whole numbers."""
    errors = fields_of(lambda: price_document([line("1", "10", amount="0.5")], NO_TAX))
    assert errors["lines[0].discount_amount"] == ["must be a whole number"]


def test_float_unit_price_is_rejected() -> None:
    bad = LineInput(D(1), 10.5)  # type: ignore[arg-type]
    errors = fields_of(lambda: price_document([bad], NO_TAX))
    assert errors["lines[0].unit_price"] == ["must be a decimal string, not a float"]


def test_every_bad_field_is_reported_at_once() -> None:
    lines = [line("-1", "-1"), line("1", "1", percent="101")]
    errors = fields_of(lambda: price_document(lines, NO_TAX, [fixed("-5")]))
    assert set(errors) == {
        "lines[0].quantity",
        "lines[0].unit_price",
        "lines[1].discount_percent",
        "additions[0].value",
    }


def test_empty_document_totals_zero() -> None:
    assert set(price_document([], VAT_9).as_dict().values()) == {"0"}


def test_usd_rounds_to_cents() -> None:
    rules = PricingRules(tax_percent=D(5), levy_percent=D(0), currency="USD")
    totals = price_document([line("3", "0.333")], rules)
    assert (totals.subtotal, totals.tax, totals.total) == (D("1.00"), D("0.05"), D("1.05"))


# --- rules: tax and levy ------------------------------------------------------------------


def test_levy_is_computed_separately_from_tax() -> None:
    """T3.20: levy (عوارض) has its own percentage and its own total."""
    rules = PricingRules(tax_percent=D(6), levy_percent=D(3))
    totals = price_document([line("1", "1000000")], rules)
    assert (totals.tax, totals.levy, totals.total) == (D(60000), D(30000), D(1090000))


def test_negative_tax_percent_is_rejected() -> None:
    rules = PricingRules(tax_percent=D(-1), levy_percent=D(0))
    assert "tax_percent" in fields_of(lambda: price_document([], rules))


def test_unknown_currency_is_rejected() -> None:
    rules = PricingRules(tax_percent=D(0), levy_percent=D(0), currency="XYZ")
    assert "currency" in fields_of(lambda: price_document([line("1", "1")], rules))


# --- additions (T3.23) ------------------------------------------------------------------------


def test_fixed_taxable_addition_enters_the_tax_base_only() -> None:
    """T3.23: a taxable addition is taxed; it is not levied unless leviable."""
    rules = PricingRules(tax_percent=D(10), levy_percent=D(10))
    totals = price_document([line("1", "1000")], rules, [fixed("500", taxable=True)])
    assert (totals.additions, totals.tax, totals.levy) == (D(500), D(150), D(100))
    assert totals.total == D(1750)


def test_fixed_leviable_addition_enters_the_levy_base_only() -> None:
    rules = PricingRules(tax_percent=D(10), levy_percent=D(10))
    totals = price_document([line("1", "1000")], rules, [fixed("500", leviable=True)])
    assert (totals.tax, totals.levy) == (D(100), D(150))


def test_untaxed_addition_is_added_without_tax() -> None:
    totals = price_document([line("1", "1000")], VAT_9, [fixed("500")])
    assert (totals.tax, totals.total) == (D(90), D(1590))


def test_fixed_addition_is_rounded() -> None:
    totals = price_document([line("1", "1000")], NO_TAX, [fixed("10.5")])
    assert totals.additions_detail[0].amount == D(11)


def test_percent_before_discount_uses_the_subtotal() -> None:
    totals = price_document(
        [line("1", "1000", percent="50")], NO_TAX, [percent("10", AdditionBasis.BEFORE_DISCOUNT)]
    )
    assert totals.additions == D(100)


def test_percent_before_tax_uses_the_discounted_amount() -> None:
    totals = price_document(
        [line("1", "1000", percent="50")], VAT_9, [percent("10", AdditionBasis.BEFORE_TAX)]
    )
    assert totals.additions == D(50)
    assert totals.tax == D(45)  # not taxable: the tax base stays 500


def test_percent_of_final_is_computed_on_everything_else() -> None:
    """T3.23: net 1000 + shipping 100 + tax 99 (9% of 1100) = 1199; 10% → 120."""
    additions = [fixed("100", taxable=True), percent("10", AdditionBasis.FINAL)]
    totals = price_document([line("1", "1000")], VAT_9, additions)
    assert [a.amount for a in totals.additions_detail] == [D(100), D(120)]
    assert totals.total == D(1319)


def test_two_percent_of_final_additions_do_not_compound() -> None:
    additions = [percent("10", AdditionBasis.FINAL), percent("5", AdditionBasis.FINAL)]
    totals = price_document([line("1", "1000")], NO_TAX, additions)
    assert [a.amount for a in totals.additions_detail] == [D(100), D(50)]


def test_additions_detail_keeps_names_and_order() -> None:
    additions = [fixed("1"), percent("1", AdditionBasis.BEFORE_TAX)]
    totals = price_document([line("1", "100")], NO_TAX, additions)
    assert [a.name for a in totals.additions_detail] == ["shipping", "before_tax-1"]


@pytest.mark.parametrize("flag", ["taxable", "leviable"])
def test_percent_of_final_may_not_be_taxable_or_leviable(flag: str) -> None:
    """T3.23: 'additions may be taxable and/or leviable, except a percentage of the final'."""
    addition = percent("5", AdditionBasis.FINAL, **{flag: True})
    errors = fields_of(lambda: validate_addition(addition, field="additions[3]"))
    assert list(errors) == [f"additions[3].{flag}"]


def test_percent_addition_requires_a_basis() -> None:
    addition = AdditionInput("packing", AdditionKind.PERCENT, D(5))
    assert list(fields_of(lambda: validate_addition(addition, field="a"))) == ["a.basis"]


def test_fixed_addition_must_not_have_a_basis() -> None:
    addition = AdditionInput("packing", AdditionKind.FIXED, D(5), AdditionBasis.BEFORE_TAX)
    assert list(fields_of(lambda: validate_addition(addition, field="a"))) == ["a.basis"]


def test_addition_with_unknown_kind_and_no_name_is_rejected() -> None:
    addition = AdditionInput(" ", "bonus", D(5))  # type: ignore[arg-type]
    assert set(fields_of(lambda: validate_addition(addition, field="a"))) == {"a.name", "a.kind"}


def test_addition_kind_may_be_given_as_its_string_value() -> None:
    addition = AdditionInput("packing", "percent", D(5), "before_tax")  # type: ignore[arg-type]
    validate_addition(addition, field="a")
    assert price_document([line("1", "100")], NO_TAX, [addition]).additions == D(5)


def test_valid_addition_passes_validation() -> None:
    validate_addition(percent("5", AdditionBasis.BEFORE_DISCOUNT, taxable=True), field="a")


def test_price_document_rejects_taxable_percent_of_final() -> None:
    additions = [fixed("1"), percent("5", AdditionBasis.FINAL, taxable=True)]
    errors = fields_of(lambda: price_document([line("1", "100")], VAT_9, additions))
    assert list(errors) == ["additions[1].taxable"]


# --- overrides (T3.18) ----------------------------------------------------------------------


def test_tax_override_replaces_tax_and_the_total_follows() -> None:
    """T3.18: the hand-typed tax is used; the total is recomputed from it."""
    totals = price_document([line("1", "90000000")], VAT_9, overrides=Overrides(tax=D(8000000)))
    assert (totals.tax, totals.total) == (D(8000000), D(98000000))


def test_levy_override_replaces_levy() -> None:
    rules = PricingRules(tax_percent=D(0), levy_percent=D(3))
    totals = price_document([line("1", "1000")], rules, overrides=Overrides(levy=D(0)))
    assert (totals.levy, totals.total) == (D(0), D(1000))


def test_discount_override_flows_into_tax_and_total() -> None:
    """T3.18: an overridden discount lowers the amount that is taxed."""
    totals = price_document([line("1", "1000")], VAT_9, overrides=Overrides(discount=D(100)))
    assert (totals.discount, totals.tax, totals.total) == (D(100), D(81), D(981))
    assert totals.lines[0].discount == D(0)  # lines keep their computed figures


def test_discount_override_above_subtotal_is_rejected() -> None:
    call = lambda: price_document([line("1", "10")], NO_TAX, overrides=Overrides(discount=D(11)))  # noqa: E731
    assert list(fields_of(call)) == ["overrides.discount"]


def test_a_bad_line_names_only_the_line_not_an_override_nobody_typed() -> None:
    """A negative price makes the subtotal negative; no discount was typed, so only the
    price is named (E1: the error names the field that is wrong)."""
    call = lambda: price_document([line("2", "-5")], NO_TAX)  # noqa: E731
    assert list(fields_of(call)) == ["lines[0].unit_price"]


@pytest.mark.parametrize("value", ["-1", "0.5"])
def test_bad_tax_override_is_rejected(value: str) -> None:
    call = lambda: price_document([line("1", "10")], NO_TAX, overrides=Overrides(tax=D(value)))  # noqa: E731
    assert list(fields_of(call)) == ["overrides.tax"]


# --- properties ---------------------------------------------------------------------------------


@st.composite
def line_inputs(draw: st.DrawFn) -> LineInput:
    qty = draw(st.decimals(min_value=0, max_value=1000, places=3))
    price = draw(st.decimals(min_value=0, max_value=10**9, places=2))
    pct = draw(st.decimals(min_value=0, max_value=100, places=2))
    gross = round_money(qty * price)
    room = gross - round_money(gross * pct / 100)
    amount = draw(st.integers(min_value=0, max_value=int(room)))
    return LineInput(qty, price, pct, D(amount))


@st.composite
def addition_inputs(draw: st.DrawFn) -> AdditionInput:
    basis = draw(st.sampled_from([None, *AdditionBasis]))
    final = basis is AdditionBasis.FINAL
    taxable = draw(st.booleans()) and not final
    leviable = draw(st.booleans()) and not final
    if basis is None:
        value = D(draw(st.integers(min_value=0, max_value=10**9)))
        return AdditionInput("fixed", AdditionKind.FIXED, value, None, taxable, leviable)
    value = draw(st.decimals(min_value=0, max_value=50, places=2))
    return AdditionInput(str(basis), AdditionKind.PERCENT, value, basis, taxable, leviable)


percents = st.decimals(min_value=0, max_value=30, places=2)
rules_st = st.builds(PricingRules, tax_percent=percents, levy_percent=percents)
lines_st = st.lists(line_inputs(), max_size=6)
additions_st = st.lists(addition_inputs(), max_size=4)


def assert_whole(totals: Totals) -> None:
    values = [totals.subtotal, totals.discount, totals.additions, totals.tax, totals.levy]
    values += [a.amount for a in totals.additions_detail]
    values += [v for lt in totals.lines for v in (lt.gross, lt.discount, lt.net)]
    assert all(v == v.to_integral_value() for v in [*values, totals.total])


@settings(max_examples=200, deadline=None)
@given(lines=lines_st, rules=rules_st, additions=additions_st, data=st.data())
def test_total_always_equals_its_parts_and_rial_totals_are_whole(
    lines: list[LineInput], rules: PricingRules, additions: list[AdditionInput], data: st.DataObject
) -> None:
    """T3.18, T3.19: total = subtotal − discount + additions + tax + levy, in whole Rial."""
    computed = price_document(lines, rules, additions)
    share = data.draw(st.none() | st.decimals(min_value=0, max_value=1, places=2))
    typed_tax = data.draw(st.none() | st.integers(min_value=0, max_value=10**9).map(D))
    discount = None if share is None else round_money(computed.subtotal * share)
    overrides = Overrides(discount=discount, tax=typed_tax)
    for totals in (computed, price_document(lines, rules, additions, overrides)):
        parts = totals.subtotal - totals.discount + totals.additions + totals.tax + totals.levy
        assert totals.total == parts
        assert totals.additions == sum((a.amount for a in totals.additions_detail), D(0))
        assert_whole(totals)


@settings(max_examples=200, deadline=None)
@given(lines=lines_st, rules=rules_st, factor=st.integers(min_value=1, max_value=1000))
def test_scaling_unit_prices_up_never_lowers_tax_or_makes_it_negative(
    lines: list[LineInput], rules: PricingRules, factor: int
) -> None:
    """T3.20: tax and levy are monotone, non-negative functions of the prices."""
    before = price_document(lines, rules)
    scaled = [
        LineInput(x.quantity, x.unit_price * factor, x.discount_percent, x.discount_amount)
        for x in lines
    ]
    after = price_document(scaled, rules)
    assert 0 <= before.tax <= after.tax
    assert 0 <= before.levy <= after.levy


@settings(max_examples=200, deadline=None)
@given(lines=lines_st, rules=rules_st, others=additions_st, p=percents)
def test_percent_of_final_equals_rounded_share_of_the_rest(
    lines: list[LineInput],
    rules: PricingRules,
    others: list[AdditionInput],
    p: Decimal,
) -> None:
    """T3.23: a percentage of the final amount is p% of everything else, rounded."""
    others = [a for a in others if a.basis is not AdditionBasis.FINAL]
    final = AdditionInput("insurance", AdditionKind.PERCENT, p, AdditionBasis.FINAL)
    totals = price_document(lines, rules, [*others, final])
    amount = totals.additions_detail[-1].amount
    assert amount == round_money((totals.total - amount) * p / 100)


@settings(max_examples=200, deadline=None)
@given(lines=lines_st, rules=rules_st, additions=additions_st, data=st.data())
def test_line_order_does_not_change_totals(
    lines: list[LineInput], rules: PricingRules, additions: list[AdditionInput], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(lines))
    assert (
        price_document(shuffled, rules, additions).as_dict()
        == price_document(lines, rules, additions).as_dict()
    )
