"""Kill -9 runs against a rate-enforcing fake Telegram: sender processes (tests.support.
kill_sender) are started, killed mid-broadcast and replaced, and what Telegram received is
weighed: rows lost, rows sent twice (and whether each was in flight at a kill), 429s, and the
broadcast's time against the ideal the limits allow."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.delivery.outbox import Outbox
from bot.domain.clock import Clock
from bot.domain.messages import NewMessage
from bot.store.models.delivery import OutboxRow
from bot.store.session import create_engine, create_sessionmaker
from tests.support.telegram_http import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
GROUP_BASE = -1_000_000_000_000


@dataclass(frozen=True)
class Limits:
    """Telegram's limits, on a faster clock in CI: global msg/s, s between two messages to a
    chat, messages per group per `group_window` s."""

    rate: float = 30.0
    per_chat: float = 1.0
    group_per_minute: int = 20
    group_window: float = 60.0
    # the sender's rate below the cap: slack for arrival jitter (a loaded machine delays an
    # answer by tens of ms, and Telegram counts arrivals)
    headroom: float = 0.95

    def api(self) -> dict[str, Any]:
        """The fake's constructor arguments."""
        return {
            "global_rate": self.rate,
            "per_chat_interval": self.per_chat,
            "group_per_minute": self.group_per_minute,
        }

    def args(self) -> list[str]:
        """The sender process's arguments."""
        return [
            *("--rate", str(self.rate), "--per-chat", str(self.per_chat)),
            *("--group-per-minute", str(self.group_per_minute)),
            *("--group-window", str(self.group_window), "--headroom", str(self.headroom)),
        ]


def text_of(i: int) -> str:
    """Row i's text (as Telegram shows it: no markup)."""
    return f"Alert {i}: crossing closed"


