"""The suite's figures beside their targets (issue 13), as a dict for the JSON and as markdown tables.

    python bench/suite_report.py result.json      (the tables again from a saved run of bench/suite.py)
"""
from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from alerts_latency import percentile

# Issue 13's targets on a 2-core machine at 10M fact rows, warm.
TARGETS = {"page_ms": 500, "interaction_p95_ms": 200, "api_p95_ms": 100, "alert_p95_s": 3, "callback_gzip_kb": 250}


def _q(values: list[float], q: float) -> float | None:
    return round(percentile(values, q), 1) if values else None


def _ratio(ms: float | None, engine_ms: float | None) -> float | None:
    return round(ms / engine_ms, 1) if ms and engine_ms else None


def _times(runs: list[dict]) -> list[float]:
    """The ms of the steps that completed."""
    return [r["ms"] for r in runs if r["ms"] is not None]


def _median(runs: list[dict], key: str) -> float | None:
    """The median of `key` over the steps that have it (older result files lack the CPU figures)."""
    values = [r[key] for r in runs if r.get(key) is not None and r["ms"] is not None]
    return round(statistics.median(values)) if values else None


def _engine(runs: list[dict]) -> list[float]:
    return [r["engine"]["engine_ms"] for r in runs if "engine" in r]


def _pages(result: dict) -> dict:
    found = {}
    for path, cold in result["cold"].items():
        warm = result["warm"][path]["runs"]
        cold_ms, warm_ms = _times(cold), _times(warm)
        cold_engine = statistics.median(_engine(cold)) if _engine(cold) else None
        warm_engine = statistics.median(_engine(warm)) if _engine(warm) else None
        found[path] = {
            "cold_p50_ms": _q(cold_ms, 0.5), "cold_engine_ms": cold_engine,
            "cold_statements": statistics.median(r["engine"]["statements"] for r in cold) if _engine(cold) else None,
            "cold_ratio": _ratio(_q(cold_ms, 0.5), cold_engine),
            "warm_p50_ms": _q(warm_ms, 0.5), "warm_p95_ms": _q(warm_ms, 0.95), "warm_engine_ms": warm_engine,
            "warm_ratio": _ratio(_q(warm_ms, 0.5), warm_engine),
            "cold_server_cpu_ms": _median(cold, "server_cpu_ms"),
            "cold_browser_busy_ms": _median(cold, "browser_busy_ms"),
            "warm_server_cpu_ms": _median(warm, "server_cpu_ms"),
            "warm_browser_busy_ms": _median(warm, "browser_busy_ms"),
            "warm_ok": bool(warm_ms) and _q(warm_ms, 0.95) <= TARGETS["page_ms"],
            "not_complete": len(cold) + len(warm) - len(cold_ms) - len(warm_ms),
            "heap_mb": result["warm"][path]["heap_mb"], "slowest_warm_callback": _slowest(warm)}
    return found


def _slowest(runs: list[dict]) -> dict | None:
    """The callback output with the largest median time (browser-side, request to body) over `runs`."""
    times: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for call in run["callbacks"]:
            times[call["output"]].append(call["ms"])
    if not times:
        return None
    output, values = max(times.items(), key=lambda item: statistics.median(item[1]))
    return {"output": output, "median_ms": statistics.median(values), "calls_per_load": len(values) / len(runs)}


def _drills(records: list[dict]) -> dict:
    found = {}
    for kind in ("county", "township", "all"):
        chosen = [r for r in records if kind in ("all", r["kind"])]
        ms, engine = _times(chosen), _engine(chosen)
        found[kind] = {"n": len(ms), "not_complete": len(chosen) - len(ms),
                       "p50_ms": _q(ms, 0.5), "p95_ms": _q(ms, 0.95),
                       "engine_p50_ms": _q(engine, 0.5), "engine_p95_ms": _q(engine, 0.95),
                       "ratio_p50": _ratio(_q(ms, 0.5), _q(engine, 0.5)),
                       "server_cpu_p50_ms": _median(chosen, "server_cpu_ms"),
                       "browser_busy_p50_ms": _median(chosen, "browser_busy_ms"),
                       "ok": bool(ms) and _q(ms, 0.95) <= TARGETS["interaction_p95_ms"]}
    return found


def _callbacks(result: dict) -> list[dict]:
    """The largest response of every callback output seen anywhere in the run, largest first."""
    largest: dict[str, dict] = {}
    steps = [r for runs in result["cold"].values() for r in runs]
    steps += [r for page in result["warm"].values() for r in page["runs"]]
    steps += result["drills"]["first"] + result["drills"]["again"]
    for step in steps:
        for call in step["callbacks"]:
            zipped = call["gzip"] if call["gzip"] is not None else call["raw"]
            if call["output"] not in largest or call["raw"] > largest[call["output"]]["raw_kb"] * 1024:
                largest[call["output"]] = {"output": call["output"], "raw_kb": round(call["raw"] / 1024, 1),
                                           "gzip_kb": round(zipped / 1024, 1),
                                           "ok": zipped <= TARGETS["callback_gzip_kb"] * 1024}
    return sorted(largest.values(), key=lambda c: -c["gzip_kb"])


