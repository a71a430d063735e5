#!/usr/bin/env python3
"""Faults while capflow writes its output (issue 18, docs/reliability.md): a signal that
ends the process between creating its temporary file (or a report's chart staging folder)
and moving it into place, and a file-size limit (ulimit -f) hit mid-write. Either way the
previous output stays as it was and no temporary file or folder is left behind; the
file-size limit is reported as a bad-input error (exit 2), not a crash. A report and its
charts move into place together: a signal while they do waits until both have.

  interrupted_write.py CAPFLOW ROOT

Timing plays no part: capflow's test switch CAPFLOW_TEST_STOP_AT=POINT makes it stop
itself (SIGSTOP) at POINT; the test checks what exists there, sends the signal, and lets
the process continue (SIGCONT) into it."""
import os
import resource
import signal
import subprocess
import sys
import tempfile

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


def signal_at(args, point, sig, folder, prefix):
    """Runs capflow until it stops itself at point, notes whether a name starting with
    prefix exists in folder then, sends sig and SIGCONT; returns (seen, returncode)."""
    env = dict(os.environ, CAPFLOW_TEST_STOP_AT=point)
    p = subprocess.Popen([capflow] + args, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status = os.waitpid(p.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        # It ended without reaching the point; let Popen see the exit status.
        p.returncode = os.waitstatus_to_exitcode(status)
        p.communicate(timeout=600)
        return False, p.returncode
    seen = any(n.startswith(prefix) for n in os.listdir(folder))
    p.send_signal(sig)
    p.send_signal(signal.SIGCONT)
    p.communicate(timeout=600)
    return seen, p.returncode


def big_template(folder):
    # 2 MB: well past the 1 MiB file-size limit below.
    path = os.path.join(folder, "big.md.in")
    line = "Filler text of a long template, line after line.\n"
    with open(path, "w") as f:
        f.write("Mean payout: {{ /holders/microsoft/nominal/mean | money }}\n")
        f.write(line * (2_000_000 // len(line)))
    return path


def test_signal_during_write(sig):
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        template = big_template(tmp)
        target = os.path.join(out_dir, "note.md")
        open(target, "w").write("the previous note\n")
        before = snapshot(out_dir)
        seen, code = signal_at(["render", template, "--results", RESULTS, "-o", target],
                               "output-temp", sig, out_dir, ".note.md.tmp.")
        name = signal.Signals(sig).name
        check(seen, f"render -o: the temporary file exists when {name} is sent")
        check(code == -sig, f"render -o: {name} ended the process (returncode {code})")
        check(snapshot(out_dir) == before,
              f"render -o, {name} mid-write: the previous file is intact, no temporary left")


def report_folder(tmp):
    target = os.path.join(tmp, "report.md")
    open(target, "w").write("the previous report\n")
    os.mkdir(os.path.join(tmp, "report_files"))
    open(os.path.join(tmp, "report_files", "old.svg"), "w").write("<svg/>")
    args = ["report", SCENARIO, "--paths", "200", "--tornado-paths", "100", "-o", target]
    return target, args


def test_signal_during_chart_staging(sig):
    with tempfile.TemporaryDirectory() as tmp:
        target, args = report_folder(tmp)
        before = snapshot(tmp)
        seen, code = signal_at(args, "chart-staging", sig, tmp, ".report_files.tmp-")
        name = signal.Signals(sig).name
        check(seen, f"report -o: the chart staging folder exists when {name} is sent")
        check(code == -sig, f"report -o: {name} ended the process (returncode {code})")
        check(snapshot(tmp) == before,
              f"report -o, {name} while staging charts: report and charts intact, "
              "no staging folder or temporary left")


def test_signal_while_report_and_charts_move():
    with tempfile.TemporaryDirectory() as tmp:
        target, args = report_folder(tmp)
        seen, code = signal_at(args, "report-install", signal.SIGTERM, tmp, ".report_files.tmp-")
        check(seen, "report -o: the staged charts exist when SIGTERM is sent before installing")
        check(code == -signal.SIGTERM,
              f"report -o: SIGTERM, held back, ended the process after (returncode {code})")
        after = snapshot(tmp)
        charts = sorted(n for n in after if n.startswith("report_files" + os.sep))
        check(open(target).read() != "the previous report\n" and
              "report_files/old.svg" not in after and len(charts) > 0,
              "report -o, SIGTERM while moving into place: the new report with its new charts")
        check(not any(n.startswith(".") for n in after),
              "report -o, SIGTERM while moving into place: no temporary left")


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
test_signal_while_report_and_charts_move()
test_file_size_limit()
if failures:
    print(f"{len(failures)} checks failed", file=sys.stderr)
    sys.exit(1)
