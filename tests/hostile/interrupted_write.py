#!/usr/bin/env python3
"""Faults while capflow writes its output (issue 18, docs/reliability.md): a signal that
ends the process between creating its temporary file (or a report's chart staging folder)
and moving it into place, and a file-size limit (ulimit -f) hit mid-write. Either way the
previous output stays as it was and no temporary file or folder is left behind; the
file-size limit is reported as a bad-input error (exit 2), not a crash.

  interrupted_write.py CAPFLOW ROOT

The signal is sent the moment the temporary appears (the directory is polled), so the
test does not depend on timing; it fails if the temporary is never seen."""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

capflow, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
RESULTS = os.path.join(root, "docs/examples/microsoft-cap-run.json")
SCENARIO = os.path.join(root, "scenarios/openai-2024-round.json")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def snapshot(folder):
    """Every name in folder (recursively) with its bytes."""
    out = {}
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, folder)
            out[rel] = open(path, "rb").read() if os.path.isfile(path) else None
    return out


def interrupt_when(args, folder, prefix, sig):
    """Runs capflow, sends sig as soon as a name starting with prefix appears in folder;
    returns (seen, returncode)."""
    p = subprocess.Popen([capflow] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = False
    deadline = time.monotonic() + 600
    while p.poll() is None and time.monotonic() < deadline:
        if any(n.startswith(prefix) for n in os.listdir(folder)):
            p.send_signal(sig)
            seen = True
            break
    p.communicate(timeout=600)
    return seen, p.returncode


def big_template(folder):
    # 15 MB (the template cap is 16 MiB): writing and syncing it takes long enough for the
    # poll to see the temporary file.
    path = os.path.join(folder, "big.md.in")
    line = "Filler text of a long template, line after line.\n"
    with open(path, "w") as f:
        f.write("Mean payout: {{ /holders/microsoft/nominal/mean | money }}\n")
        f.write(line * (15_000_000 // len(line)))
    return path


def test_signal_during_write(sig):
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        template = big_template(tmp)
        target = os.path.join(out_dir, "note.md")
        open(target, "w").write("the previous note\n")
        before = snapshot(out_dir)
        for attempt in range(5):
            seen, code = interrupt_when(["render", template, "--results", RESULTS, "-o", target],
                                        out_dir, ".note.md.tmp.", sig)
            if seen:
                break
        name = signal.Signals(sig).name
        check(seen, f"render -o: the temporary file was seen before {name} was sent")
        check(code == -sig, f"render -o: {name} ended the process (returncode {code})")
        check(snapshot(out_dir) == before,
              f"render -o, {name} mid-write: the previous file is intact, no temporary left")


def test_signal_during_chart_staging(sig):
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "report.md")
        open(target, "w").write("the previous report\n")
        os.mkdir(os.path.join(tmp, "report_files"))
        open(os.path.join(tmp, "report_files", "old.svg"), "w").write("<svg/>")
        before = snapshot(tmp)
        seen = False
        for attempt in range(5):
            seen, code = interrupt_when(
                ["report", SCENARIO, "--paths", "200", "--tornado-paths", "100", "-o", target],
                tmp, ".report_files.tmp-", sig)
            if seen:
                break
        name = signal.Signals(sig).name
        check(seen, f"report -o: the chart staging folder was seen before {name} was sent")
        check(code == -sig, f"report -o: {name} ended the process (returncode {code})")
        check(snapshot(tmp) == before,
              f"report -o, {name} while staging charts: report and charts intact, "
              "no staging folder or temporary left")


def test_file_size_limit():
    with tempfile.TemporaryDirectory() as tmp:
        template = big_template(tmp)
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        target = os.path.join(out_dir, "note.md")
        open(target, "w").write("the previous note\n")
        before = snapshot(out_dir)
        limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        p = subprocess.run([capflow, "render", template, "--results", RESULTS, "-o", target],
                           capture_output=True, text=True, preexec_fn=limit, timeout=600)
        check(p.returncode == 2, f"ulimit -f 1 MiB: exit 2 (got {p.returncode}: {p.stderr.strip()})")
        check("File too large" in p.stderr and "note.md" in p.stderr,
              "ulimit -f: the message names the file and the reason")
        check(snapshot(out_dir) == before, "ulimit -f: the previous file is intact, no temporary left")


for sig in (signal.SIGTERM, signal.SIGINT):
    test_signal_during_write(sig)
test_signal_during_chart_staging(signal.SIGTERM)
test_file_size_limit()
if failures:
    print(f"{len(failures)} checks failed", file=sys.stderr)
    sys.exit(1)
