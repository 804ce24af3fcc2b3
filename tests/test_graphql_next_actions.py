"""``addNextAction``, ``completeNextAction`` and ``setWalletEstimate``: the plan and the
wallet of an account, written only at the caller's accounts, with audit records.

The graph is tests/scope_support.py's: Eve (m2) sees Acme (c1) and Acme Japan (c2); Zed (m3)
sees Beta (c3: Pia p5); Kim (m4) is on Acme Japan's team.
"""

from __future__ import annotations

from typing import Any

from graph_service.store.base import Store
from tests.mutation_support import FAILURES, audit_trail, beta, field_errors
from tests.scope_support import ADMIN, EVE, STRATEGIST, ZED, run

__all__ = ["beta"]

ADD = (
    """
mutation ($input: NextActionInput!) {
  addNextAction(input: $input) {
    __typename
    ... on NextActionSaved {
      nextAction { id dueDate description status memberId personId person { fullName } }
    }
"""
    + FAILURES
    + "} }"
)
COMPLETE = (
    """
mutation ($id: ID!) {
  completeNextAction(id: $id) {
    __typename
    ... on NextActionSaved { nextAction { id status } }
"""
    + FAILURES
    + "} }"
)
WALLET = (
    """
mutation ($input: WalletEstimateInput!) {
  setWalletEstimate(input: $input) {
    __typename
    ... on WalletEstimateSaved {
      accountId
      walletEstimate { category amount { amount currency } asOf businessUnitId vendorRank }
    }
"""
    + FAILURES
    + "} }"
)


def add(store: Store, principal: Any = EVE, **given: Any) -> Any:
    plan = {"dueDate": "2026-12-15", "description": "Send the proposal"}
    return run(store, principal, ADD, input={**plan, **given})["addNextAction"]


def complete(store: Store, action_id: str, principal: Any = EVE) -> Any:
    return run(store, principal, COMPLETE, id=action_id)["completeNextAction"]


def test_an_action_with_a_person_lands_on_the_persons_account(beta: Store) -> None:
    answer = add(beta, personId="p2")
    action = answer["nextAction"]
    assert action["id"].startswith("action-")
    assert (action["status"], action["memberId"], action["person"]) == (
        "OPEN",
        "m2",
        {"fullName": "Bob Roy"},
    )
    (record,) = audit_trail(beta, "addNextAction")
    assert record.account_ids == ("c1",) and record.entity_ids == (action["id"],)


def test_an_action_names_its_account_or_a_person(beta: Store) -> None:
    assert field_errors(add(beta)) == {"accountId": "is required when no person is given"}
    assert add(beta, accountId="c2", memberId="m4")["nextAction"]["memberId"] == "m4"


def test_each_invalid_field_is_named(beta: Store) -> None:
    answer = add(beta, accountId="c2", personId="p2", description=" ", memberId="m3")
    assert field_errors(answer) == {
        "personId": "person 'p2' is not at account 'c2'",
        "description": "must not be blank",
        "memberId": "no team member with id 'm3'",
    }


def test_an_action_at_another_reps_account_answers_as_unknown(beta: Store) -> None:
    assert add(beta, accountId="c3")["message"] == "no account with id 'c3'"
    assert add(beta, personId="p5")["message"] == "no person with id 'p5'"
    assert audit_trail(beta, "addNextAction") == []


def test_complete_marks_it_done_once(beta: Store) -> None:
    action_id = add(beta, personId="p2")["nextAction"]["id"]
    assert complete(beta, action_id)["nextAction"] == {"id": action_id, "status": "DONE"}
    assert complete(beta, action_id)["nextAction"]["status"] == "DONE"
    (record,) = audit_trail(beta, "completeNextAction")
    assert record.change_map == {action_id: {"status": ["open", "done"]}}


def test_completing_another_reps_action_answers_as_unknown(beta: Store) -> None:
    action_id = add(beta, ZED, personId="p5")["nextAction"]["id"]
    assert complete(beta, action_id)["__typename"] == "NotFound"
    assert complete(beta, "action-404")["message"] == "no next action with id 'action-404'"


def test_a_strategist_may_not_plan(beta: Store) -> None:
    assert add(beta, STRATEGIST, accountId="c1")["__typename"] == "Forbidden"
    action_id = add(beta, ADMIN, accountId="c1", memberId="m2")["nextAction"]["id"]
    assert complete(beta, action_id, STRATEGIST)["__typename"] == "Forbidden"


def estimate(store: Store, principal: Any = EVE, **given: Any) -> Any:
    base = {
        "accountId": "c1",
        "category": "analytics",
        "amount": 250000.0,
        "currency": "usd",
        "asOf": "2026-10-01",
    }
    return run(store, principal, WALLET, input={**base, **given})["setWalletEstimate"]


def test_an_estimate_is_stored_in_its_currency(beta: Store) -> None:
    answer = estimate(beta, businessUnitId="bu-sales", vendorRank=2, vendorCount=3)
    assert answer["accountId"] == "c1"
    assert answer["walletEstimate"] == {
        "category": "analytics",
        "amount": {"amount": 250000.0, "currency": "USD"},
        "asOf": "2026-10-01",
        "businessUnitId": "bu-sales",
        "vendorRank": 2,
    }
    (record,) = audit_trail(beta, "setWalletEstimate")
    assert record.entity_ids == ("c1|bu-sales|analytics|2026-10-01",)


def test_the_same_estimate_again_writes_nothing(beta: Store) -> None:
    estimate(beta)
    estimate(beta)
    assert len(audit_trail(beta, "setWalletEstimate")) == 1


def test_each_invalid_estimate_field_is_named(beta: Store) -> None:
    answer = estimate(
        beta,
        category=" ",
        amount=-1.0,
        currency="dollars",
        asOf="2999-01-01",
        businessUnitId="bu-x",
        vendorRank=4,
        vendorCount=3,
    )
    errors = field_errors(answer)
    assert set(errors) == {"category", "amount", "currency", "asOf", "businessUnitId", "vendorRank"}
    assert errors["vendorRank"] == "must be at most vendorCount"
    assert errors["amount"] == "must be a finite amount, zero or more"


def test_an_estimate_at_another_reps_account_answers_as_unknown(beta: Store) -> None:
    assert estimate(beta, accountId="c3")["message"] == "no account with id 'c3'"
    assert estimate(beta, STRATEGIST)["__typename"] == "Forbidden"
