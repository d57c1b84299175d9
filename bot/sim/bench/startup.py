"""Bench part: start-up, measured from outside as a user meets it.

* ``cli_ask_s``: wall seconds of ``sitrep ask QUESTION`` from the shell on a filled store (a new
  interpreter each time; the median of a few runs after one warm-up run);
* ``first_reply_s``: seconds from starting ``sitrep run`` (long polling, a child process) until
  the offline Bot API, served over HTTP on 127.0.0.1, receives the answer to a question that was
  waiting when it started;
* ``idle_rss_mb``: that bot's resident memory once it has answered and idled a few seconds (the
  world gazetteer open; no extraction model loaded).

The CPU seconds of the same runs are reported beside the wall times: on a shared machine they
say more about Sitrep than the wall clock does. Sitrep's modules are byte-compiled first, as an
installed package is (children write bytecode even when PYTHONDONTWRITEBYTECODE is set here).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bot
from bot.sim.api import UpdateFactory
from bot.sim.api.served import serving
from bot.sim.bench.plans import Progress
from bot.sim.bench.vocabulary import QUESTIONS

ROOT = Path(bot.__file__).resolve().parent.parent  # children import this very Sitrep
TOKEN = "123456:BENCH-startup"
USER = 4242
REPLY_TIMEOUT = 120.0
IDLE_S = 3.0  # idling after its first answer before the bot's memory is read
CLI_RUNS = 3


def _env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a child `sitrep`: this one without Telegram and database settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    for name in ("ADMIN_IDS", "WEBHOOK_URL", "FOCUS_COUNTRIES", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PYTHONPATH": path} | extra)
    return env


def _sitrep(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli.main", *args]


def byte_compile(env: dict[str, str]) -> None:
    """Byte-compile Sitrep's modules where the children will look for them (as installing does);
    a tree that cannot be written is left as it is."""
    trees = [str(ROOT / name) for name in ("bot", "briefings", "migrations")]
    command = [sys.executable, "-m", "compileall", "-q", *trees]
    subprocess.run(command, env=env, capture_output=True, check=False, timeout=600)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_ask(
    url: str, question: str, runs: int = CLI_RUNS, *, warm_up: bool = True
) -> dict[str, Any]:
    """`sitrep ask` from the shell: the median wall and CPU seconds of `runs` runs (after a
    warm-up run, which fills the caches as a first use does)."""
    command = _sitrep("ask", question)
    env = _env(url)
    where = tempfile.gettempdir()  # no .env file of the caller's
    if warm_up:
        subprocess.run(command, env=env, cwd=where, capture_output=True, check=True, timeout=600)
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        cpu0, t0 = _children_cpu(), time.perf_counter()
        done = subprocess.run(
            command, env=env, cwd=where, capture_output=True, check=True, timeout=600
        )
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - cpu0)
    return {
        "cli_ask_s": round(statistics.median(walls), 3),
        "cli_ask_min_s": round(min(walls), 3),
        "cli_ask_cpu_s": round(statistics.median(cpus), 3),
        "cli_ask_answered": bool(done.stdout.strip()),
    }


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def first_reply(url: str, question: str) -> dict[str, Any]:
    """`sitrep run` against the served Bot API: seconds to its first answer, then idle memory."""
    with serving() as api, tempfile.TemporaryFile() as log:
        factory = UpdateFactory(api=api.api, bot_username=api.api.bot_username, bot_id=1)
        update = factory.message(question, user_id=USER)
        # newer than any update an earlier run left in the store's inbox (which skips repeats)
        update["update_id"] = int(time.time() * 1000)
        api.push(update)
        env = _env(url, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url)
        cpu0, t0 = _children_cpu(), time.perf_counter()
        child = subprocess.Popen(
            _sitrep("run"),
            env=env,
            cwd=tempfile.gettempdir(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            replied = api.wait_for_reply(USER, REPLY_TIMEOUT)
            rss: list[float] = []
            if replied is not None:
                end = time.monotonic() + IDLE_S
                while time.monotonic() < end and child.poll() is None:
                    time.sleep(0.25)
                    rss += [r for r in (_rss_mb(child.pid),) if r is not None]
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        log.seek(0)
        tail = log.read()[-2000:].decode("utf-8", "replace")
    if replied is None:
        raise RuntimeError(f"`sitrep run` did not answer within {REPLY_TIMEOUT:g} s: {tail}")
    return {
        "first_reply_s": round(replied - t0, 3),
        "idle_rss_mb": max(rss) if rss else None,
        "run_cpu_s": round(_children_cpu() - cpu0, 3),
    }


def bench_startup(
    url: str, events: int, progress: Progress, *, runs: int = CLI_RUNS
) -> dict[str, Any]:
    """Start-up numbers on the store at `url` (holding `events` events); `runs` timed asks."""
    question = QUESTIONS[0]
    progress(f"start-up: `sitrep ask` and `sitrep run` on {events:,} events")
    result: dict[str, Any] = {"events": events, "question": question}
    byte_compile(_env(url))
    result |= cli_ask(url, question, runs, warm_up=runs > 1)
    result |= first_reply(url, question)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.sim.bench.startup DATABASE_URL [EVENTS]`: the numbers as JSON."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m bot.sim.bench.startup DATABASE_URL [EVENTS]", file=sys.stderr)
        return 2
    events = int(args[1]) if len(args) > 1 else 0
    result = bench_startup(args[0], events, lambda m: print(f"… {m}", file=sys.stderr))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
