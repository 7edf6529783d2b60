"""The subscription benchmark's figures: printed, and kept in bench/README.md between markers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from reads_report import README, machine

BEGIN, END = "<!-- bench_subscriptions:begin -->", "<!-- bench_subscriptions:end -->"


@dataclass(frozen=True)
class Latency:
    subscribers: int
    events: int
    delivered: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_us: float | None  # per delivered message: the API's processes (none: baseline)
    subscriber_cpu_us: float  # per delivered message: the subscriber processes

    @classmethod
    def of(
        cls,
        receipts: list[list[tuple[str, float]]],
        sent: dict[int, float],
        row_id: Callable[[str], int],
        errors: int,
        cpu_seconds: tuple[float | None, float],
    ) -> Latency:
        """From commit to delivery, over every (subscriber, event) received; CPU (server,
        subscribers) over the events, per delivered message."""
        latencies = sorted(
            (arrived - sent[row_id(key)]) * 1000
            for seen in receipts
            for key, arrived in seen
            if row_id(key) in sent
        )

        def at(share: float) -> float:
            return latencies[min(len(latencies) - 1, int(share * len(latencies)))]

        n = max(len(latencies), 1)
        server, subscribers = cpu_seconds
        server_us = None if server is None else server * 1e6 / n
        quantiles = (at(0.5), at(0.99), latencies[-1]) if latencies else (0.0, 0.0, 0.0)
        return cls(
            len(receipts),
            len(sent),
            len(latencies),
            errors,
            *quantiles,
            server_cpu_us=server_us,
            subscriber_cpu_us=subscribers * 1e6 / n,
        )

    def row(self, name: str, ratio: str) -> str:
        return (
            f"{name:<44}{self.subscribers:>12}{self.events:>7}{self.delivered:>10}"
            f"{self.errors:>7}{self.p50_ms:>8.1f}{self.p99_ms:>8.1f}{self.max_ms:>8.1f}{ratio:>15}"
            f"{_us(self.server_cpu_us):>17}{_us(self.subscriber_cpu_us):>23}"
        )


def _us(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


HEADER = (
    f"{'delivery, commit to subscriber':<44}{'subscribers':>12}{'events':>7}{'delivered':>10}"
    f"{'errors':>7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'p99 ours/base':>15}"
    f"{'API CPU us/msg':>17}{'subscriber CPU us/msg':>23}"
)


@dataclass(frozen=True)
class Figures:
    rss: dict[str, float]  # MB of the API's processes: before, open, closed, reclosed
    spread: list[int]  # sockets opened per API process by the subscribers
    ordinary_query_ms: float
    idle_in_transaction: int
    open_after_close: float | None

    def lines(self, subscribers: int) -> list[str]:
        rss = self.rss
        per_100 = (rss["open"] - rss["before"]) * 100 / subscribers
        gauge = "n/a" if self.open_after_close is None else f"{self.open_after_close:.0f}"
        return [
            "idle subscriptions (clients offering permessage-deflate, which the server declines):"
            f" {per_100:.2f} MB RSS per 100 (the API's"
            f" processes: {rss['before']:.0f} MB before, {rss['open']:.0f} MB with {subscribers}"
            f" open, {rss['closed']:.0f} MB after they disconnected, {rss['reclosed']:.0f} MB"
            f" after a second open/close cycle); open subscriptions after the disconnect: {gauge}",
            f"while they were open: an ordinary query answered in {self.ordinary_query_ms:.0f} ms"
            f" (slowest of 3); backends idle in transaction: {self.idle_in_transaction};"
            f" subscribers per API process (new sockets): {self.spread}",
        ]


def write_results(
    args: argparse.Namespace,
    ours: list[Latency],
    baseline: Latency,
    figures: Figures,
    notes: list[str],
    url: str,
) -> None:
    """`ours`: subscribers with permessage-deflate, then without."""
    names = ("API, clients offering deflate", "API, clients not offering it")

    def ratio(latency: Latency) -> str:
        return f"{latency.p99_ms / baseline.p99_ms:.1f}" if baseline.p99_ms else "n/a"

    lines = [
        HEADER,
        *(latency.row(name, ratio(latency)) for name, latency in zip(names, ours, strict=True)),
        baseline.row("baseline, asyncpg LISTEN per subscriber", ""),
    ]
    facts = [*figures.lines(args.subscribers), *notes]
    print("\n" + "\n".join([*lines, *facts]))
    if args.no_readme:
        return
    section = [
        BEGIN,
        "## Subscriptions (`bench_subscriptions.py`)",
        "",
        f"`{' '.join(['.venv/bin/python', *sys.argv])}`",
        "",
        "```",
        *lines,
        "```",
        "",
        *(f"- {fact}" for fact in facts),
        *machine(url),
        "",
        "Latency from the moment the producer (this script, its own connection) sent the"
        " committing UPDATE to the moment a subscriber process read the message; every"
        " subscriber must receive every event (`delivered` = subscribers x events). CPU us/msg:"
        " user and system CPU of the API's processes (of the subscriber processes) during the"
        " events, over the messages delivered. RSS is VmRSS summed over the API's processes;"
        " it does not drop after a disconnect: the allocator keeps freed memory for reuse, and"
        " a closed socket's small reference cycles wait for the garbage collector (below).",
        END,
    ]
    text = README.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(section) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    README.write_text(text)
