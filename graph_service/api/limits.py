"""The bounds a GraphQL request is held to before it runs (docs/limits.md).

Strawberry's token limiter stops the parser at the first token over the limit. Then, before
graphql-core validates the document, :class:`RequestLimits` refuses a query whose cost
(:mod:`graph_service.api.cost`) is over the budget or whose list arguments are too long, and
then runs strawberry's depth and alias limiters. The cost comes first because its walk is
linear in the document, while validation and the limiters expand every fragment spread: a
fragment fan-out is refused by its cost before anything walks its expansion. And all of it
comes before validation, which is quadratic in the fields of a selection set: a document
refused by a limit is never validated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError, validate
from strawberry.extensions import MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from graph_service.api.cost import ListTooLongError, QueryCost
from graph_service.api.metrics import REFUSED
from graph_service.api.valid_documents import ValidDocuments
from graph_service.errors import ConfigError
from graph_service.settings import Limits

#: The ``extensions.code`` of a refused query.
TOO_COSTLY = "QUERY_TOO_COSTLY"
LIST_TOO_LONG = "LIST_TOO_LONG"
TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
#: Every code a limit refuses a query with (client errors, as the document's others are).
LIMIT_CODES = frozenset({TOO_COSTLY, LIST_TOO_LONG, TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_TOKENS})
#: graphql-core's message when the parser stops at the token limit.
_TOKENS_MESSAGE = "tokens. Parsing aborted."


class RequestLimits(SchemaExtension):
    """Refuses, before validation and execution, a query over the cost budget (the message
    gives the cost and the budget), with a list argument longer than allowed, nested too
    deep or with too many aliases.

    A query text that passed before (``documents``, :mod:`graph_service.api.valid_documents`)
    is not parsed, limited for depth and aliases or validated again: only its cost, which
    depends on the variables, is checked again."""

    def __init__(self, limits: Limits, documents: ValidDocuments | None = None) -> None:
        self.documents = documents
        self.known = False
        self.budget = limits.query_cost_budget
        self.max_list = limits.max_id_list
        self.rules = (
            (TOO_DEEP, depth_validator(limits.max_query_depth, None)),
            (TOO_MANY_ALIASES, alias_validator(limits.max_aliases)),
        )

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if self.documents is not None and context.query and context.graphql_document is None:
            known = self.documents.get(context.query)
            if known is not None:
                context.graphql_document = known  # strawberry then parses nothing
                self.known = True
        yield
        for error in self.execution_context.pre_execution_errors or ():
            if error.message.endswith(_TOKENS_MESSAGE):
                _counted([_coded(error, TOO_MANY_TOKENS)])

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            error = self._refusal(document)
            if error is not None:
                errors = [error]
            elif self.known:
                errors = []
                context.pre_execution_errors = []  # valid before: strawberry skips validation
            else:
                errors = self._limited(document)
            if errors:
                # Set before validation runs: strawberry then skips it and answers these.
                context.pre_execution_errors = _counted(errors)
        yield
        if (
            self.documents is not None
            and not self.known
            and document is not None
            and context.query
            and not context.pre_execution_errors
        ):
            self.documents.remember(context.query, document)

    def _limited(self, document: Any) -> list[GraphQLError]:
        """Strawberry's depth and alias limiters' errors, each with its code."""
        schema = self.execution_context.schema._schema
        for code, rule in self.rules:
            errors = validate(schema, document, [rule])
            if errors:
                return [_coded(error, code) for error in errors]
        return []

    def _refusal(self, document: Any) -> GraphQLError | None:
        context = self.execution_context
        try:
            cost = QueryCost(
                context.schema._schema, document, context.variables or {}, self.max_list
            ).operation(context.operation_name)
        except ListTooLongError as exc:
            return GraphQLError(str(exc), extensions={"code": LIST_TOO_LONG})
        if cost <= self.budget:
            return None
        return GraphQLError(
            f"query cost {cost:,} is over the budget of {self.budget:,} "
            "(ABMGRAPH_QUERY_COST_BUDGET): ask for smaller pages, fewer portfolio-wide fields "
            "or aliases, shallower nesting, or a lower k x maxHops",
            extensions={"code": TOO_COSTLY, "cost": cost, "budget": self.budget},
        )


def _coded(error: GraphQLError, code: str) -> GraphQLError:
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


def _counted(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The refusals, each counted in the ``/metrics`` counter of refused queries by limit."""
    for error in errors:
        REFUSED.labels(limit=str((error.extensions or {}).get("code", "unknown"))).inc()
    return errors


def configured_limits() -> Limits:
    """The limits the environment sets (``ABMGRAPH_*``); a bad one is a :class:`ConfigError`."""
    from pydantic import ValidationError

    try:
        return Limits()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def limit_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """The schema extensions that hold every request to ``limits``, a fresh set per
    request (the documents that passed are shared by them all)."""
    documents = ValidDocuments()
    return [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: RequestLimits(limits, documents),
    ]
