"""Engagement and relationship strength: the open formula behind every "warm" and "cold".

Definitions (defaults in :class:`~graph_service.analytics.params.AnalyticsParams`):

* Only touches on or before the as-of date count; a touch's *day* is its local calendar date.
* A touch is an **exchange** (two-way) when it is a meeting, a visit or a call (either
  direction), or any inbound message (the person reached out). Outbound-only emails, chats,
  event and webinar invitations are **attempts**: they count in touch strength, never as
  engagement.
* A person is **engaged** when some exchange with them falls in the engagement window (the
  last 90 days up to and including the as-of date) and they have not left the company. A
  person who has not left and is not engaged is **cold**; a person whose ``left_at`` is on or
  before the as-of date has **left** and is never engaged.
* An engaged champion whose last exchange is more than ``champion_cooling_days`` (60) days old
  is **cooling**: still engaged, about to go cold (:func:`champion_engagement`).
* The **touch strength** between a team member and a person is ``1 - exp(-raw)``, where ``raw``
  sums, over the member's touches with the person, ``channel weight x 0.5 ** (age / half-life)``
  with inbound touches counted ``inbound_multiplier`` times, and the sum multiplied by
  ``two_way_multiplier`` when the touches go both ways. It lies in (0, 1) and never falls when a
  touch is added. Bands: **strong** >= 0.6, **moderate** >= 0.3, else **weak**; a person
  nobody on our side ever touched has band **none** and no strength at all (None, not 0): "we
  never spoke" is a different fact from "it went cold" (:func:`standing`).

>>> from datetime import date, datetime, UTC
>>> from graph_service.domain import Touch, TouchType
>>> t = Touch(id="t", member_id="m", person_id="p", type=TouchType.MEETING,
...           occurred_at=datetime(2026, 1, 1, tzinfo=UTC))
>>> round(touch_strength([t], date(2026, 1, 1)), 3)  # one meeting today: 1 - e^-1
0.632
>>> round(touch_strength([t], date(2026, 4, 1)), 3)  # 90 days later its raw weight halves
0.393
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from graph_service.analytics.params import AnalyticsParams
from graph_service.as_of import TouchLike, has_left, in_window, is_exchange, touch_day
from graph_service.domain import Direction, Person, Touch

DEFAULT = AnalyticsParams()


class Engagement(StrEnum):
    """A person's (or a role's) engagement state as of a date."""

    ENGAGED = "engaged"
    #: Engaged, but a champion's last exchange is more than ``champion_cooling_days`` old.
    COOLING = "cooling"
    COLD = "cold"
    LEFT = "left"
    MISSING = "missing"


class Band(StrEnum):
    """Named bands of touch strength."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"
    #: Nobody on our side ever touched the person.
    NONE = "none"


def counted(touches: Iterable[TouchLike], as_of: date) -> list[TouchLike]:
    """The touches that happened on or before ``as_of``."""
    return [t for t in touches if touch_day(t) <= as_of]


def person_engagement(
    person: Person, touches: Iterable[Touch], as_of: date, params: AnalyticsParams = DEFAULT
) -> Engagement:
    """Engaged, cold or left (``touches`` may include other people's; they are ignored).

    Engaged takes an exchange in the window (:func:`is_exchange`); attempts do not count.
    """
    if has_left(person, as_of):
        return Engagement.LEFT
    for t in touches:
        if (
            t.person_id == person.id
            and is_exchange(t)
            and in_window(touch_day(t), as_of, params.engagement_days)
        ):
            return Engagement.ENGAGED
    return Engagement.COLD


def last_exchange(person_id: str, touches: Iterable[Touch], as_of: date) -> date | None:
    """The day of the person's latest exchange (:func:`is_exchange`) on or before ``as_of``."""
    days = [
        touch_day(t)
        for t in touches
        if t.person_id == person_id and is_exchange(t) and touch_day(t) <= as_of
    ]
    return max(days, default=None)


def champion_engagement(
    person: Person, touches: Iterable[Touch], as_of: date, params: AnalyticsParams = DEFAULT
) -> Engagement:
    """A champion's state: :func:`person_engagement`, with *cooling* for an engaged champion
    whose last exchange is more than ``champion_cooling_days`` days before ``as_of``."""
    touches = list(touches)
    state = person_engagement(person, touches, as_of, params)
    if state is Engagement.ENGAGED:
        last = last_exchange(person.id, touches, as_of)
        if last is not None and (as_of - last).days > params.champion_cooling_days:
            return Engagement.COOLING
    return state


