"""A small OpenID Connect provider for the tests, standing in for the unified identity platform.

It serves discovery, /authorize, /token, /jwks and /userinfo on 127.0.0.1 (a free port, a
thread of its own). /authorize signs `claims` in at once, without a form, or answers the error
a test set; /token checks the client's secret, the redirect URI, single use of the code and the
PKCE code verifier (S256 only), then issues an RS256 ID token signed with a key made for this
run. It sets no cookies, so it cannot disturb the cockpit's session on the same host. What the
cockpit sent is kept in `authorize_requests` and `token_requests`.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from core.config import OidcConfig

CLIENT_ID = "city-cockpit"
CLIENT_SECRET = "test-client-secret"
KEY_ID = "test-key-1"
_DELETE = object()
# The cockpit's side, as tests configure it: role claim values → roles, the region claim.
ROLE_MAP = {"cockpit-leader": "leader", "cockpit-duty": "duty_officer", "cockpit-analyst": "analyst"}


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of `verifier` (RFC 7636 §4.2)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class OidcProvider:
    """The provider; `start()` it, set `claims` (and, for a test, `error` or `id_token_changes`)."""

    DELETE = _DELETE  # in id_token_changes: leave the claim out

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.claims: dict[str, Any] = {}
        self.error: str | None = None                 # /authorize answers this error instead
        self.id_token_changes: dict[str, Any] = {}    # claims of the ID token to replace (DELETE: drop)
        self.sign_with_other_key = False              # a key the JWKS does not hold, same kid
        self.expect_challenge: str | None = None      # check the verifier against this, not the one sent
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()

    def _id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": grant["nonce"],
                  **grant["claims"]}
        for name, value in self.id_token_changes.items():
            if value is _DELETE:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.key
        if self.sign_with_other_key:
            key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def _app(self) -> Flask:
        app = Flask("oidc_provider")

        def oauth_error(error: str, description: str, status: int = 400) -> tuple[Response, int]:
            return jsonify(error=error, error_description=description), status

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Response:
            return jsonify({
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "userinfo_endpoint": self.issuer + "/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "profile"],
            })

        @app.get("/jwks")
        def jwks() -> Response:
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize() -> Response | tuple[str, int]:
            args = request.args.to_dict()
            self.authorize_requests.append(args)
            redirect_uri = args.get("redirect_uri", "")
            if args.get("client_id") != CLIENT_ID or urlsplit(redirect_uri).path != "/login/oidc/callback":
                return "unknown client or redirect_uri", 400
            if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
                return "response_type code and scope openid only", 400
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                return "PKCE with S256 is required", 400
            answer: dict[str, str] = {"state": args.get("state", "")}
            if self.error:
                answer["error"] = self.error
            else:
                code = secrets.token_urlsafe(24)
                self._codes[code] = {"redirect_uri": redirect_uri, "nonce": args.get("nonce"),
                                     "challenge": self.expect_challenge or args["code_challenge"],
                                     "claims": dict(self.claims)}
                answer["code"] = code
            return redirect(f"{redirect_uri}?{urlencode(answer)}", 302)

        @app.post("/token")
        def token() -> Response | tuple[Response, int]:
            form = request.form.to_dict()
            self.token_requests.append(form)
            auth = request.authorization
            client_id, secret = (auth.username, auth.password) if auth else (form.get("client_id"),
                                                                               form.get("client_secret"))
            if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                return oauth_error("invalid_client", "wrong client credentials", 401)
            if form.get("grant_type") != "authorization_code":
                return oauth_error("unsupported_grant_type", "authorization_code only")
            grant = self._codes.pop(form.get("code", ""), None)  # a code is used once
            if grant is None:
                return oauth_error("invalid_grant", "unknown or used code")
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return oauth_error("invalid_grant", "redirect_uri differs from the authorization request")
            verifier = form.get("code_verifier", "")
            if not verifier or s256(verifier) != grant["challenge"]:
                return oauth_error("invalid_grant", "PKCE verification failed")
            access_token = secrets.token_urlsafe(24)
            self._access_tokens[access_token] = grant["claims"]
            return jsonify(access_token=access_token, token_type="Bearer", expires_in=300,
                           id_token=self._id_token(grant))

        @app.get("/userinfo")
        def userinfo() -> Response | tuple[Response, int]:
            header = request.headers.get("Authorization", "")
            claims = self._access_tokens.get(header.removeprefix("Bearer "))
            if not header.startswith("Bearer ") or claims is None:
                return oauth_error("invalid_token", "unknown access token", 401)
            return jsonify(claims)

        return app


def cockpit_oidc_config(provider: OidcProvider, **changes: object) -> OidcConfig:
    """The cockpit's auth.oidc for `provider`, as load_config builds it (secret from the environment)."""
    values: dict[str, object] = {
        "discovery_url": provider.discovery_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "issuer": provider.issuer, "role_claim": "roles", "region_claim": "region_code",
        "roles": MappingProxyType(ROLE_MAP), "timeout_s": 5}
    values.update(changes)
    return OidcConfig(**values)  # type: ignore[arg-type]
