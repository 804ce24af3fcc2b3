"""The Maven Analytics "CRM Sales Opportunities" sample (``accounts.csv``, ``sales_teams.csv``,
``products.csv``, ``sales_pipeline.csv``); mapping tables and decisions in ``docs/presets.md``.

- ``accounts.csv`` -> companies: id = :func:`~loaders.presets.base.slug` of the account name
  (the pipeline refers to accounts by name), ``subsidiary_of`` -> parent, ``sector`` ->
  industry, ``revenue`` (millions of USD) -> annual revenue in USD, ``office_location`` ->
  country.
- ``sales_teams.csv`` -> team members: each manager once (``sales_teams.csv (managers)``, team
  role ``manager``), then each agent (team role ``ae``, their manager, ``regional_office`` ->
  region).
- ``products.csv`` -> the product catalogue (not a node kind): a pipeline product is looked up
  by :func:`~loaders.normalize.normalize_key`, so ``GTXPro`` is the catalogue's ``GTX Pro``, and
  the product's ``series`` becomes the deal's category.
- ``sales_pipeline.csv`` -> deals (stages by :data:`~loaders.presets.vocab.MAVEN_STAGES`,
  ``engage_date`` -> created date, ``close_value`` -> amount in USD, the agent -> owner), and
  ``sales_pipeline.csv (account teams)``: each agent owning deals of an account is on its team.
- An opportunity without an account is rejected with :data:`UNASSIGNED_REASON`, so the report
  counts it and the reject file lists it (see docs/presets.md for why it is not loaded under a
  placeholder account).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graph_service.domain import Kind, TeamRole
from graph_service.errors import InputFileError
from loaders.csvfile import rejection
from loaders.parsing import parse_amount
from loaders.presets.base import (
    BundleRow,
    Col,
    ExportDir,
    PresetSource,
    SideFile,
    Source,
    SourceRow,
    reject,
    slug,
    table,
)
from loaders.presets.vocab import MAVEN_STAGES, maven_stage
from loaders.report import FileReport, Reject
from loaders.tables import SourceTable

UNASSIGNED_REASON = (
    "opportunity has no account: open pipeline not tied to an account is not loaded "
    "(see docs/presets.md, maven-crm)"
)
FILES = ("accounts.csv", "sales_teams.csv", "products.csv", "sales_pipeline.csv")


class Catalogue:
    """The product catalogue of ``products.csv``: canonical product name and series by the
    normalized key of any spelling. Read once, on first use."""

    def __init__(self, source: Source | None) -> None:
        self._source = source
        self._products: dict[str, tuple[str, str | None]] | None = None
        self._report = FileReport(file=source.name if source else "products.csv")
        self._rejects: list[Reject] = []

    def _load(self) -> dict[str, tuple[str, str | None]]:
        if self._products is not None:
            return self._products
        self._products = {}
        if self._source is None:
            return self._products
        report, source = self._report, self._source
        try:
            product, series = source.require("product"), source.column("series")
            first: dict[str, int] = {}
            for line, raw in source.rows():
                report.read += 1
                name = (raw.get(product) or "").strip()
                key = slug(name)
                broken = rejection(raw)
                if broken or not key:
                    reason = broken[2] if broken else "required value is empty"
                    self._rejects.append(Reject(source.name, line, "product", name, reason))
                    report.rejected += 1
                elif key in first:
                    reason = f"duplicate: line {first[key]} has the same product already"
                    self._rejects.append(Reject(source.name, line, "product", name, reason))
                    report.rejected += 1
                else:
                    first[key] = line
                    category = (raw.get(series) or "").strip() if series else ""
                    self._products[key] = (name, category or None)
                    report.loaded += 1
        except InputFileError as exc:
            report.error = str(exc)
        return self._products

    def lookup(self, product: str) -> tuple[str, str | None]:
        """The catalogue's name and series of ``product``; an unknown product as given, with no
        category."""
        return self._load().get(slug(product), (product, None))

    def report(self) -> tuple[FileReport, list[Reject]]:
        self._load()
        return self._report, self._rejects


def tables(path: Path, encoding: str | None = "auto") -> PresetSource:
    """The tables of a Maven CRM folder, in load order."""
    export = ExportDir(path, encoding, "maven-crm")
    accounts = export.find("accounts.csv")
    teams = export.find("sales_teams.csv")
    products = export.find("products.csv")
    pipeline = export.find("sales_pipeline.csv")
    export.require_some((accounts, teams, products, pipeline), FILES)
    catalogue = Catalogue(products)
    out = PresetSource(tables=[])
    if accounts is not None:
        out.tables.append(_companies(accounts))
    if teams is not None:
        out.tables += [_managers(teams), _agents(teams)]
    if pipeline is not None:
        out.tables += [_account_teams(pipeline), _deals(pipeline, catalogue)]
        if products is not None:
            first = f"{pipeline.name} (account teams)"
            out.side_files.append(SideFile(before=first, report=catalogue.report))
    elif products is not None:
        out.side_files.append(SideFile(before="", report=catalogue.report))
    return out


def _companies(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        name = r["account"]
        if not slug(name):
            yield reject("account name is empty", r.column("account"), name)
            return
        revenue: str | None = None
        if raw := r["revenue"]:
            try:
                revenue = repr(round(parse_amount(raw) * 1_000_000, 2))
            except ValueError as exc:
                yield reject(str(exc), r.column("revenue"), raw)
                return
        yield {
            "company_id": slug(name),
            "name": name,
            "industry": r["sector"] or None,
            "annual_revenue": revenue,
            "employees": r["employees"] or None,
            "country": r["office_location"] or None,
            "parent_company_id": slug(r["subsidiary_of"]) or None,
        }

    return table(
        Kind.COMPANIES,
        source.name,
        source,
        {
            "account": Col.of("account", required=True),
            "sector": Col.of("sector"),
            "revenue": Col.of("revenue"),
            "employees": Col.of("employees"),
            "office_location": Col.of("office_location"),
            "subsidiary_of": Col.of("subsidiary_of"),
        },
        convert,
        unique="company_id",
        names={
            "company_id": "account",
            "name": "account",
            "industry": "sector",
            "annual_revenue": "revenue",
            "country": "office_location",
            "parent_company_id": "subsidiary_of",
        },
    )


_TEAM_NAMES = {"member_id": "sales_agent", "full_name": "sales_agent", "manager_id": "manager"}


def _managers(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if slug(r["manager"]):
            yield {
                "member_id": slug(r["manager"]),
                "full_name": r["manager"],
                "team_role": TeamRole.MANAGER.value,
                "region": r["regional_office"] or None,
            }

    return table(
        Kind.TEAM,
        f"{source.name} (managers)",
        source,
        {"manager": Col.of("manager", required=True), "regional_office": Col.of("regional_office")},
        convert,
        main=False,
        distinct=lambda row: row["member_id"],
        names={"member_id": "manager", "full_name": "manager", "region": "regional_office"},
    )


def _agents(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        agent = r["sales_agent"]
        if not slug(agent):
            yield reject("required value is empty", r.column("sales_agent"), agent)
            return
        yield {
            "member_id": slug(agent),
            "full_name": agent,
            "team_role": TeamRole.AE.value,
            "manager_id": slug(r["manager"]) or None,
            "region": r["regional_office"] or None,
        }

    return table(
        Kind.TEAM,
        source.name,
        source,
        {
            "sales_agent": Col.of("sales_agent", required=True),
            "manager": Col.of("manager"),
            "regional_office": Col.of("regional_office"),
        },
        convert,
        unique="member_id",
        names={**_TEAM_NAMES, "region": "regional_office"},
    )


_PIPELINE_SPEC = {
    "opportunity_id": Col.of("opportunity_id", required=True),
    "sales_agent": Col.of("sales_agent"),
    "product": Col.of("product"),
    "account": Col.of("account", required=True),
    "deal_stage": Col.of("deal_stage", required=True),
    "engage_date": Col.of("engage_date"),
    "close_date": Col.of("close_date"),
    "close_value": Col.of("close_value"),
}


def _account_teams(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if slug(r["account"]) and slug(r["sales_agent"]):
            yield {
                "company_id": slug(r["account"]),
                "member_id": slug(r["sales_agent"]),
                "role": TeamRole.AE.value,
            }

    return table(
        Kind.ACCOUNT_TEAM,
        f"{source.name} (account teams)",
        source,
        _PIPELINE_SPEC,
        convert,
        main=False,
        distinct=lambda row: (row["company_id"], row["member_id"]),
        names={"company_id": "account", "member_id": "sales_agent"},
    )


def _deals(source: Source, catalogue: Catalogue) -> SourceTable:
    known = ", ".join(MAVEN_STAGES)

    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if not slug(r["account"]):
            yield reject(UNASSIGNED_REASON, r.column("account"), r["account"])
            return
        stage = maven_stage(r["deal_stage"])
        if stage is None:
            reason = f"{r['deal_stage']!r} is not a Maven CRM stage ({known})"
            yield reject(reason, r.column("deal_stage"), r["deal_stage"])
            return
        product, category = catalogue.lookup(r["product"]) if r["product"] else ("", None)
        yield {
            "deal_id": r["opportunity_id"],
            "company_id": slug(r["account"]),
            "stage": stage.value,
            "product": product or None,
            "category": category,
            "amount": r["close_value"] or None,
            "currency": "USD",
            "created_date": r["engage_date"] or None,
            "close_date": r["close_date"] or None,
            "owner_id": slug(r["sales_agent"]) or None,
        }

    return table(
        Kind.DEALS,
        source.name,
        source,
        _PIPELINE_SPEC,
        convert,
        unique="deal_id",
        names={
            "deal_id": "opportunity_id",
            "company_id": "account",
            "stage": "deal_stage",
            "amount": "close_value",
            "created_date": "engage_date",
            "owner_id": "sales_agent",
        },
    )
