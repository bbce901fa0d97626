"""Caching of data functions on flask-caching's backends, with a last-good copy for outages.

`@dataset("alerts")` memoizes a data function for the dataset's time-to-live. Beside the fresh
entry it keeps a long-lived last-good copy: when the warehouse is unreachable the function
returns that copy marked `attrs["stale"] = True`, so pages keep showing data with its time.
Only one process at a time refreshes an expired entry (a short lock in the shared cache); the
others wait briefly for its result, so N consoles cost one query per interval, not N.

Bounds: a key is made from the call's arguments bound to the function's parameters (defaults
filled in, numpy scalars as Python values), so one input is one key however it was passed. The
last-good copy of a call with its default arguments (what every page shows) is kept
`stale_keep_s`; that of any other input (a county, a period, a search) only
`last_good_per_input_s`, so distinct inputs do not pile up for days. The number of entries is
bounded by the backend (`datasources/cache_backends.py`).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import numbers
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import ParamSpec, TypeVar

import pandas as pd
from cachelib import BaseCache
from flask_caching.backends import NullCache

from core.errors import WarehouseUnavailable
from datasources.cache_backends import BoundedRedisCache, FailoverCache, SweptSimpleCache
from datasources.warehouse import Warehouse

P = ParamSpec("P")
R = TypeVar("R", bound=pd.DataFrame)
T = TypeVar("T")

_WAIT_FOR_PEER_S = 0.05


def make_cache(url: str | None, *, max_entries: int = 2000, retry_s: float = 5.0) -> BaseCache:
    """The cache backend for a `cache.url`: Redis (in-process while it is down) when given, else in-process.

    At most `max_entries` memoized entries are kept, the oldest dropped first; Redis, once
    failed, is tried again after `retry_s`.
    """
    if url and url.startswith(("redis://", "rediss://")):
        return FailoverCache(BoundedRedisCache.from_url(url, max_entries), SweptSimpleCache(max_entries),
                             retry_s=retry_s)
    if url and url.startswith("null://"):
        return NullCache()
    return SweptSimpleCache(max_entries)


def normal(value: object) -> object:
    """`value` in one canonical form for a cache key: numpy scalars as Python, sequences as tuples."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((normal(v) for v in value), key=repr))
    if isinstance(value, Mapping):
        return tuple(sorted(((str(k), normal(v)) for k, v in value.items()), key=repr))
    return repr(value)


def _bound_inputs(signature: inspect.Signature, wh: Warehouse, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
    """The call's inputs in canonical form, and whether they are all the parameters' defaults."""
    bound = signature.bind(wh, *args, **kwargs)
    given = dict(bound.arguments)
    bound.apply_defaults()
    inputs = tuple((name, normal(value)) for name, value in list(bound.arguments.items())[1:])
    defaults = all(signature.parameters[name].default is not inspect.Parameter.empty
                   and normal(signature.parameters[name].default) == normal(value)
                   for name, value in list(given.items())[1:])
    return inputs, defaults


def _key(wh: Warehouse, func: Callable[..., object], inputs: tuple) -> str:
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:24]
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
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(wh: Warehouse, *args: object, **kwargs: object) -> R:
            inputs, defaults = _bound_inputs(signature, wh, args, kwargs)
            key = _key(wh, func, inputs)
            keep_s = wh.stale_keep_s if defaults else min(wh.stale_keep_s, wh.last_good_per_input_s)

            def store(value: R) -> None:
                value.attrs["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                value.attrs["stale"] = False
                ttl = wh.ttl_s.get(name, 60)
                if ttl > 0:  # cachelib reads 0 as "never expires"; here it means "do not cache"
                    wh.cache.set(key, value, timeout=ttl)
                if keep_s > 0:  # 0 would mean "for ever" to cachelib
                    wh.cache.set(key + ":last-good", value, timeout=keep_s)

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