def broadcast(rows: int, chats: int, groups: int) -> list[NewMessage]:
    """Every tenth row to one of `groups` groups; the others to `chats` private chats in turn,
    two consecutive rows each (an edition in two parts: the per-chat limit binds)."""
    out = []
    private = 0
    for i in range(rows):
        group = groups and i % 10 == 0
        if group:
            chat = GROUP_BASE - (i // 10) % groups
        else:
            chat = 7000 + (private // 2) % chats
            private += 1
        out.append(
            NewMessage(
                kind="push",
                dedupe_key=f"kill:{i}",
                chat_id=chat,
                chat_type="supergroup" if group else "private",
                text=f"Alert {i}: <b>crossing</b> closed",
                batch="kill",
            )
        )
    return out


def ideal_seconds(messages: list[NewMessage], limits: Limits) -> float:
    """The shortest span from the first send to the last that the limits allow."""
    per_chat = Counter(m.chat_id for m in messages)
    bound = (len(messages) - 1) / limits.rate
    for chat, count in per_chat.items():
        bound = max(bound, (count - 1) * limits.per_chat)
        if chat <= GROUP_BASE // 2 and limits.group_per_minute:
            full = math.ceil(count / limits.group_per_minute) - 1
            bound = max(bound, full * limits.group_window)
    return bound


async def enqueue(url: str, messages: list[NewMessage]) -> None:
    """Queue the broadcast."""
    engine = create_engine(url)
    try:
        assert await Outbox(create_sessionmaker(engine), Clock()).enqueue(messages) == len(messages)
    finally:
        await engine.dispose()


async def outbox_state(url: str) -> tuple[Counter[str], set[str]]:
    """Rows per state, and the texts of the rows in flight (state sending)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(OutboxRow.state, OutboxRow.text))).all()
    finally:
        await engine.dispose()
    in_flight = {str(t).replace("<b>", "").replace("</b>", "") for s, t in rows if s == "sending"}
    return Counter(str(s) for s, _ in rows), in_flight


@dataclass
class Supervisor:
    """Starts, releases and kills sender processes."""

    url: str
    base_url: str
    limits: Limits
    concurrency: int = 8
    heartbeat: float = 0.5
    dead_after: float = 2.0
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    def start(self, name: str, *, standby: bool) -> subprocess.Popen[str]:
        """A sender process; with `standby`, once it said "ready" (release it with `go`)."""
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.support.kill_sender", self.url, self.base_url),
                *("--name", name, "--concurrency", str(self.concurrency)),
                *("--heartbeat", str(self.heartbeat), "--dead-after", str(self.dead_after)),
                *self.limits.args(),
                *(["--standby"] if standby else []),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        if standby:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            assert line == "ready", proc.communicate()
        return proc

    @staticmethod
    def go(proc: subprocess.Popen[str]) -> None:
        """Release a standby process."""
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()

    @staticmethod
    def kill(proc: subprocess.Popen[str]) -> None:
        """SIGKILL a process and wait for it."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL, proc.communicate()

    def finish(self, proc: subprocess.Popen[str], timeout: float) -> str:
        """Wait for a process to send everything; its output."""
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err[-3000:]
        assert "done" in out
        return out

    def close(self) -> None:
        """Kill whatever still runs."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()


def wait_for(fake: FakeTelegram, accepted: int, procs: list[subprocess.Popen[str]]) -> None:
    """Until Telegram accepted `accepted` messages, the senders still running."""
    deadline = time.monotonic() + 120
    while not fake.wait_accepted(accepted, 0.5):
        for proc in procs:
            assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the senders made no progress"
    for proc in procs:
        assert proc.poll() is None, ("the broadcast ended before the kill", proc.communicate())


@dataclass
class Outcome:
    """What a kill run did, as Telegram saw it."""

    rows: int
    lost: int
    duplicates: int
    outside_flight: int  # rows sent twice that were not in flight at a kill
    most_copies: int
    throttled: int
    span: float
    ideal: float
    kills: int
    states: Counter[str]
    paused: float = 0.0  # s the harness held the replacement back (counting what was in flight)
    throttled_by: Counter[str] = field(default_factory=Counter)  # which limit each 429 was for
    marks: list[tuple[float, float]] = field(default_factory=list)  # (kill, release) instants

    @property
    def ratio(self) -> float:
        """The broadcast's span against the ideal."""
        return self.span / self.ideal if self.ideal else math.inf

    def resume_delays(self, fake: FakeTelegram) -> list[float]:
        """Per kill: s from releasing the replacement to Telegram accepting its first message."""
        times = fake.send_times()
        return [min((t for t in times if t > go), default=math.inf) - go for _, go in self.marks]

    @property
    def sender_ratio(self) -> float:
        """The span without the harness's pauses, against the ideal."""
        return (self.span - self.paused) / self.ideal if self.ideal else math.inf

    def line(self) -> str:
        """One line for the report."""
        return (
            f"{self.rows} rows, {self.kills} kills: lost {self.lost}, duplicates "
            f"{self.duplicates} ({self.outside_flight} not in flight), 429s {self.throttled} "
            f"{dict(self.throttled_by)}, "
            f"{self.span:.2f} s against an ideal {self.ideal:.2f} s (ratio {self.ratio:.3f}; "
            f"{self.sender_ratio:.3f} without the harness's {self.paused:.2f} s of pauses)"
        )


def weigh(
    fake: FakeTelegram,
    messages: list[NewMessage],
    limits: Limits,
    in_flight: set[str],
    kills: int,
    states: Counter[str],
) -> Outcome:
    """Compare what Telegram received with the broadcast."""
    received = fake.received()
    expected = {(m.chat_id, text_of(i)) for i, m in enumerate(messages)}
    twice = {key for key, n in received.items() if n > 1}
    times = fake.send_times()
    by = throttled_by(fake, limits)
    return Outcome(
        rows=len(messages),
        lost=len(expected - set(received)),
        duplicates=len(twice),
        outside_flight=len({text for _, text in twice} - in_flight),
        most_copies=max(received.values(), default=0),
        throttled=fake.throttled(),
        span=times[-1] - times[0] if times else 0.0,
        ideal=ideal_seconds(messages, limits),
        kills=kills,
        states=states,
        throttled_by=by,
    )


def throttled_by(fake: FakeTelegram, limits: Limits) -> Counter[str]:
    """Which limit each 429 was for: the chat's interval, its group's window, or the global."""
    with fake.lock:
        calls = [c for c in fake.api.calls if c.method == "sendMessage"]
    found: Counter[str] = Counter()
    last: dict[int, float] = {}
    window: dict[int, list[float]] = {}
    for call in calls:
        if "chat_id" not in call.params:
            continue  # a request cut short by a kill (the fake answered it 400)
        chat = int(call.params["chat_id"])
        if call.ok:
            last[chat] = call.at
            window.setdefault(chat, []).append(call.at)
        elif call.status == 429:
            if call.at - last.get(chat, -math.inf) < limits.per_chat:
                found["chat"] += 1
            elif (
                chat < 0
                and sum(1 for t in window.get(chat, []) if t > call.at - limits.group_window)
                >= limits.group_per_minute
            ):
                found["group"] += 1
            else:
                found["global"] += 1
    return found


def run_one_sender(
    url: str,
    fake: FakeTelegram,
    messages: list[NewMessage],
    limits: Limits,
    *,
    kills: int,
    cold: bool = False,
) -> Outcome:
    """One sender named "solo", killed `kills` times at even steps and replaced each time by
    a process under the same name (started beforehand and released at the kill, or with
    `cold` started after the kill)."""
    asyncio.run(enqueue(url, messages))
    boss = Supervisor(url, fake.base_url, limits)
    in_flight: set[str] = set()
    paused = 0.0
    marks: list[tuple[float, float]] = []
    try:
        current = boss.start("solo", standby=True)
        # replacements started beforehand, so their start-up does not compete with the sending
        spares = [] if cold else [boss.start("solo", standby=True) for _ in range(kills)]
        boss.go(current)
        for k in range(1, kills + 1):
            wait_for(fake, k * len(messages) // (kills + 2), [current])
            boss.kill(current)
            held = time.monotonic()
            fake.settle()
            in_flight |= asyncio.run(outbox_state(url))[1]
            if cold:
                current = boss.start("solo", standby=False)
            else:
                current = spares.pop(0)
                paused += time.monotonic() - held
                boss.go(current)
            marks.append((held, time.monotonic()))
        boss.finish(current, timeout=60 + 2 * len(messages) / limits.rate)
    finally:
        boss.close()
    time.sleep(0.05)  # answers to the last requests are counted
    states = asyncio.run(outbox_state(url))[0]
    outcome = weigh(fake, messages, limits, in_flight, kills, states)
    outcome.paused = paused
    outcome.marks = marks
    return outcome


def run_two_senders(
    url: str, fake: FakeTelegram, messages: list[NewMessage], limits: Limits
) -> tuple[Outcome, str]:
    """Senders "a" and "b" side by side; "a" is killed a third of the way and not restarted:
    "b" takes its rows. Returns the outcome and b's output."""
    asyncio.run(enqueue(url, messages))
    boss = Supervisor(url, fake.base_url, limits)
    try:
        a = boss.start("a", standby=True)
        b = boss.start("b", standby=True)
        boss.go(a)
        boss.go(b)
        wait_for(fake, len(messages) // 3, [a, b])
        boss.kill(a)
        fake.settle()
        in_flight = asyncio.run(outbox_state(url))[1]
        out = boss.finish(b, timeout=60 + 2 * len(messages) / limits.rate)
    finally:
        boss.close()
    time.sleep(0.05)
    states = asyncio.run(outbox_state(url))[0]
    return weigh(fake, messages, limits, in_flight, 1, states), out
