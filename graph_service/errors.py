"""The one error hierarchy of abmgraph.

Every failure a user can cause or fix (bad input, a store that cannot be reached, a data
directory held by another process) is an :class:`AbmGraphError`; the CLI prints these without a
traceback and the GraphQL layer turns the expected ones into typed results.
"""

from __future__ import annotations


class AbmGraphError(Exception):
    """Base class of every error abmgraph raises on purpose."""


class ConfigError(AbmGraphError):
    """A setting is missing or contradicts another."""


class StoreUnavailableError(AbmGraphError):
    """The configured store cannot be reached or opened."""


class StoreTimeoutError(AbmGraphError):
    """A store call ran over its timeout and was stopped (``ABMGRAPH_STORE_TIMEOUT``)."""


class StoreLockedError(StoreUnavailableError):
    """Another process holds the embedded store's data directory for writing."""


class InputFileError(AbmGraphError):
    """An input file cannot be loaded at all (unreadable, or a required column is missing).

    Nothing of the file is written when this is raised.
    """

    def __init__(self, file: str, message: str, *, column: str | None = None) -> None:
        self.file = file
        self.column = column
        where = f"{file}: column {column!r}" if column else file
        super().__init__(f"{where}: {message}")


class NotFoundError(AbmGraphError):
    """A requested entity does not exist."""

    def __init__(self, kind: str, id_: str) -> None:
        self.kind = kind
        self.id = id_
        super().__init__(f"{kind} {id_!r} not found")


class EmbeddedNeo4jError(AbmGraphError):
    """The embedded Neo4j server for tests and local development could not be built or run."""


class InvalidArgumentError(AbmGraphError):
    """A request asks for something the service cannot answer as asked (a currency no rate
    converts, ...); the message says what would work."""


class AuthError(AbmGraphError):
    """A caller could not be authenticated (no credentials, an unknown, revoked or expired key
    or token, a bad signature, a role that does not exist).

    The message is safe to show the caller: it names what was wrong with the credentials they
    sent, never a stored hash, a key file or another caller's key.
    """


class ForbiddenError(AbmGraphError):
    """An authenticated caller's role may not run this kind of operation at all (a write by a
    strategist, the audit log for a rep). Never raised for an account outside the caller's
    scope: that answers as one that does not exist (:class:`NotFoundError`)."""
