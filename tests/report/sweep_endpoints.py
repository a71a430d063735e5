#!/usr/bin/env python3
"""Sweep endpoints equal direct runs with --set, number for number (the JSON text of each
value): Monte Carlo (common random numbers: same seed, same paths) against `run`, the
waterfall at one profit against `waterfall --profit`, the exact projection against `project`."""
import json
import subprocess
import sys

capflow, root = sys.argv[1], sys.argv[2]
scenario = "scenarios/openai-2024-round.json"
path = "/holders/microsoft/cap"


def capflow_json(*args):
    out = subprocess.run([capflow, *args, "--format", "json"], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    # Numbers kept as their text: "byte-identical" means the same digits.
    return json.loads(out, parse_float=str, parse_int=str)


def at(doc, pointer):
    for token in pointer.strip("/").split("/"):
        doc = doc[token]
    return doc


failures = 0
for mode, extra, run_cmd, metrics in [
    ("monte carlo", ["--paths", "400", "--seed", "7", "--threads", "2"],
     ["run", scenario, "--paths", "400", "--seed", "7", "--threads", "1"],
     ["/holders/microsoft/nominal/mean", "/holders/nonprofit/nominal/p50",
      "/holders/microsoft/p_cap", "/company/peak_funding_need/mean"]),
    ("waterfall", ["--profit", "500B"], ["waterfall", scenario, "--profit", "500B"],
     ["/holders/microsoft/received", "/holders/nonprofit/received",
      "/holders/microsoft/capped"]),
    ("deterministic", ["--deterministic"], ["project", scenario],
     ["/holders/microsoft/total", "/holders/nonprofit/total", "/holders/microsoft/pv",
      "/company/peak_funding_need"]),
]:
    args = ["sweep", scenario, "--vary", f"{path}=46B:138B:3", *extra]
    for m in metrics:
        args += ["--metric", m]
    sweep = capflow_json(*args)
    points = sweep["points"]
    assert len(points) == 3, points
    for point in (points[0], points[-1]):
        value = point["set"][path]
        direct = capflow_json(*run_cmd, "--set", f"{path}={value}")
        if "allocations" in direct:  # waterfall --profit: one allocation
            direct = direct["allocations"][0]
        for m in metrics:
            a, b = point["metrics"][m], at(direct, m)
            if a != b:
                print(f"{mode}: {path}={value} {m}: sweep {a} != direct {b}")
                failures += 1
        if "meta" in direct and point["scenario_sha256"] != direct["meta"]["scenario_sha256"]:
            print(f"{mode}: scenario hash differs at {value}")
            failures += 1
print(f"{0 if failures else 1} passed, {failures} failed")
sys.exit(1 if failures else 0)
