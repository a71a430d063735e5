#!/usr/bin/env python3
"""Runs one golden CLI case and compares what capflow printed with what the case expects.

A case file (tests/golden/cases/NAME.test) is self-describing:

    # free text: what the case checks
    $ capflow waterfall scenarios/openai-wsj-2023.json --profit 500B
    >>> stdout
    ...expected standard output, verbatim...
    >>> stderr
    ...expected standard error, verbatim...
    >>> exit 0
    >>> absent out.json        (optional: a path that must not exist afterwards)

The command runs from the repository root with `capflow` replaced by the binary under
test. With CAPFLOW_UPDATE_GOLDEN=1 the expected sections are rewritten from the actual
output (review the result with git diff before committing).
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys


def parse(path):
    comments, command, sections, order = [], None, {}, []
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if current is None and line.startswith("#"):
                comments.append(line)
            elif current is None and line.startswith("$ "):
                command = line[2:]
            elif line.startswith(">>> "):
                key = line[4:]
                if key.startswith("exit "):
                    sections["exit"] = int(key[5:])
                    order.append("exit")
                    current = None
                elif key.startswith("absent "):
                    sections.setdefault("absent", []).append(key[7:])
                    current = None
                else:
                    current = key
                    sections[current] = []
                    order.append(current)
            elif current is not None:
                sections[current].append(line)
    for k in ("stdout", "stderr"):
        if k in sections:
            sections[k] = "\n".join(sections[k]) + ("\n" if sections[k] else "")
    if command is None:
        sys.exit(f"{path}: no '$ capflow ...' command line")
    return comments, command, sections


def write(path, comments, command, out, err, code, absent):
    parts = comments + ["$ " + command, ">>> stdout", out.rstrip("\n") if out else None,
                        ">>> stderr", err.rstrip("\n") if err else None, f">>> exit {code}"]
    parts += [f">>> absent {a}" for a in absent]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(p for p in parts if p is not None) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capflow", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("case")
    a = ap.parse_args()
    comments, command, expected = parse(a.case)
    argv = shlex.split(command)
    if argv[0] != "capflow":
        sys.exit(f"{a.case}: the command must start with 'capflow'")
    for p in expected.get("absent", []):
        if os.path.exists(os.path.join(a.root, p)):
            os.remove(os.path.join(a.root, p))
    proc = subprocess.run([a.capflow] + argv[1:], cwd=a.root, capture_output=True, text=True,
                          timeout=120)
    if os.environ.get("CAPFLOW_UPDATE_GOLDEN") == "1":
        write(a.case, comments, command, proc.stdout, proc.stderr, proc.returncode,
              expected.get("absent", []))
        print(f"updated {a.case}")
        return 0
    failures = []
    if proc.returncode != expected.get("exit", 0):
        failures.append(f"exit code {proc.returncode}, expected {expected.get('exit', 0)}")
    for stream, actual in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        want = expected.get(stream, "")
        if actual != want:
            diff = difflib.unified_diff(want.splitlines(True), actual.splitlines(True),
                                        f"expected {stream}", f"actual {stream}")
            failures.append("".join(diff))
    for p in expected.get("absent", []):
        if os.path.exists(os.path.join(a.root, p)):
            failures.append(f"{p} exists but must not (no partial output on failure)")
    if failures:
        print(f"FAIL {a.case}\n$ {command}")
        for f in failures:
            print(f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
