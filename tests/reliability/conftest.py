"""The fault-injection suite: each test is a *scenario* (a fault is injected into real
processes, the database connection, the network boundary or the clock) that ends by
checking *invariants* (no post lost, none duplicated, no alert lost, state consistent).

Every scenario is marked ``fault`` and touches the database, so it runs on SQLite and
again on PostgreSQL (``make test``). At the end of the run one line sums it up:

    fault suite: 14 scenarios, 97 invariants held
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class FaultStats:
    scenarios: int = 0
    failed: int = 0
    skipped: int = 0
    invariants: int = 0
    broken: list[str] = field(default_factory=list)


STATS = FaultStats()


class Invariants:
    """``check(name, condition, detail)``: one invariant; a broken one fails the scenario
    with its name, a held one is counted for the summary line."""

    def __init__(self, node: pytest.Item | None = None) -> None:
        self.held = 0
        self.node = node

    def check(self, name: str, condition: object, detail: object = "") -> None:
        if not condition:
            if self.node is not None:
                self.node.user_properties.append(("fault_broken", name))
            raise AssertionError(f"invariant broken: {name} {detail}".rstrip())
        self.held += 1
        if self.node is not None:
            # Carried by the test report (works across pytest-xdist workers too).
            self.node.user_properties.append(("fault_invariant", name))


@pytest.fixture
def invariants(request: pytest.FixtureRequest) -> Invariants:
    return Invariants(request.node)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fault: a fault-injection scenario (tests/reliability, summary line at the end)"
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "fault" not in report.keywords:
        return
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "fault_invariant":
                STATS.invariants += 1
            elif key == "fault_broken":
                STATS.broken.append(str(value))
        if report.passed:
            STATS.scenarios += 1
        elif report.failed:
            STATS.failed += 1
        elif report.skipped:
            STATS.skipped += 1
    elif report.when == "setup" and report.skipped:
        STATS.skipped += 1
    elif report.when == "setup" and report.failed:
        STATS.failed += 1


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    ran = STATS.scenarios + STATS.failed
    if not ran and not STATS.skipped:
        return
    line = f"fault suite: {STATS.scenarios} scenarios, {STATS.invariants} invariants held"
    extra = []
    if STATS.failed:
        extra.append(f"{STATS.failed} scenarios FAILED")
    if STATS.skipped:
        extra.append(f"{STATS.skipped} skipped")
    if STATS.broken:
        extra.append("broken: " + ", ".join(sorted(set(STATS.broken))))
    if extra:
        line += " (" + "; ".join(extra) + ")"
    terminalreporter.write_sep("=", line, red=bool(STATS.failed), green=not STATS.failed)


@pytest.fixture
def accounts(tenants):  # type: ignore[no-untyped-def]
    """Two sandbox accounts on brand Alpha (French, English)."""
    from tribune.core.scope import brand_scope
    from tribune.networks.services import do_connect_sandbox_account

    with brand_scope(tenants.brand_a):
        return (
            do_connect_sandbox_account(
                tenants.brand_a, "alpha.sandbox", "Alpha", "fr", tenants.owner
            ),
            do_connect_sandbox_account(
                tenants.brand_a, "alpha-en.sandbox", "Alpha EN", "en", tenants.owner
            ),
        )
