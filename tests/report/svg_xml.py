#!/usr/bin/env python3
"""Every SVG capflow writes parses as XML: the report's chart files (Markdown mode), the
charts inlined in the HTML report, and tornado --svg."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

capflow, root = sys.argv[1], sys.argv[2]
SVG = "{http://www.w3.org/2000/svg}svg"
checked = 0


def parse(text, what):
    global checked
    el = ET.fromstring(text)
    assert el.tag == SVG, f"{what}: root is {el.tag}"
    assert el.get("id"), f"{what}: no id"
    checked += 1
    return el.get("id")


with tempfile.TemporaryDirectory() as tmp:
    run = lambda *a: subprocess.run([capflow, *a], cwd=root, check=True, capture_output=True)
    for preset, expect in [("openai-2024-round", {"breakpoints", "base-case", "tornado"}),
                           ("openai-wsj-2023", {"breakpoints"})]:
        md = os.path.join(tmp, preset + ".md")
        run("report", f"scenarios/{preset}.json", "--paths", "300", "--tornado-paths", "100",
            "-o", md)
        files = os.path.join(tmp, preset + "_files")
        ids = set()
        for name in sorted(os.listdir(files)):
            with open(os.path.join(files, name), encoding="utf-8") as f:
                ids.add(parse(f.read(), name))
        assert expect <= ids, (preset, ids)
        # The breakpoint chart: the first holder takes the first dollar in both presets, so
        # its line starts at the left of every other and above the zero line (issue 16:
        # a linear axis clamped it to $0 until its first tick).
        bp = open(os.path.join(files, "breakpoints.svg"), encoding="utf-8").read()
        lines = [[tuple(map(float, pt.split(","))) for pt in m.split()]
                 for m in re.findall(r'<polyline points="([^"]+)"', bp)]
        grid = [float(y) for y in re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1"', bp)]
        assert lines and grid, "breakpoint chart: no lines or no grid"
        assert lines[0][0][0] == min(l[0][0] for l in lines), "first holder's line starts late"
        assert lines[0][0][1] < max(grid), "first holder's first point sits on the zero line"
        links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", open(md, encoding="utf-8").read())
        assert len(links) == len(ids) and all(os.path.exists(os.path.join(tmp, l)) for l in links)
        html = os.path.join(tmp, preset + ".html")
        run("report", f"scenarios/{preset}.json", "--paths", "300", "--tornado-paths", "100",
            "-o", html)
        text = open(html, encoding="utf-8").read()
        inline = re.findall(r"<svg .*?</svg>", text, re.S)
        assert {parse(s, html) for s in inline} == ids
        # Self-contained: no scripts, nothing loaded from elsewhere.
        assert "<script" not in text
        assert not re.search(r"\bsrc\s*=|\bhref\s*=\s*\"(?!#)|url\(|@import", text), \
            "external reference"
        assert re.search(r'href="#part-1"', text), "no table of contents"
    svg = os.path.join(tmp, "t.svg")
    run("tornado", "scenarios/openai-2024-round.json", "--deterministic", "--vary",
        "/holders/microsoft/cap=46B:138B", "--svg", svg)
    parse(open(svg, encoding="utf-8").read(), svg)
print(f"{checked} passed, 0 failed")
