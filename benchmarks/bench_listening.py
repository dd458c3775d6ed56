"""Listening crisis detection on a labelled synthetic benchmark.

Each brand gets seasonal background traffic (hour-of-day curve, quieter weekends,
day-to-day over-dispersion, ~15 % negative, ~1.5 % with a crisis word) for six weeks;
incidents (bursts of negative mentions ramping up over 15 minutes, 1–4 hours long,
from half to three times the usual hourly volume, 12 an hour at least) are injected in
the last two weeks. The detector (``tribune.listening.detector.assess``, the code the
service runs) is evaluated every 2 minutes over those two weeks with the service's
grouping (an open alert absorbs new triggers and closes after 6 quiet hours).

Reported: recall (incidents with an alert during the incident), false alerts per brand
per week (alerts raised outside any incident), median and 95th percentile detection delay.
Targets: recall ≥ 0.95, ≤ 1 false alert per brand per week.

    .venv/bin/python -m benchmarks bench_listening      # writes docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from dataclasses import dataclass

import numpy as np

from benchmarks.common import percentile, write_section

MINUTES_PER_WEEK = 7 * 24 * 60
WEEKS_TOTAL = 6
EVAL_WEEKS = 2
STEP = 2  # minutes between detector runs


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    import django

    django.setup()


def hourly_profile(minute: float) -> float:
    """Relative activity at a minute of the week (0 = Monday 00:00)."""
    day, hour = divmod(minute / 60, 24)
    diurnal = 0.15 + 0.85 * (
        math.exp(-((hour - 12.5) ** 2) / 8) * 0.9 + math.exp(-((hour - 20.5) ** 2) / 6)
    )
    return diurnal * (0.7 if day >= 5 else 1.0)


@dataclass
class Incident:
    start: float
    end: float


def poisson_times(
    rng: np.random.Generator, start: float, end: float, rate_per_min: float
) -> np.ndarray:
    n = rng.poisson(max(0.0, rate_per_min) * (end - start))
    return rng.uniform(start, end, n)


def brand_stream(seed: int) -> tuple[dict[str, np.ndarray], list[Incident]]:
    rng = np.random.default_rng(seed)
    prand = random.Random(seed)
    base = prand.uniform(3, 40)  # mentions per hour at the daily peak
    total, negative, keyword = [], [], []
    horizon = WEEKS_TOTAL * MINUTES_PER_WEEK
    for day in range(WEEKS_TOTAL * 7):
        dispersion = rng.gamma(25, 1 / 25)  # mean 1, sd 0.2: some days are busier
        for hour in range(24):
            start = (day * 24 + hour) * 60
            rate = base * hourly_profile(start + 30) * dispersion / 60
            times = poisson_times(rng, start, start + 60, rate)
            total.append(times)
            negative.append(times[rng.random(len(times)) < 0.15])
            keyword.append(times[rng.random(len(times)) < 0.015])
    incidents = []
    eval_start = (WEEKS_TOTAL - EVAL_WEEKS) * MINUTES_PER_WEEK
    for _ in range(prand.randint(1, 3)):
        begin = prand.uniform(eval_start + 600, horizon - 300)
        duration = prand.uniform(60, 240)
        usual = base * hourly_profile(begin)
        extra = max(12.0, prand.uniform(0.5, 3.0) * usual) / 60  # per minute at full rate
        ramp = 15.0
        for minute in range(int(duration)):
            level = min(1.0, (minute + 1) / ramp)
            times = poisson_times(rng, begin + minute, begin + minute + 1, extra * level)
            total.append(times)
            negative.append(times)
            keyword.append(times[rng.random(len(times)) < 0.6])
        incidents.append(Incident(begin, begin + duration))
    series = {
        "total": np.sort(np.concatenate(total)),
        "negative": np.sort(np.concatenate(negative)),
        "keyword": np.sort(np.concatenate(keyword)),
    }
    return series, incidents


def window_counts(series: np.ndarray, ends: np.ndarray, window: float) -> np.ndarray:
    return np.searchsorted(series, ends, side="left") - np.searchsorted(
        series, ends - window, side="left"
    )


def run_brand(seed: int) -> tuple[int, int, list[float], int]:
    """(incidents, detected, delays in minutes, false alerts) for one brand."""
    from tribune.listening import detector
    from tribune.listening.detector import Counts

    series, incidents = brand_stream(seed)
    window = detector.WINDOW.total_seconds() / 60
    quiet = 6 * 60
    ends = np.arange(
        (WEEKS_TOTAL - EVAL_WEEKS) * MINUTES_PER_WEEK,
        WEEKS_TOTAL * MINUTES_PER_WEEK,
        STEP,
        dtype=float,
    )
    counts = {
        k: [
            window_counts(v, ends - w * MINUTES_PER_WEEK, window) for w in range(detector.WEEKS + 1)
        ]
        for k, v in series.items()
    }
    open_until = -1.0  # the open alert closes after ``quiet`` minutes without a trigger
    alerts: list[float] = []
    first_trigger: dict[int, float] = {}
    for i, now in enumerate(ends):

        def at(week: int, i: int = i) -> Counts:
            return Counts(
                total=int(counts["total"][week][i]),
                negative=int(counts["negative"][week][i]),
                keyword=int(counts["keyword"][week][i]),
            )

        if not detector.assess(at(0), [at(w) for w in range(1, detector.WEEKS + 1)]):
            continue
        for n, incident in enumerate(incidents):
            if incident.start <= now <= incident.end + window and n not in first_trigger:
                first_trigger[n] = now
        if now > open_until:
            alerts.append(now)
        open_until = now + quiet
    false_alerts = sum(
        1 for t in alerts if not any(inc.start <= t <= inc.end + window for inc in incidents)
    )
    delays = [first_trigger[n] - incidents[n].start for n in first_trigger]
    return len(incidents), len(first_trigger), delays, false_alerts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brands", type=int, default=40)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    _setup_django()
    incidents = detected = false = 0
    delays: list[float] = []
    for seed in range(args.brands):
        n, d, dl, f = run_brand(1000 + seed)
        incidents, detected, false = incidents + n, detected + d, false + f
        delays += dl
    brand_weeks = args.brands * EVAL_WEEKS
    recall = detected / incidents if incidents else float("nan")
    fpw = false / brand_weeks
    body = (
        "## Listening: crisis detection\n\n"
        f"Synthetic labelled traffic: {args.brands} brands × {WEEKS_TOTAL} weeks (4 weeks of "
        f"history, {EVAL_WEEKS} evaluated), {incidents} injected incidents, detector run every "
        f"{STEP} minutes (`benchmarks/bench_listening.py`).\n\n"
        "| metric | value | target |\n| --- | --- | --- |\n"
        f"| recall | {recall:.3f} ({detected}/{incidents}) | ≥ 0.95 |\n"
        f"| false alerts per brand per week | {fpw:.2f} "
        f"({false} in {brand_weeks} brand-weeks) | ≤ 1 |\n"
        f"| median detection delay | {percentile(delays, 50):.0f} min | — |\n"
        f"| 95th percentile delay | {percentile(delays, 95):.0f} min | — |\n"
    )
    print(body)
    if not args.no_docs:
        write_section("listening", body)


if __name__ == "__main__":
    main(sys.argv[1:])
