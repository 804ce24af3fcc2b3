"""The labels the target list gives accounts: ABM tiers and RFM segments.

Their rules are in :mod:`graph_service.analytics.portfolio`; they live apart so that the
command line and the API can name them without importing the scoring code (numpy).

>>> Tier("1:few") is Tier.ONE_TO_FEW
True
>>> [s.value for s in Segment][:3]
['new', 'loyal', 'promising']
"""

from __future__ import annotations

from enum import StrEnum


class Segment(StrEnum):
    """Named RFM segments (see the table in :mod:`graph_service.analytics.portfolio`)."""

    NEW = "new"
    LOYAL = "loyal"
    PROMISING = "promising"
    AT_RISK = "at_risk"
    DORMANT = "dormant"
    NEEDS_ATTENTION = "needs_attention"
    PROSPECT = "prospect"


class Tier(StrEnum):
    """ABM tiers."""

    ONE_TO_ONE = "1:1"
    ONE_TO_FEW = "1:few"
    ONE_TO_MANY = "1:many"
    UNTIERED = "untiered"
