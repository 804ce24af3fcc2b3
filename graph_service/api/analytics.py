"""GraphQL fields for the ABM analytics (definitions in docs/analytics.md).

Every field takes ``asOf`` (default: today) so that answers are reproducible. An unknown account
or person is a typed ``NotFound``; bad arguments are errors with a message. Fields that return
amounts take ``currency`` (ISO 4217): their amounts are :class:`~graph_service.api.money.Money`
in it, and what no rate converts is listed in ``unconvertedAmounts``, never added.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from graph_service import domain as dm
from graph_service.analytics import queries
from graph_service.analytics.coverage import CoverageReport, RoleCell, UnitCoverage
from graph_service.analytics.coverage import OurThread as OurThreadRow
from graph_service.analytics.engagement import Band, Engagement, Standing
from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.paths import Gap, InfluencePath
from graph_service.analytics.portfolio import LtvPoint as LtvPointRow
from graph_service.analytics.portfolio import Target, ltv_share_analysis
from graph_service.analytics.wallet import Share
from graph_service.api import context
from graph_service.api.connection import Connection, check_first, paginate
from graph_service.api.context import CURRENCY, params, store, visible
from graph_service.api.money import Money, UnconvertedAmount, money, unconverted
from graph_service.api.types import NotFound, Person, TeamMember, ViewIndex
from graph_service.as_of import supported_day, today
from graph_service.errors import NotFoundError
from graph_service.store.family import family_views

strawberry.enum(
    Engagement,
    description="engaged: an exchange (meeting, visit, call or inbound message) in the "
    "engagement window (90 days); cooling: an engaged champion whose last exchange is over "
    "60 days old; cold: no exchange in the window; left; missing: no holder.",
)
strawberry.enum(
    Gap,
    name="GapKind",
    description="role: a required role missing or cold in a scope; deal_role: a required "
    "role nobody on an open deal holds; champion: no champion, or a cold or cooling one; "
    "second_thread: an open deal with at most one engaged contact.",
)
strawberry.enum(Segment, description="RFM segment.")
strawberry.enum(Tier, description="ABM tier.")

AS_OF = "As-of date (default: today). Only data on or before it counts."


def _as_of(value: date | None) -> date:
    return supported_day(value) if value else today()


@strawberry.type(description="One buying role in one scope, with the people holding it.")
class RoleCoverage:
    role: dm.Role
    status: Engagement = strawberry.field(
        description="engaged: a holder had an exchange in the engagement window; cooling "
        "(champions): engaged, but the last exchange is over 60 days old; cold: holders, "
        "none engaged; missing: no holder. Roles held in a unit cover its sub-units."
    )
    engaged_person_ids: list[strawberry.ID]
    cold_person_ids: list[strawberry.ID]
    cooling_person_ids: list[strawberry.ID] = strawberry.field(
        description="Champions only: engaged holders whose last exchange is over 60 days old."
    )

    @classmethod
    def of(cls, c: RoleCell) -> RoleCoverage:
        return cls(
            role=c.role,
            status=c.status,
            engaged_person_ids=[strawberry.ID(p) for p in c.engaged],
            cold_person_ids=[strawberry.ID(p) for p in c.cold],
            cooling_person_ids=[strawberry.ID(p) for p in c.cooling],
        )


@strawberry.type(description="A row of the business unit x buying role matrix.")
class UnitCoverageRow:
    business_unit_id: strawberry.ID | None = strawberry.field(
        description="Null for the account as a whole."
    )
    name: str
    roles: list[RoleCoverage]
    champion: RoleCoverage
    score: float = strawberry.field(
        description="Mean over required roles of 1 (engaged), 0.5 (cold), 0 (missing)."
    )

    @classmethod
    def of(cls, u: UnitCoverage) -> UnitCoverageRow:
        return cls(
            business_unit_id=strawberry.ID(u.bu_id) if u.bu_id else None,
            name=u.name,
            roles=[RoleCoverage.of(c) for c in u.cells],
            champion=RoleCoverage.of(u.champion),
            score=u.score,
        )


@strawberry.type(description="An open deal with at most one engaged contact.")
class SingleThreadedDeal:
    deal_id: strawberry.ID
    name: str | None
    engaged_contact_ids: list[strawberry.ID]
    contact_ids: list[strawberry.ID]


@strawberry.type(
    description="Our side single-threaded: one of our members holds at least 80 % of the "
    "last 90 days' touches (given at least 5) of an account or an open deal."
)
class OurThread:
    deal_id: strawberry.ID | None = strawberry.field(description="Null for the account.")
    member_id: strawberry.ID
    member_touches: int
    touches: int
    share: float


def _our(t: OurThreadRow) -> OurThread:
    return OurThread(
        deal_id=strawberry.ID(t.deal_id) if t.deal_id else None,
        member_id=strawberry.ID(t.member_id),
        member_touches=t.member_touches,
        touches=t.touches,
        share=t.share,
    )


@strawberry.type(description="A champion at risk and why.")
class ChampionRisk:
    person_id: strawberry.ID
    reasons: list[str]


@strawberry.type(description="Where our side stands with one person of the account.")
class PersonEngagement:
    person_id: strawberry.ID
    status: Engagement
    strength: float | None = strawberry.field(
        description="Our strongest member's touch strength; null when nobody on our side "
        "ever touched the person (we never spoke, which is not the same as cold)."
    )
    band: Band
    last_touch: date | None
    last_exchange: date | None = strawberry.field(
        description="The last meeting, visit, call or inbound message."
    )

    @classmethod
    def of(cls, r: Standing) -> PersonEngagement:
        return cls(
            person_id=strawberry.ID(r.person_id),
            status=r.status,
            strength=r.strength,
            band=r.band,
            last_touch=r.last_touch,
            last_exchange=r.last_exchange,
        )


def family(info: Info[Any, Any], account_id: str) -> ViewIndex:
    """The people and members of the account's family (the account and its visible
    subsidiaries, as influence paths see it), fetched once per request and account."""
    cache = context.of(info).cache
    key = ("family", account_id)
    if key not in cache:
        views = family_views(context.store(info), account_id, visible=visible(info))
        cache[key] = ViewIndex(views)
    found: ViewIndex = cache[key]
    return found


def ids(values: list[str]) -> list[strawberry.ID]:
    return [strawberry.ID(v) for v in values]


@strawberry.type(description="Coverage gaps of one account.")
class CoverageGaps:
    account_id: strawberry.ID
    as_of: date
    account: UnitCoverageRow
    business_units: list[UnitCoverageRow]
    single_threaded_deals: list[SingleThreadedDeal]
    structurally_single_threaded: bool = strawberry.field(
        description="All engaged people sit in one manager's subtree below the top, or at "
        "most one person is engaged."
    )
    no_engaged_people: bool = strawberry.field(
        description="Nobody at the account is engaged: the worst case of single-threading."
    )
    our_thread: OurThread | None = strawberry.field(
        description="Our side single-threaded on the account, if so."
    )
    our_threaded_deals: list[OurThread] = strawberry.field(
        description="Open deals our side is single-threaded on."
    )
    thread_root_person_id: strawberry.ID | None
    champion_risks: list[ChampionRisk]
    whitespace_business_unit_ids: list[strawberry.ID] = strawberry.field(
        description="Wallet above zero, no won spend in the window, no open deal."
    )
    engaged_person_ids: list[strawberry.ID]
    people: list[PersonEngagement]
    score: float

    @classmethod
    def of(cls, r: CoverageReport) -> CoverageGaps:
        return cls(
            account_id=strawberry.ID(r.account_id),
            as_of=r.as_of,
            account=UnitCoverageRow.of(r.account),
            business_units=[UnitCoverageRow.of(u) for u in r.units],
            single_threaded_deals=[
                SingleThreadedDeal(
                    deal_id=strawberry.ID(d.deal_id),
                    name=d.name,
                    engaged_contact_ids=ids(d.engaged_contacts),
                    contact_ids=ids(d.contacts),
                )
                for d in r.single_threaded_deals
            ],
            structurally_single_threaded=r.structurally_single_threaded,
            no_engaged_people=r.no_engaged_people,
            our_thread=_our(r.our_thread) if r.our_thread else None,
            our_threaded_deals=[_our(t) for t in r.our_threaded_deals],
            thread_root_person_id=strawberry.ID(r.thread_root) if r.thread_root else None,
            champion_risks=[
                ChampionRisk(person_id=strawberry.ID(c.person_id), reasons=c.reasons)
                for c in r.champion_risks
            ],
            whitespace_business_unit_ids=ids(r.whitespace_units),
            engaged_person_ids=ids(r.engaged_people),
            people=[PersonEngagement.of(p) for p in r.people],
            score=r.score,
        )


CoverageGapsResult = Annotated[CoverageGaps | NotFound, strawberry.union("CoverageGapsResult")]


@strawberry.type(description="One hop of an influence path and why it is strong.")
class PathHop:
    from_id: strawberry.ID
    from_kind: str = strawberry.field(description="member (our side) or person.")
    to_person_id: strawberry.ID
    strength: float
    reason: str
    _account_id: strawberry.Private[str]

    @strawberry.field(description="The person the hop reaches.")
    def person(self, info: Info[Any, Any]) -> Person | None:
        return family(info, self._account_id).person(self.to_person_id)

    @strawberry.field(description="The person the hop starts from (null for a member).")
    def from_person(self, info: Info[Any, Any]) -> Person | None:
        if self.from_kind != "person":
            return None
        return family(info, self._account_id).person(self.from_id)

    @strawberry.field(description="Our member the hop starts from (null for a person).")
    def member(self, info: Info[Any, Any]) -> TeamMember | None:
        if self.from_kind != "member":
            return None
        return family(info, self._account_id).member(self.from_id)


@strawberry.type(description="A warm path from one of our members to the target.")
class Path:
    member_id: strawberry.ID
    strength: float = strawberry.field(description="Product of the hops' strengths.")
    hops: list[PathHop]
    _account_id: strawberry.Private[str]

    @strawberry.field(description="Our member the path starts from.")
    def member(self, info: Info[Any, Any]) -> TeamMember | None:
        return family(info, self._account_id).member(self.member_id)

    @classmethod
    def of(cls, p: InfluencePath, account_id: str) -> Path:
        return cls(
            _account_id=account_id,
            member_id=strawberry.ID(p.member_id),
            strength=p.strength,
            hops=[
                PathHop(
                    from_id=strawberry.ID(h.from_id),
                    from_kind=h.from_kind,
                    to_person_id=strawberry.ID(h.to_id),
                    strength=h.strength,
                    reason=h.reason,
                    _account_id=account_id,
                )
                for h in p.hops
            ],
        )


@strawberry.type(description="Who should introduce us: the first hop of a member's best path.")
class Introduction:
    member_id: strawberry.ID
    first_person_id: strawberry.ID
    strength: float
    paths: int


@strawberry.type(description="The strongest warm paths to a person.")
class InfluencePaths:
    target_person_id: strawberry.ID
    paths: list[Path]
    introducers: list[Introduction]


InfluencePathsResult = Annotated[
    InfluencePaths | NotFound, strawberry.union("InfluencePathsResult")
]


@strawberry.type(description="For one coverage gap: whom to reach, why them, and how.")
class NextBestTouch:
    gap: Gap
    role: dm.Role | None = strawberry.field(
        description="The role to fill (null for a second thread)."
    )
    status: Engagement = strawberry.field(
        description="The gap's: the role's or champion's, or the chosen person's."
    )
    business_unit_id: strawberry.ID | None = strawberry.field(
        description="The unit of the gap (null: the account as a whole)."
    )
    deal_id: strawberry.ID | None = strawberry.field(
        description="The open deal of a deal_role or second_thread gap."
    )
    person_id: strawberry.ID | None
    why: str = strawberry.field(
        description="Why this person: the role they hold, or the title evidence for it."
    )
    path: Path | None
    _account_id: strawberry.Private[str]

    @strawberry.field(description="The person to reach.")
    def person(self, info: Info[Any, Any]) -> Person | None:
        return family(info, self._account_id).person(self.person_id)


@strawberry.type(description="A list of next best touches.")
class NextBestTouches:
    account_id: strawberry.ID
    touches: list[NextBestTouch]


NextBestTouchesResult = Annotated[
    NextBestTouches | NotFound, strawberry.union("NextBestTouchesResult")
]


@strawberry.type(description="Spend against wallet in one scope.")
class WalletShare:
    spend: Money = strawberry.field(description="Won spend in the trailing 365 days.")
    wallet: Money | None = strawberry.field(description="Latest estimate on or before asOf.")
    share: float | None = strawberry.field(description="spend / wallet, never clipped.")
    whitespace: Money | None = strawberry.field(description="max(wallet - spend, 0).")
    stale: bool = strawberry.field(description="Share above 1: the estimate is out of date.")
    modeled: bool = strawberry.field(description="The wallet is a 0.9-quantile model.")

    @classmethod
    def of(cls, s: Share, currency: str) -> WalletShare:
        return cls(
            spend=Money(amount=s.spend, currency=currency),
            wallet=money(s.wallet, currency),
            share=s.share,
            whitespace=money(s.whitespace, currency),
            stale=s.stale,
            modeled=s.modeled,
        )


@strawberry.type
class CategoryShare:
    category: str
    share: WalletShare


@strawberry.type
class UnitShare:
    business_unit_id: strawberry.ID
    share: WalletShare


@strawberry.type
class ChannelSpend:
    channel: str
    spend: Money
    share: float | None


@strawberry.type(description="Share by the Wallet Allocation Rule from a survey vendor rank.")
class AllocationShare:
    category: str
    business_unit_id: strawberry.ID | None
    vendor_rank: int
    vendor_count: int
    share: float


@strawberry.type(description="Share of wallet (個客シェア) of an account.")
class ShareOfWallet:
    account_id: strawberry.ID
    as_of: date
    company_ids: list[strawberry.ID]
    total: WalletShare
    by_category: list[CategoryShare]
    by_business_unit: list[UnitShare]
    by_channel: list[ChannelSpend]
    wallet_allocation: list[AllocationShare]
    model_inputs: JSON | None = strawberry.field(description="Inputs of a modeled wallet.")
    currency: str = strawberry.field(description="The currency (ISO 4217) of every amount.")
    unconverted_amounts: list[UnconvertedAmount] = strawberry.field(
        description="The companies' amounts left out of every total: no rate converts them."
    )


ShareOfWalletResult = Annotated[ShareOfWallet | NotFound, strawberry.union("ShareOfWalletResult")]


@strawberry.input(description="Which accounts a portfolio answer covers.")
class PortfolioFilter:
    industry: str | None = None
    region: str | None = strawberry.field(default=None, description="The company's country.")
    owner_id: strawberry.ID | None = None
    segment: Segment | None = None
    tier: Tier | None = None
    min_whitespace: float | None = strawberry.field(
        default=None, description="In the answer's currency."
    )

    def to_query(self) -> queries.PortfolioFilter:
        return queries.PortfolioFilter(
            industry=self.industry,
            region=self.region,
            owner_id=str(self.owner_id) if self.owner_id else None,
            segment=self.segment,
            tier=self.tier,
            min_whitespace=self.min_whitespace,
        )


def _filter(f: PortfolioFilter | None) -> queries.PortfolioFilter:
    return f.to_query() if f else queries.PortfolioFilter()


@strawberry.input(description="Target score weights (non-negative; normalized to sum 1).")
class ScoreWeights:
    whitespace: float = 0.4
    momentum: float = 0.2
    coverage: float = 0.2
    rfm: float = 0.2


@strawberry.type
class LtvPoint:
    account_id: strawberry.ID
    name: str
    ltv: Money = strawberry.field(description="Average won deal value x number of won deals.")
    share: float
    wallet: Money
    whitespace: Money
    modeled: bool
    residual_z: float | None
    label: str | None
    unconverted_amounts: list[UnconvertedAmount] = strawberry.field(
        description="The account's amounts left out: no rate converts them."
    )

    @classmethod
    def of(cls, p: LtvPointRow) -> LtvPoint:
        return cls(
            account_id=strawberry.ID(p.account_id),
            name=p.name,
            ltv=Money(amount=p.ltv, currency=p.currency),
            share=p.share,
            wallet=Money(amount=p.wallet, currency=p.currency),
            whitespace=Money(amount=p.whitespace, currency=p.currency),
            modeled=p.modeled,
            residual_z=p.residual_z,
            label=p.label,
            unconverted_amounts=unconverted(p.unconverted, p.currency),
        )


@strawberry.type(description="LTV x share of wallet: points, robust trend and outliers.")
class LtvShareAnalysis:
    points: list[LtvPoint]
    slope: float | None = strawberry.field(description="share = intercept + slope x log10 LTV.")
    intercept: float | None
    outliers: list[LtvPoint]


@strawberry.type(description="An account's RFM quintile scores and segment.")
class RfmScore:
    account_id: strawberry.ID
    recency_days: int | None
    frequency: int
    monetary: Money = strawberry.field(description="Won spend in the trailing 365 days.")
    r: int | None
    f: int | None
    m: int | None
    segment: Segment
    unconverted_amounts: list[UnconvertedAmount] = strawberry.field(
        description="The account's amounts left out: no rate converts them."
    )


@strawberry.type(description="An account in the portfolio coverage view.")
class PortfolioCoverageRow:
    account_id: strawberry.ID
    name: str
    coverage: float
    whitespace: Money
    priority: Money = strawberry.field(description="whitespace x (1 - coverage).")
    unconverted_amounts: list[UnconvertedAmount] = strawberry.field(
        description="The account's amounts left out: no rate converts them."
    )

    @classmethod
    def of(cls, r: queries.PortfolioCoverageRow) -> PortfolioCoverageRow:
        return cls(
            account_id=strawberry.ID(r.account_id),
            name=r.name,
            coverage=r.coverage,
            whitespace=Money(amount=r.whitespace, currency=r.currency),
            priority=Money(amount=r.priority, currency=r.currency),
            unconverted_amounts=unconverted(r.unconverted, r.currency),
        )


@strawberry.type(description="An account on the ABM target list.")
class TargetAccount:
    account_id: strawberry.ID
    name: str
    rank: int
    score: float
    tier: Tier
    reasons: list[str] = strawberry.field(description="Top three score components, in words.")
    whitespace: Money | None
    share_of_wallet: float | None
    wallet_modeled: bool
    coverage: float
    champion: Engagement
    segment: Segment
    next_action: str | None
    owner_ids: list[strawberry.ID]
    unconverted_amounts: list[UnconvertedAmount] = strawberry.field(
        description="The account's amounts left out: no rate converts them."
    )

    @classmethod
    def of(cls, t: Target) -> TargetAccount:
        return cls(
            account_id=strawberry.ID(t.account_id),
            name=t.name,
            rank=t.rank,
            score=t.score,
            tier=t.tier,
            reasons=t.reasons,
            whitespace=money(t.whitespace, t.currency),
            share_of_wallet=t.share_of_wallet,
            wallet_modeled=t.wallet_modeled,
            coverage=t.coverage,
            champion=t.champion,
            segment=t.segment,
            next_action=t.next_action,
            owner_ids=[strawberry.ID(o) for o in t.owner_ids],
            unconverted_amounts=unconverted(t.unconverted, t.currency),
        )


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Buying-role coverage, single threads, champion risk, "
        "whitespace units of one account."
    )
    def coverage_gaps(
        self,
        info: Info[Any, Any],
        account_id: strawberry.ID,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> CoverageGapsResult:
        try:
            report = queries.coverage_gaps(
                store(info),
                str(account_id),
                _as_of(as_of),
                params(info),
                visible=visible(info),
                cache=context.path_cache(info),
            )
        except NotFoundError as exc:
            return NotFound(id=account_id, message=str(exc))
        return CoverageGaps.of(report)

    @strawberry.field(description="All accounts by whitespace x (1 - coverage), paginated.")
    def portfolio_coverage(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: PortfolioFilter | None = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
        currency: Annotated[str | None, strawberry.argument(description=CURRENCY)] = None,
    ) -> Connection[PortfolioCoverageRow]:
        check_first(first)
        rows = queries.portfolio_coverage(
            store(info),
            _as_of(as_of),
            _filter(filter),
            params(info, currency),
            visible=visible(info),
        )
        return paginate(rows, first, after, lambda r: r.account_id, PortfolioCoverageRow.of)

    @strawberry.field(description="The k strongest warm paths from our members to a person.")
    def influence_paths(
        self,
        info: Info[Any, Any],
        account_id: strawberry.ID,
        target_person_id: strawberry.ID,
        k: int = 3,
        max_hops: int = 6,
        from_member_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Start from these members (default: the account team)."
            ),
        ] = None,
        any_member: Annotated[
            bool,
            strawberry.argument(description="Start from every member who touched the account."),
        ] = False,
        avoid_person_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="People never to route through (e.g. a blocker)."),
        ] = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> InfluencePathsResult:
        if not 1 <= k <= 20 or not 1 <= max_hops <= 10:
            raise GraphQLError("k must be 1-20 and maxHops 1-10")
        try:
            answer = queries.influence(
                store(info),
                str(account_id),
                str(target_person_id),
                _as_of(as_of),
                k=k,
                max_hops=max_hops,
                from_member_ids=[str(m) for m in from_member_ids] if from_member_ids else None,
                any_member=any_member,
                avoid_person_ids=[str(p) for p in avoid_person_ids or []],
                params=params(info),
                cache=context.path_cache(info),
                visible=visible(info),
            )
        except NotFoundError as exc:
            return NotFound(id=strawberry.ID(exc.id), message=str(exc))
        return InfluencePaths(
            target_person_id=target_person_id,
            paths=[Path.of(p, str(account_id)) for p in answer.paths],
            introducers=[
                Introduction(
                    member_id=strawberry.ID(i.member_id),
                    first_person_id=strawberry.ID(i.first_person_id),
                    strength=i.strength,
                    paths=i.paths,
                )
                for i in answer.introducers
            ],
        )

    @strawberry.field(
        description="For every coverage gap (required roles per account, unit and open "
        "deal; the champion; a second thread for single-threaded deals), the warmest path "
        "to the person holding the role or whose title is evidence of it."
    )
    def next_best_touches(
        self,
        info: Info[Any, Any],
        account_id: strawberry.ID,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> NextBestTouchesResult:
        try:
            found = queries.next_best(
                store(info),
                str(account_id),
                _as_of(as_of),
                params(info),
                context.path_cache(info),
                visible=visible(info),
            )
        except NotFoundError as exc:
            return NotFound(id=account_id, message=str(exc))
        return NextBestTouches(
            account_id=account_id,
            touches=[
                NextBestTouch(
                    gap=t.gap,
                    role=t.role,
                    status=t.status,
                    business_unit_id=strawberry.ID(t.bu_id) if t.bu_id else None,
                    deal_id=strawberry.ID(t.deal_id) if t.deal_id else None,
                    person_id=strawberry.ID(t.person_id) if t.person_id else None,
                    why=t.why,
                    path=Path.of(t.path, str(account_id)) if t.path else None,
                    _account_id=str(account_id),
                )
                for t in found
            ],
        )

    @strawberry.field(
        description="Spend against wallet per account, business unit, category "
        "and channel; whitespace between them."
    )
    def share_of_wallet(
        self,
        info: Info[Any, Any],
        account_id: strawberry.ID,
        include_subsidiaries: bool = False,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
        currency: Annotated[str | None, strawberry.argument(description=CURRENCY)] = None,
    ) -> ShareOfWalletResult:
        asked = params(info, currency)
        try:
            s = queries.wallet_share(
                store(info),
                str(account_id),
                _as_of(as_of),
                include_subsidiaries=include_subsidiaries,
                params=asked,
                visible=visible(info),
            )
        except NotFoundError as exc:
            return NotFound(id=account_id, message=str(exc))
        wallet = s.total.wallet
        cur = s.currency or context.base_currency(info)
        return ShareOfWallet(
            account_id=account_id,
            as_of=s.as_of,
            company_ids=[strawberry.ID(c) for c in s.company_ids],
            total=WalletShare.of(s.total, cur),
            by_category=[
                CategoryShare(category=line.category or "", share=WalletShare.of(line.share, cur))
                for line in s.by_category
            ],
            by_business_unit=[
                UnitShare(
                    business_unit_id=strawberry.ID(line.bu_id or ""),
                    share=WalletShare.of(line.share, cur),
                )
                for line in s.by_unit
            ],
            by_channel=[
                ChannelSpend(
                    channel=c,
                    spend=Money(amount=v, currency=cur),
                    share=v / wallet if wallet else None,
                )
                for c, v in s.by_channel.items()
            ],
            wallet_allocation=[
                AllocationShare(
                    category=a.category,
                    business_unit_id=strawberry.ID(a.bu_id) if a.bu_id else None,
                    vendor_rank=a.vendor_rank,
                    vendor_count=a.vendor_count,
                    share=a.share,
                )
                for a in s.wallet_allocation
            ],
            model_inputs=cast(JSON, s.model_inputs),
            currency=cur,
            unconverted_amounts=unconverted(s.unconverted, cur),
        )

    @strawberry.field(description="LTV x share of wallet with the accounts that break the trend.")
    def ltv_share_analysis(
        self,
        info: Info[Any, Any],
        filter: PortfolioFilter | None = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
        currency: Annotated[str | None, strawberry.argument(description=CURRENCY)] = None,
    ) -> LtvShareAnalysis:
        day = _as_of(as_of)
        where = _filter(filter)
        asked = params(info, currency)
        facts = [
            f
            for f in queries.portfolio_facts(store(info), day, asked, visible=visible(info))
            if where.keeps(f)
        ]
        a = ltv_share_analysis(facts, day, asked)
        return LtvShareAnalysis(
            points=[LtvPoint.of(p) for p in a.points],
            slope=a.slope,
            intercept=a.intercept,
            outliers=[LtvPoint.of(p) for p in a.outliers],
        )

    @strawberry.field(description="RFM quintile scores and segments.")
    def rfm_segments(
        self,
        info: Info[Any, Any],
        filter: PortfolioFilter | None = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
        currency: Annotated[str | None, strawberry.argument(description=CURRENCY)] = None,
    ) -> list[RfmScore]:
        asked = params(info, currency)
        return [
            RfmScore(
                account_id=strawberry.ID(r.account_id),
                recency_days=r.recency_days,
                frequency=r.frequency,
                monetary=Money(amount=r.monetary, currency=r.currency),
                r=r.r,
                f=r.f,
                m=r.m,
                segment=r.segment,
                unconverted_amounts=unconverted(r.unconverted, r.currency),
            )
            for r in queries.rfm_segments(
                store(info), _as_of(as_of), _filter(filter), asked, visible=visible(info)
            )
        ]

    @strawberry.field(description="Scored, tiered (1:1 / 1:few / 1:many) accounts with reasons.")
    def target_list(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: PortfolioFilter | None = None,
        weights: ScoreWeights | None = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
        currency: Annotated[str | None, strawberry.argument(description=CURRENCY)] = None,
    ) -> Connection[TargetAccount]:
        asked = params(info, currency)
        w = None
        if weights is not None:
            w = {
                "whitespace": weights.whitespace,
                "momentum": weights.momentum,
                "coverage": weights.coverage,
                "rfm": weights.rfm,
            }
        try:
            rows = queries.targets(
                store(info), _as_of(as_of), _filter(filter), w, asked, visible=visible(info)
            )
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
        return paginate(rows, first, after, lambda t: t.account_id, TargetAccount.of)
