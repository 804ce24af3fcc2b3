"""One generic Relay connection for every paginated field: :class:`Connection` of
:class:`Edge` s with a :class:`PageInfo` and the ``totalCount`` of the whole list.

GraphQL names each use after its node type: ``Connection[Account]`` is ``AccountConnection``
with ``AccountEdge`` s. Cursors are opaque (:mod:`graph_service.api.cursor`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

from graph_service.api import cursor

T = TypeVar("T")
_Row = TypeVar("_Row")

#: The largest page a client may ask for.
MAX_PAGE = 500


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A node of a connection and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, Relay-style; totalCount counts the whole list.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, nodes: Sequence[tuple[str, T]], *, has_next: bool, total: int) -> Connection[T]:
        """The page of ``nodes`` (each with the id its cursor points at)."""
        edges = [Edge(cursor=cursor.encode(key), node=node) for key, node in nodes]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=total,
        )


def check_first(first: int) -> None:
    """A GraphQL error unless ``first`` is a page size a client may ask for."""
    if not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"first must be between 0 and {MAX_PAGE}")


def after_id(after: str | None) -> str | None:
    """The id the cursor ``after`` points at; a GraphQL error when it is not one of ours."""
    if not after:
        return None
    try:
        return cursor.decode(after)
    except ValueError as exc:
        raise GraphQLError(str(exc)) from None


def paginate(
    rows: Sequence[_Row],
    first: int,
    after: str | None,
    key: Callable[[_Row], str],
    node: Callable[[_Row], T],
) -> Connection[T]:
    """The page of ``rows`` (already in order) after the row whose ``key`` ``after`` points
    at (none such: an empty page), ``first`` long."""
    check_first(first)
    start = 0
    last = after_id(after)
    if last is not None:
        keys = [key(r) for r in rows]
        start = keys.index(last) + 1 if last in keys else len(rows)
    page = rows[start : start + first]
    return Connection.of(
        [(key(r), node(r)) for r in page],
        has_next=start + first < len(rows),
        total=len(rows),
    )
