#!/usr/bin/env python3
"""capflow.1 (generated at build time) has a section per command that `capflow --help`
lists, each with that command's own help text; rendered by groff when installed.

usage: man_page.py CAPFLOW MANPAGE
"""
import re
import shutil
import subprocess
import sys

capflow, page = sys.argv[1], sys.argv[2]
text = open(page, encoding="utf-8").read()
top = subprocess.run([capflow, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  ([a-z]+)  +", top.split("Subcommands:")[1], re.M)
bad = [c for c in commands if f".SH {c.upper()}\n" not in text]
for c in commands:
    first = subprocess.run([capflow, c, "--help"], capture_output=True, text=True).stdout.split("\n")[0]
    if first.replace("\\", "\\e") not in text:
        bad.append(f"{c}: help text not in the page")
if len(commands) < 10:
    bad.append(f"only {len(commands)} commands found in --help")
if shutil.which("groff"):
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", page], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        bad.append("groff: " + r.stderr.strip())
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("ok:", len(commands), "commands")
