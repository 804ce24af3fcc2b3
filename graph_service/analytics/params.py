"""Every tunable definition of the analytics, with its documented default (docs/analytics.md).

The analytics never read a setting from anywhere else: a caller who wants another definition
passes another :class:`AnalyticsParams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from graph_service.domain import RelationshipType, Role, TouchType

#: How much one touch of each channel counts toward relationship strength (a meeting = 1).
DEFAULT_CHANNEL_WEIGHTS: Mapping[TouchType, float] = MappingProxyType(
    {
        TouchType.MEETING: 1.0,
        TouchType.VISIT: 1.0,
        TouchType.CALL: 0.6,
        TouchType.EVENT: 0.4,
        TouchType.CHAT: 0.3,
        TouchType.WEBINAR: 0.25,
        TouchType.EMAIL: 0.2,
    }
)

#: Strength of a tie between two people when the tie carries no ``strength`` of its own.
DEFAULT_TIE_STRENGTHS: Mapping[RelationshipType, float] = MappingProxyType(
    {
        RelationshipType.INFLUENCES: 0.6,
        RelationshipType.WORKED_WITH: 0.5,
        RelationshipType.KNOWS: 0.3,
    }
)

DEFAULT_REQUIRED_ROLES: tuple[Role, ...] = (Role.DECIDER, Role.BUYER, Role.INFLUENCER, Role.USER)


@dataclass(frozen=True)
class AnalyticsParams:
    """The definitions the analytics use. Defaults are the documented ones."""

    #: A person is *engaged* when an exchange with them (a meeting, visit or call, or an
    #: inbound message) falls in the last ``engagement_days`` days up to and including the
    #: as-of date; a role holder who is not engaged is *cold*. Outbound-only messages are
    #: attempts: they count in touch strength only.
    engagement_days: int = 90
    #: Touch strength halves every ``half_life_days`` days of age.
    half_life_days: float = 90.0
    channel_weights: Mapping[TouchType, float] = field(
        default_factory=lambda: DEFAULT_CHANNEL_WEIGHTS
    )
    #: An inbound touch (the person reached out) counts this many times an outbound one.
    inbound_multiplier: float = 1.5
    #: Contact in both directions multiplies the strength's raw score by this.
    two_way_multiplier: float = 1.2
    #: Band thresholds on touch strength in (0, 1): strong >= 0.6 > moderate >= 0.3 > weak.
    strong_band: float = 0.6
    moderate_band: float = 0.3
    #: Strength of a reports-to tie (either direction).
    reports_to_strength: float = 0.7
    tie_strengths: Mapping[RelationshipType, float] = field(
        default_factory=lambda: DEFAULT_TIE_STRENGTHS
    )
    required_roles: tuple[Role, ...] = DEFAULT_REQUIRED_ROLES
    #: An engaged champion whose last exchange is more than this many days old is *cooling*
    #: (a risk before they go cold at ``engagement_days``).
    champion_cooling_days: int = 60
    #: Our side is single-threaded on an account (or an open deal) when one of our members
    #: holds at least ``member_share`` of its touches in the last ``engagement_days`` days,
    #: given at least ``member_share_min_touches`` of them: the relationship leaves with them.
    member_share: float = 0.8
    member_share_min_touches: int = 5
    #: Influence paths: how many, and how long at most.
    k_paths: int = 3
    max_hops: int = 6
    #: The reporting currency (``ABMGRAPH_REPORTING_CURRENCY``): what answers are in, and
    #: what the data's rates are against when the rates do not say (no currency at rate 1).
    #: None: the data's base currency (:func:`graph_service.money.base_currency`).
    reporting_currency: str | None = None
    #: The currency one answer is asked in (a GraphQL ``currency`` argument); None: the
    #: reporting currency. Amounts convert into it through the rates' base currency.
    currency: str | None = None
    #: Spend window for share of wallet, RFM frequency and monetary (trailing days to as-of).
    spend_window_days: int = 365
    #: Quantile of the modeled wallet regression ("what the best comparable customers spend").
    wallet_quantile: float = 0.9
    #: |standardized residual| at or beyond which an account breaks the LTV x share trend.
    outlier_z: float = 2.0
    #: Tier shares of the ranked target list: top 5% tier 1, next 15% tier 2, next 30% tier 3.
    tier_shares: tuple[float, float, float] = (0.05, 0.15, 0.30)
    #: Weights of the target score's components (normalized to sum to 1).
    score_weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"whitespace": 0.4, "momentum": 0.2, "coverage": 0.2, "rfm": 0.2}
        )
    )
