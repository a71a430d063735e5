"""docs/examples/notebook.py, the example of docs/python.md, runs and prints the CLI's numbers."""

import os
import subprocess
import sys
from decimal import Decimal

from conftest import ROOT, cli_json


def test_notebook_example_runs(tmp_path):
    chart = tmp_path / "chart.svg"
    env = dict(os.environ)
    p = subprocess.run([sys.executable, "docs/examples/notebook.py", "2000", str(chart)],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<svg")
    wf = cli_json("waterfall", "scenarios/openai-2024-round.json", "--profit", "500B")
    received = wf["allocations"][0]["holders"]["microsoft"]["received"]
    assert f"microsoft        receives ${Decimal(received):,} of" in p.stdout