def last_touch(person_id: str, touches: Iterable[Touch], as_of: date) -> date | None:
    """The day of the person's latest touch on or before ``as_of``."""
    days = [touch_day(t) for t in touches if t.person_id == person_id and touch_day(t) <= as_of]
    return max(days, default=None)


def raw_score(
    touches: Iterable[TouchLike], as_of: date, params: AnalyticsParams = DEFAULT
) -> float:
    """The unbounded sum behind :func:`touch_strength` (0 when nothing counts)."""
    total = 0.0
    directions: set[Direction | None] = set()
    for t in counted(touches, as_of):
        age = (as_of - touch_day(t)).days
        weight = params.channel_weights.get(t.type, 0.0) * 0.5 ** (age / params.half_life_days)
        if t.direction is Direction.INBOUND:
            weight *= params.inbound_multiplier
        directions.add(t.direction)
        total += weight
    if {Direction.INBOUND, Direction.OUTBOUND} <= directions:
        total *= params.two_way_multiplier
    return total


def touch_strength(
    touches: Iterable[TouchLike], as_of: date, params: AnalyticsParams = DEFAULT
) -> float:
    """Strength in [0, 1) of one member's touches with one person (0: no touch counts)."""
    return 1.0 - math.exp(-raw_score(touches, as_of, params))


def band(strength: float | None, params: AnalyticsParams = DEFAULT) -> Band:
    """The named band of a strength (None, never touched: ``none``)."""
    if strength is None:
        return Band.NONE
    if strength >= params.strong_band:
        return Band.STRONG
    if strength >= params.moderate_band:
        return Band.MODERATE
    return Band.WEAK


@dataclass(frozen=True, slots=True)
class TouchSummary:
    """What a member's touches with a person amount to, in words and numbers."""

    member_id: str
    person_id: str
    #: None when nothing counts: the member never touched the person (band ``none``).
    strength: float | None
    band: Band
    count_in_window: int
    last: date | None
    reason: str


def summarize(
    member_id: str,
    person_id: str,
    touches: Iterable[TouchLike],
    as_of: date,
    params: AnalyticsParams = DEFAULT,
) -> TouchSummary:
    """Strength, band and the reason in words, e.g. ``6 touches in the last 90 days ...``."""
    mine = counted(touches, as_of)
    strength = touch_strength(mine, as_of, params) if mine else None
    recent = [t for t in mine if in_window(touch_day(t), as_of, params.engagement_days)]
    last = max((touch_day(t) for t in mine), default=None)
    kinds = Counter(t.type.value for t in recent)
    detail = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.most_common())
    if recent:
        reason = (
            f"{len(recent)} touch{'es' if len(recent) > 1 else ''} in the last "
            f"{params.engagement_days} days ({detail}), last on {last}"
        )
    elif last is not None:
        reason = f"{len(mine)} earlier touches, last on {last}"
    else:
        reason = "no touches"
    inbound = sum(1 for t in mine if t.direction is Direction.INBOUND)
    if inbound:
        reason += f"; {inbound} inbound"
    return TouchSummary(
        member_id, person_id, strength, band(strength, params), len(recent), last, reason
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """Where our side stands with one person as of a date.

    ``strength`` is our strongest member's touch strength, None (band ``none``) when nobody on
    our side ever touched the person.
    """

    person_id: str
    status: Engagement
    strength: float | None
    band: Band
    last_touch: date | None
    last_exchange: date | None


def standing(
    person: Person, touches: Iterable[Touch], as_of: date, params: AnalyticsParams = DEFAULT
) -> Standing:
    """The person's engagement, our strongest member's strength and band, and last contacts."""
    mine = [t for t in touches if t.person_id == person.id and touch_day(t) <= as_of]
    by_member: dict[str, list[TouchLike]] = {}
    for t in mine:
        by_member.setdefault(t.member_id, []).append(t)
    strength = (
        max(touch_strength(ts, as_of, params) for ts in by_member.values()) if by_member else None
    )
    return Standing(
        person.id,
        person_engagement(person, mine, as_of, params),
        strength,
        band(strength, params),
        max((touch_day(t) for t in mine), default=None),
        max((touch_day(t) for t in mine if is_exchange(t)), default=None),
    )
