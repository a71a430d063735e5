"""Bad input raises ScenarioError with the CLI's problems: file, line, column, pointer."""

import pytest

import capflow
from conftest import cli

BAD = "tests/golden/inputs/bad/shares-sum.json"


def test_problems_equal_validate():
    _, _, err = cli("validate", BAD, check=False)
    with pytest.raises(capflow.ScenarioError) as e:
        capflow.load(BAD)
    problems = e.value.problems
    assert [p.text for p in problems] == err.splitlines()
    first = problems[0]
    assert (first.file, first.line, first.column, first.pointer) == (
        BAD, 10, 18, "/waterfall/tiers/0/split")
    assert "shares sum to 0.99" in first.message


def test_text_scenario_is_located():
    with open("scenarios/openai-wsj-2023.json", encoding="utf-8") as f:
        text = f.read()
    assert capflow.load(text).sha256 == capflow.load("scenarios/openai-wsj-2023.json").sha256
    broken = text.replace('"schema"', '"shema"', 1)
    with pytest.raises(capflow.ScenarioError) as e:
        capflow.load(broken, name="notebook.json")
    assert any(p.file == "notebook.json" and p.line >= 1 for p in e.value.problems)


def test_overrides_are_checked_like_set():
    code, _, err = cli("waterfall", "scenarios/openai-wsj-2023.json", "--profit", "1", "--set",
                       "holders.nobody.cap=1", check=False)
    with pytest.raises(capflow.ScenarioError) as e:
        capflow.load("scenarios/openai-wsj-2023.json", {"holders.nobody.cap": 1})
    assert code == 2
    assert [p.text for p in e.value.problems] == err.splitlines()


def test_missing_file():
    with pytest.raises(capflow.ScenarioError) as e:
        capflow.load("no/such/file.json")
    assert e.value.problems[0].file == "no/such/file.json"
