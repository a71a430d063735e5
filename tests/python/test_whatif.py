"""render and report give what `capflow render` and `capflow report` write."""

import json
import os

import pytest

import capflow
from conftest import ROOT, assert_same_document, cli, cli_json


def cli_json_doc(*args):
    return cli_json(*args)

EXAMPLE = "docs/examples/microsoft-cap.md.in"
RUN = "docs/examples/microsoft-cap-run.json"
WF = "docs/examples/microsoft-cap-waterfall.json"


def test_render_equals_cli():
    _, expected, _ = cli("render", EXAMPLE, "--results", RUN, "--results", f"wf={WF}")
    with open(EXAMPLE, encoding="utf-8") as f:
        text = f.read()
    with open(RUN, encoding="utf-8") as f:
        run_doc = json.load(f)
    assert capflow.render(text, run_doc, {"wf": WF}, name=EXAMPLE) == expected


def test_render_a_fresh_run():
    s = capflow.load("scenarios/openai-2024-round.json")
    r = capflow.run(s, paths=1000, seed=3)
    mean = r.to_dict()["holders"]["microsoft"]["pv"]["mean"]
    assert capflow.render("{{ /holders/microsoft/pv/mean }}", r) == json.dumps(mean)


def test_render_errors_are_located():
    with pytest.raises(capflow.ScenarioError) as e:
        capflow.render("line one\n  {{ /holders/nobody/pv/mean }}", {"holders": {}}, name="t.md")
    p = e.value.problems[0]
    assert (p.file, p.line) == ("t.md", 2)


def test_report_html_equals_cli(tmp_path):
    preset = "scenarios/openai-2024-round.json"
    out = os.path.relpath(tmp_path / "r.html", ROOT)
    cli_out = os.path.relpath(tmp_path / "cli.html", ROOT)
    s = capflow.load(preset)
    r = capflow.report(s, out, paths=1000, tornado_paths=500, threads=2)
    cli("report", preset, "--paths", "1000", "--tornado-paths", "500", "--threads", "2",
        "-o", cli_out)
    with open(out, encoding="utf-8") as f:
        mine = f.read()
    with open(cli_out, encoding="utf-8") as f:
        theirs = f.read()
    # The only difference: the file name in the command line that reproduces the report.
    assert mine.replace(out, cli_out) == theirs
    assert r.charts and all(svg.lstrip().startswith("<svg") for svg in r.charts.values())


def test_report_needs_a_file():
    with open("scenarios/openai-2024-round.json", encoding="utf-8") as f:
        # named inside scenarios/ so that its "extends" resolves
        s = capflow.load(f.read(), name="scenarios/inline.json")
    assert s.from_text and s.file == "scenarios/inline.json"
    with pytest.raises(ValueError, match="from a file"):
        capflow.report(s)


def test_sweep_equals_cli():
    preset = "scenarios/openai-2024-round.json"
    expected = cli_json_doc("sweep", preset, "--vary", "/holders/microsoft/cap=46B:138B:3",
                            "--paths", "500", "--seed", "5", "--threads", "2")
    s = capflow.load(preset)
    got = capflow.sweep(s, {"/holders/microsoft/cap": ("46B", "138B", 3)}, paths=500, seed=5,
                        threads=2)
    assert_same_document(expected, got.to_dict())
    det = cli_json_doc("sweep", preset, "--deterministic", "--vary",
                       "/holders/microsoft/cap=46B:138B:2", "--metric", "/holders/nonprofit/total")
    got = capflow.sweep(s, ["/holders/microsoft/cap=46B:138B:2"], ["/holders/nonprofit/total"],
                        deterministic=True)
    assert_same_document(det, got.to_dict())


def test_tornado_equals_cli():
    preset = "scenarios/openai-wsj-2023.json"
    expected = cli_json_doc("tornado", preset, "--profit", "500B")
    t = capflow.tornado(capflow.load(preset), profit="500B")
    assert_same_document(expected, t.to_dict())
    assert t.svg().lstrip().startswith("<svg")


def test_sweep_errors():
    s = capflow.load("scenarios/openai-2024-round.json")
    with pytest.raises(ValueError, match="given twice"):
        capflow.sweep(s, ["/holders/microsoft/cap=1B:2B:2", "/holders/microsoft/cap=1B:2B:2"])
    with pytest.raises(capflow.ScenarioError, match="--vary /holders/nobody"):
        capflow.sweep(s, ["/holders/nobody/cap=1B:2B:2"])


def test_diff_scenarios_equals_cli():
    a, b = "tests/golden/inputs/diff/base.json", "tests/golden/inputs/diff/higher-cap.json"
    code, out, _ = cli("diff", a, b, "--paths", "2000", "--seed", "3", "--threads", "2",
                       "--format", "json", check=False)
    expected = json.loads(out)
    got = capflow.diff(capflow.load(a), capflow.load(b), paths=2000, seed=3, threads=2)
    assert_same_document(expected, got.to_dict())
    assert got.differs == (code == 1)
    wsj, fortune = "scenarios/openai-wsj-2023.json", "scenarios/openai-fortune-2023.json"
    code, out, _ = cli("diff", wsj, fortune, "--format", "json", "--tolerance", "1%", check=False)
    got = capflow.diff(capflow.load(wsj), capflow.load(fortune), tolerance="1%")
    assert_same_document(json.loads(out), got.to_dict())
    assert got.differs == (code == 1)


def test_diff_outputs_equals_cli(tmp_path):
    preset = "scenarios/openai-2024-round.json"
    s = capflow.load(preset)
    r1 = capflow.run(s, paths=1000, seed=1)
    r2 = capflow.run(s, paths=1000, seed=2)
    f1, f2 = tmp_path / "r1.json", tmp_path / "r2.json"
    f1.write_text(r1.to_json(), encoding="utf-8")
    f2.write_text(r2.to_json(), encoding="utf-8")
    code, out, _ = cli("diff", str(f1), str(f2), "--format", "json", check=False)
    got = capflow.diff(str(f1), str(f2))
    assert_same_document(json.loads(out), got.to_dict())
    assert got.differs and code == 1
    assert not capflow.diff(r1, r1).differs
    with pytest.raises(ValueError, match="same command"):
        capflow.diff(r1, capflow.project(s))
