"""Sending fuzz requests: each in a worker thread with a time limit, so a hang fails the test."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from werkzeug.test import TestResponse


def server_errors(requests: Iterable[tuple[str, Callable[[], TestResponse]]], limit_s: float) -> list[str]:
    """Send each `(label, send)` one after another; the labels (with status) answered 5xx.

    A request that has no answer within `limit_s` fails the test at once.
    """
    failures = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for label, send in requests:
            future = pool.submit(send)
            try:
                response = future.result(timeout=limit_s)
            except FutureTimeout:
                pytest.fail(f"no answer within {limit_s} s: {label}")
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {label}")
    return failures
