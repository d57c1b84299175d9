"""The bench result as text, and each headline number checked against its goal."""

from __future__ import annotations

from typing import Any

from bot.sim.bench.ask import size_label
from bot.sim.bench.plans import ASK_P50_MS_1M, ASK_P95_MS, ASK_VS_BASELINE_P95, GOALS


def _met(value: Any, op: str, bound: float) -> bool | None:
    if value is None:
        return None
    return bool(value <= bound if op == "<=" else value >= bound)


def ask_goal_checks(result: dict[str, Any]) -> list[tuple[str, Any, bool | None]]:
    """The ask goals on every store and size measured (None: no goal at that size)."""
    checks: list[tuple[str, Any, bool | None]] = []
    for store, by_size in result.get("ask", {}).items():
        for size, run in by_size.items():
            label = size_label(int(size))
            where = f"({store}, {label} events)"
            bound = ASK_P95_MS.get(label)
            p95 = run["ask_p95_ms"]
            checks.append(
                (
                    f"ask p95 ≤ {bound or '?'} ms {where}",
                    p95,
                    None if bound is None else p95 <= bound,
                )
            )
            ratio = run.get("ask_vs_baseline_p95_ratio")
            checks.append(
                (
                    f"ask p95 ≤ {ASK_VS_BASELINE_P95}× plain baseline p95 {where}",
                    ratio,
                    _met(ratio, "<=", ASK_VS_BASELINE_P95) if bound is not None else None,
                )
            )
            if label == "1m":
                p50 = run["ask_p50_ms"]
                checks.append((f"ask p50 ≤ {ASK_P50_MS_1M} ms {where}", p50, p50 <= ASK_P50_MS_1M))
    return checks


def goal_checks(result: dict[str, Any]) -> list[tuple[str, Any, bool | None]]:
    """(goal label, measured value, met?) — None when the run was too small to judge it."""
    full = result["events"] >= 1_000_000 and result["subscribers"] >= 100_000
    compose = result["compose_s"]
    if compose is not None and result["subscribers"] < 100_000:
        compose = None  # the goal is stated for 100k subscribers
    values = {
        "compose_s_100k": compose,
        "broadcast_ratio_30": result["broadcast_ratio_30"],
        "broadcast_ratio_1000": result["broadcast_ratio_1000"],
        "import_rows_per_s_sqlite": result.get("import_rows_per_s_sqlite"),
        "import_rows_per_s_postgresql": result.get("import_rows_per_s_postgresql"),
        "peak_rss_mb": result["peak_rss_mb"] if full else None,
        "gazetteer_load_s": result["gazetteer_load_s"],
        "gazetteer_rss_mb": result["gazetteer_rss_mb"],
    }
    checks = ask_goal_checks(result)
    for key, (op, bound, label) in GOALS.items():
        value = values.get(key)
        checks.append((label, value, _met(value, op, bound)))
    return checks


def format_report(result: dict[str, Any]) -> str:
    """The numbers as text, each next to its goal."""
    m = result["machine"]
    lines = [
        f"Sitrep bench ({result['plan']['name']}) {result['measured_at']} on "
        f"{m.get('cpus')} CPUs, {m.get('memory_gb', '?')} GB, Python {m['python']}, "
        f"SQLite {m['sqlite']}",
        "",
    ]
    g = result["gazetteer"]
    lines.append(
        f"gazetteer: {g['gazetteer_places']:,} places ready in {g['gazetteer_load_s']} s, "
        f"{g['gazetteer_rss_mb']} MB resident; lookups {g['resolved']} in {g['lookups_s']} s"
    )
    for store, by_size in result["ask"].items():
        for size, a in by_size.items():
            lines.append(
                f"ask on {store} @ {int(size):>10,} events: p50 {a['ask_p50_ms']:.2f} ms, p95 "
                f"{a['ask_p95_ms']:.2f} ms | plain baseline p50 {a['baseline_p50_ms']:.2f} ms,"
                f" p95 {a['baseline_p95_ms']:.2f} ms | ratio {a['ask_vs_baseline_p95_ratio']}"
                f" | retrieval alone p50 {a['search_p50_ms']:.2f} ms,"
                f" p95 {a['search_p95_ms']:.2f} ms"
            )
    c = result["compose"]
    lines.append(
        f"compose: {c['subscribers']:,} subscribers, {c['filter_sets']} filter sets -> "
        f"{c['audiences']} editions, {c['enqueued']:,} outbox rows in {c['compose_s']} s"
    )
    for cap, b in result["broadcast"].items():
        lines.append(
            f"broadcast @ {int(cap):,}/s cap: {b['achieved_per_s']}/s = {b['ratio']:.3f} of cap "
            f"({b['sent']}/{b['messages']} sent, {b['concurrency']} in flight, "
            f"{b['latency_ms']} ms round trip, {b['throttled_429']} × 429)"
        )
    i = result["import"]
    lines.append(
        f"import: {i['rows']:,} ACLED rows in {i['import_s']} s = {i['import_rows_per_s']:,} rows/s"
    )
    lines.append(f"peak memory: {result['peak_rss_mb']} MB (ru_maxrss)")
    lines += ["", "Goals:"]
    for label, value, met in goal_checks(result):
        mark = {True: "met", False: "NOT met", None: "n/a at this size"}[met]
        lines.append(f"  {label}: {value} — {mark}")
    lines.append(f"(total {result['total_s']} s)")
    return "\n".join(lines)
