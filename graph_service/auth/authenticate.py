"""One entry point for the API: the ``Authorization`` header in, a :class:`Principal` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_service.auth.keys import KEY_PREFIX, ApiKeyStore, key_file
from graph_service.auth.principal import Principal
from graph_service.auth.tokens import JwtVerifier
from graph_service.errors import AuthError

if TYPE_CHECKING:
    from graph_service.settings import Settings

NO_CREDENTIALS = "no credentials (send 'Authorization: Bearer <key or token>')"


class Authenticator:
    """Accepts ``Bearer <API key>`` (they start with ``abm_``) or ``Bearer <JWT>``."""

    def __init__(self, keys: ApiKeyStore, tokens: JwtVerifier | None = None) -> None:
        self.keys = keys
        self.tokens = tokens

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        """The keys of the data directory, and JWTs when the settings configure a key."""
        return cls(ApiKeyStore(key_file(settings.data_dir)), JwtVerifier.from_settings(settings))

    def configured(self) -> bool:
        """Whether any credential can be accepted: a key was ever created, or JWTs are
        configured. A service in the default mode runs open until then."""
        return self.tokens is not None or self.keys.any()

    def authenticate(self, authorization: str | None) -> Principal:
        """Who sent ``authorization`` (an ``Authorization`` header's value), or
        :class:`AuthError` with a message the caller may see."""
        credentials = bearer_credentials(authorization)
        if credentials.startswith(KEY_PREFIX):
            return self.keys.verify(credentials)
        if self.tokens is None:
            raise AuthError("this service accepts API keys only, not tokens")
        return self.tokens.verify(credentials)


def bearer_credentials(authorization: str | None) -> str:
    """What follows ``Bearer`` in an ``Authorization`` header's value.

    >>> bearer_credentials("Bearer abm_x_y")
    'abm_x_y'
    >>> bearer_credentials("bearer  abc ")
    'abc'
    >>> bearer_credentials("Basic dXNlcg==")
    Traceback (most recent call last):
    ...
    graph_service.errors.AuthError: no credentials (send 'Authorization: Bearer <key or token>')
    """
    if not authorization:
        raise AuthError(NO_CREDENTIALS)
    scheme, _, rest = authorization.strip().partition(" ")
    credentials = rest.strip()
    if scheme.lower() != "bearer" or not credentials or " " in credentials:
        raise AuthError(NO_CREDENTIALS)
    return credentials
