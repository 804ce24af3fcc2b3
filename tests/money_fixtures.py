"""A small multi-currency portfolio whose answers are worked out by hand in its tests.

The seller reports in JPY (the rates list JPY at 1, as a Salesforce export lists its corporate
currency). Rates, in units of the currency per 1 JPY:

* USD: static 0.008 (125 JPY per USD); dated 0.01 (100 JPY per USD) from 2026-01-01 up to,
  not including, 2026-07-01.
* EUR: static 0.005 (200 JPY per EUR).
* BRL: no rate at all.

Companies: ``p1`` (Japan) with subsidiaries ``s1`` (US, USD) and ``s2`` (Germany, EUR); ``o1``
(Japan) and ``o2`` (Brazil, BRL) stand alone. As of 2026-11-01 (spend window 2025-11-02 to
2026-11-01), each won deal in JPY:

======  =======  =============  ===========  =========================  ===============
deal    company  amount         closed       rate                       JPY
======  =======  =============  ===========  =========================  ===============
d1      p1       1,000,000 JPY  2026-03-15   1                          1,000,000
d2      s1       10,000 USD     2026-03-31   dated 0.01                 1,000,000
d3      s1       10,000 USD     2026-09-30   static 0.008               1,250,000
d4      s2       5,000 EUR      2026-05-10   static 0.005               1,000,000
d5      o2       50,000 BRL     2026-04-01   none: left out             --
d6      o1       2,000,000 JPY  2026-06-01   1                          2,000,000
d7      s1       1,000 USD      2025-06-30   static 0.008 (before the   125,000 (outside
                                             dated range)               the window)
======  =======  =============  ===========  =========================  ===============

``d8`` (p1, 5,000 USD) is open: no total counts it. Wallet estimates (category ``crm``, all
company-wide): p1 20,000,000 JPY (2026-04-01); s1 100,000 USD (2026-02-01, dated 0.01:
10,000,000 JPY); s2 25,000 EUR (2026-08-01: 5,000,000 JPY); o1 10,000,000 JPY (2026-01-01);
o2 400,000 BRL (no rate: left out, o2's wallet is unknown).
"""

from __future__ import annotations

from datetime import date

from graph_service.domain import Company, Deal, FxRate, Kind, Record, Stage, WalletEstimate

AS_OF = date(2026, 11, 1)


def _won(deal_id: str, company_id: str, amount: float, currency: str, closed: date) -> Deal:
    return Deal(
        deal_id,
        company_id,
        Stage.WON,
        category="crm",
        amount=amount,
        currency=currency,
        created_date=date(2025, 1, 1),
        close_date=closed,
        channel="direct",
    )


def _wallet(company_id: str, amount: float, currency: str, as_of: date) -> WalletEstimate:
    return WalletEstimate(company_id, "crm", amount, as_of, currency=currency)


MULTI_CURRENCY: dict[Kind, list[Record]] = {
    Kind.COMPANIES: [
        Company(
            "o1",
            "Osaka Kogyo",
            industry="manufacturing",
            employees=800,
            annual_revenue=8e9,
            country="JP",
            annual_revenue_currency="JPY",
        ),
        Company(
            "o2",
            "Rio Peças Ltda",
            industry="manufacturing",
            employees=300,
            annual_revenue=9e7,
            country="BR",
            annual_revenue_currency="BRL",
        ),
        Company(
            "p1",
            "Parent KK",
            industry="manufacturing",
            employees=5000,
            annual_revenue=5e10,
            country="JP",
            annual_revenue_currency="JPY",
        ),
        Company(
            "s1",
            "Parent America Inc.",
            industry="manufacturing",
            employees=900,
            annual_revenue=1e8,
            country="US",
            parent_company_id="p1",
            annual_revenue_currency="USD",
        ),
        Company(
            "s2",
            "Parent Europa GmbH",
            industry="manufacturing",
            employees=400,
            annual_revenue=4e7,
            country="DE",
            parent_company_id="p1",
            annual_revenue_currency="EUR",
        ),
    ],
    Kind.DEALS: [
        _won("d1", "p1", 1_000_000, "JPY", date(2026, 3, 15)),
        _won("d2", "s1", 10_000, "USD", date(2026, 3, 31)),
        _won("d3", "s1", 10_000, "USD", date(2026, 9, 30)),
        _won("d4", "s2", 5_000, "EUR", date(2026, 5, 10)),
        _won("d5", "o2", 50_000, "BRL", date(2026, 4, 1)),
        _won("d6", "o1", 2_000_000, "JPY", date(2026, 6, 1)),
        _won("d7", "s1", 1_000, "USD", date(2025, 6, 30)),
        Deal(
            "d8",
            "p1",
            Stage.PROPOSAL,
            category="crm",
            amount=5_000,
            currency="USD",
            created_date=date(2026, 10, 1),
        ),
    ],
    Kind.WALLET: [
        _wallet("p1", 20_000_000, "JPY", date(2026, 4, 1)),
        _wallet("s1", 100_000, "USD", date(2026, 2, 1)),
        _wallet("s2", 25_000, "EUR", date(2026, 8, 1)),
        _wallet("o1", 10_000_000, "JPY", date(2026, 1, 1)),
        _wallet("o2", 400_000, "BRL", date(2026, 3, 1)),
    ],
    Kind.FX_RATES: [
        FxRate("JPY", 1.0),
        FxRate("USD", 0.008),
        FxRate("USD", 0.01, valid_from=date(2026, 1, 1), valid_to=date(2026, 7, 1)),
        FxRate("EUR", 0.005),
    ],
}
