"""The salesforce and hubspot presets on the sample exports in tests/data (a Shift_JIS/CP932
file and a UTF-8 file with a BOM among them; bad rows on purpose)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.domain import Deal, Role, Seniority, Stage, TeamRole, Touch, TouchType
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.presets import load_preset
from loaders.report import LoadReport

DATA = Path(__file__).resolve().parent / "data"
SALESFORCE = DATA / "salesforce"
HUBSPOT = DATA / "hubspot"
HS = "hubspot-crm-exports-all-{}-2024-10-01.csv"


def counts(report: LoadReport) -> dict[str, tuple[int, int, int]]:
    return {f.file: (f.read, f.loaded, f.rejected) for f in report.files}


def rejects(report: LoadReport, file: str) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.value) for r in report.rejects if r.file == file]


def load(preset: str, path: Path, tmp: Path) -> tuple[MemoryStore, LoadReport]:
    store = MemoryStore(tmp / "data")
    return store, load_preset(preset, path, store)


@pytest.fixture
def salesforce(tmp_path: Path) -> Iterator[tuple[MemoryStore, LoadReport]]:
    store, report = load("salesforce", SALESFORCE, tmp_path)
    yield store, report
    store.close()


@pytest.fixture
def hubspot(tmp_path: Path) -> Iterator[tuple[MemoryStore, LoadReport]]:
    store, report = load("hubspot", HUBSPOT, tmp_path)
    yield store, report
    store.close()


# -- the sample files are what they claim to be -------------------------------------------------


def test_the_samples_include_a_cp932_file_and_a_utf8_file_with_bom() -> None:
    contact = (SALESFORCE / "Contact.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        contact.decode("utf-8")
    assert "髙橋" in contact.decode("cp932")  # 髙 is CP932, not plain Shift_JIS
    assert (SALESFORCE / "Account.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (HUBSPOT / HS.format("companies")).read_bytes().startswith(b"\xef\xbb\xbf")
    (HUBSPOT / HS.format("contacts")).read_bytes().decode("cp932")


# -- salesforce ---------------------------------------------------------------------------------


def test_salesforce_every_file_is_accounted_for(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    _, report = salesforce
    assert report.ok
    assert counts(report) == {
        "Account.csv": (5, 3, 2),
        "Contact.csv (departments)": (7, 6, 1),
        "Contact.csv": (10, 9, 1),
        "OpportunityContactRole.csv (buying roles)": (10, 8, 2),
        "User.csv": (5, 5, 0),
        "Account.csv (owners)": (5, 3, 2),
        "Opportunity.csv": (8, 6, 2),
        "OpportunityContactRole.csv": (11, 10, 1),
        "Task.csv": (6, 4, 2),
        "Event.csv": (6, 5, 1),
    }


def test_salesforce_bad_rows_are_rejected_naming_the_source_column(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    _, report = salesforce
    assert sorted(rejects(report, "Account.csv")) == [
        (5, "ParentId", "001A00000000099"),
        (6, "NumberOfEmployees", "about 500"),
    ]
    assert sorted(rejects(report, "Opportunity.csv")) == [
        (8, "CloseDate", "2024-13-45"),
        (9, "AccountId", "001A00000000008"),
    ]
    assert sorted(rejects(report, "Task.csv")) == [
        (5, "WhoId", "00Q000000000001"),
        (6, "ActivityDate", "next week"),
    ]


def test_salesforce_broken_quotes_reject_the_row_and_the_next_rows_load(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, report = salesforce
    (bad,) = [r for r in report.rejects if r.file == "Event.csv"]
    assert bad.line == 6 and "check the quotes" in bad.reason
    view = store.account("001A00000000003")
    assert view is not None
    assert "00U000000000006" in {t.id for t in view.touches}


def test_salesforce_shift_jis_contacts_keep_their_japanese_names_family_name_first(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    view = store.account("001A00000000002")
    assert view is not None
    names = {p.id: p.full_name for p in view.people}
    assert names == {"003C00000000004": "髙橋 直子", "003C00000000005": "伊藤 翔"}
    assert view.company.name == "さくら精機株式会社"
    assert view.parent is not None and view.parent.name == "さくらホールディングス株式会社"


def test_salesforce_amounts_with_yen_signs_and_dates_in_crm_formats_parse(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    view = store.account("001A00000000001")
    assert view is not None
    deal = next(d for d in view.deals if d.id == "006O00000000001")
    assert (deal.amount, deal.currency, deal.stage) == (1_200_000.0, "JPY", Stage.WON)
    assert (deal.close_date.isoformat(), deal.created_date.isoformat()) == (  # type: ignore[union-attr]
        "2024-03-29",
        "2023-10-02",
    )
    assert view.company.annual_revenue == 120_000_000_000.0


def test_salesforce_stages_follow_the_documented_map(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    stages: dict[str, Stage] = {}
    for account in ("001A00000000001", "001A00000000002", "001A00000000003"):
        view = store.account(account)
        assert view is not None
        stages |= {d.id: d.stage for d in view.deals}
    assert stages == {
        "006O00000000001": Stage.WON,
        "006O00000000002": Stage.NEGOTIATION,
        "006O00000000003": Stage.PROPOSAL,
        "006O00000000004": Stage.LOST,
        "006O00000000005": Stage.QUALIFYING,  # "Discovery": an unknown open stage
        "006O00000000006": Stage.WON,  # "Signed" with IsWon = true
    }


def test_salesforce_contact_roles_become_deal_contacts_and_buying_roles(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, report = salesforce
    view = store.account("001A00000000001")
    assert view is not None
    assert {(r.person_id, r.role) for r in view.buying_roles} == {
        ("003C00000000001", Role.DECIDER),
        ("003C00000000003", Role.BUYER),
        ("003C00000000002", Role.INFLUENCER),  # Technical Buyer
        ("003C00000000002", Role.CHAMPION),  # Executive Sponsor
    }
    assert {(c.deal_id, c.person_id, c.role) for c in view.deal_contacts} >= {
        ("006O00000000001", "003C00000000001", "Decision Maker"),
        ("006O00000000002", "003C00000000002", "Executive Sponsor"),
    }
    coach = [r for r in report.rejects if r.value == "Coach"]
    assert [(r.file, r.line, r.field) for r in coach] == [
        ("OpportunityContactRole.csv (buying roles)", 11, "Role")
    ]


def test_salesforce_departments_become_business_units_and_titles_seniority(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    view = store.account("001A00000000003")
    assert view is not None
    assert sorted(u.name for u in view.business_units) == ["IT", "Procurement"]
    people = {p.id: p for p in view.people}
    assert people["003C00000000006"].seniority is Seniority.C_LEVEL
    assert people["003C00000000007"].seniority is Seniority.DIRECTOR
    assert people["003C00000000008"].reports_to == "003C00000000006"
    it = next(u for u in view.business_units if u.name == "IT")
    assert people["003C00000000010"].bu_id == it.id


def test_salesforce_tasks_and_events_become_typed_touches(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    touches: dict[str, Touch] = {}
    for account in ("001A00000000001", "001A00000000002", "001A00000000003"):
        view = store.account(account)
        assert view is not None
        touches |= {t.id: t for t in view.touches}
    kinds = {i: t.type for i, t in touches.items()}
    assert kinds == {
        "00T000000000001": TouchType.CALL,
        "00T000000000002": TouchType.EMAIL,  # TaskSubtype Email
        "00T000000000003": TouchType.CALL,  # "Other": a logged task is a call
        "00T000000000006": TouchType.CALL,
        "00U000000000001": TouchType.VISIT,  # subject 訪問
        "00U000000000002": TouchType.MEETING,
        "00U000000000003": TouchType.EVENT,  # subject "conference"
        "00U000000000004": TouchType.WEBINAR,
        "00U000000000006": TouchType.MEETING,
    }
    assert touches["00T000000000003"].deal_id is None  # WhatId is an Account
    assert touches["00T000000000001"].deal_id == "006O00000000001"
    assert touches["00U000000000002"].occurred_at.isoformat() == "2024-02-05T10:00:00+00:00"
    assert (
        touches["00T000000000006"].notes == "Pricing questions:\r\nvolume discount, payment terms"
    )


def test_salesforce_users_are_team_members_with_managers_and_roles(
    salesforce: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = salesforce
    view = store.account("001A00000000003")
    assert view is not None
    members = {m.id: m for m in view.members}
    assert members["005U00000000003"].team_role is TeamRole.AE
    assert members["005U00000000003"].manager_id == "005U00000000002"
    assert {(a.member_id, a.role) for a in view.account_team} == {("005U00000000003", "owner")}


# -- hubspot ------------------------------------------------------------------------------------


def test_hubspot_every_file_is_accounted_for(hubspot: tuple[MemoryStore, LoadReport]) -> None:
    _, report = hubspot
    assert report.ok
    assert counts(report) == {
        HS.format("companies"): (5, 4, 1),
        HS.format("contacts"): (10, 9, 1),
        HS.format("contacts") + " (buying roles)": (10, 9, 1),
        HS.format("companies") + " (owners)": (2, 2, 0),
        HS.format("deals") + " (owners)": (2, 2, 0),
        HS.format("engagements") + " (owners)": (2, 2, 0),
        HS.format("companies") + " (account teams)": (5, 4, 1),
        HS.format("deals"): (7, 5, 2),
        HS.format("deals") + " (contacts)": (9, 8, 1),
        HS.format("engagements"): (8, 5, 3),
        HS.format("engagements") + " (other contacts)": (2, 2, 0),
    }


def test_hubspot_bad_rows_are_rejected_naming_the_source_column(
    hubspot: tuple[MemoryStore, LoadReport],
) -> None:
    _, report = hubspot
    assert sorted(rejects(report, HS.format("deals"))) == [
        (7, "Amount", "1,5"),
        (8, "Close Date", "31/12/2024"),
    ]
    assert rejects(report, HS.format("contacts")) == [(10, "Associated Company", "Umbrella Corp")]
    assert [r.reason for r in report.rejects if r.file == HS.format("engagements")] == [
        "a HubSpot NOTE is not a touch",
        "a HubSpot TASK is not a touch",
        "required value is empty",
    ]


def test_hubspot_companies_and_contacts_are_found_by_name_or_record_id(
    hubspot: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = hubspot
    logistics = store.account("5002")
    assert logistics is not None and logistics.parent is not None
    assert logistics.parent.id == "5001"  # Parent Company given by name
    initech = store.account("5004")
    assert initech is not None and initech.parent is not None and initech.parent.id == "5003"
    assert {p.id for p in initech.people} == {"7007", "7008"}  # by id and by name


def test_hubspot_shift_jis_contacts_and_buying_roles(
    hubspot: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = hubspot
    view = store.account("5001")
    assert view is not None
    assert {p.full_name for p in view.people} == {"中村 一郎", "小林 由美", "加藤 大輔"}
    assert {(r.person_id, r.role) for r in view.buying_roles} == {
        ("7001", Role.DECIDER),
        ("7002", Role.BUYER),  # Budget Holder
        ("7003", Role.CHAMPION),
        ("7003", Role.USER),  # End User: a multi-select value
    }


def test_hubspot_deal_stages_amounts_and_owners(hubspot: tuple[MemoryStore, LoadReport]) -> None:
    store, _ = hubspot
    deals: dict[str, Deal] = {}
    for company in ("5001", "5002", "5003", "5004"):
        view = store.account(company)
        assert view is not None
        deals |= {d.id: d for d in view.deals}
    assert {i: d.stage for i, d in deals.items()} == {
        "9001": Stage.WON,
        "9002": Stage.NEGOTIATION,  # Contract Sent
        "9003": Stage.PROPOSAL,  # presentationscheduled
        "9004": Stage.LOST,
        "9005": Stage.QUALIFYING,  # a custom pipeline's stage id
    }
    assert deals["9001"].amount == 1_200_000.0
    assert deals["9003"].owner_id == "bencarter"


def test_hubspot_an_engagement_with_three_contacts_is_three_touches(
    hubspot: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = hubspot
    view = store.account("5001")
    assert view is not None
    meeting = {t.id: t for t in view.touches if t.type is TouchType.MEETING}
    assert set(meeting) == {"8002", "8002/7002", "8002/7003"}
    assert {t.occurred_at.isoformat() for t in meeting.values()} == {"2024-03-08T00:00:00+00:00"}
    globex = store.account("5003")
    assert globex is not None
    incoming = next(t for t in globex.touches if t.id == "8004")
    assert (incoming.type, incoming.direction) == (TouchType.EMAIL, "inbound")


# -- both stores --------------------------------------------------------------------------------


@pytest.mark.parametrize("preset, path", [("salesforce", SALESFORCE), ("hubspot", HUBSPOT)])
def test_the_samples_load_the_same_on_both_stores_and_reload_changes_nothing(
    store: Store, tmp_path: Path, preset: str, path: Path
) -> None:
    reference, expected = load(preset, path, tmp_path / "reference")
    try:
        report = load_preset(preset, path, store)
        assert counts(report) == counts(expected)
        assert store.stats() == reference.stats()
        again = load_preset(preset, path, store)
        assert counts(again) == counts(expected)
        assert store.stats() == reference.stats()
    finally:
        reference.close()
