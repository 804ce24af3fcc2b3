"""Target-list exports for strategists: one row per account, as CSV, XLSX or Parquet."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pandas as pd

from graph_service.analytics.portfolio import Target


class ExportFormat(StrEnum):
    """File formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


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


def targets_frame(targets: list[Target]) -> pd.DataFrame:
    """The export's rows: numbers stay numbers, missing values stay empty."""
    rows = []
    for t in targets:
        reasons = [*t.reasons, "", "", ""][:3]
        rows.append(
            {
                "rank": t.rank,
                "account_id": t.account_id,
                "name": t.name,
                "tier": t.tier.value,
                "score": round(t.score, 4),
                "reason_1": reasons[0],
                "reason_2": reasons[1],
                "reason_3": reasons[2],
                "whitespace": t.whitespace,
                "share_of_wallet": t.share_of_wallet,
                "wallet_modeled": t.wallet_modeled,
                "coverage": t.coverage,
                "champion": t.champion.value,
                "segment": t.segment.value,
                "industry": t.industry,
                "country": t.country,
                "owners": ", ".join(t.owner_ids),
                "next_action": t.next_action,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("whitespace", "share_of_wallet", "coverage", "score"):
        frame[col] = frame[col].astype("float64")
    return frame


def write_targets(targets: list[Target], out: Path, fmt: ExportFormat) -> Path:
    """Write the target list; XLSX gets a frozen header row and real number cells."""
    frame = targets_frame(targets)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ExportFormat.CSV:
        frame.to_csv(out, index=False, encoding="utf-8")
    elif fmt is ExportFormat.PARQUET:
        frame.to_parquet(out, index=False)
    else:
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="targets", freeze_panes=(1, 0))
            sheet = writer.sheets["targets"]
            for cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in cells[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(max(width, 8), 60)
    return out
