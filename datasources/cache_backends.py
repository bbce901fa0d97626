"""The cache backends: Redis shared by every worker, bounded, and an in-process stand-in while it is down.

`datasources.cache.make_cache` gives a `FailoverCache` for a redis:// URL. Every operation goes to Redis; when
Redis fails (stopped, unreachable, timed out) the operation is answered by a small in-process
cache instead, a warning is logged once per outage, and Redis is tried again `retry_s` later
and used again as soon as it answers. So a Redis outage costs the cockpit its shared cache
(each worker queries and caches for itself meanwhile), never a request.

Entries are bounded in number as well as in lifetime: in process by `SimpleCache`'s threshold
(and expired ones swept every few seconds, `SweptSimpleCache`),
in Redis by an index of the memoized keys (a sorted set by time written) trimmed to
`max_entries`, the oldest dropped first.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from cachelib import BaseCache
from flask_caching.backends import RedisCache, SimpleCache
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")
KEY_PREFIX = "cockpit:"
# Keys of memoized data (datasources/cache.py) start so; only these are indexed and trimmed.
INDEXED_PREFIX = "ck:"
INDEX_KEY = "cockpit-index:ck"
RETRY_S = 5.0
# Redis on another host that stops answering must not hold a request for long.
CONNECT_TIMEOUT_S = 1.0
SOCKET_TIMEOUT_S = 2.0
# How often the in-process cache drops its expired entries (SweptSimpleCache).
SWEEP_S = 10.0


class SweptSimpleCache(SimpleCache):
    """cachelib's in-process cache that also drops expired entries while it is under its threshold.

    `SimpleCache` removes expired entries only once it holds `threshold` of them, so a cache
    bounded at 2,000 entries fills to 2,000 whatever their lifetime: a duty console's rendered
    views (kept 30 s, a new one for every change of the alerts) piled up for an hour and 20
    consoles' server grew 13 % in ten minutes. Sweeping every `sweep_s` keeps its memory that of
    the entries still alive; the threshold remains the bound.
    """

    def __init__(self, threshold: int, *, sweep_s: float = SWEEP_S) -> None:
        super().__init__(threshold=threshold)
        self.sweep_s = sweep_s
        self._swept_at = time.monotonic()

    def _prune(self) -> None:  # called by `set` and `add`, under the cache's lock
        if time.monotonic() - self._swept_at >= self.sweep_s:
            self._swept_at = time.monotonic()
            now = time.time()
            for key in [k for k, (expires, _) in self._cache.items() if 0 < expires < now]:  # 0: never expires
                self._cache.pop(key, None)
        super()._prune()


class BoundedRedisCache(RedisCache):
    """flask-caching's RedisCache that keeps at most `max_entries` memoized entries."""

    def __init__(self, client: Any, max_entries: int) -> None:
        super().__init__(host=client, key_prefix=KEY_PREFIX)
        self.max_entries = max_entries

    @classmethod
    def from_url(cls, url: str, max_entries: int) -> BoundedRedisCache:
        """A cache on the Redis at `url` with short connect and socket timeouts (unless the URL sets them)."""
        return cls(Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S,
                                        socket_timeout=SOCKET_TIMEOUT_S), max_entries)

    def _index(self, key: str) -> None:
        if not key.startswith(INDEXED_PREFIX) or key.endswith(":lock"):
            return
        client = self._write_client
        pipe = client.pipeline(transaction=False)
        pipe.zadd(INDEX_KEY, {key: time.time()})
        pipe.zcard(INDEX_KEY)
        excess = pipe.execute()[1] - self.max_entries
        if excess > 0:
            oldest = [k.decode() if isinstance(k, bytes) else k for k in client.zrange(INDEX_KEY, 0, excess - 1)]
            if oldest:
                pipe = client.pipeline(transaction=False)
                pipe.delete(*[KEY_PREFIX + k for k in oldest])
                pipe.zrem(INDEX_KEY, *oldest)
                pipe.execute()

    def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        """Store `value` and index its key (trimming the oldest beyond the bound)."""
        result = super().set(key, value, timeout=timeout)
        self._index(key)
        return result

    def entries(self) -> int:
        """How many memoized entries the index holds (expired ones until they are trimmed)."""
        return int(self._read_client.zcard(INDEX_KEY))


class FailoverCache(BaseCache):
    """A shared cache that falls back to an in-process one while the shared one fails."""

    def __init__(self, primary: BaseCache, fallback: BaseCache, *, retry_s: float = RETRY_S) -> None:
        super().__init__()
        self.primary = primary
        self.fallback = fallback
        self.retry_s = retry_s
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def shared_up(self) -> bool:
        """False while the shared cache is considered down (between failure and next successful call)."""
        return self._down_since is None

    def _run(self, op: Callable[[BaseCache], T]) -> T:
        if self._down_since is not None and time.monotonic() < self._retry_at:
            return op(self.fallback)
        try:
            result = op(self.primary)
        except (RedisError, OSError) as exc:  # stopped, unreachable, timed out, read-only, out of memory
            self._went_down(exc)
            return op(self.fallback)
        if self._down_since is not None:
            self._came_back()
        return result

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            if self._down_since is None:
                self._down_since = now
                log.warning("shared cache unavailable, caching in this process until it returns: %s", exc)
            self._retry_at = now + self.retry_s

    def _came_back(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            log.warning("shared cache is back after %.0f s; using it again", time.monotonic() - self._down_since)
            self._down_since = None
            # What this process cached alone during the outage is dropped, so all workers agree again.
            self.fallback.clear()

    def get(self, key: str) -> Any:
        """The value under `key`, or None."""
        return self._run(lambda c: c.get(key))

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        """Store `value` under `key` for `timeout` seconds."""
        return self._run(lambda c: c.set(key, value, timeout=timeout))

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any:
        """Store unless the key exists; True when stored."""
        return self._run(lambda c: c.add(key, value, timeout=timeout))

    def delete(self, key: str) -> Any:
        """Remove `key`."""
        return self._run(lambda c: c.delete(key))

    def has(self, key: str) -> Any:
        """Whether `key` is cached."""
        return self._run(lambda c: c.has(key))

    def clear(self) -> Any:
        """Empty both caches (the shared one only when it answers)."""
        self.fallback.clear()
        return self._run(lambda c: c.clear())


def cache_state(cache: BaseCache) -> str:
    """What /api/v1/health says about the cache: 'ok', 'unreachable' (Redis down) or 'in-process'."""
    if not isinstance(cache, FailoverCache):
        return "in-process"
    cache.has("health-probe")  # tries Redis again once its retry time has come
    return "ok" if cache.shared_up else "unreachable"
