"""Single sign-on against a real (small) OpenID Connect provider on 127.0.0.1, through Flask's test client.

The browser's part is played by hand: the test client asks the cockpit for /login/oidc, `requests`
follows that to the provider, and the provider's answer is brought back to the cockpit's
callback. The cockpit itself talks to the provider over HTTP as it would in production.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import flask
import pytest
import requests
from flask.testing import FlaskClient

from app import create_app
from datasources.appdb import AppDB
from datasources.users import User, create_user, get_user, set_disabled, update_user
from tests.oidc_provider import OidcProvider, cockpit_oidc_config, s256
from tests.tiny_warehouse import build_tiny_warehouse

HOME, OTHER = "141102", "141181"  # two counties of the tiny warehouse's city 141100
USER_CLAIMS = {"sub": "u-1001", "preferred_username": "zhang.san", "name": "张三",
               "roles": ["staff", "cockpit-analyst"], "region_code": HOME}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('oidc')}/tiny.db"
    build_tiny_warehouse(url)
    return url


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    running = OidcProvider().start()
    running.claims = dict(USER_CLAIMS)
    yield running
    running.stop()


@pytest.fixture
def server(warehouse: str, make_config, provider: OidcProvider) -> flask.Flask:
    return create_app(make_config(warehouse, oidc=cockpit_oidc_config(provider))).server


@pytest.fixture
def client(server: flask.Flask) -> FlaskClient:
    return server.test_client()


def appdb_of(client: FlaskClient) -> AppDB:
    return client.application.extensions["cockpit"].appdb


def user_named(client: FlaskClient, username: str) -> User | None:
    return get_user(appdb_of(client).engine, username)


def audit_rows(client: FlaskClient) -> list[tuple]:
    """(username, action, detail) of every audit row, oldest first."""
    with appdb_of(client).engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(
            "SELECT username, action, detail FROM audit_log ORDER BY id")]


def to_provider(client: FlaskClient, next_target: str | None = None) -> str:
    """Start a sign-in; follow it to the provider; return the callback path the provider sends back."""
    start = client.get("/login/oidc", query_string={"next": next_target} if next_target is not None else None)
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/oidc/callback"
    return f"{back.path}?{back.query}"


def signed_in(client: FlaskClient) -> bool:
    return client.get("/api/v1/summary").status_code != 401


def test_login_page_offers_single_sign_on_only_when_configured(client, warehouse, make_config) -> None:
    page = client.get("/login?next=/alerts").get_data(as_text=True)
    assert 'id="login-oidc"' in page and "统一身份认证登录" in page
    assert 'href="/login/oidc?next=/alerts"' in page
    plain = create_app(make_config(warehouse)).server.test_client()
    assert "login-oidc" not in plain.get("/login").get_data(as_text=True)
    for path in ("/login/oidc", "/login/oidc/callback?code=c&state=s"):  # off: back to the login page
        assert plain.get(path).status_code == 302
        assert plain.get(path).headers["Location"] == "/login"


def test_sign_in_creates_the_mapped_user_and_goes_next(client, provider) -> None:
    response = client.get(to_provider(client, "/economy?indicator=GDP"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/economy?indicator=GDP"
    user = user_named(client, "zhang.san")
    assert (user.role, user.region_scope, user.display_name, user.disabled) == ("analyst", HOME, "张三", False)
    assert ("zhang.san", "login", "oidc") in audit_rows(client)
    with client.session_transaction() as session:
        assert (session["username"], session["role"], session["region_scope"]) == ("zhang.san", "analyst", HOME)
    # No password signs this account in: the one it was given was random and never shown.
    assert client.post("/login", data={"username": "zhang.san", "password": ""}).status_code in (400, 401)


def test_the_mapped_region_scope_applies(client, provider) -> None:
    client.get(to_provider(client))
    assert client.get("/api/v1/summary").get_json()["region_code"] == HOME
    assert client.get(f"/api/v1/summary?region={OTHER}").status_code == 403


def test_signing_in_again_unchanged_keeps_the_other_sessions(client, provider) -> None:
    client.get(to_provider(client))
    other = client.application.test_client()
    assert other.get(to_provider(other)).status_code == 303
    assert signed_in(client) and signed_in(other)
    assert user_named(client, "zhang.san").session_version == 0


def test_a_new_role_or_scope_from_the_platform_ends_the_older_sessions(client, provider) -> None:
    client.get(to_provider(client))
    provider.claims = {**USER_CLAIMS, "roles": "cockpit-duty", "region_code": None, "name": "张三（值班）"}
    other = client.application.test_client()
    assert other.get(to_provider(other)).status_code == 303
    user = user_named(client, "zhang.san")
    assert (user.role, user.region_scope, user.display_name) == ("duty_officer", None, "张三（值班）")
    assert other.get("/api/v1/summary").get_json()["region_code"] == "141100"  # the whole city now
    assert not signed_in(client)  # signed in with the old role and scope: ended


def test_without_a_region_claim_the_scope_is_left_to_the_administrators(warehouse, make_config, provider) -> None:
    config = cockpit_oidc_config(provider, region_claim=None)
    client = create_app(make_config(warehouse, oidc=config)).server.test_client()
    assert client.get(to_provider(client)).status_code == 303
    assert user_named(client, "zhang.san").region_scope is None  # a new account: the whole city
    update_user(appdb_of(client).engine, "zhang.san", {"region_scope": OTHER})
    again = client.application.test_client()
    assert again.get(to_provider(again)).status_code == 303
    assert user_named(client, "zhang.san").region_scope == OTHER
    assert again.get("/api/v1/summary").get_json()["region_code"] == OTHER


def test_personal_data_from_a_claim_when_configured(warehouse, make_config, provider) -> None:
    config = cockpit_oidc_config(provider, personal_data_claim="cockpit_pii")
    client = create_app(make_config(warehouse, oidc=config)).server.test_client()
    provider.claims = {**USER_CLAIMS, "cockpit_pii": True}
    client.get(to_provider(client))
    assert user_named(client, "zhang.san").personal_data is True
    provider.claims = {**USER_CLAIMS, "cockpit_pii": "false"}
    again = client.application.test_client()
    assert again.get(to_provider(again)).status_code == 303
    assert user_named(client, "zhang.san").personal_data is False


def test_without_a_personal_data_claim_the_flag_is_left_alone(client, provider) -> None:
    engine = appdb_of(client).engine
    create_user(engine, "zhang.san", "pw-not-used", "analyst", HOME, personal_data=True, auth_source="oidc")
    assert client.get(to_provider(client)).status_code == 303
    assert user_named(client, "zhang.san").personal_data is True


def test_pkce_code_verifier_is_sent_and_checked(client, provider) -> None:
    client.get(to_provider(client))
    authorize = provider.authorize_requests[-1]
    token = provider.token_requests[-1]
    assert authorize["code_challenge_method"] == "S256"
    assert len(token["code_verifier"]) >= 43
    assert s256(token["code_verifier"]) == authorize["code_challenge"]
    assert authorize["state"] and authorize["nonce"] and "openid" in authorize["scope"].split()

    # A verifier that does not match the challenge is refused by the provider; the cockpit says so.
    provider.expect_challenge = s256("some-other-verifier-" + "x" * 40)
    fresh = client.application.test_client()
    response = fresh.get(to_provider(fresh))
    assert response.status_code == 401
    assert "统一身份认证登录未成功" in response.get_data(as_text=True)
    assert not signed_in(fresh)


def test_bad_state_shows_the_login_page_with_a_message(client, provider) -> None:
    callback = to_provider(client, "/alerts")
    query = parse_qs(urlsplit(callback).query)
    forged = f"/login/oidc/callback?code={query['code'][0]}&state=forged-{query['state'][0]}"
    response = client.get(forged)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "登录请求已失效或不匹配" in html and 'name="password"' in html
    assert not signed_in(client)
    assert not any(action == "login" for _, action, _ in audit_rows(client))

    # No sign-in started in this browser at all (login CSRF: the attacker's code and state).
    victim = client.application.test_client()
    assert victim.get(callback).status_code == 400
    assert not signed_in(victim)


def test_a_code_is_used_once(client, provider) -> None:
    callback = to_provider(client)
    stranger = client.application.test_client()
    with client.session_transaction() as session:
        pending = dict(session)
    with stranger.session_transaction() as session:
        session.update(pending)  # a copy of the cookie taken before the callback
    assert client.get(callback).status_code == 303
    replay = stranger.get(callback)  # the provider has used the code: refused either way
    assert replay.status_code == 401 and not signed_in(stranger)


def test_an_expired_sign_in_must_be_started_again(client, provider, monkeypatch) -> None:
    callback = to_provider(client)
    later = time.time() + 11 * 60
    monkeypatch.setattr("web.oidc.time.time", lambda: later)
    response = client.get(callback)
    assert response.status_code == 400 and "登录请求已失效" in response.get_data(as_text=True)


def test_unmapped_role_is_refused(client, provider) -> None:
    provider.claims = {**USER_CLAIMS, "roles": ["staff", "cockpit-admin-typo"]}
    response = client.get(to_provider(client, "/economy"))
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "未被授予驾驶舱角色" in html
    assert 'name="next" value="/economy"' in html
    assert user_named(client, "zhang.san") is None
    assert not signed_in(client)
    (row,) = [row for row in audit_rows(client) if row[1] == "login_failed"]
    assert row[0] == "zhang.san" and row[2].startswith("oidc: claim roles=")


def test_a_role_claim_absent_is_refused(client, provider) -> None:
    provider.claims = {key: value for key, value in USER_CLAIMS.items() if key != "roles"}
    assert client.get(to_provider(client)).status_code == 403
    assert not signed_in(client)


@pytest.mark.parametrize("region", ["not-a-code", "14110", ["141102", "141181"], True])
def test_a_region_claim_that_is_not_a_region_code_is_refused(client, provider, region) -> None:
    provider.claims = {**USER_CLAIMS, "region_code": region}
    response = client.get(to_provider(client))
    assert response.status_code == 403
    assert "所属区域代码无效" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_denied_consent_shows_a_message(client, provider) -> None:
    provider.error = "access_denied"
    response = client.get(to_provider(client))
    assert response.status_code == 403
    assert "统一身份认证平台未同意本次登录" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_another_error_from_the_platform_shows_a_message(client, provider) -> None:
    provider.error = "server_error"
    response = client.get(to_provider(client))
    assert response.status_code == 502
    assert "统一身份认证登录未成功" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_an_app_database_failure_answers_the_login_page_not_500(client, provider, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("the app database is down")

    monkeypatch.setattr("web.oidc.create_user", broken)
    monkeypatch.setattr("web.oidc.audit", broken)
    response = client.get(to_provider(client, "/alerts"))
    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "统一身份认证登录未成功" in html and 'name="next" value="/alerts"' in html
    assert not signed_in(client)


def test_a_refusal_is_shown_even_when_it_cannot_be_audited(client, provider, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("the app database is down")

    monkeypatch.setattr("web.oidc.audit", broken)
    provider.claims = {**USER_CLAIMS, "roles": ["nobody"]}
    response = client.get(to_provider(client))
    assert response.status_code == 403 and "未被授予驾驶舱角色" in response.get_data(as_text=True)


@pytest.mark.parametrize("changes", [
    {"aud": "another-client"},
    {"iss": "http://127.0.0.1:1"},
    {"exp": int(time.time()) - 3600},
    {"nonce": "not-the-nonce"},
    {"nonce": OidcProvider.DELETE},
    {"sub": OidcProvider.DELETE},
    "other key",
], ids=["audience", "issuer", "expired", "nonce", "no-nonce", "no-sub", "signature"])
def test_an_id_token_that_fails_its_checks_is_refused(client, provider, changes) -> None:
    if changes == "other key":
        provider.sign_with_other_key = True
    else:
        provider.id_token_changes = changes
    response = client.get(to_provider(client))
    assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert "统一身份认证登录未成功" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert user_named(client, "zhang.san") is None


def test_provider_down_at_the_start(warehouse, make_config, provider) -> None:
    provider.stop()
    client = create_app(make_config(warehouse, oidc=cockpit_oidc_config(provider))).server.test_client()
    response = client.get("/login/oidc?next=/alerts")
    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "统一身份认证平台暂时无法访问" in html and 'name="next" value="/alerts"' in html


def test_provider_down_at_the_token_request(client, provider) -> None:
    callback = to_provider(client)
    provider.stop()
    response = client.get(callback)
    assert response.status_code == 502
    assert "统一身份认证平台暂时无法访问" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_discovery_naming_another_issuer_is_not_trusted(warehouse, make_config, provider) -> None:
    config = cockpit_oidc_config(provider, issuer=provider.issuer + "/realms/other")
    client = create_app(make_config(warehouse, oidc=config)).server.test_client()
    assert client.get("/login/oidc").status_code == 502
    assert provider.authorize_requests == []


def test_next_is_checked_against_open_redirects(client, provider) -> None:
    response = client.get(to_provider(client, "//evil.example/phish"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_disabled_account_is_refused(client, provider) -> None:
    engine = appdb_of(client).engine
    create_user(engine, "zhang.san", "pw-not-used", "analyst", HOME)
    set_disabled(engine, "zhang.san", True)
    response = client.get(to_provider(client))
    assert response.status_code == 403
    assert "该账号已停用" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_local_account_of_the_same_name_is_never_taken_over(client, provider) -> None:
    engine = appdb_of(client).engine
    create_user(engine, "zhang.san", "Local-account-pw-1", "leader")
    response = client.get(to_provider(client))
    assert response.status_code == 403
    assert "属于本地账号" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert user_named(client, "zhang.san").role == "leader"  # untouched by the platform's claims


def test_an_account_made_by_single_sign_on_is_marked_so(client, provider) -> None:
    client.get(to_provider(client))
    assert user_named(client, "zhang.san").auth_source == "oidc"


def test_an_invalid_user_name_is_refused(client, provider) -> None:
    provider.claims = {**USER_CLAIMS, "preferred_username": "zhang san/../"}
    response = client.get(to_provider(client))
    assert response.status_code == 403
    assert "用户名无效" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_claims_from_userinfo(warehouse, make_config, provider) -> None:
    """With userinfo on, a role the ID token lacks can come from the userinfo endpoint."""
    client = create_app(make_config(warehouse, oidc=cockpit_oidc_config(provider, userinfo=True))).server.test_client()
    provider.id_token_changes = {"roles": OidcProvider.DELETE, "region_code": OidcProvider.DELETE}
    assert client.get(to_provider(client)).status_code == 303
    assert user_named(client, "zhang.san").role == "analyst"


def test_local_accounts_still_sign_in(client) -> None:
    assert client.post("/login", data={"username": "admin", "password": "test-admin-pw"}).status_code == 303
