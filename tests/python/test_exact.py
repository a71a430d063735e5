"""Waterfall, breakpoints, solve and project: the CLI's JSON, money as exact Decimals."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

import capflow
from conftest import assert_same_document, cli, cli_json, presets

WSJ = "scenarios/openai-wsj-2023.json"


@pytest.mark.parametrize("preset", presets())
def test_waterfall_decimals_equal_cli_cents(preset):
    profits = ["0", "17.3e9", "500B", "1,000,000.25", "3T"]
    args = ["waterfall", preset]
    for p in profits:
        args += ["--profit", p]
    expected = cli_json(*args)
    s = capflow.load(preset)
    got = capflow.waterfall(s, profits)
    assert len(got) == len(expected["allocations"])
    for a, e in zip(got, expected["allocations"]):
        assert a.to_dict() == e
        assert a.profit == Decimal(e["profit"])
        for hid, h in e["holders"].items():
            assert isinstance(a.received[hid], Decimal)
            assert a.received[hid] == Decimal(h["received"])
        # cents that sum to the profit, as the CLI prints them
        assert sum(a.received.values()) == a.profit


def test_waterfall_amount_types():
    s = capflow.load(WSJ)
    a = capflow.waterfall(s, "500B")
    assert a.received["microsoft"] == Decimal("92000000000.00")
    assert capflow.waterfall(s, 500 * 10**9).received == a.received
    assert capflow.waterfall(s, Decimal("500e9")).received == a.received
    assert capflow.waterfall(s, Fraction(10**12, 2)).received == a.received
    with pytest.raises(TypeError, match="exact"):
        capflow.waterfall(s, 5e11)
    with pytest.raises(ValueError, match=">= 0"):
        capflow.waterfall(s, "-1")


def test_breakpoints_and_solve_equal_cli():
    s = capflow.load(WSJ)
    expected = cli_json("waterfall", WSJ, "--breakpoints")
    got = capflow.breakpoints(s)
    for key in expected:
        if key != "scenario":
            assert got[key] == capflow._exact(expected[key])
    solved = cli_json("waterfall", WSJ, "--solve", "microsoft=1B")["solve"][0]
    x = capflow.solve(s, "microsoft", "1B")
    assert x["profit"] == Decimal(solved["profit"])
    assert x["profit_exact"] == Fraction(solved["profit_exact"])
    with pytest.raises(KeyError, match="did you mean \"microsoft\""):
        capflow.solve(s, "microsof", "1B")


@pytest.mark.parametrize("preset", presets())
def test_project_equals_cli(preset):
    s = capflow.load(preset)
    code, out, _ = cli("project", preset, "--format", "json", check=False)
    if not s.has_projection:
        assert code == 2
        with pytest.raises(capflow.ScenarioError):
            capflow.project(s)
        return
    expected = json.loads(out)
    p = capflow.project(s)
    assert_same_document(expected, p.to_dict())
    assert [y["year"] for y in p.years] == [y["year"] for y in expected["years"]]
    for hid, h in expected["holders"].items():
        assert p.holders[hid]["pv"] == Decimal(h["pv"])
