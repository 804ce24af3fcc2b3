"""Signed JWTs (PyJWT): HS256 with a shared secret, RS256 with a public key or a JWKS file.

A token names a team member in ``sub`` and their role in a claim (``role`` unless
``jwt_role_claim`` says otherwise) and must carry ``exp``. Only the algorithms of the
allow-list are accepted (never ``none``), each with the kind of key it needs: an HS token is
checked with the secret only, an RS token with the public key or the JWKS key its ``kid``
names only, so a public key can never be used as an HMAC secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from graph_service.auth.principal import AuthMethod, Principal, PrincipalKind, parse_role
from graph_service.errors import AuthError, ConfigError

if TYPE_CHECKING:
    from graph_service.settings import Settings

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512"})
#: RFC 7518 asks for an HMAC key at least as long as the hash.
MIN_SECRET_BYTES = 32


class JwtVerifier:
    """Checks tokens against the keys and claims it was configured with."""

    def __init__(
        self,
        *,
        secret: str | bytes | None = None,
        public_key: RSAPublicKey | None = None,
        jwks: jwt.PyJWKSet | None = None,
        algorithms: Sequence[str] = (),
        audience: str | None = None,
        issuer: str | None = None,
        role_claim: str = "role",
        leeway: float = 0,
    ) -> None:
        if public_key is not None and jwks is not None:
            raise ConfigError("set one of jwt_public_key_file and jwt_jwks_file, not both")
        secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else secret
        if secret_bytes is not None and len(secret_bytes) < MIN_SECRET_BYTES:
            raise ConfigError(f"jwt_secret must be at least {MIN_SECRET_BYTES} bytes long")
        has_rsa = public_key is not None or jwks is not None
        if not algorithms:
            algorithms = [
                *(["HS256"] if secret_bytes is not None else []),
                *(["RS256"] if has_rsa else []),
            ]
        if not algorithms:
            raise ConfigError("JWTs need jwt_secret, jwt_public_key_file or jwt_jwks_file")
        for alg in algorithms:
            if alg in HMAC_ALGORITHMS:
                if secret_bytes is None:
                    raise ConfigError(f"jwt_algorithms: {alg} needs jwt_secret")
            elif alg in RSA_ALGORITHMS:
                if not has_rsa:
                    raise ConfigError(
                        f"jwt_algorithms: {alg} needs jwt_public_key_file or jwt_jwks_file"
                    )
            else:
                allowed = ", ".join(sorted(HMAC_ALGORITHMS | RSA_ALGORITHMS))
                raise ConfigError(f"jwt_algorithms: {alg!r} is not one of {allowed}")
        if not role_claim:
            raise ConfigError("jwt_role_claim is empty")
        self._secret = secret_bytes
        self._public_key = public_key
        self._jwks = jwks
        self.algorithms = tuple(algorithms)
        self.audience = audience
        self.issuer = issuer
        self.role_claim = role_claim
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings: Settings) -> JwtVerifier | None:
        """The verifier the settings describe, or None when they configure no JWT key."""
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        public_key = (
            load_public_key(settings.jwt_public_key_file) if settings.jwt_public_key_file else None
        )
        jwks = load_jwks(settings.jwt_jwks_file) if settings.jwt_jwks_file else None
        if secret is None and public_key is None and jwks is None:
            if settings.jwt_algorithms:
                raise ConfigError(
                    "jwt_algorithms is set but no jwt_secret, jwt_public_key_file or "
                    "jwt_jwks_file is"
                )
            return None
        return cls(
            secret=secret,
            public_key=public_key,
            jwks=jwks,
            algorithms=settings.jwt_algorithms,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            role_claim=settings.jwt_role_claim,
        )

    def verify(self, token: str) -> Principal:
        """The team member a valid token names, or an :class:`AuthError` saying what is wrong."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("malformed token") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise AuthError(f"token algorithm {alg!r} is not accepted")
        key = self._key_for(alg, header)
        required = ["exp", "sub"]
        if self.audience is not None:
            required.append("aud")
        if self.issuer is not None:
            required.append("iss")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token has expired") from None
        except jwt.InvalidSignatureError:
            raise AuthError("token signature is invalid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"token has no {exc.claim!r} claim") from None
        except jwt.InvalidAudienceError:
            raise AuthError("token audience is not accepted") from None
        except jwt.InvalidIssuerError:
            raise AuthError("token issuer is not accepted") from None
        except jwt.ImmatureSignatureError:
            raise AuthError("token is not valid yet") from None
        except jwt.InvalidTokenError:
            raise AuthError("invalid token") from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip():
            raise AuthError("token has no subject")
        if self.role_claim not in claims:
            raise AuthError(f"token has no {self.role_claim!r} claim")
        role = parse_role(claims[self.role_claim])
        return Principal(kind=PrincipalKind.MEMBER, id=subject, role=role, method=AuthMethod.JWT)

    def _key_for(self, alg: str, header: dict[str, Any]) -> bytes | RSAPublicKey | Any:
        if alg in HMAC_ALGORITHMS:
            assert self._secret is not None
            return self._secret
        if self._public_key is not None:
            return self._public_key
        assert self._jwks is not None
        kid = header.get("kid")
        keys = list(self._jwks)
        if kid is None:
            if len(keys) != 1:
                raise AuthError("token has no key id ('kid')")
            jwk = keys[0]
        else:
            matching = [k for k in keys if k.key_id == kid]
            if not matching:
                raise AuthError("token key id is not known")
            jwk = matching[0]
        if jwk.key_type != "RSA":
            raise AuthError("token key id is not known")
        # A JWK's algorithm is its "alg", RS256 when it names none.
        if jwk.algorithm_name != alg:
            raise AuthError(f"token algorithm {alg!r} is not accepted for this key")
        return jwk.key


def load_public_key(path: Path) -> RSAPublicKey:
    """The RSA public key of a PEM file, or a :class:`ConfigError`."""
    try:
        key = load_pem_public_key(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(f"jwt_public_key_file: cannot read {path}: {exc}") from exc
    except ValueError:
        raise ConfigError(f"jwt_public_key_file: {path} is not a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigError(f"jwt_public_key_file: {path} is not an RSA public key")
    return key


def load_jwks(path: Path) -> jwt.PyJWKSet:
    """The keys of a JWKS file, or a :class:`ConfigError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"jwt_jwks_file: cannot read {path}: {exc}") from exc
    try:
        return jwt.PyJWKSet.from_json(text)
    except (jwt.PyJWKSetError, jwt.PyJWKError, ValueError) as exc:
        raise ConfigError(f"jwt_jwks_file: {path} holds no usable key: {exc}") from None