def summarise(result: dict) -> dict:
    """Every figure beside its target."""
    api = result["api"]
    summary = {
        "pages": _pages(result),
        "drills_first": _drills(result["drills"]["first"]), "drills_again": _drills(result["drills"]["again"]),
        "api_p95_ms": max(r["p95_ms"] for r in api.values()),
        "alerts": result["alerts"], "callbacks": _callbacks(result), "targets": TARGETS,
    }
    if "under_load" in result:
        loaded = result["under_load"]
        summary["under_load"] = {
            "pages": {p: {"warm_p50_ms": _q(_times(v["runs"]), 0.5), "warm_p95_ms": _q(_times(v["runs"]), 0.95)}
                      for p, v in loaded["pages"].items()},
            "drills": _drills(loaded["drills"]),
            "locust_requests": sum(r["count"] for r in loaded["load"]["requests"].values()),
            "locust_failures": sum(r["failures"] for r in loaded["load"]["requests"].values()),
            "load_avg_mean": loaded["load"]["load_avg_1min"]["mean"]}
    return summary


def _fmt(value: object, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.0f}{unit}" if isinstance(value, float) and value >= 10 else \
        f"{value}{unit}"


def markdown(result: dict) -> str:
    """The figures as markdown tables."""
    s = result["summary"]
    lines = [f"{result['fact_rows']:,} fact_indicator rows; {result['server']['behind']}, "
             f"{result['server']['workers']} workers, {result['server']['cache']}; "
             f"load average at start {result['machine']['load_avg_start'][0]:.2f}, "
             f"at end {result['machine']['load_avg_end'][0]:.2f}", "",
             "| page | cold p50 | engine (cold) | statements | ratio | warm p50 | warm p95 | target ≤ 500 ms | "
             "server CPU cold / warm | browser main thread cold / warm | JS heap | not complete in 60 s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for path, p in s["pages"].items():
        lines.append(f"| {path} | {_fmt(p['cold_p50_ms'], ' ms')} | {_fmt(p['cold_engine_ms'], ' ms')} | "
                     f"{_fmt(p['cold_statements'])} | {_fmt(p['cold_ratio'], '×')} | {_fmt(p['warm_p50_ms'], ' ms')} | "
                     f"{_fmt(p['warm_p95_ms'], ' ms')} | {'met' if p['warm_ok'] else 'MISSED'} | "
                     f"{_fmt(p['cold_server_cpu_ms'])} / {_fmt(p['warm_server_cpu_ms'], ' ms')} | "
                     f"{_fmt(p['cold_browser_busy_ms'])} / {_fmt(p['warm_browser_busy_ms'], ' ms')} | "
                     f"{p['heap_mb']} MB | {p['not_complete']} |")
    lines += ["", "| economy drill | n | p50 | p95 | engine p50 | engine p95 | ratio p50 | server CPU p50 | "
                  "browser main thread p50 | target p95 ≤ 200 ms |", "|---|---|---|---|---|---|---|---|---|---|"]
    for when in ("first", "again"):
        for kind, d in s[f"drills_{when}"].items():
            lines.append(f"| {kind}, {when} | {d['n']} | {_fmt(d['p50_ms'], ' ms')} | {_fmt(d['p95_ms'], ' ms')} | "
                         f"{_fmt(d['engine_p50_ms'], ' ms')} | {_fmt(d['engine_p95_ms'], ' ms')} | "
                         f"{_fmt(d['ratio_p50'], '×')} | {_fmt(d['server_cpu_p50_ms'], ' ms')} | "
                         f"{_fmt(d['browser_busy_p50_ms'], ' ms')} | {'met' if d['ok'] else 'MISSED'} |")
    lines += ["", "| API route (one at a time) | p50 | p95 | raw | gzip | target p95 ≤ 100 ms |",
              "|---|---|---|---|---|---|"]
    for name, r in result["api"].items():
        lines.append(f"| {name} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['raw_bytes'] / 1024:.1f} KB | "
                     f"{r['gzip_bytes'] / 1024:.1f} KB | {'met' if r['p95_ms'] <= 100 else 'MISSED'} |")
    a = s["alerts"]
    met = "met" if (a["p95_s"] or 99) <= TARGETS["alert_p95_s"] else "MISSED"
    lines += ["", f"Alert insert-to-screen: p50 {a['p50_s']} s, p95 {a['p95_s']} s, max {a['max_s']} s "
                  f"(n={a['n']}, missed {a['missed']}); target p95 ≤ 3 s: {met}",
              "", "| callback output (largest response) | raw | gzip | target gzip ≤ 250 KB |", "|---|---|---|---|"]
    for c in s["callbacks"][:12]:
        met = "met" if c["ok"] else "MISSED"
        lines.append(f"| `{c['output'][:90]}` | {c['raw_kb']} KB | {c['gzip_kb']} KB | {met} |")
    server = result["server"]
    lines += ["", f"Server RSS (MB) at start {server['rss_mb_start']}, at end {server['rss_mb_end']}"]
    if "under_load" in s:
        u = s["under_load"]
        pages = ", ".join(f"{p} {v['warm_p50_ms']}/{v['warm_p95_ms']}" for p, v in u["pages"].items())
        lines += ["", f"Under load ({result['under_load']['users']} users + wall screen), warm p50/p95 ms: {pages}",
                  f"drills p50 {u['drills']['all']['p50_ms']} ms, p95 {u['drills']['all']['p95_ms']} ms; "
                  f"RSS {result['under_load']['rss_mb']}; Locust {u['locust_requests']} requests, "
                  f"{u['locust_failures']} failed; mean load average {u['load_avg_mean']}"]
    return "\n".join(lines)


if __name__ == "__main__":
    saved = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    saved["summary"] = summarise(saved)
    print(markdown(saved))
    print(json.dumps({p: v["slowest_warm_callback"] for p, v in saved["summary"]["pages"].items()},
                     indent=1, ensure_ascii=False))
