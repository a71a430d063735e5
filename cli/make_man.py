#!/usr/bin/env python3
"""Writes capflow(1) from the binary's own help text, so the man page never disagrees
with `capflow --help` (run at build time; installed by `cmake --install`).

usage: make_man.py CAPFLOW OUT
"""
import re
import subprocess
import sys

capflow, out = sys.argv[1], sys.argv[2]


def help_of(*args):
    return subprocess.run([capflow, *args, "--help"], capture_output=True, text=True,
                          check=True).stdout


def esc(line):
    line = line.replace("\\", "\\e")
    return ("\\&" + line) if line.startswith((".", "'")) else line


version = subprocess.run([capflow, "--version"], capture_output=True, text=True).stdout.split()[-1]
top = help_of()
commands = re.findall(r"^  ([a-z]+)  +", top.split("Subcommands:")[1], re.M)
page = [f'.TH CAPFLOW 1 "" "capflow {version}" "User Commands"', ".SH NAME",
        "capflow \\- exact and Monte Carlo calculator for capped-profit structures",
        ".SH SYNOPSIS", ".B capflow", "\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIFILE\\fR...]",
        ".SH DESCRIPTION", ".nf"]
page += [esc(l) for l in top.rstrip("\n").split("\n")]
page.append(".fi")
for c in commands:
    page += [".SH " + c.upper(), ".nf"]
    page += [esc(l) for l in help_of(c).rstrip("\n").split("\n")]
    page.append(".fi")
page += [".SH SEE ALSO", "docs/cli.md and docs/*.md in the capflow sources."]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(page) + "\n")
