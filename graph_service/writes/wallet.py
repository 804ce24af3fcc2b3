"""Setting a wallet estimate: what an account (or a unit) spends a year in a category.

An estimate's identity is (account, unit, category, as-of date), see
:class:`~graph_service.domain.WalletEstimate`: a newer as-of date adds an estimate beside the
older ones; the same identity replaces it. The amount is finite and zero or more, in
``currency`` (ISO 4217; required, so that no amount is read in the wrong currency); the as-of
date is not in the future; the unit is at the account; ``vendor_rank`` is 1 or more and at
most ``vendor_count`` when both are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph_service.domain import BusinessUnit, Company, Kind, WalletEstimate, WalletSource
from graph_service.money import parse_currency
from graph_service.writes.checks import Problems, clean
from graph_service.writes.outcome import Missing, Outcome, Written
from graph_service.writes.writer import Writer


@dataclass(frozen=True, slots=True)
class Estimate:
    company_id: str
    category: str
    amount: float
    currency: str
    as_of: date
    bu_id: str | None = None
    source: WalletSource | None = None
    vendor_rank: int | None = None
    vendor_count: int | None = None


def set_wallet_estimate(writer: Writer, given: Estimate) -> Outcome[WalletEstimate]:
    """Operation ``setWalletEstimate`` (see the module)."""
    if (refused := writer.refusal()) is not None:
        return refused
    if writer.in_scope(Kind.COMPANIES, given.company_id, Company) is None:
        return Missing("account", given.company_id)
    problems = Problems()
    problems.text("category", given.category, required=True)
    problems.amount("amount", given.amount)
    currency: str | None = None
    try:
        currency = parse_currency(given.currency)
    except ValueError as exc:
        problems.add("currency", str(exc))
    problems.not_after("asOf", given.as_of, writer.today())
    if given.bu_id is not None:
        unit = writer.current(Kind.BUSINESS_UNITS, given.bu_id, BusinessUnit)
        if unit is None or unit.company_id != given.company_id:
            problems.add("businessUnitId", f"no business unit {given.bu_id!r} at the account")
    if given.vendor_rank is not None and given.vendor_rank < 1:
        problems.add("vendorRank", "must be 1 or more")
    if given.vendor_count is not None and given.vendor_count < 1:
        problems.add("vendorCount", "must be 1 or more")
    elif (
        given.vendor_rank is not None
        and given.vendor_count is not None
        and given.vendor_rank > given.vendor_count
    ):
        problems.add("vendorRank", "must be at most vendorCount")
    if (invalid := problems.invalid()) is not None:
        return invalid
    after = WalletEstimate(
        company_id=given.company_id,
        category=clean(given.category) or "",
        amount=given.amount,
        as_of=given.as_of,
        bu_id=given.bu_id,
        source=given.source,
        vendor_rank=given.vendor_rank,
        vendor_count=given.vendor_count,
        currency=currency,
    )
    before = writer.current(Kind.WALLET, after.id, WalletEstimate)
    if after == before:
        return Written(after, after.company_id, changed=False)
    audit = writer.audit(
        "setWalletEstimate", Kind.WALLET, {after.id: (before, after)}, [after.company_id]
    )
    writer.store.upsert(Kind.WALLET, [after], audit=audit)
    return Written(after, after.company_id, created=before is None)
