"""Recording a tie between two people (who influences, worked with or knows whom).

A tie's identity is (from person, type, to person), see
:class:`~graph_service.domain.Relationship`; writing it again replaces its strength. Both
people must be current and at accounts the caller sees, and be two people; ``strength`` is in
[0, 1] when given.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.domain import Kind, Person, Relationship, RelationshipType
from graph_service.writes.checks import Problems
from graph_service.writes.outcome import Missing, Outcome, Written
from graph_service.writes.writer import Writer


@dataclass(frozen=True, slots=True)
class Tie:
    from_person_id: str
    to_person_id: str
    type: RelationshipType
    strength: float | None = None


def upsert_relationship(writer: Writer, given: Tie) -> Outcome[Relationship]:
    """Operation ``upsertRelationship`` (see the module); the answer's account is the
    from-person's."""
    if (refused := writer.refusal()) is not None:
        return refused
    source = writer.in_scope(Kind.PEOPLE, given.from_person_id, Person)
    if source is None:
        return Missing("person", given.from_person_id)
    target = writer.in_scope(Kind.PEOPLE, given.to_person_id, Person)
    if target is None:
        return Missing("person", given.to_person_id)
    problems = Problems()
    if source.id == target.id:
        problems.add("toPersonId", "a tie joins two different people")
    if given.strength is not None and not 0 <= given.strength <= 1:
        problems.add("strength", "must be between 0 and 1")
    if (invalid := problems.invalid()) is not None:
        return invalid
    after = Relationship(source.id, target.id, given.type, given.strength)
    before = writer.current(Kind.RELATIONSHIPS, after.id, Relationship)
    if after == before:
        return Written(after, source.company_id, changed=False)
    accounts = {source.company_id, target.company_id}
    audit = writer.audit(
        "upsertRelationship", Kind.RELATIONSHIPS, {after.id: (before, after)}, accounts
    )
    writer.store.upsert(Kind.RELATIONSHIPS, [after], audit=audit)
    return Written(after, source.company_id, created=before is None)
