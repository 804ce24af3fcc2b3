"""``logTouch``: a touch recorded once per idempotency key, validated field by field, only at
the caller's accounts, with its audit record.

The graph is tests/scope_support.py's: the rep Eve (m2) sees Acme (c1: Ann p1, Bob p2, Cid
p3; deals d1, d2) and Acme Japan (c2: Sato p4); Zed (m3) sees Beta (c3: Pia p5, deal d3).
"""

from __future__ import annotations

from typing import Any

from graph_service.domain import Kind, Touch
from graph_service.store.base import Store
from tests.mutation_support import FAILURES, WHEN, audit_trail, beta, field_errors
from tests.scope_support import ADMIN, BOT, EVE, KIM, STRATEGIST, ZED, execute, run

__all__ = ["beta"]

LOG = (
    """
mutation ($input: LogTouchInput!) {
  logTouch(input: $input) {
    __typename
    ... on TouchLogged {
      created
      touch { id type occurredAt memberId personId dealId notes person { fullName } }
    }
"""
    + FAILURES
    + "} }"
)


def touch(**changes: Any) -> dict[str, Any]:
    given = {"idempotencyKey": "k-1", "personId": "p2", "type": "MEETING", "occurredAt": WHEN}
    return {**given, **changes}


def log(store: Store, principal: Any = EVE, **changes: Any) -> dict[str, Any]:
    answer: dict[str, Any] = run(store, principal, LOG, input=touch(**changes))["logTouch"]
    return answer


def test_a_rep_logs_a_touch_at_their_account(beta: Store) -> None:
    answer = log(beta, notes="Pricing call", dealId="d1")
    assert answer["__typename"] == "TouchLogged" and answer["created"] is True
    t = answer["touch"]
    assert (t["type"], t["memberId"], t["personId"], t["dealId"], t["notes"]) == (
        "MEETING",
        "m2",
        "p2",
        "d1",
        "Pricing call",
    )
    assert t["occurredAt"] == "2026-11-20T10:00:00+09:00"
    assert t["person"] == {"fullName": "Bob Roy"}
    stored = beta.record(Kind.TOUCHES, t["id"])
    assert isinstance(stored, Touch) and stored.notes == "Pricing call"


def touch_count(store: Store) -> int:
    account = run(store, EVE, '{ account(id: "c1") { ... on Account { touchCount } } }')
    return int(account["account"]["touchCount"])


def test_the_same_idempotency_key_twice_records_one_touch(beta: Store) -> None:
    before = touch_count(beta)  # ACME's two touches at Acme
    first = log(beta)
    again = log(beta)
    assert (first["created"], again["created"]) == (True, False)
    assert again["touch"]["id"] == first["touch"]["id"]
    assert (before, touch_count(beta)) == (2, 3)
    assert len(audit_trail(beta, "logTouch")) == 1


def test_another_key_records_another_touch(beta: Store) -> None:
    a = log(beta, idempotencyKey="k-1")
    b = log(beta, idempotencyKey="k-2")
    assert a["touch"]["id"] != b["touch"]["id"]
    assert len(audit_trail(beta, "logTouch")) == 2


def test_a_key_reused_for_a_different_touch_is_refused(beta: Store) -> None:
    log(beta)
    answer = log(beta, notes="something else")
    assert field_errors(answer) == {"idempotencyKey": "was already used for a different touch"}


def test_a_person_at_another_reps_account_answers_as_unknown(beta: Store) -> None:
    hidden = log(beta, personId="p5")
    unknown = log(beta, personId="p404")
    assert hidden == {"__typename": "NotFound", "id": "p5", "message": "no person with id 'p5'"}
    assert unknown["message"] == "no person with id 'p404'"
    assert audit_trail(beta, "logTouch") == []


def test_a_hidden_team_member_answers_as_an_unknown_one(beta: Store) -> None:
    # Zed (m3) is only on Beta's team, which Eve does not see
    assert field_errors(log(beta, memberId="m3")) == {"memberId": "no team member with id 'm3'"}
    assert field_errors(log(beta, memberId="m9")) == {"memberId": "no team member with id 'm9'"}


