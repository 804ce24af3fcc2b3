"""Conversion rules of graph_service.money: rebasing, the base currency, records converted."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.domain import Deal, FxRate, Stage, Unconverted, WalletEstimate
from graph_service.money import Rates, base_currency, in_reporting_currency

START = date(2026, 1, 1)
positive = st.floats(min_value=1e-4, max_value=1e4, allow_nan=False, allow_infinity=False)
day = st.integers(min_value=-30, max_value=400).map(lambda n: START + timedelta(days=n))


@st.composite
def rate_sets(draw: st.DrawFn) -> list[FxRate]:
    """Static rates for USD and EUR (each maybe missing) and dated ranges that do not overlap."""
    out = []
    for cur in ("USD", "EUR"):
        if draw(st.booleans()):
            out.append(FxRate(cur, draw(positive)))
        cuts = sorted(draw(st.sets(st.integers(0, 360), max_size=4)))
        for a, b in pairwise(cuts):
            out.append(
                FxRate(cur, draw(positive), START + timedelta(days=a), START + timedelta(days=b))
            )
    return out


@given(rate_sets(), st.sampled_from(["JPY", "USD", "EUR"]), day, positive)
def test_a_rebased_rate_is_the_two_rates_through_the_base(
    rates: list[FxRate], currency: str, on: date, amount: float
) -> None:
    jpy = Rates("JPY", rates)
    if not jpy.has_rate("USD"):
        return
    usd = jpy.rebased("USD")
    there, target = jpy.rate(currency, on), jpy.rate("USD", on)
    direct = usd.convert(amount, currency, on)
    if currency == "USD":
        assert direct == amount  # already in the answer's currency: no rate needed
    elif there is None or target is None:
        assert direct is None
    else:
        assert direct == pytest.approx(amount / there * target)


def test_rebasing_onto_a_currency_with_no_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="BRL"):
        Rates("JPY", [FxRate("USD", 0.008)]).rebased("BRL")


def test_the_base_is_the_rate_one_currency_before_the_setting() -> None:
    rates = [FxRate("JPY", 1.0), FxRate("USD", 0.008)]
    assert base_currency(rates, {"USD": 9}, configured="EUR") == "JPY"


def test_without_rates_the_base_is_the_currency_most_amounts_are_in() -> None:
    assert base_currency([], {"USD": 2, "JPY": 5}) == "JPY"
    assert base_currency([], {"USD": 2, "JPY": 2}) == "JPY"  # a tie: code order


@given(
    st.lists(
        st.tuples(st.sampled_from(["JPY", "USD", "BRL"]), positive, day), min_size=1, max_size=8
    )
)
def test_every_won_amount_is_converted_or_listed_never_both(
    amounts: list[tuple[str, float, date]],
) -> None:
    rates = Rates("JPY", [FxRate("USD", 0.008)])
    deals = [
        Deal(f"d{i}", "c1", Stage.WON, amount=a, currency=cur, close_date=on)
        for i, (cur, a, on) in enumerate(amounts)
    ]
    out = in_reporting_currency(deals, [], rates, START + timedelta(days=400))
    left = {u.record_id for u in out.unconverted}
    assert left == {d.id for d in deals if d.currency == "BRL"}
    for before, after in zip(deals, out.deals, strict=True):
        if before.id in left:
            assert after.amount is None and after.currency == "BRL"
        else:
            assert after.currency == "JPY"
            assert after.amount == pytest.approx(
                rates.convert(before.amount or 0, before.currency, None)
            )


def test_an_estimate_with_no_rate_is_dropped_not_replaced_by_an_older_one() -> None:
    older = WalletEstimate("c1", "crm", 1_000.0, date(2026, 1, 1), currency="JPY")
    latest = WalletEstimate("c1", "crm", 50.0, date(2026, 6, 1), currency="BRL")
    out = in_reporting_currency([], [older, latest], Rates("JPY", []), date(2026, 12, 1))
    assert out.wallet == []
    assert out.unconverted == [Unconverted("wallet", latest.id, "c1", 50.0, "BRL")]
