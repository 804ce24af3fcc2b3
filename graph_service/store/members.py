"""Which team members a caller may see: the one rule the ``member`` query and the writes that
name a member (who made a touch, who is to take an action) share."""

from __future__ import annotations

from graph_service.domain import AccountFilter, Kind, TeamMember
from graph_service.store.base import Store


def seen_member(
    store: Store, member_id: str, *, caller_id: str | None, visible: frozenset[str] | None
) -> TeamMember | None:
    """The team member ``member_id`` if a caller (the member ``caller_id``, if a member) who
    sees the companies ``visible`` (None: every one) may see them: themself, a member on the
    team of an account they see, or anyone when they see everything. Otherwise None: a
    member the caller may not see answers as one that does not exist. At most two reads."""
    record = store.record(Kind.TEAM, member_id)
    if not isinstance(record, TeamMember):
        return None
    if visible is None or member_id == caller_id:
        return record
    where = AccountFilter(owner_id=member_id)
    on_a_team = store.accounts(first=1, after=None, where=where, visible=visible).total > 0
    return record if on_a_team else None
