"""Production serving (issue 13): the WSGI server, cache bounds, list paging.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.production` holds. Keys are documented in docs/configuration.md.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.config_checks import check, is_int, is_number

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {
    "cache": {"max_entries": 2000, "last_good_per_input_s": 3600, "retry_s": 5},
    "server": {"threads": 16},
    "api": {"page_size": 100, "max_page_size": 500},
}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductionSettings:
    """The checked settings of this section."""

    # Memoized entries kept at most (per process in memory; in Redis for all workers).
    cache_max_entries: int = 2000
    # How long the last-good copy of a call with other than its default inputs is kept.
    last_good_per_input_s: int = 3600
    # After the shared cache (Redis) failed, seconds before it is tried again.
    cache_retry_s: float = 5
    # Threads of the WSGI server `python app.py` starts (waitress).
    server_threads: int = 16
    # List APIs: rows per page when `limit` is not given, and the most one page may hold.
    api_page_size: int = 100
    api_max_page_size: int = 500


def parse(tree: Mapping[str, Any]) -> ProductionSettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    max_page = check(tree, "api.max_page_size", lambda v: is_int(v) and 1 <= v <= 10_000, "an integer 1–10000")
    return ProductionSettings(
        cache_max_entries=check(tree, "cache.max_entries", lambda v: is_int(v) and v >= 10, "an integer ≥ 10"),
        last_good_per_input_s=check(tree, "cache.last_good_per_input_s", lambda v: is_int(v) and v >= 0,
                                    "seconds (an integer ≥ 0)"),
        cache_retry_s=float(check(tree, "cache.retry_s", lambda v: is_number(v) and 0 < v <= 300,
                                  "seconds between 0 and 300")),
        server_threads=check(tree, "server.threads", lambda v: is_int(v) and 1 <= v <= 256, "an integer 1–256"),
        api_page_size=check(tree, "api.page_size", lambda v: is_int(v) and 1 <= v <= max_page,
                            "an integer from 1 to api.max_page_size"),
        api_max_page_size=max_page,
    )
