"""Who may see what: scopes resolved and enforced by the store queries, equal on both stores.

The fixture: director ``m-dir`` manages ``m-mgr``, who manages rep ``m-rep-a``; rep ``m-rep-b``
reports to no one. Rep A is on the team of ``co-parent`` (a subsidiary of the hidden
``co-holding``), whose subsidiary ``co-sub`` has a subsidiary ``co-subsub``; rep A's
assignment to ``co-retired`` was retired by a snapshot load. Rep B has ``co-other``; the
manager has ``co-mgr-own``. Rep A's deal at ``co-parent`` has two contacts: Sue at
``co-sub`` and Oscar at the hidden ``co-other``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from graph_service.analytics import queries
from graph_service.analytics.currency import rates_for
from graph_service.analytics.engagement import DEFAULT
from graph_service.domain import (
    AccessRole,
    AccountFilter,
    AccountTeamMember,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Direction,
    Kind,
    Person,
    Record,
    Relationship,
    RelationshipType,
    Role,
    Scope,
    Stage,
    TeamMember,
    Touch,
    TouchType,
)
from graph_service.errors import NotFoundError
from graph_service.store.base import Store
from tests.fixtures import load

AS_OF = date(2026, 6, 1)

REP_A = Scope.rep("m-rep-a")
REP_B = Scope.rep("m-rep-b")
MANAGER = Scope.manager("m-mgr")
DIRECTOR = Scope.manager("m-dir")

REP_A_SEES = frozenset({"co-parent", "co-sub", "co-subsub"})
#: What rep A must never see a trace of: hidden companies' ids and names, their people.
HIDDEN_FROM_A = (
    "co-holding",
    "Holding Hidden",
    "co-other",
    "Other Hidden",
    "co-mgr-own",
    "Manager Own Hidden",
    "co-retired",
    "Retired Hidden",
    "p-other",
    "p-holding",
)


def _graph() -> dict[Kind, list[Record]]:
    companies: list[Record] = [
        Company("co-holding", "Holding Hidden", industry="Tech", country="JP", employees=900),
        Company("co-parent", "Parent Visible", industry="Tech", parent_company_id="co-holding"),
        Company("co-sub", "Sub Visible", industry="Tech", parent_company_id="co-parent"),
        Company("co-subsub", "Subsub Visible", industry="Tech", parent_company_id="co-sub"),
        Company("co-other", "Other Hidden", industry="Tech", country="JP", employees=500),
        Company("co-mgr-own", "Manager Own Hidden", industry="Retail"),
        Company("co-retired", "Retired Hidden", industry="Tech"),
    ]
    team: list[Record] = [
        TeamMember("m-dir", "Dana Director"),
        TeamMember("m-mgr", "Mo Manager", manager_id="m-dir"),
        TeamMember("m-rep-a", "Ann Rep", manager_id="m-mgr"),
        TeamMember("m-rep-b", "Ben Rep"),
    ]
    people: list[Record] = [
        Person("p-parent", "co-parent", "Pat Parent"),
        Person("p-sub", "co-sub", "Sue Sub"),
        Person("p-other", "co-other", "Oscar Other"),
        Person("p-holding", "co-holding", "Hal Holding"),
    ]
    at = datetime(2026, 5, 1, 9, tzinfo=UTC)
    return {
        Kind.COMPANIES: companies,
        Kind.PEOPLE: people,
        Kind.BUYING_ROLES: [
            BuyingRole("p-parent", Role.DECIDER),
            BuyingRole("p-other", Role.DECIDER),
            BuyingRole("p-holding", Role.BUYER),
        ],
        Kind.RELATIONSHIPS: [
            Relationship("p-parent", "p-sub", RelationshipType.KNOWS, 0.8),
            Relationship("p-parent", "p-other", RelationshipType.KNOWS, 0.9),
            Relationship("p-holding", "p-parent", RelationshipType.INFLUENCES, 0.5),
        ],
        Kind.TEAM: team,
        Kind.ACCOUNT_TEAM: [
            AccountTeamMember("co-parent", "m-rep-a", "AE"),
            AccountTeamMember("co-retired", "m-rep-a", "AE", retired_at=date(2026, 1, 1)),
            AccountTeamMember("co-other", "m-rep-b", "AE"),
            AccountTeamMember("co-mgr-own", "m-mgr", "exec"),
        ],
        Kind.DEALS: [
            Deal(
                "d-parent",
                "co-parent",
                Stage.WON,
                amount=100.0,
                currency="USD",
                close_date=date(2026, 3, 1),
                owner_id="m-rep-a",
                category="cloud",
            ),
            Deal(
                "d-other",
                "co-other",
                Stage.WON,
                amount=5000.0,
                currency="USD",
                close_date=date(2026, 3, 1),
                owner_id="m-rep-b",
                category="cloud",
            ),
            Deal(
                "d-holding",
                "co-holding",
                Stage.WON,
                amount=9000.0,
                currency="USD",
                close_date=date(2026, 2, 1),
                category="cloud",
            ),
        ],
        Kind.DEAL_CONTACTS: [
            DealContact("d-parent", "p-sub", "sponsor"),
            DealContact("d-parent", "p-other", "advisor"),
        ],
        Kind.TOUCHES: [
            Touch("t-a", "m-rep-a", "p-parent", TouchType.MEETING, at, Direction.OUTBOUND),
            Touch("t-b", "m-rep-b", "p-other", TouchType.MEETING, at, Direction.OUTBOUND),
        ],
    }


@pytest.fixture
def scoped(store: Store) -> Store:
    load(store, _graph())
    return store


def _no_trace(answer: object, hidden: tuple[str, ...] = HIDDEN_FROM_A) -> None:
    text = repr(answer)
    leaked = [h for h in hidden if h in text]
    assert not leaked, f"hidden accounts leaked: {leaked}"


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (REP_A, REP_A_SEES),
        (REP_B, frozenset({"co-other"})),
        (MANAGER, REP_A_SEES | {"co-mgr-own"}),
        (DIRECTOR, REP_A_SEES | {"co-mgr-own"}),
        (Scope.rep("m-nobody"), frozenset()),
        (Scope.manager("m-rep-b"), frozenset({"co-other"})),
        (Scope.everything(), None),
        (Scope.everything(AccessRole.ADMIN), None),
    ],
)
def test_visible_company_ids_by_role(
    scoped: Store, scope: Scope, expected: frozenset[str] | None
) -> None:
    assert scoped.visible_company_ids(scope) == expected


def test_a_scope_needs_a_member_unless_it_sees_everything() -> None:
    with pytest.raises(ValueError, match="needs a team member"):
        Scope(AccessRole.REP)
    with pytest.raises(ValueError, match="does not see everything"):
        Scope.everything(AccessRole.MANAGER)


def test_another_reps_account_answers_as_a_missing_one(scoped: Store) -> None:
    visible = scoped.visible_company_ids(REP_A)
    assert scoped.account("co-other") is not None
    assert scoped.account("co-other", visible=visible) is None
    assert scoped.account("co-nonexistent", visible=visible) is None
    assert scoped.path_subgraph("co-other", visible=visible) is None
    assert scoped.path_subgraph("co-holding", visible=visible) is None
    for ask in (
        lambda i: queries.coverage_gaps(scoped, i, AS_OF, scope=REP_A),
        lambda i: queries.next_best(scoped, i, AS_OF, scope=REP_A),
        lambda i: queries.wallet_share(scoped, i, AS_OF, scope=REP_A),
        lambda i: queries.influence(scoped, i, "p-other", AS_OF, scope=REP_A),
    ):
        with pytest.raises(NotFoundError) as hidden:
            ask("co-other")
        with pytest.raises(NotFoundError) as missing:
            ask("co-nonexistent")
        assert str(hidden.value).replace("co-other", "X") == str(missing.value).replace(
            "co-nonexistent", "X"
        )


def test_a_visible_account_shows_nothing_hidden(scoped: Store) -> None:
    visible = scoped.visible_company_ids(REP_A)
    view = scoped.account("co-parent", visible=visible)
    assert view is not None
    assert view.parent is None and view.company.parent_company_id is None
    assert [c.id for c in view.subsidiaries] == ["co-sub"]
    assert sorted(r.id for r in view.relationships) == ["p-parent|knows|p-sub"]
    assert [c.person_id for c in view.deal_contacts] == ["p-sub"]
    _no_trace(view)
    unscoped = scoped.account("co-parent")
    assert unscoped is not None and unscoped.parent is not None
    assert len(unscoped.relationships) == 3
    sub = scoped.path_subgraph("co-parent", visible=visible)
    assert sub is not None
    assert sorted(p.id for p in sub.people) == ["p-parent", "p-sub"]
    _no_trace(sub)
    assert queries.wallet_share(
        scoped, "co-parent", AS_OF, include_subsidiaries=True, scope=REP_A
    ).company_ids == ["co-parent", "co-sub", "co-subsub"]


def test_account_listings_count_only_visible_accounts(scoped: Store) -> None:
    visible = scoped.visible_company_ids(REP_A)
    page = scoped.accounts(first=2, after=None, where=AccountFilter(), visible=visible)
    assert [c.id for c in page.companies] == ["co-parent", "co-sub"]
    assert page.total == 3 and page.has_next
    assert page.companies[0].parent_company_id is None
    _no_trace(page)
    everyone = scoped.accounts(first=100, after=None, where=AccountFilter())
    assert everyone.total == 7


def test_portfolio_answers_cover_only_visible_accounts(scoped: Store) -> None:
    facts = queries.portfolio_facts(scoped, AS_OF, scope=REP_A)
    assert [f.company.id for f in facts] == sorted(REP_A_SEES)
    _no_trace(facts)
    answers: list[object] = [
        queries.targets(scoped, AS_OF, scope=REP_A),
        queries.rfm_segments(scoped, AS_OF, scope=REP_A),
        queries.portfolio_coverage(scoped, AS_OF, scope=REP_A),
    ]
    for answer in answers:
        assert isinstance(answer, list)
        assert {row.account_id for row in answer} == REP_A_SEES
        _no_trace(answer)


def test_the_store_rollup_reads_only_visible_accounts(scoped: Store) -> None:
    visible = scoped.visible_company_ids(REP_B)
    rates = rates_for(scoped, DEFAULT)
    facts = scoped.portfolio_facts(
        AS_OF, engagement_days=90, spend_window_days=365, rates=rates, visible=visible
    )
    assert [f.company.id for f in facts] == ["co-other"]
    (other,) = facts
    assert other.won_all_spend == 5000.0 and other.touches_recent == 1
    assert [r.person_id for r in other.roles] == ["p-other"]
    _no_trace(facts, ("co-parent", "co-holding", "p-parent", "p-holding"))


def test_a_manager_sees_their_reports_accounts(scoped: Store) -> None:
    ids = {t.account_id for t in queries.targets(scoped, AS_OF, scope=MANAGER)}
    assert ids == REP_A_SEES | {"co-mgr-own"}
    assert queries.coverage_gaps(scoped, "co-subsub", AS_OF, scope=DIRECTOR) is not None
    with pytest.raises(NotFoundError):
        queries.coverage_gaps(scoped, "co-other", AS_OF, scope=MANAGER)


def test_a_strategist_sees_everything_as_without_a_scope(scoped: Store) -> None:
    strategist = Scope.everything()
    assert queries.targets(scoped, AS_OF, scope=strategist) == queries.targets(scoped, AS_OF)
    assert queries.portfolio_facts(scoped, AS_OF, scope=strategist) == queries.portfolio_facts(
        scoped, AS_OF
    )
    assert len(queries.portfolio_facts(scoped, AS_OF)) == 7
    assert queries.coverage_gaps(
        scoped, "co-other", AS_OF, scope=strategist
    ) == queries.coverage_gaps(scoped, "co-other", AS_OF)


def test_no_scope_leaves_every_read_as_it_was(scoped: Store) -> None:
    for company_id in ("co-parent", "co-other", "co-holding"):
        assert scoped.account(company_id, visible=None) == scoped.account(company_id)
        assert scoped.path_subgraph(company_id, visible=None) == scoped.path_subgraph(company_id)
    view = scoped.account("co-parent")
    assert view is not None and view.company.parent_company_id == "co-holding"
