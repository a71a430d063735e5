#!/usr/bin/env python3
"""capflow under mpirun equals capflow in one process: the JSON documents of run (all
groups, --compute, --precision), sweep, tornado and diff under 1, 2 and 3 ranks, key by
key and digit by digit, apart from meta.threads and meta.ranks (how the work was
split); the report's Markdown byte for byte. A bad input exits 2 with its message printed once; an internal error on one
rank ends the job with exit 3 (no hang, no -o file).

Usage: mpi.py CAPFLOW ROOT MPIEXEC HAS_MPI {run|explore|failures}"""
import json
import os
import subprocess
import sys
import tempfile

capflow, root, mpiexec, has_mpi, part = sys.argv[1:6]
if has_mpi.upper() not in ("ON", "TRUE", "1", "YES"):
    print("SKIPPED: capflow was built without MPI (CAPFLOW_WITH_MPI off or MPI not found)")
    sys.exit(77)

# Root in a container needs both flags; --quiet keeps mpirun's own banners out of stderr.
# An empty rsh agent lets Open MPI start local ranks where no ssh is installed; without
# the single-copy mechanism (CMA), ranks in a container without ptrace rights still talk.
MPIRUN = [mpiexec, "--allow-run-as-root", "--oversubscribe", "--quiet"]
ENV = dict(os.environ, OMPI_MCA_plm_rsh_agent="", OMPI_MCA_btl_vader_single_copy_mechanism="none")
TIMEOUT = 120
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what)


def run(args, ranks=0, env=None):
    cmd = ([*MPIRUN, "-n", str(ranks)] if ranks else []) + [capflow, *args]
    try:
        return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=TIMEOUT,
                              env=dict(ENV, **(env or {})))
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: hung: {' '.join(cmd)} ran past {TIMEOUT}s")


def normal(text):
    # Numbers kept as their text: equal means the same digits. Only how the work was
    # split may differ.
    doc = json.loads(text, parse_float=str, parse_int=str)
    meta = doc.get("meta")
    if isinstance(meta, dict):
        meta.pop("threads", None)
        meta.pop("ranks", None)
        meta.pop("wall_seconds", None)
    return doc


def differences(a, b, at=""):
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{at}/{k}: only in one" for k in sorted(set(a) ^ set(b))]
        for k in a.keys() & b.keys():
            out += differences(a[k], b[k], f"{at}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{at}/{i}")]
    return [] if a == b else [f"{at}: {a} != {b}"]


def same_as_one_process(args, ranks=(1, 2, 3), expect=0):
    one = run(args)
    check(one.returncode == expect, f"{' '.join(args)}: exit {one.returncode}\n{one.stderr}")
    for n in ranks:
        p = run(args, n)
        what = f"mpirun -n {n} capflow {' '.join(args)}"
        check(p.returncode == expect, f"{what}: exit {p.returncode}\n{p.stderr}")
        if p.returncode != expect:
            continue
        diffs = differences(normal(one.stdout), normal(p.stdout))
        check(not diffs, f"{what}: differs from one process: {diffs[:5]}")
        check(p.stderr == one.stderr, f"{what}: stderr {p.stderr!r}, one process {one.stderr!r}")
        if args[0] == "run":
            meta = json.loads(p.stdout)["meta"]
            check(meta.get("ranks") == n, f"{what}: meta.ranks {meta.get('ranks')}, expected {n}")


bench = "scenarios/bench.json"
openai = "scenarios/openai-2024-round.json"
if part == "run":
    # The "done when" command, then --compute, --precision and a shard.
    same_as_one_process(["run", bench, "--paths", "300000", "--format", "json"])
    same_as_one_process(["run", bench, "--paths", "50001", "--threads", "2", "--compute", "pv,irr",
                         "--format", "json"], (2, 3))
    same_as_one_process(["run", openai, "--paths", "200000", "--precision", "0.002", "--quiet",
                         "--format", "json"])
    same_as_one_process(["run", bench, "--paths", "40000", "--shard", "1/3", "--format", "json"],
                        (3,))
    # Fewer paths than ranks: some ranks run none.
    same_as_one_process(["run", bench, "--paths", "2", "--format", "json"], (3,))