def test_a_colleague_on_a_visible_account_team_may_be_named(beta: Store) -> None:
    # Kim (m4) is on Acme Japan's team, which Eve sees
    answer = log(beta, memberId="m4", personId="p4")
    assert answer["touch"]["memberId"] == "m4"


def test_a_rep_who_sees_only_the_subsidiary_cannot_log_at_the_parent(beta: Store) -> None:
    assert log(beta, KIM, personId="p1")["__typename"] == "NotFound"
    assert log(beta, KIM, personId="p4")["__typename"] == "TouchLogged"


def test_each_invalid_field_is_named(beta: Store) -> None:
    answer = log(
        beta,
        idempotencyKey=" ",
        occurredAt="2999-01-01T00:00:00+00:00",
        notes="x" * 10_001,
        dealId="d3",
    )
    assert field_errors(answer) == {
        "idempotencyKey": "must not be blank",
        "occurredAt": "is in the future",
        "notes": "at most 10000 characters",
        "dealId": "no deal with id 'd3'",
    }
    assert audit_trail(beta, "logTouch") == []


def test_a_time_without_an_offset_is_refused(beta: Store) -> None:
    answer = log(beta, occurredAt="2026-11-20T10:00:00")
    assert list(field_errors(answer)) == ["occurredAt"]


def test_a_deal_with_another_company_is_refused(beta: Store) -> None:
    answer = log(beta, personId="p4", dealId="d1")  # Sato is at Acme Japan, d1 is Acme's
    assert field_errors(answer) == {"dealId": "deal 'd1' is not with the person's company"}


def test_a_strategist_may_not_write(beta: Store) -> None:
    answer = log(beta, STRATEGIST)
    assert answer == {"__typename": "Forbidden", "message": "a strategist may not write"}


def test_a_service_account_names_the_member(beta: Store) -> None:
    assert field_errors(log(beta, ADMIN)) == {
        "memberId": "is required when a service account logs a touch"
    }
    assert log(beta, ADMIN, memberId="m3", personId="p5")["__typename"] == "TouchLogged"


def test_a_rep_service_account_with_no_member_sees_no_person(beta: Store) -> None:
    assert log(beta, BOT, memberId="m2")["__typename"] == "NotFound"


def test_the_audit_record_says_who_what_and_where(beta: Store) -> None:
    answer = log(beta, notes="Intro")
    (record,) = audit_trail(beta, "logTouch")
    touch_id = answer["touch"]["id"]
    assert (record.actor, record.actor_kind, record.kind) == ("m2", "member", Kind.TOUCHES)
    assert record.entity_ids == (touch_id,) and record.account_ids == ("c1",)
    changes = record.change_map[touch_id]
    assert changes["notes"] == [None, "Intro"] and changes["person_id"] == [None, "p2"]


def test_a_touch_moves_the_data_version(beta: Store) -> None:
    before = beta.data_version()
    log(beta)
    assert beta.data_version() != before


def test_zed_logs_at_beta_and_eve_does_not_see_it(beta: Store) -> None:
    assert log(beta, ZED, personId="p5")["__typename"] == "TouchLogged"
    data, errors = execute(beta, EVE, '{ person(id: "p5") { __typename } }')
    assert errors is None and data == {"person": {"__typename": "NotFound"}}


def test_a_touch_asks_the_store_once_which_accounts_the_rep_sees(
    beta: Store, monkeypatch: Any
) -> None:
    calls: list[object] = []
    ask = beta.visible_company_ids

    def counted(scope: Any) -> Any:
        calls.append(scope)
        return ask(scope)

    monkeypatch.setattr(beta, "visible_company_ids", counted)
    assert log(beta)["__typename"] == "TouchLogged"
    assert len(calls) == 1  # the write's checks and the answer's read-back share it
