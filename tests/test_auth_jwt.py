"""JWTs: HS256 with a secret, RS256 with a PEM key or a JWKS file, and every way to fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_service.auth import (
    ApiKeyStore,
    Authenticator,
    AuthError,
    AuthMethod,
    JwtVerifier,
    Principal,
    PrincipalKind,
    Role,
)
from graph_service.errors import ConfigError
from graph_service.settings import Settings

SECRET = "s" * 32


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"sub": "m2", "role": "rep", "exp": int(time.time()) + 300}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs256(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), SECRET, algorithm="HS256")


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_hs256_token_names_the_member_and_role() -> None:
    principal = JwtVerifier(secret=SECRET).verify(hs256())
    assert principal == Principal(
        kind=PrincipalKind.MEMBER, id="m2", role=Role.REP, method=AuthMethod.JWT
    )


def test_an_rs256_token_is_checked_with_the_public_key_file(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    (tmp_path / "key.pem").write_bytes(public_pem(rsa_key))
    verifier = JwtVerifier.from_settings(Settings(jwt_public_key_file=tmp_path / "key.pem"))
    assert verifier is not None
    token = jwt.encode(claims(role="manager"), rsa_key, algorithm="RS256")
    assert verifier.verify(token).role is Role.MANAGER


def test_an_rs256_token_is_checked_with_the_jwks_key_its_kid_names(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = [
        {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(k.public_key())), "kid": kid}
        for kid, k in (("old", other), ("new", rsa_key))
    ]
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": keys}), encoding="utf-8")
    verifier = JwtVerifier.from_settings(Settings(jwt_jwks_file=tmp_path / "jwks.json"))
    assert verifier is not None
    token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "new"})
    assert verifier.verify(token).id == "m2"


def test_a_token_whose_kid_is_not_in_the_jwks_is_refused(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key())), "kid": "a"}
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk]}), encoding="utf-8")
    verifier = JwtVerifier.from_settings(Settings(jwt_jwks_file=tmp_path / "jwks.json"))
    assert verifier is not None
    token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "b"})
    with pytest.raises(AuthError, match="key id is not known"):
        verifier.verify(token)


def test_an_expired_token_is_refused() -> None:
    with pytest.raises(AuthError, match="expired"):
        JwtVerifier(secret=SECRET).verify(hs256(exp=int(time.time()) - 60))


def test_a_token_without_exp_is_refused() -> None:
    with pytest.raises(AuthError, match="no 'exp' claim"):
        JwtVerifier(secret=SECRET).verify(hs256(exp=None))


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = jwt.encode(claims(), "t" * 32, algorithm="HS256")
    with pytest.raises(AuthError, match="signature is invalid"):
        JwtVerifier(secret=SECRET).verify(token)


def test_a_token_for_another_audience_is_refused() -> None:
    verifier = JwtVerifier(secret=SECRET, audience="abmgraph")
    with pytest.raises(AuthError, match="audience is not accepted"):
        verifier.verify(hs256(aud="billing"))


def test_a_token_without_an_audience_is_refused_when_one_is_required() -> None:
    with pytest.raises(AuthError, match="no 'aud' claim"):
        JwtVerifier(secret=SECRET, audience="abmgraph").verify(hs256())


def test_a_token_from_another_issuer_is_refused() -> None:
    verifier = JwtVerifier(secret=SECRET, issuer="https://idp.example")
    with pytest.raises(AuthError, match="issuer is not accepted"):
        verifier.verify(hs256(iss="https://evil.example"))


def test_an_unsigned_alg_none_token_is_refused() -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    token = f"{header}.{b64(json.dumps(claims()).encode())}."
    with pytest.raises(AuthError, match="algorithm 'none' is not accepted"):
        JwtVerifier(secret=SECRET).verify(token)


def test_an_hs256_token_keyed_with_the_rsa_public_key_is_refused(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{b64(json.dumps(claims()).encode())}"
    mac = hmac.new(public_pem(rsa_key), signing_input.encode(), hashlib.sha256).digest()
    verifier = JwtVerifier(public_key=rsa_key.public_key())
    with pytest.raises(AuthError, match="algorithm 'HS256' is not accepted"):
        verifier.verify(f"{signing_input}.{b64(mac)}")


def test_none_cannot_be_allowed_in_the_settings() -> None:
    with pytest.raises(ConfigError, match="'none' is not one of"):
        JwtVerifier(secret=SECRET, algorithms=["HS256", "none"])


def test_a_short_hs256_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        JwtVerifier(secret="short")


def test_no_jwt_settings_means_no_verifier() -> None:
    assert JwtVerifier.from_settings(Settings()) is None


def test_a_token_without_a_role_claim_is_refused() -> None:
    with pytest.raises(AuthError, match="no 'role' claim"):
        JwtVerifier(secret=SECRET).verify(hs256(role=None))


def test_a_token_with_an_unknown_role_is_refused() -> None:
    with pytest.raises(AuthError, match="unknown role 'owner'"):
        JwtVerifier(secret=SECRET).verify(hs256(role="owner"))


def test_the_role_is_read_from_the_configured_claim() -> None:
    verifier = JwtVerifier(secret=SECRET, role_claim="abm_role")
    assert verifier.verify(hs256(role=None, abm_role="admin")).role is Role.ADMIN


def test_a_token_without_a_subject_is_refused() -> None:
    with pytest.raises(AuthError, match="no 'sub' claim"):
        JwtVerifier(secret=SECRET).verify(hs256(sub=None))


def test_a_malformed_token_is_refused() -> None:
    with pytest.raises(AuthError, match="malformed token"):
        JwtVerifier(secret=SECRET).verify("not-a-token")


def test_authenticate_takes_a_bearer_jwt(tmp_path: Path) -> None:
    auth = Authenticator(ApiKeyStore(tmp_path / "keys.json"), JwtVerifier(secret=SECRET))
    assert auth.authenticate(f"Bearer {hs256()}").method is AuthMethod.JWT
