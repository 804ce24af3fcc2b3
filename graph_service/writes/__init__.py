"""Writes to the account graph on behalf of a caller: the use cases behind the GraphQL mutations.

Each operation takes a :class:`~graph_service.writes.writer.Writer` (the store, the caller,
the clock) and plain input, and answers an :data:`~graph_service.writes.outcome.Outcome`:

- :class:`~graph_service.writes.outcome.Written`: the record as stored, whether it was created
  and whether anything changed;
- :class:`~graph_service.writes.outcome.Invalid`: the input breaks a rule; one
  :class:`~graph_service.writes.outcome.FieldProblem` per field, nothing written;
- :class:`~graph_service.writes.outcome.Missing`: a record the input names does not exist *or
  is outside the caller's accounts* (the two answer alike);
- :class:`~graph_service.writes.outcome.Refused`: the caller's role may not write at all (a
  strategist; see :mod:`graph_service.auth.policy`).

Rules every operation keeps (docs/api.md):

- **Scope.** A write is to one account: the company of the record written (a person's
  company; a touch's, its person's; a tie's, both people's). It is allowed only when the caller
  sees that account (:class:`~graph_service.domain.Scope`); a team member named as the one who
  acted (``member_id``) must be the caller, or on the team of an account the caller sees (an
  admin: any team member), and one who is not answers as unknown.
- **Retired records** (a snapshot load found them gone from their source) answer as missing.
- **Audit.** Every write that changes something appends one
  :class:`~graph_service.audit.AuditRecord` in the same transaction (the operation's GraphQL
  name, the ids written, the accounts, each changed field before and after); a write that
  changes nothing writes nothing and no audit record.
- **Durability.** An answer of :class:`~graph_service.writes.outcome.Written` means the store
  committed it (fsynced on the embedded store, committed on Neo4j); it moves the data version,
  so cached answers refresh.
"""

from graph_service.writes.outcome import FieldProblem, Invalid, Missing, Outcome, Refused, Written
from graph_service.writes.writer import Writer

__all__ = ["FieldProblem", "Invalid", "Missing", "Outcome", "Refused", "Writer", "Written"]
