#!/usr/bin/env python3
"""The HTML report as a user sees it: headless Chromium renders it to PNG (which must not
be blank) and dumps the DOM (which must hold every chart). Exits 77 (skipped) when
Chromium is not installed; scripts/install-deps installs it for CI."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
capflow, root = sys.argv[1], sys.argv[2]
browser = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
if browser is None:
    print("chromium not installed: skipped")
    sys.exit(SKIP)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG, standard library only."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = ihdr[:4]
    assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


failures = 0
with tempfile.TemporaryDirectory() as tmp:
    html = os.path.join(tmp, "report.html")
    subprocess.run([capflow, "report", "scenarios/openai-2024-round.json", "--paths", "2000",
                    "--tornado-paths", "300", "-o", html], cwd=root, check=True)
    expected = set(re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" id="([^"]+)"',
                              open(html, encoding="utf-8").read()))
    png = os.path.join(os.environ.get("CAPFLOW_SCREENSHOT_DIR", tmp), "report.png")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={os.path.join(tmp, 'profile')}"]
    subprocess.run([browser, *flags, f"--screenshot={png}", "--window-size=1200,4000",
                    "file://" + html], check=True, capture_output=True, timeout=120)
    w, h, bpp, rows = png_pixels(png)
    colours, ink = set(), 0
    for row in rows[::4]:
        for x in range(0, w * bpp, bpp * 4):
            px = row[x:x + 3]
            colours.add(px)
            ink += px != b"\xff\xff\xff" and px != b"\xfa\xfa\xfa"
    sampled = len(rows[::4]) * len(range(0, w * bpp, bpp * 4))
    print(f"screenshot {w}x{h}: {len(colours)} colours, {100 * ink / sampled:.1f}% ink")
    if len(colours) < 20 or ink / sampled < 0.02:
        print("the rendered report looks blank")
        failures += 1
    dom = subprocess.run([browser, *flags, "--dump-dom", "file://" + html], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    found = set(re.findall(r'<svg[^>]*\bid="([^"]+)"', dom))
    print(f"charts in the DOM: {len(found)} of {len(expected)}: {' '.join(sorted(found))}")
    if not expected or expected - found or len(expected) < 4:
        print(f"missing from the DOM: {sorted(expected - found)}")
        failures += 1
    # At a desktop and a phone width: the page never scrolls sideways (wide tables and
    # charts scroll in their own box) and chart text renders at 8 px or more. A copy of
    # the report with a measuring script (the report itself has none) is shown in an
    # iframe of that width (headless Chromium's window is at least 500 px wide) and writes
    # its measurements into the outer page's DOM, which --dump-dom prints.
    probe = os.path.join(tmp, "probe.html")
    measure = """<script>
window.addEventListener('load', () => {
  const doc = document.documentElement;
  let smallest = 1e9;
  for (const t of document.querySelectorAll('svg text')) {
    const size = parseFloat(getComputedStyle(t).fontSize);
    const svg = t.ownerSVGElement, box = svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    if (t.textContent.trim()) smallest = Math.min(smallest, size * scale);
  }
  parent.document.body.setAttribute('data-measured',
      doc.scrollWidth + ' ' + window.innerWidth + ' ' + smallest.toFixed(2));
});
</script></body>"""
    open(probe, "w", encoding="utf-8").write(
        open(html, encoding="utf-8").read().replace("</body>", measure))
    for width in (1280, 420):
        frame = os.path.join(tmp, f"frame{width}.html")
        open(frame, "w", encoding="utf-8").write(
            f'<!doctype html><html><body style="margin:0"><iframe src="probe.html" '
            f'width="{width}" height="3000" style="border:0"></iframe></body></html>')
        dom = subprocess.run([browser, *flags, "--allow-file-access-from-files",
                              "--window-size=1400,3000", "--virtual-time-budget=5000",
                              "--dump-dom", "file://" + frame],
                             check=True, capture_output=True, text=True, timeout=120).stdout
        m = re.search(r'data-measured="([\d.]+) ([\d.]+) ([\d.]+)"', dom)
        if not m:
            print(f"{width} px: the measuring script did not run")
            failures += 1
            continue
        scroll, inner, smallest = float(m.group(1)), float(m.group(2)), float(m.group(3))
        print(f"{width} px: page {scroll:.0f} px wide in a {inner:.0f} px window; "
              f"smallest chart text {smallest:.1f} px")
        if scroll > inner + 1:
            print(f"{width} px: the page overflows sideways")
            failures += 1
        if smallest < 8:
            print(f"{width} px: chart text below 8 px")
            failures += 1
print(f"{6 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
