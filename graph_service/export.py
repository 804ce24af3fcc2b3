"""Target-list exports for strategists: one row per account, as CSV, XLSX or Parquet.

Amounts are in one currency (the ``currency`` column: the reporting currency, or the one asked
for); an account's amounts that no exchange rate converts are left out of them and listed in
its ``unconverted`` column with their original amount and currency.

pandas, the scoring code and each format's writer are imported where they are used, so that
naming a format (:class:`ExportFormat`) costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_service.bulk import gc_paused, import_in_background

if TYPE_CHECKING:
    import pandas as pd

    from graph_service.analytics.params import AnalyticsParams
    from graph_service.analytics.portfolio import Target
    from graph_service.analytics.queries import PortfolioFilter
    from graph_service.domain import Scope, Unconverted
    from graph_service.store.base import Store


class ExportFormat(StrEnum):
    """File formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


#: The library each format's writer needs beyond pandas (a second or so to import).
WRITER_MODULES: dict[ExportFormat, str | None] = {
    ExportFormat.CSV: None,
    ExportFormat.XLSX: "openpyxl",
    ExportFormat.PARQUET: "pyarrow.parquet",
}

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
def target_columns(targets: list[Target]) -> dict[str, list[Any]]:
    """The export's columns, in :data:`COLUMNS` order: numbers stay numbers, missing values
    stay empty (None)."""
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
        "owners": [", ".join(t.owner_ids) for t in targets],
        "next_action": [t.next_action for t in targets],
    }
    assert list(columns) == COLUMNS
    return columns


def targets_frame(targets: list[Target]) -> pd.DataFrame:
    """The export's rows as a DataFrame (numbers as :data:`NUMBER_COLUMNS`)."""
    import pandas as pd

    return pd.DataFrame(target_columns(targets)).astype(NUMBER_COLUMNS)


def write_targets(targets: list[Target], out: Path, fmt: ExportFormat) -> Path:
    """Write the target list; XLSX gets a frozen header row and real number cells.

    Parquet is written from the columns directly (an Arrow table typed as
    :data:`NUMBER_COLUMNS`, text otherwise), without a DataFrame in between.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ExportFormat.PARQUET:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
        schema = pa.schema(
            [(c, types.get(NUMBER_COLUMNS.get(c, ""), pa.string())) for c in COLUMNS]
        )
        pq.write_table(pa.table(target_columns(targets), schema=schema), out)
        return out
    import pandas as pd

    frame = targets_frame(targets)
    if fmt is ExportFormat.CSV:
        frame.to_csv(out, index=False, encoding="utf-8")
    else:
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="targets", freeze_panes=(1, 0))
            sheet = writer.sheets["targets"]
            for cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in cells[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(max(width, 8), 60)
            pd.DataFrame({"note": export_notes(targets)}).to_excel(
                writer, index=False, sheet_name="notes"
            )
            writer.sheets["notes"].column_dimensions["A"].width = 120
    return out


def export_notes(targets: Sequence[Target]) -> list[str]:
    """The lines of the XLSX ``notes`` sheet: the currency of the amounts, and the warning of
    :func:`unconverted_warning` when amounts were left out."""
    currencies = sorted({t.currency for t in targets if t.currency})
    notes = [f"Amounts (whitespace) are in {', '.join(currencies) or 'no currency (no rows)'}."]
    if (warning := unconverted_warning(targets)) is not None:
        notes.append(f"Warning: {warning}.")
    return notes


def export_target_list(
    store: Store,
    as_of: date,
    out: Path,
    fmt: ExportFormat,
    where: PortfolioFilter | None = None,
    params: AnalyticsParams | None = None,
    *,
    scope: Scope | None = None,
) -> list[Target]:
    """Score the target list and write it (what ``abmgraph export targets`` does), its amounts
    in ``params.currency`` (default: the reporting currency), over the accounts ``scope``
    sees (default: every account).

    The format's writer library is imported while the store rolls the portfolio up.
    """
    from graph_service.analytics import queries
    from graph_service.analytics.engagement import DEFAULT

    module = WRITER_MODULES[fmt]
    importing = import_in_background(module) if module is not None else None
    rows = queries.targets(store, as_of, where, params=params or DEFAULT, scope=scope)
    if importing is not None:
        # Finish the writer's import before using it: two threads importing one package
        # with circular imports inside (openpyxl) can see it half initialised.
        importing.join()
    write_targets(rows, out, fmt)
    return rows
