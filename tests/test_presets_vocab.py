"""The presets' value maps (stages, roles, touch types, team roles, seniority) are total: any
string gives a value or "none", never an exception; and they say what docs/presets.md says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph_service.domain import Role, Seniority, Stage, TeamRole, TouchType
from loaders.presets.vocab import (
    HUBSPOT_ROLES,
    HUBSPOT_STAGES,
    SALESFORCE_ROLES,
    SALESFORCE_STAGES,
    hubspot_role,
    hubspot_stage,
    maven_stage,
    salesforce_role,
    salesforce_stage,
    seniority_from_title,
    team_role,
    touch_type,
)

text = st.text(max_size=40)


@given(label=text, closed=text, won=text)
def test_salesforce_stage_is_total(label: str, closed: str, won: str) -> None:
    assert isinstance(salesforce_stage(label, closed, won), Stage)


@given(label=text)
def test_hubspot_stage_is_total(label: str) -> None:
    assert isinstance(hubspot_stage(label), Stage)


@given(label=text)
def test_maven_stage_is_a_stage_or_none(label: str) -> None:
    assert maven_stage(label) is None or isinstance(maven_stage(label), Stage)


@given(label=text)
def test_role_maps_are_total(label: str) -> None:
    for known, role in (salesforce_role(label), hubspot_role(label)):
        assert isinstance(known, bool)
        assert role is None or isinstance(role, Role)


@given(types=st.tuples(text, text), subject=text)
def test_touch_type_is_total(types: tuple[str, str], subject: str) -> None:
    kind = touch_type(types, subject, TouchType.CALL)
    assert kind is None or isinstance(kind, TouchType)


@given(label=text)
def test_team_role_and_seniority_are_total(label: str) -> None:
    assert team_role(label) is None or isinstance(team_role(label), TeamRole)
    seniority = seniority_from_title(label)
    assert seniority is None or isinstance(seniority, Seniority)


def test_labels_match_whatever_their_case_spacing_or_width() -> None:
    assert salesforce_stage("CLOSED_WON") is Stage.WON
    assert hubspot_stage("Decision maker bought-in") is Stage.NEGOTIATION
    assert salesforce_role("ｄｅｃｉｓｉｏｎ　ｍａｋｅｒ") == (True, Role.DECIDER)


def test_every_label_in_the_documented_tables_maps_as_listed() -> None:
    for label, stage in SALESFORCE_STAGES.items():
        assert salesforce_stage(label) is stage
    for label, stage in HUBSPOT_STAGES.items():
        assert hubspot_stage(label) is stage
    for label, role in SALESFORCE_ROLES.items():
        assert salesforce_role(label) == (True, role)
    for label, role in HUBSPOT_ROLES.items():
        assert hubspot_role(label) == (True, role)


def test_isclosed_and_iswon_decide_over_the_stage_name() -> None:
    assert salesforce_stage("Contract Signed", "true", "true") is Stage.WON
    assert salesforce_stage("Closed - No Decision", "true", "false") is Stage.LOST
    assert salesforce_stage("Closed Won", "false", "false") is Stage.NEGOTIATION


def test_unknown_open_stages_are_qualifying_and_keywords_place_custom_ones() -> None:
    assert salesforce_stage("Discovery") is Stage.QUALIFYING
    assert hubspot_stage("1234567") is Stage.QUALIFYING
    assert salesforce_stage("見積提出") is Stage.PROPOSAL
    assert hubspot_stage("Verbal agreement / negotiation") is Stage.NEGOTIATION


def test_short_keywords_match_whole_words_only() -> None:
    assert seniority_from_title("Association Manager") is Seniority.MANAGER  # not "cio"
    assert seniority_from_title("Director of Sales") is Seniority.DIRECTOR  # not "cto"
