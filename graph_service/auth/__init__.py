"""Who is calling: principals, API keys, JWTs, and one ``authenticate`` for the API.

Nothing here decides what a caller may see; that is the store's business, given a
:class:`Principal`. See docs/authentication.md.
"""

from graph_service.auth.authenticate import Authenticator, bearer_credentials
from graph_service.auth.keys import KEY_PREFIX, ApiKeyRecord, ApiKeyStore, CreatedKey, key_file
from graph_service.auth.principal import AuthMethod, Principal, PrincipalKind, Role, parse_role
from graph_service.auth.tokens import JwtVerifier
from graph_service.errors import AuthError

__all__ = [
    "KEY_PREFIX",
    "ApiKeyRecord",
    "ApiKeyStore",
    "AuthError",
    "AuthMethod",
    "Authenticator",
    "CreatedKey",
    "JwtVerifier",
    "Principal",
    "PrincipalKind",
    "Role",
    "bearer_credentials",
    "key_file",
    "parse_role",
]
