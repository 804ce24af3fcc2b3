"""Money in GraphQL: every amount the API returns is an amount with its ISO 4217 currency.

Amounts of one record (a deal, a wallet estimate, a company's revenue) are in that record's
own currency; a record with no currency is in the data's base currency (the one its rates are
against, :func:`~graph_service.analytics.currency.data_base_currency`). Amounts an analytics
answer adds up are in the answer's currency, and the amounts it could not convert are listed as
:class:`UnconvertedAmount`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import strawberry

from graph_service.domain import Unconverted


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: float
    currency: str = strawberry.field(description="ISO 4217 code (JPY, USD, ...).")


def money(amount: float | None, currency: str) -> Money | None:
    """``amount`` in ``currency``; None when there is no amount."""
    return None if amount is None else Money(amount=amount, currency=currency)


@strawberry.enum(
    description="What holds an amount left out: a won deal, the latest wallet estimate of a "
    "unit and category, or a company's annual revenue."
)
class UnconvertedKind(Enum):
    DEAL = "deal"
    WALLET = "wallet"
    REVENUE = "revenue"


@strawberry.type(
    description="An amount an answer left out of its totals: no exchange rate converts its "
    "currency on its day. The amount is as loaded, in its own currency."
)
class UnconvertedAmount:
    kind: UnconvertedKind
    record_id: strawberry.ID = strawberry.field(
        description="The deal's, estimate's or company's id."
    )
    company_id: strawberry.ID
    amount: Money


def unconverted(items: Iterable[Unconverted], base: str) -> list[UnconvertedAmount]:
    """The left-out amounts as GraphQL values (an amount with no currency is in ``base``)."""
    return [
        UnconvertedAmount(
            kind=UnconvertedKind(u.kind),
            record_id=strawberry.ID(u.record_id),
            company_id=strawberry.ID(u.company_id),
            amount=Money(amount=u.amount, currency=u.currency or base),
        )
        for u in items
    ]
