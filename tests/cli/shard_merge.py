#!/usr/bin/env python3
"""`capflow run --shard` then `capflow merge`, end to end through the files, equals the
unsharded run (every statistic, as JSON text), for every group and for --compute pv; a
--compute run equals the full run in the groups it computes; shards of different
--compute do not merge (exit 2, no output written)."""
import json
import os
import subprocess
import sys
import tempfile

capflow, root = sys.argv[1], sys.argv[2]
scenario = "scenarios/openai-2024-round.json"
base = ["run", scenario, "--paths", "3001", "--seed", "5", "--format", "json"]
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what)


def run(*args, expect=0):
    p = subprocess.run([capflow, *args], cwd=root, capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit(f"capflow {' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stderr}")
    return p


def body(text):
    # Numbers kept as their text: "equal" means the same digits. meta differs by design
    # (threads, shard, first_path).
    doc = json.loads(text, parse_float=str, parse_int=str)
    return {k: v for k, v in doc.items() if k != "meta"}, doc["meta"]


full, full_meta = body(run(*base, "--threads", "2").stdout)
check(full_meta["computed"] == ["nominal", "pv", "moic", "irr", "company"], "full run's meta")

with tempfile.TemporaryDirectory() as tmp:
    for compute in ("all", "pv", "irr,company"):
        whole, meta = body(run(*base, "--threads", "1", "--compute", compute).stdout)
        parts = []
        for k in range(3):
            parts.append(os.path.join(tmp, f"{compute}-{k}.json"))
            run(*base, "--threads", "2", "--compute", compute, "--shard", f"{k}/3", "-o", parts[-1])
        merged, merged_meta = body(run("merge", *parts, "--format", "json").stdout)
        merged.pop("accumulators", None)
        check(merged == whole, f"--compute {compute}: shards merged differ from the whole run")
        check(merged_meta["computed"] == meta["computed"], f"--compute {compute}: meta.computed")
        # The groups computed equal the full run's; the others are absent.
        for hid, h in whole["holders"].items():
            for key in ("nominal", "pv", "moic", "irr"):
                if key in meta["computed"]:
                    check(h[key] == full["holders"][hid][key], f"{compute}: {hid}/{key} differs")
                else:
                    check(key not in h, f"{compute}: {hid}/{key} present, not computed")
            for key in ("p_cap", "p_received_any"):
                check(h[key] == full["holders"][hid][key], f"{compute}: {hid}/{key} differs")
        check(("company" in whole) == ("company" in meta["computed"]), f"{compute}: company")
        if "company" in whole:
            check(whole["company"] == full["company"], f"{compute}: company differs")

    # Shards of different --compute: refused, and -o not written.
    out = os.path.join(tmp, "mixed.json")
    p = run("merge", os.path.join(tmp, "pv-0.json"), os.path.join(tmp, "all-1.json"),
            os.path.join(tmp, "all-2.json"), "-o", out, expect=2)
    check("same --compute" in p.stderr, f"mixed merge message: {p.stderr!r}")
    check(not os.path.exists(out), "mixed merge wrote its output")

print("failures:", failures)
sys.exit(1 if failures else 0)
