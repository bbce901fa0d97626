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


def dataset(name: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Memoize a data function `f(wh, *simple_values)` under the TTL of dataset `name`."""

    def decorate(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(wh: Warehouse, *args: object, **kwargs: object) -> R:
            key = _key(wh, func, args, kwargs)
            cached = wh.cache.get(key)
            if cached is not None:
                return cached
            lock_key = key + ":lock"
            acquired = wh.cache.add(lock_key, 1, timeout=int(wh.statement_timeout_s) + 1)
            if not acquired:
                deadline = time.monotonic() + wh.statement_timeout_s
                while time.monotonic() < deadline:
                    time.sleep(_WAIT_FOR_PEER_S)
                    cached = wh.cache.get(key)
                    if cached is not None:
                        return cached
                    if not wh.cache.has(lock_key):
                        break
            try:
                value = func(wh, *args, **kwargs)
            except WarehouseUnavailable:
                stale = wh.cache.get(key + ":last-good")
                if stale is None:
                    raise
                stale.attrs["stale"] = True
                return stale
            finally:
                if acquired:
                    wh.cache.delete(lock_key)
            value.attrs["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            value.attrs["stale"] = False
            ttl = wh.ttl_s.get(name, 60)
            if ttl > 0:  # cachelib reads 0 as "never expires"; here it means "do not cache"
                wh.cache.set(key, value, timeout=ttl)
            wh.cache.set(key + ":last-good", value, timeout=wh.stale_keep_s)
            return value

        return wrapper

    return decorate
