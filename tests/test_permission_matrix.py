"""The permission matrix, run: every operation of :data:`~graph_service.api.permissions.OPERATIONS`
(query, mutation, drawing, export) as every role, for an account of its own and another's, over
HTTP with a real API key, on both stores; each answer must be the matrix's outcome
(:func:`~graph_service.api.permissions.outcome`) and leak nothing.

Leaks looked for:

- **not found** must be *exactly* the answer for ids that do not exist (the hidden ids swapped
  for unknown ones), so that nobody can tell a hidden record from a missing one;
- **own** (a portfolio answer over the caller's accounts) must name no hidden account, person
  or member, by id or by name;
- a refused or not-found write leaves no audit record behind.

The graph is tests/scope_support.py's BETA plus what the hidden side needs for every operation
to have something to act on: a second person at Beta (p6), a buying role, a next action at
each account, and a won deal and a wallet estimate at Beta so that it shows in every
portfolio answer an admin gets. "Own" is Acme (c1): the rep Eve's account, and her manager
Max's through her; "other" is Beta (c3), Zed's. A strategist and an admin see both.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_service.api.app import create_app
from graph_service.api.permissions import OPERATIONS, Operation, Outcome, Reach, outcome
from graph_service.audit import AuditFilter, new_audit
from graph_service.auth import Principal, Role
from graph_service.domain import (
    BuyingRole,
    Deal,
    Kind,
    NextAction,
    Person,
    Record,
    Stage,
    WalletEstimate,
)
from graph_service.domain import (
    Role as BuyingRoleName,
)
from graph_service.store.base import Store
from tests.auth_support import Credentials
from tests.fixtures import load
from tests.mutation_support import WHEN
from tests.scope_support import ADMIN, BETA, EVE, MAX, STRATEGIST

MATRIX: dict[Kind, list[Record]] = {
    **BETA,
    Kind.PEOPLE: [*BETA[Kind.PEOPLE], Person(id="p6", company_id="c3", full_name="Quinn Beta")],
    Kind.BUYING_ROLES: [
        *BETA[Kind.BUYING_ROLES],
        BuyingRole(person_id="p5", role=BuyingRoleName.DECIDER),
    ],
    Kind.DEALS: [
        *BETA[Kind.DEALS],
        Deal(
            id="d4",
            company_id="c3",
            stage=Stage.WON,
            amount=5000.0,
            currency="USD",
            close_date=date(2026, 6, 30),
            owner_id="m3",
        ),
    ],
    Kind.NEXT_ACTIONS: [
        *BETA.get(Kind.NEXT_ACTIONS, []),
        NextAction(
            id="n1",
            company_id="c1",
            member_id="m2",
            due_date=date(2026, 12, 9),
            description="Call Bob",
        ),
        NextAction(
            id="n3",
            company_id="c3",
            member_id="m3",
            due_date=date(2026, 12, 9),
            description="Call Pia",
        ),
    ],
    Kind.WALLET: [
        *BETA.get(Kind.WALLET, []),
        WalletEstimate(
            company_id="c3",
            category="analytics",
            amount=80000.0,
            as_of=date(2026, 1, 1),
            currency="USD",
        ),
    ],
}

#: The ids each side's requests name: Acme's, Beta's, and ids nothing has.
SIDES: dict[str, dict[str, str]] = {
    "own": {
        "account": "c1",
        "person": "p2",
        "person2": "p3",
        "deal": "d1",
        "member": "m2",
        "action": "n1",
        "role_holder": "p1",
        "role": "DECIDER",
    },
    "other": {
        "account": "c3",
        "person": "p5",
        "person2": "p6",
        "deal": "d3",
        "member": "m3",
        "action": "n3",
        "role_holder": "p5",
        "role": "DECIDER",
    },
    "unknown": {
        "account": "zz-account",
        "person": "zz-person",
        "person2": "zz-person2",
        "deal": "zz-deal",
        "member": "zz-member",
        "action": "zz-action",
        "role_holder": "zz-person",
        "role": "DECIDER",
    },
}
#: What names the hidden side in an answer: its ids (as JSON or HTML values) and names.
HIDDEN_MARKERS = ("Beta Ltd", "Pia Beta", "Quinn Beta", "Zed Rep", "Call Pia")
HIDDEN_IDS = ("c3", "p5", "p6", "d3", "d4", "m3", "n3")
AS_OF = "2026-11-30"


@dataclass(frozen=True)
class Request:
    """A GraphQL document with its variables (``field``: the answer's top-level field), or a
    GET of ``url`` with ``params``."""

    field: str | None = None
    document: str | None = None
    variables: dict[str, Any] | None = None
    url: str | None = None
    params: dict[str, str] | None = None


Build = Callable[[dict[str, str]], Request]


def gql(field: str, document: str, **variables: Any) -> Request:
    return Request(field=field, document=document, variables=variables)


ANSWER = "{ __typename ... on NotFound { id message } }"
RESULT = "{ __typename ... on NotFound { id message } ... on Forbidden { message } }"
PAGE = "{ totalCount edges { node { accountId } } }"


def _mutation(field: str, input_type: str) -> str:
    return f"mutation ($input: {input_type}!) {{ {field}(input: $input) {RESULT} }}"


REQUESTS: dict[str, Build] = {
    "query account": lambda s: gql(
        "account", f"query ($id: ID!) {{ account(id: $id) {ANSWER} }}", id=s["account"]
    ),
    "query accounts": lambda s: gql(
        "accounts", "{ accounts(first: 500) { totalCount edges { node { id name } } } }"
    ),
    "query person": lambda s: gql(
        "person", f"query ($id: ID!) {{ person(id: $id) {ANSWER} }}", id=s["person"]
    ),
    "query deal": lambda s: gql(
        "deal", f"query ($id: ID!) {{ deal(id: $id) {ANSWER} }}", id=s["deal"]
    ),
    "query member": lambda s: gql(
        "member", f"query ($id: ID!) {{ member(id: $id) {ANSWER} }}", id=s["member"]
    ),
    "query coverageGaps": lambda s: gql(
        "coverageGaps",
        f'query ($id: ID!) {{ coverageGaps(accountId: $id, asOf: "{AS_OF}") {ANSWER} }}',
        id=s["account"],
    ),
    "query influencePaths": lambda s: gql(
        "influencePaths",
        "query ($id: ID!, $to: ID!) { influencePaths(accountId: $id, targetPersonId: $to, "
        f'asOf: "{AS_OF}") {ANSWER} }}',
        id=s["account"],
        to=s["role_holder"],
    ),
    "query nextBestTouches": lambda s: gql(
        "nextBestTouches",
        f'query ($id: ID!) {{ nextBestTouches(accountId: $id, asOf: "{AS_OF}") {ANSWER} }}',
        id=s["account"],
    ),
    "query shareOfWallet": lambda s: gql(
        "shareOfWallet",
        f'query ($id: ID!) {{ shareOfWallet(accountId: $id, asOf: "{AS_OF}") {ANSWER} }}',
        id=s["account"],
    ),
    "query portfolioCoverage": lambda s: gql(
        "portfolioCoverage",
        f'{{ portfolioCoverage(first: 500, asOf: "{AS_OF}", currency: "USD") {PAGE} }}',
    ),
    "query ltvShareAnalysis": lambda s: gql(
        "ltvShareAnalysis",
        f'{{ ltvShareAnalysis(asOf: "{AS_OF}", currency: "USD") '
        "{ points { accountId name } } }",
    ),
    "query rfmSegments": lambda s: gql(
        "rfmSegments", f'{{ rfmSegments(asOf: "{AS_OF}", currency: "USD") {{ accountId }} }}'
    ),
    "query targetList": lambda s: gql(
        "targetList",
        f'{{ targetList(first: 500, asOf: "{AS_OF}", currency: "USD") '
        "{ totalCount edges { node { accountId name } } } }",
    ),
    "query auditLog": lambda s: gql(
        "auditLog", "{ auditLog(first: 500) { totalCount edges { node { accountIds } } } }"
    ),
    "mutation logTouch": lambda s: gql(
        "logTouch",
        _mutation("logTouch", "LogTouchInput"),
        input={
            "idempotencyKey": "matrix",
            "personId": s["person"],
            "type": "CALL",
            "occurredAt": WHEN,
            "memberId": s["member"],
        },
    ),
    "mutation upsertPerson": lambda s: gql(
        "upsertPerson",
        _mutation("upsertPerson", "PersonInput"),
        input={"id": s["person"], "title": "Director"},
    ),
    "mutation setBuyingRole": lambda s: gql(
        "setBuyingRole",
        _mutation("setBuyingRole", "BuyingRoleInput"),
        input={"personId": s["person"], "role": "BUYER"},
    ),
    "mutation endBuyingRole": lambda s: gql(
        "endBuyingRole",
        _mutation("endBuyingRole", "EndBuyingRoleInput"),
        input={"personId": s["role_holder"], "role": s["role"], "until": "2026-11-30"},
    ),
    "mutation upsertRelationship": lambda s: gql(
        "upsertRelationship",
        _mutation("upsertRelationship", "RelationshipInput"),
        input={"fromPersonId": s["person"], "toPersonId": s["person2"], "type": "KNOWS"},
    ),
    "mutation addNextAction": lambda s: gql(
        "addNextAction",
        _mutation("addNextAction", "NextActionInput"),
        input={
            "accountId": s["account"],
            "dueDate": "2026-12-20",
            "description": "Demo",
            "memberId": s["member"],
        },
    ),
    "mutation completeNextAction": lambda s: gql(
        "completeNextAction",
        f"mutation ($id: ID!) {{ completeNextAction(id: $id) {RESULT} }}",
        id=s["action"],
    ),
    "mutation setWalletEstimate": lambda s: gql(
        "setWalletEstimate",
        _mutation("setWalletEstimate", "WalletEstimateInput"),
        input={
            "accountId": s["account"],
            "category": "security",
            "amount": 1000.0,
            "currency": "USD",
            "asOf": "2026-11-01",
        },
    ),
    "GET /viz/accounts/{id}/org-map": lambda s: Request(
        url=f"/viz/accounts/{s['account']}/org-map", params={"asOf": AS_OF}
    ),
    "GET /viz/portfolio/sow": lambda s: Request(
        url="/viz/portfolio/sow", params={"format": "html", "asOf": AS_OF, "currency": "USD"}
    ),
    "GET /export/targets.{format}": lambda s: Request(
        url="/export/targets.csv", params={"asOf": AS_OF, "currency": "USD"}
    ),
}

ROLES: dict[Role, Principal] = {
    Role.REP: EVE,
    Role.MANAGER: MAX,
    Role.STRATEGIST: STRATEGIST,
    Role.ADMIN: ADMIN,
}


def test_every_operation_has_a_request() -> None:
    assert sorted(REQUESTS) == sorted(op.name for op in OPERATIONS)


@dataclass
class Answer:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


Send = Callable[[Principal, Request], Answer]


@pytest.fixture
def send(store: Store, tmp_path: Path) -> Iterator[Send]:
    load(store, MATRIX)
    # one audited write at each account, so that the audit log has something of both
    for company in MATRIX[Kind.COMPANIES]:
        audit = new_audit(
            actor="seed",
            actor_kind="loader",
            operation="load",
            kind=Kind.COMPANIES,
            entity_ids=[company.id],
            account_ids=[company.id],
        )
        store.upsert(Kind.COMPANIES, [company], audit=audit)
    credentials = Credentials(tmp_path / "keys")
    app = create_app(store, store_name="matrix", authenticator=credentials.authenticator)
    headers: dict[Principal, dict[str, str]] = {}

    def call(principal: Principal, request: Request) -> Answer:
        if principal not in headers:
            headers[principal] = credentials.header(
                principal.role,
                member_id=principal.member_id,
                members=store,
                service=None if principal.member_id else principal.id,
            )

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=headers[principal]
            ) as client:
                if request.url is not None:
                    return await client.get(request.url, params=request.params)
                body = {"query": request.document, "variables": request.variables}
                return await client.post("/graphql", json=body)

        r = asyncio.run(go())
        return Answer(r.status_code, r.text)

    yield call


def accounts_named(answer: Answer) -> set[str]:
    """The account ids a portfolio answer names (JSON values, CSV cells or HTML text)."""
    return {c for c in ("c1", "c2", "c3") if _names(answer.text, c)}


def _names(text: str, account_id: str) -> bool:
    return (
        any(f"{q}{account_id}{q}" in text for q in ('"', "'"))
        or f">{account_id}<" in text
        or (
            f"\n{account_id}," in text
            or f",{account_id}," in text
            or text.startswith(f"{account_id},")
        )
        or {"c1": "Acme Corp", "c3": "Beta Ltd", "c2": "Acme Japan"}[account_id] in text
    )


def classify(op: Operation, answer: Answer) -> Outcome:
    if answer.status == 403:
        return Outcome.REFUSED
    if answer.status == 404:
        return Outcome.NOT_FOUND
    assert answer.status == 200, answer.text
    if op.name.startswith(("query ", "mutation ")):
        body = answer.json()
        if body.get("errors"):
            codes = {e["extensions"]["code"] for e in body["errors"]}
            assert codes == {"FORBIDDEN"}, body
            return Outcome.REFUSED
        if op.reach is Reach.ACCOUNT:
            kind = body["data"][op.name.split()[1]]["__typename"]
            return {"NotFound": Outcome.NOT_FOUND, "Forbidden": Outcome.REFUSED}.get(
                kind, Outcome.YES
            )
    if op.reach is Reach.PORTFOLIO:
        return Outcome.ALL if "c3" in accounts_named(answer) else Outcome.OWN
    return Outcome.YES


def swapped(text: str, side: dict[str, str]) -> str:
    """``text`` with the hidden side's ids replaced by the unknown side's."""
    for name, hidden in side.items():
        if name != "role":
            text = text.replace(hidden, SIDES["unknown"][name])
    return text


@pytest.mark.parametrize("role", list(ROLES), ids=[r.value for r in ROLES])
@pytest.mark.parametrize("op", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_the_matrix_holds_with_no_leak(send: Send, store: Store, op: Operation, role: Role) -> None:
    principal = ROLES[role]
    build = REQUESTS[op.name]
    for side, own in (("own", True), ("other", False)):
        expected = outcome(op, role, own=own)
        answer = send(principal, build(SIDES[side]))
        got = classify(op, answer)
        assert got is expected, f"{op.name} as {role.value} ({side}): {got} != {expected}"
        if got is Outcome.NOT_FOUND:
            unknown = send(principal, build(SIDES["unknown"]))
            assert swapped(answer.text, SIDES[side]) == unknown.text, "hidden != unknown"
        if got in (Outcome.NOT_FOUND, Outcome.OWN, Outcome.REFUSED):
            leaked = [m for m in HIDDEN_MARKERS if m in answer.text]
            if got is not Outcome.NOT_FOUND:  # a not-found echoes the id the caller sent
                leaked += [i for i in HIDDEN_IDS if f'"{i}"' in answer.text]
                leaked += ["c3"] if "c3" in accounts_named(answer) else []
            assert not leaked, f"{op.name} as {role.value} ({side}) names {leaked}"
    if op.action.value == "write" and outcome(op, role, own=False) is not Outcome.YES:
        hidden_writes = store.audit_log(
            AuditFilter(account_id="c3", member_id=principal.id), first=1, after=None
        )
        assert hidden_writes.total == 0


def test_an_export_lists_only_the_callers_accounts_when_it_may_export(send: Send) -> None:
    answer = send(STRATEGIST, REQUESTS["GET /export/targets.{format}"](SIDES["own"]))
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert {r["account_id"] for r in rows} == {"c1", "c2", "c3"}
