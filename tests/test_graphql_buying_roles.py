"""``setBuyingRole``, ``endBuyingRole`` and ``upsertRelationship``: the buying committee and
the ties between its people, written only at the caller's accounts, with audit records.

The graph is tests/scope_support.py's: Ann (p1) is Acme's decider since 2024-01-15; Bob
(p2) is champion for bu-sales and influencer company-wide; Bob influences Ann (0.8).
"""

from __future__ import annotations

from typing import Any

from graph_service.store.base import Store
from tests.mutation_support import FAILURES, audit_trail, beta, field_errors
from tests.scope_support import EVE, STRATEGIST, run

__all__ = ["beta"]

ROLE_SAVED = (
    """
    __typename
    ... on BuyingRoleSaved {
      buyingRole { role businessUnitId since until }
      person { id roles { role businessUnitId since until } }
    }
"""
    + FAILURES
)
SET = "mutation ($input: BuyingRoleInput!) { setBuyingRole(input: $input) {" + ROLE_SAVED + "} }"
END = "mutation ($input: EndBuyingRoleInput!) { endBuyingRole(input: $input) {" + ROLE_SAVED + "} }"
TIE = (
    """
mutation ($input: RelationshipInput!) {
  upsertRelationship(input: $input) {
    __typename
    ... on RelationshipSaved {
      person { id ties { toPersonId type strength } }
      tie { toPersonId type strength }
    }
"""
    + FAILURES
    + "} }"
)


def call(store: Store, document: str, field: str, principal: Any = EVE, **given: Any) -> Any:
    return run(store, principal, document, input=given)[field]


def set_role(store: Store, principal: Any = EVE, **given: Any) -> Any:
    return call(store, SET, "setBuyingRole", principal, **given)


def end_role(store: Store, principal: Any = EVE, **given: Any) -> Any:
    return call(store, END, "endBuyingRole", principal, **given)


def test_set_gives_a_person_a_role_for_a_unit(beta: Store) -> None:
    answer = set_role(
        beta, personId="p3", role="USER", businessUnitId="bu-emea", since="2026-10-01"
    )
    assert answer["buyingRole"] == {
        "role": "USER",
        "businessUnitId": "bu-emea",
        "since": "2026-10-01",
        "until": None,
    }
    assert answer["person"]["roles"] == [answer["buyingRole"]]
    (record,) = audit_trail(beta, "setBuyingRole")
    assert record.entity_ids == ("p3|user|bu-emea",) and record.account_ids == ("c1",)


def test_set_keeps_the_recorded_start_and_holds_the_role_again(beta: Store) -> None:
    end_role(beta, personId="p1", role="DECIDER", until="2026-06-01")
    answer = set_role(beta, personId="p1", role="DECIDER")
    assert answer["buyingRole"]["since"] == "2024-01-15"
    assert answer["buyingRole"]["until"] is None


def test_end_sets_the_first_day_the_role_is_no_longer_held(beta: Store) -> None:
    answer = end_role(beta, personId="p1", role="DECIDER", until="2026-11-01")
    assert answer["buyingRole"]["until"] == "2026-11-01"
    (record,) = audit_trail(beta, "endBuyingRole")
    assert record.change_map == {"p1|decider|": {"until": [None, "2026-11-01"]}}


def test_ending_a_role_the_person_does_not_hold_answers_not_found(beta: Store) -> None:
    answer = end_role(beta, personId="p1", role="BUYER")
    assert answer["__typename"] == "NotFound" and answer["id"] == "p1|buyer|"


def test_an_end_before_the_start_is_refused(beta: Store) -> None:
    answer = end_role(beta, personId="p1", role="DECIDER", until="2024-01-15")
    assert field_errors(answer) == {"until": "must be after the role's start, 2024-01-15"}


def test_a_start_in_the_future_or_a_unit_elsewhere_is_refused(beta: Store) -> None:
    assert field_errors(set_role(beta, personId="p1", role="BUYER", since="2999-01-01")) == {
        "since": "2999-01-01 is in the future"
    }
    answer = set_role(beta, personId="p4", role="BUYER", businessUnitId="bu-sales")
    assert field_errors(answer) == {"businessUnitId": "no business unit 'bu-sales' at the account"}


def test_roles_at_another_reps_account_answer_as_unknown(beta: Store) -> None:
    assert set_role(beta, personId="p5", role="BUYER")["__typename"] == "NotFound"
    assert end_role(beta, personId="p5", role="BUYER")["__typename"] == "NotFound"
    assert audit_trail(beta, "setBuyingRole") == []


def test_a_strategist_may_not_set_roles(beta: Store) -> None:
    assert set_role(beta, STRATEGIST, personId="p1", role="BUYER")["__typename"] == "Forbidden"
    assert end_role(beta, STRATEGIST, personId="p1", role="DECIDER")["__typename"] == "Forbidden"


def tie(store: Store, principal: Any = EVE, **given: Any) -> Any:
    return call(store, TIE, "upsertRelationship", principal, **given)


def test_a_tie_is_recorded_and_its_strength_replaced(beta: Store) -> None:
    first = tie(beta, fromPersonId="p3", toPersonId="p1", type="WORKED_WITH", strength=0.5)
    assert first["tie"] == {"toPersonId": "p1", "type": "WORKED_WITH", "strength": 0.5}
    again = tie(beta, fromPersonId="p3", toPersonId="p1", type="WORKED_WITH", strength=0.7)
    assert {"toPersonId": "p1", "type": "WORKED_WITH", "strength": 0.7} in again["person"]["ties"]
    first_audit, second_audit = reversed(audit_trail(beta, "upsertRelationship"))
    assert second_audit.change_map == {"p3|worked_with|p1": {"strength": [0.5, 0.7]}}
    assert first_audit.account_ids == ("c1",)


def test_a_tie_across_two_visible_accounts_names_both(beta: Store) -> None:
    tie(beta, fromPersonId="p4", toPersonId="p2", type="KNOWS")
    (record,) = audit_trail(beta, "upsertRelationship")
    assert record.account_ids == ("c1", "c2")


def test_a_tie_must_join_two_visible_people_with_a_strength_in_range(beta: Store) -> None:
    assert tie(beta, fromPersonId="p1", toPersonId="p5", type="KNOWS")["id"] == "p5"
    answer = tie(beta, fromPersonId="p1", toPersonId="p1", type="KNOWS", strength=1.5)
    assert field_errors(answer) == {
        "toPersonId": "a tie joins two different people",
        "strength": "must be between 0 and 1",
    }


def test_a_strategist_may_not_record_ties(beta: Store) -> None:
    answer = tie(beta, STRATEGIST, fromPersonId="p1", toPersonId="p2", type="KNOWS")
    assert answer["__typename"] == "Forbidden"
