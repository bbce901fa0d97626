"""User administration: the admin API, the /admin page's access and callbacks, session versions."""
from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from app import create_app
from core.i18n import t
from tests.conftest import ADMIN_PASSWORD, sign_in_as
from tests.tiny_warehouse import build_tiny_warehouse

OTHER_ROLES = ("leader", "duty_officer", "analyst", "screen")
GOOD_PW = "Yellow-River-2026"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('admin')}/tiny.db"
    build_tiny_warehouse(url)
    return url


@pytest.fixture
def app_client(warehouse: str, make_config) -> FlaskClient:
    return create_app(make_config(warehouse)).server.test_client()


@pytest.fixture
def admin(app_client: FlaskClient) -> FlaskClient:
    sign_in_as(app_client, "admin")
    return app_client


def _create(client: FlaskClient, **fields: object):
    body = {"username": "wang", "password": GOOD_PW, "role": "leader", **fields}
    return client.post("/api/v1/admin/users", json=body)


def _version(client: FlaskClient, username: str) -> int:
    users = {u["username"]: u for u in client.get("/api/v1/admin/users").json["users"]}
    return users[username]["session_version"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_admins_may_use_the_admin_api(app_client: FlaskClient, role: str) -> None:
    sign_in_as(app_client, role)
    answers = [app_client.get("/api/v1/admin/users"), _create(app_client),
               app_client.patch(f"/api/v1/admin/users/{role}", json={"role": "admin"}),
               app_client.get("/api/v1/admin/audit"), app_client.get("/api/v1/admin/audit.csv")]
    assert [a.status_code for a in answers] == [403] * 5
    assert all(a.is_json and a.json["error"]["status"] == 403 for a in answers)
    assert app_client.get("/api/v1/admin/users").json["error"]["message"] == \
        t("access.denied", "zh", action=t("access.permission.administer", "zh"))
    # Nothing was created or changed on the way.
    app_client.get("/logout")
    sign_in_as(app_client, "admin")
    names = {u["username"]: u["role"] for u in app_client.get("/api/v1/admin/users").json["users"]}
    assert "wang" not in names and names[role] == role


def test_signed_out_gets_401(app_client: FlaskClient) -> None:
    assert app_client.get("/api/v1/admin/users").status_code == 401


def test_create_list_and_change(admin: FlaskClient) -> None:
    created = _create(admin, region_scope="141102", personal_data=True, display_name="王局")
    assert created.status_code == 201, created.json
    assert created.json["user"] == {"username": "wang", "role": "leader", "region_scope": "141102",
                                    "display_name": "王局", "disabled": False, "personal_data": True,
                                    "session_version": 0, "auth_source": "local"}
    listing = admin.get("/api/v1/admin/users")
    assert listing.status_code == 200
    assert [u["username"] for u in listing.json["users"]] == ["admin", "wang"]
    assert "hash" not in listing.get_data(as_text=True) and "scrypt" not in listing.get_data(as_text=True)

    changed = admin.patch("/api/v1/admin/users/wang", json={"role": "analyst", "region_scope": None})
    assert changed.status_code == 200
    assert changed.json["changed"] == ["role", "region_scope"]
    assert changed.json["user"]["role"] == "analyst" and changed.json["user"]["region_scope"] is None
    same = admin.patch("/api/v1/admin/users/wang", json={"role": "analyst"})
    assert same.status_code == 200 and same.json["changed"] == []


def test_new_user_signs_in_with_the_new_password(admin: FlaskClient, app_client: FlaskClient) -> None:
    assert _create(admin).status_code == 201
    assert admin.patch("/api/v1/admin/users/wang", json={"password": "Fen-River-2027"}).status_code == 200
    other = app_client.application.test_client()
    assert other.post("/login", data={"username": "wang", "password": GOOD_PW}).status_code == 401
    assert other.post("/login", data={"username": "wang", "password": "Fen-River-2027"}).status_code == 303


@pytest.mark.parametrize("change, bumps", [
    ({"role": "analyst"}, True), ({"region_scope": "141102"}, True), ({"disabled": True}, True),
    ({"password": "Fen-River-2027"}, True), ({"personal_data": True}, False), ({"display_name": "王"}, False),
    ({"role": "leader"}, False),  # unchanged
    ({"password": GOOD_PW}, False),  # the same password
])
def test_session_version_goes_up_with_role_scope_disabled_or_password(admin: FlaskClient, change: dict,
                                                                     bumps: bool) -> None:
    assert _create(admin).status_code == 201
    before = _version(admin, "wang")
    assert admin.patch("/api/v1/admin/users/wang", json=change).status_code == 200
    assert _version(admin, "wang") == before + (1 if bumps else 0)


def test_a_role_change_ends_the_users_session(admin: FlaskClient, app_client: FlaskClient) -> None:
    assert _create(admin).status_code == 201
    wang = app_client.application.test_client()
    assert wang.post("/login", data={"username": "wang", "password": GOOD_PW}).status_code == 303
    assert wang.get("/api/v1/summary").status_code == 200
    assert admin.patch("/api/v1/admin/users/wang", json={"role": "analyst"}).status_code == 200
    assert wang.get("/api/v1/summary").status_code == 401


@pytest.mark.parametrize("body, message", [
    ({"username": "li", "password": "short-pw", "role": "leader"}, "at least 10 characters"),
    ({"username": "li", "password": "li12345678", "role": "leader"}, "user name"),
    ({"username": "li", "password": "password123", "role": "leader"}, "too common"),
    ({"username": "li", "password": "admin12345", "role": "leader"}, "too common"),
    ({"username": "li", "password": GOOD_PW, "role": "mayor"}, "invalid role 'mayor'"),
    ({"username": "li", "password": GOOD_PW, "role": "leader", "region_scope": "12"}, "invalid region scope"),
    ({"username": "a b", "password": GOOD_PW, "role": "leader"}, "invalid username"),
    ({"username": "li", "password": GOOD_PW}, "missing field(s): role"),
    ({"username": "li", "password": GOOD_PW, "role": "leader", "is_root": True}, "unknown field(s) is_root"),
    ({"username": 7, "password": GOOD_PW, "role": "leader"}, "username must be a string"),
    ({"username": "li", "password": GOOD_PW, "role": "leader", "personal_data": "yes"},
     "personal_data must be true or false"),
    ([1, 2], "expected a JSON object body"),
])
def test_bad_create_input_is_400_with_a_message(admin: FlaskClient, body: object, message: str) -> None:
    response = admin.post("/api/v1/admin/users", json=body)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]
    assert "li" not in {u["username"] for u in admin.get("/api/v1/admin/users").json["users"]}


