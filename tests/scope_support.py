"""A graph with more than one account team, the callers who see parts of it, and a way to run
GraphQL as each of them.

The graph is ACME (tests/fixtures.py) plus Beta's side: Zed (m3) is on Beta's (c3) account
team; Beta has one person, Pia (p5), and one deal (d3). So the rep Eve (m2, Acme's team) sees
Acme and Acme Japan (c1, c2) and not Beta; the rep Zed sees Beta only; Kim (m4), on Acme
Japan's team alone, sees Acme Japan but not its parent; the manager Max (m1, Eve's manager)
sees what Eve sees.
"""

from __future__ import annotations

from typing import Any

from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.auth import AuthMethod, Principal, PrincipalKind, Role
from graph_service.domain import (
    AccountTeamMember,
    Deal,
    Kind,
    Person,
    Record,
    Stage,
    TeamMember,
)
from graph_service.store.base import Store
from tests.fixtures import ACME

BETA: dict[Kind, list[Record]] = {
    **ACME,
    Kind.PEOPLE: [*ACME[Kind.PEOPLE], Person(id="p5", company_id="c3", full_name="Pia Beta")],
    Kind.TEAM: [
        *ACME[Kind.TEAM],
        TeamMember(id="m3", full_name="Zed Rep"),
        TeamMember(id="m4", full_name="Kim Rep"),
    ],
    Kind.ACCOUNT_TEAM: [
        *ACME[Kind.ACCOUNT_TEAM],
        AccountTeamMember(company_id="c3", member_id="m3", role="owner"),
        AccountTeamMember(company_id="c2", member_id="m4", role="owner"),
    ],
    Kind.DEALS: [
        *ACME[Kind.DEALS],
        Deal(id="d3", company_id="c3", stage=Stage.PROPOSAL, owner_id="m3", amount=900.0),
    ],
}


def rep(member_id: str) -> Principal:
    return Principal(PrincipalKind.MEMBER, member_id, Role.REP, AuthMethod.API_KEY)


EVE, ZED, KIM = rep("m2"), rep("m3"), rep("m4")
MAX = Principal(PrincipalKind.MEMBER, "m1", Role.MANAGER, AuthMethod.API_KEY)
STRATEGIST = Principal(PrincipalKind.SERVICE, "planning", Role.STRATEGIST, AuthMethod.API_KEY)
ADMIN = Principal(PrincipalKind.SERVICE, "ops", Role.ADMIN, AuthMethod.API_KEY)
#: A service account with the rep role and no team member of its id: it sees no account.
BOT = Principal(PrincipalKind.SERVICE, "crm-sync", Role.REP, AuthMethod.API_KEY)


def execute(
    store: Store, principal: Principal, document: str, **variables: Any
) -> tuple[dict[str, Any] | None, list[Any] | None]:
    """The answer's data and errors."""
    result = schema.execute_sync(
        document,
        variable_values=variables or None,
        context_value=Context.for_store(store, principal=principal),
    )
    return result.data, result.errors


def run(store: Store, principal: Principal, document: str, **variables: Any) -> dict[str, Any]:
    """The answer's data; fails the test on any error."""
    data, errors = execute(store, principal, document, **variables)
    assert errors is None, errors
    assert data is not None
    return data
