"""Configuration: defaults in code, `config.yaml` for the rest, secrets only from the environment.

Every key is checked at start; a bad one stops the start with a message that names it.
"""
from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from core import config_briefing, config_map, config_poverty, config_production, config_screens, config_video
from core.colours import ColourRules
from core.config_checks import ConfigError, check, is_http_url, is_int, is_number, is_zone
from core.permissions import ROLES
from core.regions import is_region_code

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_WAREHOUSE_URL = "sqlite:///data/demo_warehouse.db"
DEFAULT_CONFIG_FILE = PROJECT_DIR / "config.yaml"

# Contract tables a city may map to its own table or view names.
CONTRACT_TABLES = (
    "dim_region", "geo_region", "dim_indicator", "fact_indicator", "agg_indicator_county_month", "fact_alert",
    "dim_project", "fact_project_progress", "fact_project_milestone", "fact_household", "dim_camera",
    "dim_department", "dim_resource",
)
CACHE_DATASETS = ("regions", "indicators", "alerts", "projects", "quality", "status")


# Sections kept in modules of their own: each adds its keys (DEFAULTS) and its checked settings.
_SECTIONS = (config_map, config_video, config_screens, config_briefing, config_poverty, config_production)
_FREE_KEYS = frozenset(key for section in _SECTIONS for key in section.FREE_KEYS)


def _default_tree() -> dict[str, Any]:
    tree = _core_tree()
    for section in _SECTIONS:
        for top, keys in section.DEFAULTS.items():
            tree.setdefault(top, {}).update(copy.deepcopy(keys))
    return tree


def _core_tree() -> dict[str, Any]:
    return {
        "city": {"region_code": None},
        "ui": {"language": "zh", "theme": "dark", "timezone": "Asia/Shanghai",
               "status_refresh_s": 30},
        "server": {"host": "127.0.0.1", "port": 8050, "trusted_proxies": 0},
        "warehouse": {"url": DEMO_WAREHOUSE_URL, "build_demo_if_missing": True,
                      "statement_timeout_s": 20, "pool_size": 5, "tables": {}},
        "app_db": {"url": "sqlite:///data/app.db"},
        "cache": {"url": None, "stale_keep_s": 7 * 86400, "prewarm": True,
                  "ttl_s": {"regions": 3600, "indicators": 300, "alerts": 2,
                            "projects": 300, "quality": 3600, "status": 10}},
        "rules": {"project_lag_pts": {"lagging": 5, "seriously_lagging": 15},
                  "completion_margin_pts": 5,
                  "alert_ack_limit_min": {1: 5, 2: 15}},
        "economy": {"behind_pts": 0, "far_behind_pts": 5},  # completion vs time progress: core/colours.py
        "map": {"tile_url": None, "boundaries_file": None},
        "alerts": {"refresh_s": 2, "push": False, "nearby_radius_km": 30, "nearby_cameras": 5},
        "video": {"stream_url_template": None},
        "security": {"frame_ancestors": []},
        "session": {"secure_cookie": False, "idle_minutes": 30, "absolute_hours": 12},
        # Single sign-on (OpenID Connect); off while issuer and discovery_url are null. The client
        # secret comes only from COCKPIT_OIDC_CLIENT_SECRET.
        "auth": {"oidc": {"issuer": None, "discovery_url": None, "client_id": None,
                          "token_endpoint_auth_method": "client_secret_basic", "scopes": ["openid", "profile"],
                          "redirect_uri": None, "timeout_s": 10, "userinfo": False,
                          "claims": {"username": "preferred_username", "display_name": "name", "role": "roles",
                                     "region_scope": None, "personal_data": None},
                          "roles": {}}},
    }


@dataclass(frozen=True)
class OidcConfig:
    """Single sign-on through the unified identity platform (`auth.oidc`, docs/configuration.md)."""

    discovery_url: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    issuer: str | None = None  # when set, the provider's metadata must name exactly this issuer
    token_endpoint_auth_method: str = "client_secret_basic"
    scopes: tuple[str, ...] = ("openid", "profile")
    redirect_uri: str | None = None  # None: this site's /login/oidc/callback as the browser reached it
    timeout_s: float = 10
    userinfo: bool = False  # also read the userinfo endpoint's claims
    username_claim: str = "preferred_username"
    display_name_claim: str | None = "name"
    role_claim: str = "roles"
    region_claim: str | None = None
    personal_data_claim: str | None = None  # None: the flag is the administrator's to set
    roles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # claim value → role


