"""Who is calling: principals, API keys, JWTs, and one ``authenticate`` for the API.

Which accounts a caller sees is the store's business, given a :class:`Principal`'s scope;
which kinds of operation a role may run is :mod:`graph_service.auth.policy`.
See docs/authentication.md.
"""

from graph_service.auth.authenticate import Authenticator, bearer_credentials
from graph_service.auth.keys import KEY_PREFIX, ApiKeyRecord, ApiKeyStore, CreatedKey, key_file
from graph_service.auth.policy import POLICY, Action, allows, require
from graph_service.auth.principal import (
    OPEN,
    AuthMethod,
    Principal,
    PrincipalKind,
    Role,
    parse_role,
)
from graph_service.auth.tokens import JwtVerifier
from graph_service.errors import AuthError, ForbiddenError

__all__ = [
    "KEY_PREFIX",
    "OPEN",
    "POLICY",
    "Action",
    "ApiKeyRecord",
    "ApiKeyStore",
    "AuthError",
    "AuthMethod",
    "Authenticator",
    "CreatedKey",
    "ForbiddenError",
    "JwtVerifier",
    "Principal",
    "PrincipalKind",
    "Role",
    "allows",
    "bearer_credentials",
    "key_file",
    "parse_role",
    "require",
]