def test_existing_user_is_409_and_unknown_user_404(admin: FlaskClient) -> None:
    assert _create(admin).status_code == 201
    taken = _create(admin, password="Another-River-1")
    assert taken.status_code == 409 and "wang" in taken.json["error"]["message"]
    unknown = admin.patch("/api/v1/admin/users/ghost", json={"disabled": True})
    assert unknown.status_code == 404 and "ghost" in unknown.json["error"]["message"]


@pytest.mark.parametrize("body, message", [
    ({}, "nothing to change"),
    ({"password": "wang-12345678"}, "user name"),
    ({"password": "qwertyuiop"}, "too common"),
    ({"disabled": "no"}, "disabled must be true or false"),
    ({"username": "li"}, "unknown field(s) username"),
    ({"region_scope": 141102}, "region_scope must be a string or null"),
])
def test_bad_change_input_is_400(admin: FlaskClient, body: dict, message: str) -> None:
    assert _create(admin).status_code == 201
    response = admin.patch("/api/v1/admin/users/wang", json=body)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


def test_the_last_admin_cannot_be_disabled_or_demoted(admin: FlaskClient) -> None:
    for change in ({"disabled": True}, {"role": "leader"}):
        response = admin.patch("/api/v1/admin/users/admin", json=change)
        assert response.status_code == 409 and "only enabled administrator" in response.json["error"]["message"]
    assert _create(admin, username="admin2", role="admin").status_code == 201
    assert admin.patch("/api/v1/admin/users/admin2", json={"disabled": True}).status_code == 200


# The /admin page ----------------------------------------------------------------------------

def _router(client: FlaskClient, path: str) -> str:
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_data(as_text=True)


FORM = ("admin-username", "admin-display-name", "admin-role", "admin-scope", "admin-password", "admin-flags")


