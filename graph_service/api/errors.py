"""How GraphQL errors reach the client and the log.

Every error in an answer carries ``extensions.code``:

* ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED``: the document is not a valid query
  of this schema;
* ``BAD_USER_INPUT``: an argument the service cannot answer for (a date out of range, weights
  that overflow, a bad cursor, a currency no rate converts), with a message saying what would
  work;
* ``NOT_FOUND``: an entity asked for does not exist (most fields answer a typed ``NotFound``
  instead);
* ``FORBIDDEN``: the caller's role may not run this kind of operation (the audit log for
  anyone but an admin; mutations answer a typed ``Forbidden`` instead);
* ``STORE_UNAVAILABLE``: the store cannot answer now; try again later (in production the
  message does not name the store's address);
* ``INTERNAL_SERVER_ERROR``: anything else, a bug: masked as "Unexpected error." with
  ``extensions.requestId``, the id of the request's log lines.

The client's mistakes are logged in one line without a traceback, the store being away in one
warning line, and an unexpected error once, with its traceback (:func:`log_errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import StrEnum

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult

from graph_service.api import request_id
from graph_service.errors import (
    AbmGraphError,
    ForbiddenError,
    NotFoundError,
    StoreUnavailableError,
)

log = logging.getLogger("graph_service.api")

MASKED_MESSAGE = "Unexpected error."
STORE_UNAVAILABLE_MESSAGE = "The store is unavailable now; try again later."


class Code(StrEnum):
    """The values of ``extensions.code``."""

    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


#: The codes of errors the client caused (logged without a traceback).
CLIENT_CODES = frozenset(
    {
        Code.GRAPHQL_PARSE_FAILED,
        Code.GRAPHQL_VALIDATION_FAILED,
        Code.BAD_USER_INPUT,
        Code.NOT_FOUND,
        Code.FORBIDDEN,
    }
)


def classify(error: GraphQLError) -> Code:
    """The code of ``error``, from what was raised.

    A ``GraphQLError`` raised by a resolver is a refused argument; one raised while
    serializing a field's value (a path under the field, "... cannot represent ...") is ours.
    """
    original = error.original_error
    if original is None:
        if isinstance(error, GraphQLSyntaxError):
            return Code.GRAPHQL_PARSE_FAILED
        return Code.GRAPHQL_VALIDATION_FAILED if error.path is None else Code.BAD_USER_INPUT
    if isinstance(original, StoreUnavailableError):
        return Code.STORE_UNAVAILABLE
    if isinstance(original, NotFoundError):
        return Code.NOT_FOUND
    if isinstance(original, ForbiddenError):
        return Code.FORBIDDEN
    if isinstance(original, GraphQLError):
        if error.path is not None and "cannot represent" in original.message:
            return Code.INTERNAL_SERVER_ERROR
        return Code.BAD_USER_INPUT
    if isinstance(original, AbmGraphError):
        return Code.BAD_USER_INPUT
    return Code.INTERNAL_SERVER_ERROR


def log_errors(errors: list[GraphQLError]) -> None:
    """Log each error of one answer once: see the module's docstring."""
    for error in errors:
        code = classify(error)
        if code in CLIENT_CODES:
            log.info("GraphQL request refused (%s): %s", code, error.message)
        elif code is Code.STORE_UNAVAILABLE:
            log.warning("store unavailable: %s", error.message)
        else:
            log.error(
                "unexpected error in GraphQL resolver at %s",
                ".".join(str(p) for p in error.path or []) or "(operation)",
                exc_info=error.original_error or error,
            )


def _with_code(error: GraphQLError, *, production: bool) -> tuple[GraphQLError, Code]:
    code = classify(error)
    extensions = dict(error.extensions or {})
    message = error.message
    if code is Code.INTERNAL_SERVER_ERROR:
        message = MASKED_MESSAGE
        extensions = {"requestId": request_id.current_id()}
    elif code is Code.STORE_UNAVAILABLE and production:
        message = STORE_UNAVAILABLE_MESSAGE
    # A refusal that says which limit it hit (docs/limits.md) keeps its own code.
    given = extensions.get("code")
    extensions["code"] = given if code in CLIENT_CODES and isinstance(given, str) else code.value
    if code not in CLIENT_CODES:
        extensions["requestId"] = request_id.current_id()
    masked = GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None if code is Code.INTERNAL_SERVER_ERROR else error.original_error,
        extensions=extensions,
    )
    return masked, code


class ErrorPolicy(SchemaExtension):
    """Codes every error of the answer and masks the unexpected ones (see the module)."""

    def __init__(self, *, production: bool = False) -> None:
        self.production = production

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not isinstance(result, GraphQLExecutionResult | ExecutionResult) or not result.errors:
            return
        processed = [_with_code(e, production=self.production) for e in result.errors]
        result.errors = [e for e, _ in processed]
        info = request_id.current()
        if info is not None:
            info.error_codes.extend(code.value for _, code in processed)
