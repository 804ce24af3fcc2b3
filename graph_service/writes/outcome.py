"""What a write answers: written, invalid, missing or refused (see :mod:`graph_service.writes`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from graph_service.domain import Record

R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class Written(Generic[R]):
    """The record as it is now stored (``account_id``: the account it belongs to);
    ``created``: it did not exist before; ``changed``: the write changed something (false for
    a repeat with the same idempotency key, or an action already done)."""

    record: R
    account_id: str
    created: bool = False
    changed: bool = True


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Why one input field is refused; ``field`` is the GraphQL input field's name."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Invalid:
    """The input breaks at least one rule; nothing was written.

    >>> Invalid((FieldProblem("notes", "at most 10000 characters"),)).message
    'invalid input: notes: at most 10000 characters'
    """

    problems: tuple[FieldProblem, ...]

    @property
    def message(self) -> str:
        return "invalid input: " + "; ".join(f"{p.field}: {p.message}" for p in self.problems)


@dataclass(frozen=True, slots=True)
class Missing:
    """A record the input names does not exist, or the caller may not see it (alike).

    >>> Missing("person", "p9").message
    "no person with id 'p9'"
    """

    kind: str
    id: str

    @property
    def message(self) -> str:
        return f"no {self.kind} with id {self.id!r}"


@dataclass(frozen=True, slots=True)
class Refused:
    """The caller's role may not write; the message names the role, never an account."""

    message: str


Outcome = Written[R] | Invalid | Missing | Refused
