#!/usr/bin/env python3
"""-o picks the format from the file name, and the JSON, CSV and xlsx outputs of one
command hold the same values: every scalar of the JSON document is found, equal, in the
CSV tables and in the workbook's sheets (read back with zipfile and the sheet XML, no
spreadsheet library). Also checks meta (provenance) in every JSON output, the conflict
between -o's name and --format, and that a failed write leaves no file.

usage: output_formats.py CAPFLOW ROOT
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

capflow, root = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, expect=0):
    p = subprocess.run([capflow] + args, cwd=root, capture_output=True, text=True)
    check(p.returncode == expect, f"capflow {' '.join(args)}: exit {p.returncode}, expected "
          f"{expect}\n{p.stderr}")
    return p


def leaves(doc, path=""):
    """(dotted path, value) of every scalar, as the tables name columns."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from leaves(v, f"{path}.{i}" if path else str(i))
    else:
        yield path, doc


def csv_tables(text):
    tables, name = {}, None
    for row in csv.reader(io.StringIO(text)):
        if row[:1] == ["#table"]:
            name = row[1]
            tables[name] = []
        elif row:
            tables[name].append(row)
    return tables


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_tables(path):
    """Sheet name -> rows of cell values (numbers as float, strings, booleans)."""
    z = zipfile.ZipFile(path)
    shared = [si.findtext(".//m:t", default="", namespaces=NS) or "".join(
        t.text or "" for t in si.iter("{%s}t" % NS["m"]))
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    book = ET.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in book.find("m:sheets", NS)]
    out = {}
    for i, name in enumerate(names, 1):
        sheet = ET.fromstring(z.read(f"xl/worksheets/sheet{i}.xml"))
        pane = sheet.find(".//m:pane", NS)
        check(pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1",
              f"{path}: sheet {name}: header row not frozen")
        rows = []
        for r in sheet.find("m:sheetData", NS):
            cells = {}
            for c in r:
                col = re.match(r"[A-Z]+", c.get("r")).group(0)
                idx = 0
                for ch in col:
                    idx = idx * 26 + ord(ch) - 64
                v = c.findtext("m:v", namespaces=NS)
                t = c.get("t")
                cells[idx - 1] = (shared[int(v)] if t == "s" else bool(int(v)) if t == "b"
                                  else float(v))
            rows.append([cells.get(k) for k in range(max(cells) + 1)] if cells else [])
        out[name] = rows
    return out


def same(a, b):
    """A JSON scalar against a cell: numbers (and decimal strings) by value."""
    if a is None or a == "":
        return b in (None, "")
    if isinstance(a, bool):
        return b in (a, str(a).lower())
    try:
        x = float(a)
        y = float(b)
        return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))
    except (TypeError, ValueError):
        return str(a) == str(b)


def values_of(tables):
    """Every cell with its (table, row, column) and, for key/value tables, its key."""
    out = []
    for name, rows in tables.items():
        if not rows:
            continue
        head, body = rows[0], rows[1:]
        for r in body:
            for k, col in enumerate(head):
                out.append((name, col, r[0] if r else None, r[k] if k < len(r) else None))
    return out


def covers(doc, tables, what):
    """Every scalar of doc (but accumulators) appears in some table with an equal value,
    under a column or key ending with its own key."""
    cells = values_of(tables)
    missing = 0
    for path, v in leaves(doc):
        if path.startswith("accumulators"):
            continue
        key = path.split(".")[-1]
        ok = any((col == key or col.endswith("." + key) or
                  (col == "value" and isinstance(rk, str) and
                   (rk == key or rk == path or rk.endswith("." + key))))
                 and same(v, cell) for _, col, rk, cell in cells)
        if not ok:
            missing += 1
            if missing <= 5:
                print(f"  {what}: {path} = {v!r} not found")
    check(missing == 0, f"{what}: {missing} values of the JSON document missing from the tables")


with tempfile.TemporaryDirectory() as tmp:
    cases = {
        "run": ["run", "scenarios/openai-2024-round.json", "--paths", "400", "--threads", "1",
                "--set", "projection.discount_rate=0.1"],
        "waterfall": ["waterfall", "scenarios/openai-wsj-2023.json", "--profit", "500B",
                      "--breakpoints", "--solve", "nonprofit=1B"],
        "project": ["project", "scenarios/openai-2024-round.json"],
        "sweep": ["sweep", "scenarios/openai-wsj-2023.json", "--profit", "500B", "--vary",
                  "/holders/microsoft/cap=46B:138B:3"],
        "tornado": ["tornado", "tests/golden/inputs/good/uncertain-inputs.json", "--paths", "200",
                    "--threads", "1"],
    }
    for name, args in cases.items():
        j, c, x = (os.path.join(tmp, f"{name}.{e}") for e in ("json", "csv", "xlsx"))
        for f in (j, c, x):
            run(args + ["-o", f])
        doc = json.load(open(j))
        meta = doc.get("meta", {})
        for k in ("schema", "version", "scenario", "scenario_sha256", "overrides"):
            check(k in meta, f"{name}: meta.{k} missing from the JSON output")
        check(re.fullmatch(r"[0-9a-f]{64}", meta.get("scenario_sha256", "")) is not None,
              f"{name}: meta.scenario_sha256 is not a SHA-256")
        check(open(c).read().startswith("#table,meta\n"), f"{name}: -o F.csv did not write CSV")
        check(zipfile.is_zipfile(x), f"{name}: -o F.xlsx did not write a workbook")
        covers(doc, csv_tables(open(c).read()), f"{name} CSV")
        covers(doc, xlsx_tables(x), f"{name} xlsx")
    check(json.load(open(os.path.join(tmp, "run.json")))["meta"]["overrides"] ==
          ["projection.discount_rate=0.1"], "run: meta.overrides is not the --set list as given")

    # A name and a --format that disagree: exit 2, nothing written.
    bad = os.path.join(tmp, "conflict.json")
    p = run(cases["waterfall"] + ["--format", "csv", "-o", bad], expect=2)
    check("names the json format" in p.stderr, "conflict: no message naming both formats")
    check(not os.path.exists(bad), "conflict: a file was written")
    p = run(["validate", "scenarios/openai-wsj-2023.json", "-o", os.path.join(tmp, "v.xlsx")],
            expect=2)
    check("does not write xlsx" in p.stderr, "validate -o F.xlsx: no message")
    # The help's shard example: -o part0.json is JSON that merge accepts.
    parts = [os.path.join(tmp, f"part{k}.json") for k in (0, 1)]
    for k, part in enumerate(parts):
        run(["run", "scenarios/bench.json", "--paths", "2000", "--threads", "1", "--shard",
             f"{k}/2", "-o", part])
    merged = run(["merge"] + parts + ["--format", "json"])
    whole = run(["run", "scenarios/bench.json", "--paths", "2000", "--threads", "1",
                 "--format", "json"])
    a, b = json.loads(merged.stdout), json.loads(whole.stdout)
    check(a["holders"] == b["holders"], "merge of -o part*.json differs from the whole run")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