def _users_callback(client: FlaskClient, trigger: str, values: dict[str, object]):
    names = ["admin-users.rowData", "admin-user-message.children", "admin-user-message.className",
             "admin-password.value"]
    body = {"output": ".." + "...".join(names) + "..",
            "outputs": [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names],
            "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == trigger else 0}
                       for b in ("admin-create", "admin-save", "admin-clear")],
            "state": [{"id": f, "property": "value", "value": values.get(f)} for f in FORM],
            "changedPropIds": [f"{trigger}.n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def _search_callback(client: FlaskClient, **filters: object):
    names = ["admin-audit-grid.rowData", "admin-audit-note.children"]
    body = {"output": ".." + "...".join(names) + "..",
            "outputs": [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names],
            "inputs": [{"id": "admin-audit-search", "property": "n_clicks", "value": 1}],
            "state": [{"id": f"admin-{k}", "property": "value", "value": filters.get(k)}
                      for k in ("actor", "action", "since", "until")],
            "changedPropIds": ["admin-audit-search.n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def test_the_admin_page_is_for_admins_only(app_client: FlaskClient) -> None:
    sign_in_as(app_client, "admin")
    page = _router(app_client, "/admin")
    assert "access-denied" not in page and "admin-users" in page
    assert '"page":"admin"' in app_client.get("/_dash-layout").get_data(as_text=True)  # the nav link
    for role in OTHER_ROLES:
        sign_in_as(app_client, role)
        assert "access-denied" in _router(app_client, "/admin"), role
        assert '"page":"admin"' not in app_client.get("/_dash-layout").get_data(as_text=True)
        assert _users_callback(app_client, "admin-create", {}).status_code == 403
        assert _search_callback(app_client).status_code == 403


def test_the_page_creates_and_changes_users(admin: FlaskClient) -> None:
    form = {"admin-username": "li", "admin-role": "duty_officer", "admin-scope": "141102",
            "admin-password": "short", "admin-flags": []}
    weak = _users_callback(admin, "admin-create", form).json["response"]
    assert weak["admin-user-message"]["children"] == t("password.too_short", "zh", min=10)
    assert "is-error" in weak["admin-user-message"]["className"]
    form["admin-password"] = GOOD_PW
    made = _users_callback(admin, "admin-create", form).json["response"]
    assert made["admin-user-message"]["children"] == t("admin.msg.created", "zh", username="li")
    assert made["admin-password"]["value"] == ""
    rows = {r["username"]: r for r in made["admin-users"]["rowData"]}
    assert rows["li"]["_role"] == "duty_officer" and rows["li"]["role"] == "值班员"
    form.update({"admin-password": "", "admin-role": "analyst", "admin-flags": ["disabled"]})
    saved = _users_callback(admin, "admin-save", form).json["response"]
    assert "已保存 li" in saved["admin-user-message"]["children"]
    user = {u["username"]: u for u in admin.get("/api/v1/admin/users").json["users"]}["li"]
    assert (user["role"], user["disabled"], user["session_version"]) == ("analyst", True, 1)


@pytest.mark.parametrize("value", [[], {}, "x" * 5000, 1e308, True, "\u0000", {"a": {"b": 1}}])
def test_page_callbacks_refuse_what_no_form_sends(admin: FlaskClient, value: object) -> None:
    for field in FORM:
        assert _users_callback(admin, "admin-create", {field: value}).status_code < 500
        assert _users_callback(admin, "admin-save", {field: value}).status_code < 500
    for key in ("actor", "action", "since", "until"):
        assert _search_callback(admin, **{key: value}).status_code < 500
    names = ["admin-username.value", "admin-display-name.value", "admin-role.value", "admin-scope.value",
             "admin-flags.value"]
    pick = {"output": ".." + "...".join(names) + "..",
            "outputs": [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names],
            "inputs": [{"id": "admin-users", "property": "selectedRows", "value": value},
                       {"id": "admin-clear", "property": "n_clicks", "value": 0}],
            "state": [], "changedPropIds": ["admin-users.selectedRows"]}
    assert admin.post("/_dash-update-component", data=json.dumps(pick), content_type="application/json"
                      ).status_code < 500


def test_page_search_shows_the_log(admin: FlaskClient) -> None:
    response = _search_callback(admin, action="login").json["response"]
    rows = response["admin-audit-grid"]["rowData"]
    assert rows and {r["action"] for r in rows} == {"登录 (login)"} and rows[0]["actor"] == "admin"
    assert response["admin-audit-note"]["children"] == t("admin.audit.count", "zh", n=len(rows))
    bad = _search_callback(admin, since="yesterday").json["response"]
    assert bad["admin-audit-grid"]["rowData"] == [] and "since" in bad["admin-audit-note"]["children"]
    assert ADMIN_PASSWORD not in json.dumps(response)


def test_an_account_of_single_sign_on_has_no_local_password(admin: FlaskClient) -> None:
    from datasources.users import create_user

    engine = admin.application.extensions["cockpit"].appdb.engine
    create_user(engine, "sso1", "random-unknown-secret", "leader", auth_source="oidc")
    listed = {u["username"]: u for u in admin.get("/api/v1/admin/users").json["users"]}
    assert listed["sso1"]["auth_source"] == "oidc"
    response = admin.patch("/api/v1/admin/users/sso1", json={"password": GOOD_PW})
    assert response.status_code == 400 and "single sign-on" in response.json["error"]["message"]
    assert admin.patch("/api/v1/admin/users/sso1", json={"role": "analyst"}).status_code == 200