@dataclass(frozen=True)
class Config:
    """The validated configuration of one cockpit process (immutable)."""

    city_region_code: str | None = None
    language: str = "zh"
    theme: str = "dark"
    timezone: str = "Asia/Shanghai"
    status_refresh_s: int = 30
    host: str = "127.0.0.1"
    port: int = 8050
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed (0: none).
    trusted_proxies: int = 0
    warehouse_url: str = DEMO_WAREHOUSE_URL
    build_demo_if_missing: bool = True
    statement_timeout_s: float = 20
    pool_size: int = 5
    tables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    app_db_url: str = "sqlite:///data/app.db"
    cache_url: str | None = None
    cache_ttl_s: Mapping[str, int] = field(default_factory=lambda: MappingProxyType(
        dict(_default_tree()["cache"]["ttl_s"])))
    stale_keep_s: int = 7 * 86400
    prewarm_cache: bool = True
    lagging_pts: float = 5
    seriously_lagging_pts: float = 15
    completion_margin_pts: float = 5
    behind_pts: float = 0
    far_behind_pts: float = 5
    alert_ack_limit_min: Mapping[int, float] = field(
        default_factory=lambda: MappingProxyType({1: 5, 2: 15}))
    tile_url: str | None = None
    boundaries_file: str | None = None
    alerts_refresh_s: float = 2
    alerts_push: bool = False
    nearby_radius_km: float = 30
    nearby_cameras: int = 5
    stream_url_template: str | None = None
    # Origins allowed to show the cockpit in a frame (CSP frame-ancestors); empty: none.
    frame_ancestors: tuple[str, ...] = ()
    # The session cookie and its time limits (docs/security.md, "Sessions").
    session_secure_cookie: bool = False
    session_idle_minutes: float = 30
    session_absolute_hours: float = 12
    oidc: OidcConfig | None = None  # single sign-on; None: local accounts only
    onemap: config_map.MapSettings = field(default_factory=config_map.MapSettings)
    video: config_video.VideoSettings = field(default_factory=config_video.VideoSettings)
    screens: config_screens.ScreenSettings = field(default_factory=config_screens.ScreenSettings)
    briefing: config_briefing.BriefingSettings = field(default_factory=config_briefing.BriefingSettings)
    poverty: config_poverty.PovertySettings = field(default_factory=config_poverty.PovertySettings)
    production: config_production.ProductionSettings = field(
        default_factory=config_production.ProductionSettings)
    secret_key: str | None = None
    admin_password: str | None = None

    @property
    def colour_rules(self) -> ColourRules:  # thresholds of ahead / behind / far behind time progress
        return ColourRules(self.behind_pts, self.far_behind_pts)

    @property
    def uses_demo_warehouse(self) -> bool:
        """True when the warehouse is the embedded demo, which the cockpit may build itself."""
        return self.warehouse_url == DEMO_WAREHOUSE_URL

    def table(self, contract_name: str) -> str:
        """The warehouse's name (possibly `schema.table`) for a contract table."""
        return self.tables.get(contract_name, contract_name)


