"""auth.oidc: checked at start with messages naming the bad key; the secret only from the environment.

Also the claim mapping on its own (web/oidc.identity_from_claims), without a provider.
"""
from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from core.config import OidcConfig, load_config
from core.config_checks import ConfigError
from core.i18n import use_language
from web.oidc import Refused, identity_from_claims

GOOD = """
auth:
  oidc:
    issuer: https://idp.example.gov/realms/city
    client_id: city-cockpit
    claims: {role: realm_access.roles, region_scope: region_code}
    roles: {cockpit-leader: leader, 110: duty_officer, cockpit-admin: admin}
"""
SECRET = {"COCKPIT_OIDC_CLIENT_SECRET": "s3cret"}


def write(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return {"COCKPIT_CONFIG": str(path)}


def test_off_by_default(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).oidc is None
    assert load_config(write(tmp_path, "") | SECRET).oidc is None
    assert load_config({}).oidc is None  # the shipped config.yaml


def test_a_good_configuration(tmp_path: Path) -> None:
    oidc = load_config(write(tmp_path, GOOD) | SECRET).oidc
    assert oidc is not None
    assert oidc.discovery_url == "https://idp.example.gov/realms/city/.well-known/openid-configuration"
    assert oidc.issuer == "https://idp.example.gov/realms/city"
    assert (oidc.client_id, oidc.client_secret) == ("city-cockpit", "s3cret")
    assert oidc.scopes == ("openid", "profile") and oidc.token_endpoint_auth_method == "client_secret_basic"
    assert (oidc.username_claim, oidc.role_claim, oidc.region_claim) == (
        "preferred_username", "realm_access.roles", "region_code")
    assert dict(oidc.roles) == {"cockpit-leader": "leader", "110": "duty_officer", "cockpit-admin": "admin"}
    assert "s3cret" not in repr(oidc)


def test_discovery_url_without_issuer_and_a_public_client(tmp_path: Path) -> None:
    text = ("auth: {oidc: {discovery_url: 'http://127.0.0.1:9000/.well-known/openid-configuration',"
            " client_id: c, token_endpoint_auth_method: none, roles: {x: screen}}}\n")
    oidc = load_config(write(tmp_path, text)).oidc
    assert oidc.issuer is None and oidc.client_secret is None
    assert oidc.discovery_url == "http://127.0.0.1:9000/.well-known/openid-configuration"


def test_the_secret_never_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD.replace("client_id: city-cockpit", "client_id: c\n    client_secret: x"))
                    | SECRET)
    assert str(info.value).startswith("auth.oidc.client_secret:")
    assert "COCKPIT_OIDC_CLIENT_SECRET" in str(info.value)


def test_the_secret_is_required_from_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD))
    assert str(info.value).startswith("COCKPIT_OIDC_CLIENT_SECRET:")


@pytest.mark.parametrize(("extra", "key"), [
    ("    scopes: [profile]\n", "auth.oidc.scopes"),
    ("    scopes: openid\n", "auth.oidc.scopes"),
    ("    timeout_s: 0\n", "auth.oidc.timeout_s"),
    ("    userinfo: yes please\n", "auth.oidc.userinfo"),
    ("    token_endpoint_auth_method: private_key_jwt\n", "auth.oidc.token_endpoint_auth_method"),
    ("    redirect_uri: https://cockpit.example.gov/elsewhere\n", "auth.oidc.redirect_uri"),
    ("    discovery_url: ftp://idp\n", "auth.oidc.discovery_url"),
    ("    colour: red\n", "auth.oidc.colour"),
])
def test_invalid_keys_are_named(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD + extra) | SECRET)
    assert str(info.value).startswith(key)


@pytest.mark.parametrize(("text", "key"), [
    (GOOD.replace("https://idp.example.gov/realms/city", "idp.example.gov"), "auth.oidc.issuer"),
    (GOOD.replace("client_id: city-cockpit", "client_id: ''"), "auth.oidc.client_id"),
    (GOOD.replace("roles: {", "roles: {cockpit-boss: boss, "), "auth.oidc.roles.cockpit-boss"),
    (GOOD.replace("{cockpit-leader: leader, 110: duty_officer, cockpit-admin: admin}", "{}"), "auth.oidc.roles"),
    (GOOD.replace("claims: {role: realm_access.roles", "claims: {role: ''"), "auth.oidc.claims.role"),
    (GOOD.replace("claims: {", "claims: {colour: red, "), "auth.oidc.claims.colour"),
    ("auth: {oidc: {client_id: c}}\n", "auth.oidc.issuer"),
    ("auth: {oidc: {roles: {x: leader}}}\n", "auth.oidc.issuer"),
])
def test_invalid_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text) | SECRET)
    assert str(info.value).startswith(key)


def config(**changes: object) -> OidcConfig:
    values: dict[str, object] = {
        "discovery_url": "http://127.0.0.1/.well-known/openid-configuration", "client_id": "c",
        "role_claim": "realm_access.roles", "region_claim": "org.region",
        "roles": MappingProxyType({"cockpit-leader": "leader", "cockpit-duty": "duty_officer", "7": "analyst"})}
    values.update(changes)
    return OidcConfig(**values)  # type: ignore[arg-type]


def test_claims_map_to_an_identity() -> None:
    identity = identity_from_claims({"preferred_username": "wang.wu", "name": " 王五 ",
                                     "realm_access": {"roles": ["offline_access", "cockpit-duty", "cockpit-leader"]},
                                     "org": {"region": "141102"}}, config())
    # With several mapped values, the first entry of the roles map wins (its order is the config's).
    assert (identity.username, identity.role, identity.region_scope, identity.display_name) == (
        "wang.wu", "leader", "141102", "王五")


def test_claim_names_with_dots_are_looked_up_whole_first() -> None:
    claims = {"preferred_username": "a", "https://idp.example.gov/role": 7, "org": {"region": 141102}}
    identity = identity_from_claims(claims, config(role_claim="https://idp.example.gov/role"))
    assert (identity.role, identity.region_scope) == ("analyst", "141102")


@pytest.mark.parametrize("region", [None, ""])
def test_no_region_claim_means_the_whole_city(region: object) -> None:
    claims = {"preferred_username": "a", "realm_access": {"roles": "cockpit-duty"}, "org": {"region": region}}
    assert identity_from_claims(claims, config()).region_scope is None
    assert identity_from_claims(claims, config(region_claim=None)).region_scope is None


@pytest.mark.parametrize("claims", [
    {"preferred_username": "a", "realm_access": {"roles": ["nobody"]}},
    {"preferred_username": "a", "realm_access": {"roles": [True]}},
    {"preferred_username": "a"},
    {"realm_access": {"roles": ["cockpit-duty"]}},
    {"preferred_username": 5, "realm_access": {"roles": ["cockpit-duty"]}},
    {"preferred_username": "a", "realm_access": {"roles": ["cockpit-duty"]}, "org": {"region": "city"}},
])
def test_claims_that_name_no_account_are_refused(claims: dict) -> None:
    use_language("en")
    try:
        with pytest.raises(Refused) as info:
            identity_from_claims(claims, config())
    finally:
        use_language("zh")
    assert info.value.status == 403 and info.value.message
