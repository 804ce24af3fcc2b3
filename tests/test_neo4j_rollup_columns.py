"""The rollup scans that send records as value lists send them in the dataclass's field order.

``from_value_rows`` rebuilds records by position, and the rollup fills in a company's parent
by the position of ``parent_company_id``: the Cypher lists must follow the declarations.
"""

from __future__ import annotations

import dataclasses
import re

from graph_service.domain import Company, NextAction
from graph_service.store.neo4j.rollup import ROLLUP_COMPANIES, ROLLUP_NEXT_ACTIONS


def value_list(query: str) -> list[str]:
    """The expressions of the query's ``collect([...]) AS rows``."""
    match = re.search(r"collect\(\[(.*)\]\) AS rows", query, re.DOTALL)
    assert match, query
    return [expr.strip() for expr in match.group(1).split(",")]


def test_companies_are_sent_in_field_order_with_the_parent_left_out() -> None:
    sent = {"parent_company_id": "null", "retired_at": "toString(c.retired_at)"}  # ISO text
    expected = [sent.get(f.name, f"c.{f.name}") for f in dataclasses.fields(Company)]
    assert value_list(ROLLUP_COMPANIES) == expected


def test_next_actions_are_sent_in_field_order() -> None:
    source = {
        "id": "a.id",
        "company_id": "c.id",
        "member_id": "m.id",
        "due_date": "toString(a.due_date)",
        "description": "a.description",
        "person_id": "p.id",
        "status": "a.status",
    }
    assert value_list(ROLLUP_NEXT_ACTIONS) == [
        source[f.name] for f in dataclasses.fields(NextAction)
    ]
