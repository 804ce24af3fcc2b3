"""``upsertPerson``: add a person to an account or change one, as a patch, only at the caller's
accounts, validated field by field, with its audit record.

The graph is tests/scope_support.py's: Eve (m2) sees Acme (c1: Ann p1, Bob p2 in bu-sales
reporting to Ann, Cid p3) and Acme Japan (c2: Sato p4); Beta (c3: Pia p5) is Zed's.
"""

from __future__ import annotations

from typing import Any

from graph_service.domain import Kind, Person
from graph_service.store.base import Store
from tests.mutation_support import FAILURES, audit_trail, beta, field_errors
from tests.scope_support import EVE, STRATEGIST, run

__all__ = ["beta"]

UPSERT = (
    """
mutation ($input: PersonInput!) {
  upsertPerson(input: $input) {
    __typename
    ... on PersonSaved {
      created
      person { id accountId fullName title email businessUnitId reportsToId roles { role } }
    }
"""
    + FAILURES
    + "} }"
)


def upsert(store: Store, principal: Any = EVE, **given: Any) -> dict[str, Any]:
    answer: dict[str, Any] = run(store, principal, UPSERT, input=given)["upsertPerson"]
    return answer


def test_a_new_person_gets_an_id_and_joins_the_account(beta: Store) -> None:
    answer = upsert(beta, accountId="c1", fullName="  Dee Park ", title="CFO")
    assert answer["__typename"] == "PersonSaved" and answer["created"] is True
    person = answer["person"]
    assert person["id"].startswith("person-")
    assert (person["accountId"], person["fullName"], person["title"]) == ("c1", "Dee Park", "CFO")
    stored = beta.record(Kind.PEOPLE, person["id"])
    assert isinstance(stored, Person) and stored.full_name == "Dee Park"


def test_a_change_keeps_the_fields_not_given_and_clears_those_given_null(beta: Store) -> None:
    answer = upsert(beta, id="p2", title="SVP Sales", reportsToId=None)
    person = answer["person"]
    assert (person["fullName"], person["title"], person["businessUnitId"]) == (
        "Bob Roy",
        "SVP Sales",
        "bu-sales",
    )
    assert person["reportsToId"] is None
    assert [r["role"] for r in person["roles"]] == ["CHAMPION", "INFLUENCER"]
    assert answer["created"] is False


def test_the_same_values_again_write_nothing(beta: Store) -> None:
    upsert(beta, id="p2", title="SVP Sales")
    version = beta.data_version()
    assert upsert(beta, id="p2", title="SVP Sales")["__typename"] == "PersonSaved"
    assert beta.data_version() == version
    assert len(audit_trail(beta, "upsertPerson")) == 1


def test_a_person_at_another_reps_account_answers_as_unknown(beta: Store) -> None:
    hidden = upsert(beta, id="p5", title="CTO")
    assert hidden == {"__typename": "NotFound", "id": "p5", "message": "no person with id 'p5'"}
    assert upsert(beta, accountId="c3", fullName="New")["message"] == "no account with id 'c3'"
    assert upsert(beta, id="p1", accountId="c3")["__typename"] == "NotFound"  # moving away


def test_each_invalid_field_is_named(beta: Store) -> None:
    answer = upsert(beta, accountId="c1", fullName=" ", email="not-an-address", leftAt="2999-01-01")
    assert field_errors(answer) == {
        "fullName": "must not be blank",
        "email": "'not-an-address' is not an e-mail address",
        "leftAt": "2999-01-01 is in the future",
    }


def test_a_new_person_needs_an_account_and_a_name(beta: Store) -> None:
    assert field_errors(upsert(beta, title="CTO")) == {
        "fullName": "is required",
        "accountId": "is required for a new person",
    }


def test_links_must_stay_inside_the_account(beta: Store) -> None:
    answer = upsert(beta, id="p4", businessUnitId="bu-sales", reportsToId="p1")
    assert field_errors(answer) == {
        "businessUnitId": "no business unit 'bu-sales' at the account",
        "reportsToId": "no person 'p1' at the account",
    }
    assert field_errors(upsert(beta, id="p1", reportsToId="p1")) == {
        "reportsToId": "a person cannot report to themself"
    }


def test_a_strategist_may_not_write(beta: Store) -> None:
    assert upsert(beta, STRATEGIST, id="p1", title="x")["__typename"] == "Forbidden"


def test_the_audit_record_holds_each_changed_field(beta: Store) -> None:
    upsert(beta, id="p2", title="SVP Sales")
    (record,) = audit_trail(beta, "upsertPerson")
    assert (record.actor, record.entity_ids, record.account_ids) == ("m2", ("p2",), ("c1",))
    assert record.change_map == {"p2": {"title": ["VP Sales", "SVP Sales"]}}


def test_an_unknown_id_answers_like_a_hidden_one(beta: Store) -> None:
    unknown = upsert(beta, id="p404", accountId="c1", fullName="Guess")
    hidden = upsert(beta, id="p5", accountId="c1", fullName="Guess")
    assert unknown == {
        "__typename": "NotFound",
        "id": "p404",
        "message": "no person with id 'p404'",
    }
    assert hidden == {"__typename": "NotFound", "id": "p5", "message": "no person with id 'p5'"}
