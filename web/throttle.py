"""The login throttle: growing delays per (user name, client address) pair, never an account lock.

- Failed sign-ins are counted per pair: the user name (case-insensitive) together with the
  client address (the real one behind `server.trusted_proxies` proxies).
- A pair's first FREE_FAILURES failures cost nothing. After that it must wait FIRST_DELAY_S
  after its last failure, twice as long after each further one, at most MAX_DELAY_S. An attempt
  during the wait is refused (429 with Retry-After) before the password is checked, and does
  not count.
- A pair's count is forgotten when it signs in, and FORGET_AFTER_S after its last failure.

So guessing one officer's password from one address slows to one try per MAX_DELAY_S, while
the officer signs in from their own desk at once, and a flood from one address (a proxy, an
office's NAT) holds up no other user name behind it. There is no per-address limit for
unknown user names: refusing only those would tell an attacker which names exist.

The counts are in the app database (`datasources/login_throttle.py`), not the cache, so every
worker and host sees them, with or without Redis.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from datasources.appdb import utc_now
from datasources.login_throttle import add_failure, clear_failures, failures, pair_key

FREE_FAILURES = 5
FIRST_DELAY_S = 15.0
MAX_DELAY_S = 15 * 60.0
FORGET_AFTER_S = 24 * 3600.0


def delay_after(count: int) -> float:
    """Seconds a pair must wait after its last failure, once it has failed `count` times."""
    if count < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2.0 ** min(count - FREE_FAILURES, 32))


def throttled_for(engine: Engine, username: str, address: str) -> float:
    """Seconds until `username` may be tried again from `address`; 0 if now."""
    now = utc_now()
    found = failures(engine, pair_key(username, address), now - timedelta(seconds=FORGET_AFTER_S))
    if found is None:
        return 0.0
    count, last = found
    return max(0.0, (last - now).total_seconds() + delay_after(count))


def count_failure(engine: Engine, username: str, address: str) -> int:
    """Count a failed sign-in of `username` from `address`; the pair's failures now."""
    now = utc_now()
    return add_failure(engine, pair_key(username, address), now, now - timedelta(seconds=FORGET_AFTER_S))


def forget_failures(engine: Engine, username: str, address: str) -> None:
    """Forget the pair's failures after it signed in; other addresses' counts for the name stay."""
    clear_failures(engine, pair_key(username, address))
