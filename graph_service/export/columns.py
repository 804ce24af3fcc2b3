"""The target list's columns: their order, types, definitions and values.

One row per account. Amounts are in one currency (the ``currency`` column: the reporting
currency, or the one asked for); an account's amounts that no exchange rate converts are left
out of them and listed in its ``unconverted`` column with their original amount and currency.
Owners are the account team's members, by name (``owners``, for people) and by id
(``owner_ids``, for joins); a member the store does not know is named by their id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph_service.bulk import gc_paused

if TYPE_CHECKING:
    import pandas as pd

    from graph_service.analytics.portfolio import Target
    from graph_service.domain import Unconverted

#: Columns of the target-list export, in order.
COLUMNS = [
    "rank",
    "account_id",
    "name",
    "tier",
    "score",
    "reason_1",
    "reason_2",
    "reason_3",
    "whitespace",
    "currency",
    "unconverted",
    "share_of_wallet",
    "wallet_modeled",
    "coverage",
    "champion",
    "segment",
    "industry",
    "country",
    "owners",
    "owner_ids",
    "next_action",
]


#: Columns that are not text, with their types (Parquet schema; pandas dtypes).
NUMBER_COLUMNS = {
    "rank": "int64",
    "score": "float64",
    "whitespace": "float64",
    "share_of_wallet": "float64",
    "wallet_modeled": "bool",
    "coverage": "float64",
}


#: What each column holds: the ``notes`` sheet of an XLSX lists these, and docs/exports.md.
DEFINITIONS: dict[str, str] = {
    "rank": "Position on the target list, 1 = the highest score.",
    "account_id": "The company's id in the graph (its CRM id).",
    "name": "The company's name.",
    "tier": "ABM tier by rank: the first 5 % 1:1, up to 20 % 1:few, up to 50 % 1:many, "
    "the rest untiered.",
    "score": "Target score in [0, 1]: the weighted mean of the whitespace, momentum, coverage "
    "and RFM components (weights below).",
    "reason_1": "The component that adds most to the score, in words.",
    "reason_2": "The second component that adds most to the score, in words.",
    "reason_3": "The third component that adds most to the score, in words.",
    "whitespace": "Wallet not yet won: max(wallet - our won spend in the spend window, 0), "
    "the wallet estimated, or modeled when wallet_modeled; in the currency column's currency.",
    "currency": "The ISO 4217 currency of whitespace.",
    "unconverted": "Amounts no exchange rate converts into the currency, left out of the "
    "totals and the score: kind, record id, original amount and currency.",
    "share_of_wallet": "Our won spend in the spend window over the account's wallet (0.25 = 25 %).",
    "wallet_modeled": "TRUE when the wallet is modeled from comparable accounts, not estimated.",
    "coverage": "Account coverage score in [0, 1]: the mean over the required buying roles "
    "of 1 (engaged holder), 0.5 (cold holders only) or 0 (missing).",
    "champion": "Our champion there: engaged, cold or missing.",
    "segment": "RFM segment (new, loyal, promising, at_risk, dormant; prospect: never bought).",
    "industry": "The company's industry.",
    "country": "The company's country (ISO 3166 code).",
    "owners": "The account team, by name.",
    "owner_ids": "The account team, by team-member id.",
    "next_action": "The account's next open action.",
}


def _number(amount: float) -> str:
    """An amount as written in the ``unconverted`` column: no exponent, no trailing zeros.

    >>> _number(50.0), _number(1234.5), _number(12_000_000.0)
    ('50', '1234.5', '12000000')
    """
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def unconverted_text(left_out: Sequence[Unconverted]) -> str:
    """The ``unconverted`` column: each amount left out, with what it is, its original amount
    and currency ("" when nothing was left out).

    >>> from graph_service.domain import Unconverted
    >>> unconverted_text([Unconverted("deal", "d5", "c1", 50.0, "BRL"),
    ...                   Unconverted("wallet", "w2", "c1", 1200.5, "BRL")])
    'deal d5: 50 BRL; wallet w2: 1200.5 BRL'
    """
    return "; ".join(
        f"{u.kind} {u.record_id}: {_number(u.amount)} {u.currency}".rstrip() for u in left_out
    )


def unconverted_warning(targets: Sequence[Target]) -> str | None:
    """What the CLI and the XLSX ``notes`` sheet warn when amounts were left out, else None.

    Names how many accounts have amounts no rate converts and in which currencies.
    """
    accounts = [t for t in targets if t.unconverted]
    if not accounts:
        return None
    currencies = sorted({u.currency or "?" for t in accounts for u in t.unconverted})
    into = accounts[0].currency
    noun = "account has" if len(accounts) == 1 else "accounts have"
    return (
        f"{len(accounts):,} {noun} amounts in {', '.join(currencies)} that no exchange rate "
        f"converts into {into}; they are left out of the totals (column 'unconverted')"
    )


@gc_paused()
def target_columns(
    targets: Sequence[Target], owner_names: Mapping[str, str] | None = None
) -> dict[str, list[Any]]:
    """The export's columns, in :data:`COLUMNS` order: numbers stay numbers, missing values
    stay empty (None); ``owners`` names each owner by ``owner_names`` (their id when it has
    none)."""
    names = owner_names or {}
    reasons = [[*t.reasons, "", "", ""][:3] for t in targets]
    columns: dict[str, list[Any]] = {
        "rank": [t.rank for t in targets],
        "account_id": [t.account_id for t in targets],
        "name": [t.name for t in targets],
        "tier": [t.tier.value for t in targets],
        "score": [round(t.score, 4) for t in targets],
        "reason_1": [r[0] for r in reasons],
        "reason_2": [r[1] for r in reasons],
        "reason_3": [r[2] for r in reasons],
        "whitespace": [t.whitespace for t in targets],
        "currency": [t.currency for t in targets],
        "unconverted": [unconverted_text(t.unconverted) for t in targets],
        "share_of_wallet": [t.share_of_wallet for t in targets],
        "wallet_modeled": [t.wallet_modeled for t in targets],
        "coverage": [t.coverage for t in targets],
        "champion": [t.champion.value for t in targets],
        "segment": [t.segment.value for t in targets],
        "industry": [t.industry for t in targets],
        "country": [t.country for t in targets],
        "owners": [", ".join(names.get(o, o) for o in t.owner_ids) for t in targets],
        "owner_ids": [", ".join(t.owner_ids) for t in targets],
        "next_action": [t.next_action for t in targets],
    }
    assert list(columns) == COLUMNS == list(DEFINITIONS)
    return columns


def targets_frame(
    targets: Sequence[Target], owner_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The export's rows as a DataFrame (numbers as :data:`NUMBER_COLUMNS`)."""
    import pandas as pd

    return pd.DataFrame(target_columns(targets, owner_names)).astype(NUMBER_COLUMNS)
