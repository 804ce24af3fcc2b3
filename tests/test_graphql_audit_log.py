"""``auditLog``: the audit trail for admins, newest first, filtered by member, account,
operation and time; every other role is refused with FORBIDDEN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph_service.store.base import Store
from tests.mutation_support import WHEN, beta
from tests.scope_support import ADMIN, EVE, MAX, STRATEGIST, ZED, execute, run

__all__ = ["beta"]

LOG_TOUCH = """
mutation ($key: String!, $person: ID!, $when: DateTime!) {
  logTouch(input: {idempotencyKey: $key, personId: $person, type: CALL, occurredAt: $when}) {
    __typename
  }
}
"""

AUDIT = """
query ($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { actor actorKind operation kind entityIds accountIds changes at } }
  }
}
"""


def audit(store: Store, **variables: Any) -> Any:
    return run(store, ADMIN, AUDIT, **variables)["auditLog"]


@pytest.fixture
def logged(beta: Store) -> Store:
    run(beta, EVE, LOG_TOUCH, key="a", person="p1", when=WHEN)
    run(beta, ZED, LOG_TOUCH, key="b", person="p5", when=WHEN)
    run(beta, EVE, LOG_TOUCH, key="c", person="p4", when=WHEN)
    return beta


def test_admins_read_the_writes_newest_first(logged: Store) -> None:
    page = audit(logged, filter={"operation": "logTouch"})
    nodes = [e["node"] for e in page["edges"]]
    assert page["totalCount"] == 3
    assert [(n["actor"], n["accountIds"]) for n in nodes] == [
        ("m2", ["c2"]),
        ("m3", ["c3"]),
        ("m2", ["c1"]),
    ]
    assert nodes[0]["kind"] == "touches" and nodes[0]["actorKind"] == "member"
    (touch_id,) = nodes[0]["entityIds"]
    assert nodes[0]["changes"][touch_id]["person_id"] == [None, "p4"]


def test_filters_by_member_account_and_time(logged: Store) -> None:
    assert audit(logged, filter={"memberId": "m2", "operation": "logTouch"})["totalCount"] == 2
    assert audit(logged, filter={"accountId": "c3"})["totalCount"] == 1
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert audit(logged, filter={"since": later})["totalCount"] == 0
    assert audit(logged, filter={"until": later, "operation": "logTouch"})["totalCount"] == 3


def test_pages_follow_the_cursor(logged: Store) -> None:
    first = audit(logged, first=2, filter={"operation": "logTouch"})
    assert first["pageInfo"]["hasNextPage"] is True
    rest = audit(
        logged, first=2, after=first["pageInfo"]["endCursor"], filter={"operation": "logTouch"}
    )
    assert [e["node"]["accountIds"] for e in rest["edges"]] == [["c1"]]
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("principal", [EVE, MAX, STRATEGIST], ids=["rep", "manager", "strategist"])
def test_every_other_role_is_refused(logged: Store, principal: Any) -> None:
    data, errors = execute(logged, principal, AUDIT)
    assert data is None and errors is not None
    assert errors[0].message == f"a {principal.role.value} may not audit"


def test_a_time_without_an_offset_is_a_bad_argument(logged: Store) -> None:
    _, errors = execute(logged, ADMIN, AUDIT, filter={"since": "2026-11-20T10:00:00"})
    assert errors is not None and "since needs a time zone offset" in errors[0].message
