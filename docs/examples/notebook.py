#!/usr/bin/env python3
"""The worked example of docs/python.md, as a script (tests/python run it).

    PYTHONPATH=build/python python3 docs/examples/notebook.py [PATHS [CHART.svg]]

Loads the 2024-round preset, runs PATHS paths (default 100,000), prints a pandas table of
the holders when pandas is installed (else the same numbers from the dict), the exact
allocation of $500B to the cent, and writes the report's payout chart (an SVG, no
matplotlib) to CHART.svg (default notebook-chart.svg).
"""
import sys

import capflow

paths = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
chart_file = sys.argv[2] if len(sys.argv) > 2 else "notebook-chart.svg"
s = capflow.load("scenarios/openai-2024-round.json")
r = capflow.run(s, paths=paths, seed=42)

try:
    table = r.holders_frame()[["name", "pv_mean", "pv_p5", "pv_p50", "pv_p95", "p_cap"]]
    print(table.to_string())
except ImportError:
    for hid, h in r.holders.items():
        print(f"{hid:16} PV mean {h['pv']['mean']:>22,.0f}")
except KeyError:  # a document without one of these columns: print every column
    print(r.holders_frame().to_string())

a = capflow.waterfall(s, "500B")
for hid, amount in a.received.items():
    print(f"{hid:16} receives ${amount:,} of ${a.profit:,}")
assert sum(a.received.values()) == a.profit

report = capflow.report(s, paths=2000, tornado_paths=1000)
chart_id, svg = next(iter(report.charts.items()))
with open(chart_file, "w", encoding="utf-8") as f:
    f.write(svg)
print(f"chart {chart_id}: {len(svg):,} bytes of SVG")
