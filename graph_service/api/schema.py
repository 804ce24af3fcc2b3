"""The GraphQL schema: queries over the account graph.

Expected failures (an unknown account id) are typed results; a bad request (an invalid cursor,
a currency no rate converts) is an error whose message reaches the client and is logged in one
line; anything unexpected is masked to "Unexpected error." for the client and logged in full on
the server.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext, Info

from graph_service.api import cursor
from graph_service.api.analytics import AnalyticsQuery
from graph_service.api.limits import limit_extensions
from graph_service.api.types import (
    Account,
    AccountConnection,
    AccountEdge,
    AccountFilter,
    AccountResult,
    NotFound,
    PageInfo,
)
from graph_service.errors import AbmGraphError
from graph_service.settings import Limits
from graph_service.store.base import Store

log = logging.getLogger(__name__)

MAX_PAGE = 500


def _store(info: Info[Any, Any]) -> Store:
    store: Store = info.context["store"]
    return store


@strawberry.type
class Query(AnalyticsQuery):
    @strawberry.field(description="One account with its units, people, team, deals and touches.")
    def account(self, info: Info[Any, Any], id: strawberry.ID) -> AccountResult:
        store = _store(info)
        view = store.account(str(id))
        if view is None:
            return NotFound(id=id, message=f"no account with id {id!r}")
        return Account.of(view.company, store, view)

    @strawberry.field(description="Accounts in id order, Relay-style (first at most 500).")
    def accounts(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: AccountFilter | None = None,
    ) -> AccountConnection:
        if not 0 <= first <= MAX_PAGE:
            raise GraphQLError(f"first must be between 0 and {MAX_PAGE}")
        try:
            after_id = cursor.decode(after) if after else None
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
        store = _store(info)
        where = filter.to_domain() if filter else AccountFilter().to_domain()
        page = store.accounts(first=first, after=after_id, where=where)
        edges = [
            AccountEdge(cursor=cursor.encode(c.id), node=Account.of(c, store))
            for c in page.companies
        ]
        return AccountConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=page.total,
        )


def _is_client_error(error: GraphQLError) -> bool:
    """The request's own fault (a bad document or argument), told to the client as it is."""
    original = error.original_error
    return original is None or isinstance(original, AbmGraphError | GraphQLError)


def _should_mask(error: GraphQLError) -> bool:
    """Mask errors raised by our code unless they are our own, user-facing ones."""
    if _is_client_error(error):
        return False
    log.error("unexpected error in GraphQL resolver", exc_info=error.original_error)
    return True


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client errors in one line without a traceback; the rest as strawberry logs them."""
        unexpected = []
        for error in errors:
            if _is_client_error(error):
                log.info("GraphQL request refused: %s", error.message)
            else:
                unexpected.append(error)
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The schema with error masking; with ``limits``, every request is held to them
    (:mod:`graph_service.api.limits`)."""
    bounds = limit_extensions(limits) if limits is not None else []
    return _Schema(
        query=Query,
        extensions=[*bounds, lambda: MaskErrors(should_mask_error=_should_mask)],
    )


schema = build_schema()