elif part == "explore":
    same_as_one_process(["sweep", openai, "--vary", "/holders/microsoft/cap=46B:184B:5",
                         "--paths", "3000", "--format", "json"], (2, 3))
    same_as_one_process(["tornado", openai, "--paths", "3000", "--format", "json"], (2, 3))
    # Paired paths over the ranks: the same document and exit 1 (differences found).
    same_as_one_process(["diff", openai, "scenarios/openai-deadline-missed.json",
                         "--paths", "3001", "--format", "json"], (2, 3), expect=1)
    # The report (Markdown on stdout): its run and tornado shared, the same text.
    args = ["report", openai, "--paths", "3000", "--tornado-paths", "1000"]
    one = run(args)
    p = run(args, 3)
    check(one.returncode == 0 and p.returncode == 0, f"report: exit {one.returncode}, "
          f"{p.returncode} under mpirun -n 3\n{p.stderr}")
    check(p.stdout == one.stdout and p.stderr == one.stderr,
          "report under mpirun -n 3 differs from one process")
elif part == "failures":
    one = run(["run", "missing.json"])
    for n in (1, 3):
        p = run(["run", "missing.json"], n)
        check(p.returncode == 2, f"-n {n}: bad input: exit {p.returncode}, expected 2")
        check(p.stderr == one.stderr and one.stderr.count("\n") == 1,
              f"-n {n}: bad input: stderr {p.stderr!r}, one process {one.stderr!r}")
    # A point of a sweep that fails: the message of one process, once.
    args = ["sweep", openai, "--vary", "/holders/microsoft/cap=46B:184B:3", "--paths", "500",
            "--metric", "/holders/nobody/nominal/mean"]
    one = run(args)
    p = run(args, 3)
    check(p.returncode == 2 and one.returncode == 2, f"bad metric: exit {p.returncode}")
    check(p.stderr == one.stderr, f"bad metric: stderr {p.stderr!r}, one process {one.stderr!r}")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        for rank in ("1", "0"):
            p = run(["run", bench, "--paths", "30000", "-o", out], 3,
                    {"CAPFLOW_TEST_FAIL_RANK": rank})
            what = f"internal error on rank {rank}"
            check(p.returncode == 3, f"{what}: exit {p.returncode}, expected 3\n{p.stderr}")
            check(p.stderr.count("capflow: internal error: planted fault") == 1,
                  f"{what}: message not printed once: {p.stderr!r}")
            check(not os.path.exists(out), f"{what}: wrote {out}")
        p = run(["run", bench, "--paths", "40000", "--precision", "0.0001", "-o", out], 2,
                {"CAPFLOW_TEST_FAIL_RANK": "1"})
        check(p.returncode == 3 and not os.path.exists(out),
              f"internal error with --precision: exit {p.returncode}")
        # Bad input on rank 1 alone (the file is missing in its working directory) while
        # rank 0 runs: rank 1 ends the job after its grace period, exit 2, one message.
        here, there = os.path.join(tmp, "here"), os.path.join(tmp, "there")
        os.mkdir(here)
        os.mkdir(there)
        with open(os.path.join(root, bench)) as src, open(os.path.join(here, "s.json"), "w") as f:
            f.write(src.read())
        args = [capflow, "run", "s.json", "--paths", "100000", "-o", out]
        try:
            p = subprocess.run([*MPIRUN, "-n", "1", "--wdir", here, *args, ":", "-n", "1",
                                "--wdir", there, *args], capture_output=True, text=True,
                               timeout=TIMEOUT, env=ENV)
        except subprocess.TimeoutExpired:
            sys.exit("FAIL: hung: bad input on one rank only")
        check(p.returncode == 2 and p.stderr.count("cannot read the scenario file") == 1,
              f"bad input on rank 1 only: exit {p.returncode}, stderr {p.stderr!r}")
        check(not os.path.exists(out), "bad input on rank 1 only: wrote -o")
        # After the reduction: rank 0 has all it needs, and must still not report success.
        p = run(["diff", openai, "scenarios/openai-deadline-missed.json", "--paths", "3000",
                 "-o", out], 3, {"CAPFLOW_TEST_FAIL_RANK": "2"})
        check(p.returncode == 3 and p.stderr.count("planted fault") == 1,
              f"internal error in diff on rank 2: exit {p.returncode}, stderr {p.stderr!r}")
        check(not os.path.exists(out), "internal error in diff on rank 2: wrote -o")
else:
    sys.exit(f"unknown part {part}")

sys.exit(1 if failures else 0)
