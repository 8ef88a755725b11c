"""The benchmarks still run, at tiny sizes (their numbers mean something only at full size:
`python -m benchmarks`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import __main__ as bench
from benchmarks import scenarios

TINY = scenarios.Sizes(
    people=40, due=12, small_people=20, crowd=4, actions=2, limiter_sends=4
)  # fmt: skip


def test_every_measurement_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(scenarios, "QUICK", TINY)
    monkeypatch.delenv("IOP_TEST_POSTGRES_URL", raising=False)
    report = tmp_path / "report.json"
    assert bench.main(["--quick", "--json", str(report)]) == 0
    numbers = json.loads(report.read_text())
    assert set(numbers["ratios"]) == set(bench.GOALS)
    found = numbers["databases"]["sqlite"]
    assert found["sweep"]["sent"] == TINY.due
    assert found["conversation"]["updates"] == TINY.crowd * TINY.actions
    assert found["limiter"]["sends"] == TINY.limiter_sends
    assert "sweep_vs_send (worst)" in capsys.readouterr().out
