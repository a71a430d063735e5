#!/usr/bin/env python3
"""Keeps docs/examples/microsoft-cap.md honest (docs/reports.md, "Keeping the note honest").

Reruns the commands the note's numbers come from into a temporary directory, checks with
`capflow diff --tolerance 0` that the fresh results equal the checked-in ones, and that
rendering the template gives exactly the checked-in note.
"""
import argparse
import os
import subprocess
import sys
import tempfile

EX = "docs/examples/"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capflow", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        run_json = os.path.join(tmp, "run.json")
        wf_json = os.path.join(tmp, "waterfall.json")
        steps = [
            ["run", "scenarios/openai-2024-round.json", "--paths", "10000", "--seed", "2024",
             "--threads", "2", "--format", "json", "-o", run_json],
            ["waterfall", "scenarios/openai-wsj-2023.json", "--solve", "microsoft=92B",
             "--solve", "microsoft=13B", "--format", "json", "-o", wf_json],
            ["diff", EX + "microsoft-cap-run.json", run_json, "--tolerance", "0"],
            ["diff", EX + "microsoft-cap-waterfall.json", wf_json, "--tolerance", "0"],
        ]
        for step in steps:
            p = subprocess.run([a.capflow] + step, cwd=a.root, capture_output=True, text=True)
            if p.returncode != 0:
                failures.append(f"$ capflow {' '.join(step)}\nexit {p.returncode}\n{p.stdout}{p.stderr}")
        rendered = subprocess.run(
            [a.capflow, "render", EX + "microsoft-cap.md.in", "--results", EX + "microsoft-cap-run.json",
             "--results", "wf=" + EX + "microsoft-cap-waterfall.json"],
            cwd=a.root, capture_output=True, text=True)
        with open(os.path.join(a.root, EX + "microsoft-cap.md"), encoding="utf-8") as f:
            if rendered.returncode != 0 or rendered.stdout != f.read():
                failures.append("rendering docs/examples/microsoft-cap.md.in does not give "
                                "docs/examples/microsoft-cap.md (regenerate it: docs/reports.md)\n"
                                + rendered.stderr)
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
