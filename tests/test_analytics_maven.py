"""Share of wallet on the public Maven CRM sample, against figures computed here from the CSVs.

As of 2017-12-31 the spend window is 2017-01-01 .. 2017-12-31. Spend per account is the sum of
``close_value`` of its Won opportunities closed in the window; a family's spend adds every
account whose ``subsidiary_of`` chain leads to it. The sample has no wallet estimates, so shares
are modeled; spend must still match to the cent, alone and rolled up.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from datetime import date

import pytest

from graph_service.analytics import queries
from graph_service.store.base import Store
from graph_service.store.family import family_views
from loaders.presets import load_preset
from loaders.presets.base import slug
from tests.conftest import MAVEN_CRM, needs_maven_crm

pytestmark = needs_maven_crm

AS_OF = date(2017, 12, 31)


def rows(name: str) -> list[dict[str, str]]:
    with (MAVEN_CRM / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_spend() -> tuple[dict[str, float], dict[str, float]]:
    """Won spend in the window per account id, and per family (the account and descendants)."""
    alone: dict[str, float] = defaultdict(float)
    for r in rows("sales_pipeline.csv"):
        if (
            r["account"]
            and r["deal_stage"] == "Won"
            and "2017-01-01" <= r["close_date"] <= "2017-12-31"
        ):
            alone[slug(r["account"])] += float(r["close_value"])
    parent = {
        slug(a["account"]): slug(a["subsidiary_of"])
        for a in rows("accounts.csv")
        if a["subsidiary_of"]
    }
    family: dict[str, float] = defaultdict(float)
    for account in {slug(a["account"]) for a in rows("accounts.csv")}:
        node: str | None = account
        while node is not None:
            family[node] += alone.get(account, 0.0)
            node = parent.get(node)
    return alone, family


def test_spend_per_account_and_per_subsidiary_family(store: Store) -> None:
    load_preset("maven-crm", MAVEN_CRM, store)
    alone, family = expected_spend()
    parents = {slug(a["subsidiary_of"]) for a in rows("accounts.csv") if a["subsidiary_of"]}
    assert parents, "the sample has subsidiary links"
    checked = 0
    for account in sorted(parents) + sorted(alone)[:10]:
        own = queries.wallet_share(store, account, AS_OF)
        assert own.total.spend == pytest.approx(alone.get(account, 0.0), abs=0.005), account
        rolled = queries.wallet_share(store, account, AS_OF, include_subsidiaries=True)
        assert rolled.total.spend == pytest.approx(family[account], abs=0.005), account
        checked += 1
    assert checked >= 10
    assert any(family[p] > alone.get(p, 0.0) for p in parents)  # roll-up adds something


def test_a_modeled_wallet_names_the_inputs_of_each_account_in_it(store: Store) -> None:
    """No estimates in the sample: the wallet is modeled from each company's firmographics."""
    load_preset("maven-crm", MAVEN_CRM, store)
    parent = sorted({slug(a["subsidiary_of"]) for a in rows("accounts.csv") if a["subsidiary_of"]})[
        0
    ]
    family = family_views(store, parent)
    assert len(family) > 1
    rolled = queries.wallet_share(store, parent, AS_OF, include_subsidiaries=True)
    assert rolled.total.modeled and rolled.model_inputs is not None
    assert rolled.model_inputs["quantile"] == 0.9
    for view in family:
        company = view.company
        assert company.annual_revenue and company.employees
        inputs = rolled.model_inputs
        assert inputs[f"{company.id}:log_annual_revenue"] == math.log(company.annual_revenue)
        assert inputs[f"{company.id}:log_employees"] == math.log(company.employees)