def _merge(base: dict[str, Any], override: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    """Deep-merge `override` into `base`, rejecting keys the defaults do not know."""
    merged = dict(base)
    for key, value in override.items():
        dotted = f"{path}{key}"
        if key not in base:
            raise ConfigError(f"{dotted}: unknown configuration key")
        if isinstance(base[key], dict) and base[key] and dotted not in _FREE_KEYS and not dotted.endswith(
                ("warehouse.tables", "alert_ack_limit_min")):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{dotted}: expected a mapping of keys, got {value!r}")
            merged[key] = _merge(base[key], value, dotted + ".")
        else:
            merged[key] = value
    return merged


def _is_db_url(v: Any) -> bool:
    return isinstance(v, str) and re.match(r"^[a-z][a-z0-9+]*://", v) is not None


def _has_password(url: str) -> bool:
    return re.match(r"^[^:]+://[^/@:]*:[^/@]+@", url) is not None


# A CSP source for frame-ancestors: 'self', or a scheme and host (`*.` allowed first) with an optional port.
_FRAME_ANCESTOR = re.compile(r"'self'|https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?")


def _is_frame_ancestors(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(o, str) and _FRAME_ANCESTOR.fullmatch(o) for o in v)


_OIDC_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


def _oidc(tree: dict[str, Any], env: Mapping[str, str]) -> OidcConfig | None:
    """auth.oidc, checked; None (local accounts only) while issuer and discovery_url are both null."""
    issuer = check(tree, "auth.oidc.issuer", lambda v: v is None or is_http_url(v),
                    "null or the identity platform's issuer URL, e.g. https://idp.example.gov/realms/city")
    discovery = check(tree, "auth.oidc.discovery_url", lambda v: v is None or is_http_url(v),
                       "null or the URL of the platform's openid-configuration document")
    section = tree["auth"]["oidc"]
    if issuer is None and discovery is None:
        if section["client_id"] is not None or section["roles"]:
            raise ConfigError("auth.oidc.issuer: expected the issuer URL (or auth.oidc.discovery_url) "
                              "when auth.oidc is configured")
        return None
    method = check(tree, "auth.oidc.token_endpoint_auth_method", lambda v: v in _OIDC_AUTH_METHODS,
                    " or ".join(_OIDC_AUTH_METHODS))
    secret = env.get("COCKPIT_OIDC_CLIENT_SECRET") or None
    if secret is None and method != "none":
        raise ConfigError("COCKPIT_OIDC_CLIENT_SECRET: the client secret is required in the environment "
                          f"when auth.oidc is on (token_endpoint_auth_method {method})")
    roles = check(tree, "auth.oidc.roles", lambda v: isinstance(v, Mapping) and len(v) > 0,
                   "a mapping of role claim values to cockpit roles, e.g. {city-leader: leader}")
    for value, role in roles.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)) or role not in ROLES:
            raise ConfigError(f"auth.oidc.roles.{value}: expected a claim value mapped to one of {', '.join(ROLES)}, "
                              f"got {role!r}")

    def claim(name: str, optional: bool = True) -> Any:
        return check(tree, f"auth.oidc.claims.{name}", lambda v: (optional and v is None) or (
            isinstance(v, str) and v.strip() == v != ""), "null or a claim name" if optional else "a claim name")

    return OidcConfig(
        discovery_url=discovery or issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=check(tree, "auth.oidc.client_id", lambda v: isinstance(v, str) and v.strip() != "",
                         "the client id the identity platform issued to the cockpit"),
        client_secret=secret,
        issuer=issuer,
        token_endpoint_auth_method=method,
        scopes=tuple(check(tree, "auth.oidc.scopes", lambda v: isinstance(v, list) and "openid" in v and all(
            isinstance(s, str) and re.fullmatch(r"[!#-\[\]-~]+", s) for s in v), "a list of scopes including openid")),
        redirect_uri=check(tree, "auth.oidc.redirect_uri", lambda v: v is None or (
            is_http_url(v) and v.endswith("/login/oidc/callback")),
            "null or this site's public URL ending in /login/oidc/callback"),
        timeout_s=float(check(tree, "auth.oidc.timeout_s", lambda v: is_number(v) and 0 < v <= 60,
                               "seconds between 0 and 60")),
        userinfo=check(tree, "auth.oidc.userinfo", lambda v: isinstance(v, bool), "true or false"),
        username_claim=claim("username", optional=False), display_name_claim=claim("display_name"),
        role_claim=claim("role", optional=False), region_claim=claim("region_scope"),
        personal_data_claim=claim("personal_data"),
        roles=MappingProxyType({str(value): role for value, role in roles.items()}),
    )


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read defaults, the YAML file (`COCKPIT_CONFIG` or ./config.yaml) and the environment."""
    env = os.environ if environ is None else environ
    path = Path(env.get("COCKPIT_CONFIG") or DEFAULT_CONFIG_FILE)
    file_tree: Mapping[str, Any] = {}
    if env.get("COCKPIT_CONFIG") and not path.is_file():
        raise ConfigError(f"COCKPIT_CONFIG: no such file {path}")
    if path.is_file():
        try:
            file_tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
        if not isinstance(file_tree, Mapping):
            raise ConfigError(f"{path}: the top level must be a mapping of keys")
    for dotted in ("warehouse.url", "app_db.url", "cache.url"):
        section, key = dotted.split(".")
        url = (file_tree.get(section) or {}).get(key) if isinstance(file_tree.get(section), Mapping) else None
        if isinstance(url, str) and _has_password(url):
            raise ConfigError(f"{dotted}: a password in config.yaml; put this URL in the "
                              f"environment (COCKPIT_{section.upper()}_URL) instead")
    auth = file_tree.get("auth")
    if isinstance(auth, Mapping) and isinstance(auth.get("oidc"), Mapping) and "client_secret" in auth["oidc"]:
        raise ConfigError("auth.oidc.client_secret: a secret in config.yaml; set COCKPIT_OIDC_CLIENT_SECRET "
                          "in the environment instead")
    tree = _merge(_default_tree(), file_tree)
    overrides = {
        "COCKPIT_WAREHOUSE_URL": ("warehouse", "url"),
        "COCKPIT_APP_DB_URL": ("app_db", "url"),
        "COCKPIT_CACHE_URL": ("cache", "url"),
        "COCKPIT_HOST": ("server", "host"),
        "COCKPIT_PORT": ("server", "port"),
    }
    for var, (section, key) in overrides.items():
        if env.get(var):
            value: Any = env[var]
            if var == "COCKPIT_PORT":
                if not value.isdigit():
                    raise ConfigError(f"COCKPIT_PORT: expected a port number, got {value!r}")
                value = int(value)
            tree[section][key] = value
    return _validate(tree, env)


def _validate(tree: dict[str, Any], env: Mapping[str, str]) -> Config:
    code = check(tree, "city.region_code",
                  lambda v: v is None or is_region_code(v),
                  "a 6, 9 or 12 digit region code in quotes, or null")
    tables = check(tree, "warehouse.tables", lambda v: isinstance(v, Mapping), "a mapping")
    for name, target in tables.items():
        if name not in CONTRACT_TABLES:
            raise ConfigError(f"warehouse.tables.{name}: not a contract table "
                              f"(one of {', '.join(CONTRACT_TABLES)})")
        if not (isinstance(target, str) and re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)?", target)):
            raise ConfigError(f"warehouse.tables.{name}: expected a table name or schema.table")
    ttl = tree["cache"]["ttl_s"]
    for name in ttl:
        check(tree, f"cache.ttl_s.{name}", lambda v: is_int(v) and v >= 0, "seconds (an integer ≥ 0)")
    limits = check(tree, "rules.alert_ack_limit_min", lambda v: isinstance(v, Mapping), "a mapping")
    ack_limits: dict[int, float] = {}
    for level, minutes in limits.items():
        if str(level) not in {"1", "2", "3", "4"} or not is_number(minutes) or minutes <= 0:
            raise ConfigError(f"rules.alert_ack_limit_min.{level}: expected level 1–4 → minutes > 0")
        ack_limits[int(level)] = float(minutes)
    lagging = check(tree, "rules.project_lag_pts.lagging", lambda v: is_number(v) and v >= 0, "a number ≥ 0")
    serious = check(tree, "rules.project_lag_pts.seriously_lagging",
                     lambda v: is_number(v) and v >= lagging, "a number ≥ rules.project_lag_pts.lagging")
    behind = check(tree, "economy.behind_pts", lambda v: is_number(v) and v >= 0, "points ≥ 0")
    far_behind = check(tree, "economy.far_behind_pts", lambda v: is_number(v) and v >= behind,
                        "points ≥ economy.behind_pts")
    cache_url = check(tree, "cache.url", lambda v: v is None or (
        isinstance(v, str) and v.split("://")[0] in {"redis", "rediss", "simple", "null"}),
        "null, simple://, null:// or a redis:// URL")
    return Config(
        city_region_code=code,
        language=check(tree, "ui.language", lambda v: v in {"zh", "en"}, "zh or en"),
        theme=check(tree, "ui.theme", lambda v: v in {"dark", "light"}, "dark or light"),
        timezone=check(tree, "ui.timezone", is_zone, "an IANA time zone such as Asia/Shanghai"),
        status_refresh_s=check(tree, "ui.status_refresh_s", lambda v: is_int(v) and v >= 1, "seconds ≥ 1"),
        host=check(tree, "server.host", lambda v: isinstance(v, str) and v != "", "a host name or address"),
        port=check(tree, "server.port", lambda v: is_int(v) and 0 < v < 65536, "a port number 1–65535"),
        trusted_proxies=check(tree, "server.trusted_proxies", lambda v: is_int(v) and 0 <= v <= 5,
                               "the number of reverse proxies in front of the cockpit, 0–5"),
        warehouse_url=check(tree, "warehouse.url", _is_db_url,
                             "a SQLAlchemy URL such as postgresql+psycopg://host/db"),
        build_demo_if_missing=check(tree, "warehouse.build_demo_if_missing", lambda v: isinstance(v, bool),
                                     "true or false"),
        statement_timeout_s=check(tree, "warehouse.statement_timeout_s", lambda v: is_number(v) and v > 0,
                                   "seconds > 0"),
        pool_size=check(tree, "warehouse.pool_size", lambda v: is_int(v) and v >= 1, "an integer ≥ 1"),
        tables=MappingProxyType(dict(tables)),
        app_db_url=check(tree, "app_db.url", _is_db_url, "a SQLAlchemy URL such as sqlite:///data/app.db"),
        cache_url=cache_url,
        cache_ttl_s=MappingProxyType(dict(ttl)),
        stale_keep_s=check(tree, "cache.stale_keep_s", lambda v: is_int(v) and v >= 0, "seconds ≥ 0"),
        prewarm_cache=check(tree, "cache.prewarm", lambda v: isinstance(v, bool), "true or false"),
        lagging_pts=float(lagging),
        seriously_lagging_pts=float(serious),
        completion_margin_pts=float(check(tree, "rules.completion_margin_pts",
                                           lambda v: is_number(v) and v >= 0, "points ≥ 0")),
        behind_pts=float(behind),
        far_behind_pts=float(far_behind),
        alert_ack_limit_min=MappingProxyType(ack_limits),
        tile_url=check(tree, "map.tile_url", lambda v: v is None or (
            isinstance(v, str) and v.startswith(("http://", "https://", "/"))),
            "null or an intranet tile URL template"),
        boundaries_file=check(tree, "map.boundaries_file", lambda v: v is None or (
            isinstance(v, str) and v.lower().endswith((".geojson", ".json", ".gpkg", ".shp"))),
            "null or a .geojson, .gpkg or .shp file"),
        alerts_refresh_s=float(check(tree, "alerts.refresh_s", lambda v: is_number(v) and 0.5 <= v <= 60,
                                      "seconds between 0.5 and 60")),
        alerts_push=check(tree, "alerts.push", lambda v: isinstance(v, bool), "true or false"),
        nearby_radius_km=float(check(tree, "alerts.nearby_radius_km", lambda v: is_number(v) and v > 0,
                                      "kilometres > 0")),
        nearby_cameras=check(tree, "alerts.nearby_cameras", lambda v: is_int(v) and v >= 0, "an integer ≥ 0"),
        stream_url_template=check(tree, "video.stream_url_template", lambda v: v is None or (
            isinstance(v, str) and "{camera_id}" in v), "null or a URL containing {camera_id}"),
        frame_ancestors=tuple(check(tree, "security.frame_ancestors", lambda v: v is None or _is_frame_ancestors(v),
                                     "a list of origins such as https://portal.example.gov (or 'self'); "
                                     "[]: no site may frame the cockpit") or ()),
        oidc=_oidc(tree, env),
        onemap=config_map.parse(tree), video=config_video.parse(tree), screens=config_screens.parse(tree),
        briefing=config_briefing.parse(tree),
        poverty=config_poverty.parse(tree), production=config_production.parse(tree),
        session_secure_cookie=check(tree, "session.secure_cookie", lambda v: isinstance(v, bool),
                                     "true (served over HTTPS) or false"),
        session_idle_minutes=float(check(tree, "session.idle_minutes", lambda v: is_number(v) and v >= 1,
                                          "minutes ≥ 1")),
        session_absolute_hours=float(check(tree, "session.absolute_hours",
                                            lambda v: is_number(v) and 0 < v <= 24 * 30, "hours, 0 to 720")),
        secret_key=env.get("COCKPIT_SECRET_KEY") or None,
        admin_password=env.get("COCKPIT_ADMIN_PASSWORD") or None,
    )
