"""Caching of data functions on flask-caching's backends, with a last-good copy for outages.

`@dataset("alerts")` memoizes a data function for the dataset's time-to-live. Beside the fresh
entry it keeps a long-lived last-good copy: when the warehouse is unreachable the function
returns that copy marked `attrs["stale"] = True`, so pages keep showing data with its time.
Only one process at a time refreshes an expired entry (a short lock in the shared cache); the
others wait briefly for its result, so N consoles cost one query per interval, not N.
"""
from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

import pandas as pd
from cachelib import BaseCache
from flask_caching.backends import NullCache, RedisCache, SimpleCache

from core.errors import WarehouseUnavailable
from datasources.warehouse import Warehouse

P = ParamSpec("P")
R = TypeVar("R", bound=pd.DataFrame)
T = TypeVar("T")

_WAIT_FOR_PEER_S = 0.05


def make_cache(url: str | None) -> BaseCache:
    """The cache backend for a `cache.url`: Redis when given, else in-process."""
    if url and url.startswith(("redis://", "rediss://")):
        import redis

        return RedisCache(host=redis.Redis.from_url(url), key_prefix="cockpit:")
    if url and url.startswith("null://"):
        return NullCache()
    return SimpleCache(threshold=5000)


def _key(wh: Warehouse, func: Callable[..., object], args: tuple, kwargs: dict) -> str:
    digest = hashlib.sha256(repr((args, sorted(kwargs.items()))).encode()).hexdigest()[:24]
    return f"ck:{wh.cache_id}:{func.__module__}.{func.__qualname__}:{digest}"


def single_flight(cache: BaseCache, key: str, build: Callable[[], T], *, lock_s: float,
                  store: Callable[[T], None]) -> T:
    """The value cached under `key`, else `build()` it once for all processes sharing the cache.

    The first caller takes a short lock in the shared cache, builds, `store`s the value and
    releases the lock; callers arriving meanwhile wait up to `lock_s` for that value and build
    it themselves only when it does not come (the builder failed or is too slow).
    """
    cached = cache.get(key)
    if cached is not None:
        return cached
    lock_key = key + ":lock"
    acquired = cache.add(lock_key, 1, timeout=int(lock_s) + 1)
    if not acquired:
        deadline = time.monotonic() + lock_s
        while time.monotonic() < deadline:
            time.sleep(_WAIT_FOR_PEER_S)
            cached = cache.get(key)
            if cached is not None:
                return cached
            if not cache.has(lock_key):
                break
    try:
        value = build()
        store(value)
        return value
    finally:
        if acquired:
            cache.delete(lock_key)


def dataset(name: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Memoize a data function `f(wh, *simple_values)` under the TTL of dataset `name`."""

    def decorate(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(wh: Warehouse, *args: object, **kwargs: object) -> R:
            key = _key(wh, func, args, kwargs)

            def store(value: R) -> None:
                value.attrs["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                value.attrs["stale"] = False
                ttl = wh.ttl_s.get(name, 60)
                if ttl > 0:  # cachelib reads 0 as "never expires"; here it means "do not cache"
                    wh.cache.set(key, value, timeout=ttl)
                wh.cache.set(key + ":last-good", value, timeout=wh.stale_keep_s)

            try:
                return single_flight(wh.cache, key, lambda: func(wh, *args, **kwargs),
                                     lock_s=wh.statement_timeout_s, store=store)
            except WarehouseUnavailable:
                stale = wh.cache.get(key + ":last-good")
                if stale is None:
                    raise
                stale.attrs["stale"] = True
                return stale

        return wrapper

    return decorate
