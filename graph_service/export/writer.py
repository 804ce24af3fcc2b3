"""Score the target list and write it: what ``abmgraph export targets`` and the HTTP route do.

The file is written where it is asked for and nowhere else: no folder is created, and a
folder that is missing or cannot be written is an error naming the path (never a traceback).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from graph_service.bulk import import_in_background
from graph_service.export.columns import COLUMNS, NUMBER_COLUMNS, target_columns
from graph_service.export.csv_file import write_csv
from graph_service.export.formats import WRITER_MODULES, ExportFormat
from graph_service.export.notes import ExportContext
from graph_service.export.out_file import check_out_file, write_failed
from graph_service.export.xlsx import write_xlsx

if TYPE_CHECKING:
    from graph_service.analytics.params import AnalyticsParams
    from graph_service.analytics.portfolio import Target
    from graph_service.analytics.queries import PortfolioFilter
    from graph_service.domain import Scope
    from graph_service.store.base import Store


def owner_names(store: Store, targets: list[Target]) -> dict[str, str]:
    """The name of each owner the rows list, from the store's team members (an owner the
    store does not hold as a team member is left out: the export names them by id)."""
    from graph_service.domain import Kind, TeamMember

    names = {}
    for member_id in sorted({o for t in targets for o in t.owner_ids}):
        member = store.record(Kind.TEAM, member_id)
        if isinstance(member, TeamMember) and member.full_name:
            names[member_id] = member.full_name
    return names


def write_targets(
    targets: list[Target],
    out: Path,
    fmt: ExportFormat,
    context: ExportContext,
    *,
    bom: bool = True,
) -> Path:
    """Write the target list as ``fmt`` (CSV with a byte-order mark unless ``bom`` is false).

    Parquet is written from the columns directly (an Arrow table typed as
    :data:`~graph_service.export.columns.NUMBER_COLUMNS`, text otherwise).
    """
    columns = target_columns(targets, context.owner_names)
    try:
        if fmt is ExportFormat.PARQUET:
            import pyarrow as pa
            import pyarrow.parquet as pq

            types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
            schema = pa.schema(
                [(c, types.get(NUMBER_COLUMNS.get(c, ""), pa.string())) for c in COLUMNS]
            )
            pq.write_table(pa.table(columns, schema=schema), out)
        elif fmt is ExportFormat.CSV:
            write_csv(columns, out, bom=bom)
        else:
            write_xlsx(targets, columns, context, out)
    except OSError as exc:
        raise write_failed(out, exc) from None
    return out


def export_target_list(
    store: Store,
    as_of: date,
    out: Path,
    fmt: ExportFormat,
    where: PortfolioFilter | None = None,
    params: AnalyticsParams | None = None,
    *,
    scope: Scope | None = None,
    bom: bool = True,
) -> list[Target]:
    """Score the target list and write it (what ``abmgraph export targets`` does), its amounts
    in ``params.currency`` (default: the reporting currency), over the accounts ``scope``
    sees (default: every account), the owners by name.

    The format's writer library is imported while the store rolls the portfolio up.
    """
    from graph_service.analytics import queries
    from graph_service.analytics.engagement import DEFAULT

    check_out_file(out, "output")
    params = params or DEFAULT
    module = WRITER_MODULES[fmt]
    importing = import_in_background(module) if module is not None else None
    rows = queries.targets(store, as_of, where, params=params, scope=scope)
    context = ExportContext(as_of, dict(params.score_weights), owner_names(store, rows))
    if importing is not None:
        # Finish the writer's import before using it: two threads importing one package
        # with circular imports inside (openpyxl) can see it half initialised.
        importing.join()
    write_targets(rows, out, fmt, context, bom=bom)
    return rows
