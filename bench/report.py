"""How the benchmarks take N and print what they measured."""

from __future__ import annotations

import os
import sys

from sqlalchemy.engine import make_url


def rows_wanted(default: int = 100_000) -> int:
    """N: the first argument, else BENCH_ROWS, else `default`."""
    return int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_ROWS", default))


def server_label(url: str) -> str:
    parsed = make_url(url)
    return "embedded PostgreSQL" if parsed.host is None or parsed.query else f"{parsed.host}"


def print_table(title: str, rows: list[tuple[str, int, float]], ratio_line: str) -> None:
    """rows: (what, row count, seconds); the first is ours, the second the baseline."""
    print(f"\n{title}")
    print(f"{'measured':<58}{'N':>9}{'seconds':>10}{'rows/s':>10}")
    for what, count, seconds in rows:
        print(f"{what:<58}{count:>9}{seconds:>10.2f}{count / seconds:>10.0f}")
    print(ratio_line)
