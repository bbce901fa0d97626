"""gunicorn settings for City Cockpit: `gunicorn -c deploy/gunicorn.conf.py` (from the project folder).

Threaded workers (gthread): each worker serves many consoles at once, and an open alert stream
(alerts.push) takes a thread, not a whole worker. Workers share nothing but the app database,
the warehouse and Redis (COCKPIT_CACHE_URL), so sessions, login throttling, cached data and
alert actions agree whichever worker answers. Every value can be set from the environment.
"""
import multiprocessing
import os

wsgi_app = "app:server"
bind = os.environ.get("COCKPIT_BIND", "127.0.0.1:8050")
# Two per core is plenty: requests wait mostly on the warehouse, and threads cover that.
workers = int(os.environ.get("COCKPIT_WORKERS", max(2, min(2 * multiprocessing.cpu_count(), 8))))
worker_class = "gthread"
threads = int(os.environ.get("COCKPIT_THREADS", "32"))
# A statement may take warehouse.statement_timeout_s (20 s by default); leave room above it.
timeout = int(os.environ.get("COCKPIT_WORKER_TIMEOUT", "60"))
# A restart waits this long for open alert streams; consoles reconnect by themselves.
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so slow growth of a process's memory cannot accumulate.
max_requests = int(os.environ.get("COCKPIT_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
accesslog = "-"
# %(p)s names the worker: which worker answered is visible in the log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms worker=%(p)s'
errorlog = "-"
# The client's real address comes through nginx's X-Forwarded-For, read by the cockpit itself
# (server.trusted_proxies); gunicorn only needs to accept the scheme header from local proxies.
forwarded_allow_ips = os.environ.get("COCKPIT_PROXY_IPS", "127.0.0.1")


def on_starting(_server: object) -> None:
    """In the master, before any worker is forked: workers inherit the cap on malloc arenas."""
    from web.memory import limit_malloc_arenas

    limit_malloc_arenas()
