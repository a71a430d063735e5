#!/usr/bin/env python3
"""scripts/check-layers passes on the tree and fails, naming the line, on forbidden includes.

Usage: check_layers_test.py ROOT
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
script = root / "scripts" / "check-layers"


def run(tree):
    return subprocess.run([sys.executable, str(script), str(tree)], capture_output=True, text=True)


def expect(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


# The real tree obeys the rules.
r = run(root)
expect(r.returncode == 0, f"the repository breaks a layer rule:\n{r.stdout}")

cases = [
    # (file to edit, include to add, text the message must hold)
    ("model/capflow/io/number.hpp", '#include "capflow/terms/scenario.hpp"', "io may not include terms"),
    ("model/capflow/terms/scenario.hpp", '#include "capflow/waterfall/waterfall.hpp"', "terms may not include waterfall"),
    ("model/capflow/waterfall/waterfall.cpp", '#include "capflow/whatif/explore.hpp"', "waterfall may not include whatif"),
    ("model/capflow/montecarlo/monte_carlo.cpp", '#include "capflow/documents/run_document.hpp"', "montecarlo may not include documents"),
    ("model/capflow/projection/projection.cpp", '#include "run_result.hpp"', "model/ may include only capflow/ headers"),
    ("model/capflow/whatif/explore.cpp", '#include "capflow_report/content.hpp"', "model/ may include only capflow/ headers"),
    ("report/capflow_report/content.cpp", '#include "output.hpp"', "report/ may not include"),
]
for rel, line, message in cases:
    with tempfile.TemporaryDirectory() as tmp:
        tree = pathlib.Path(tmp)
        for folder in ("model", "report", "charts"):
            shutil.copytree(root / folder, tree / folder)
        target = tree / rel
        text = target.read_text(encoding="utf-8").splitlines(keepends=True)
        text.insert(3, line + "\n")
        target.write_text("".join(text), encoding="utf-8")
        r = run(tree)
        expect(r.returncode == 1, f"{rel} with {line}: exit {r.returncode}, expected 1")
        expect(message in r.stdout, f"{rel} with {line}: message {r.stdout!r} lacks {message!r}")
        expect(f"{rel}:4:" in r.stdout, f"{rel} with {line}: message {r.stdout!r} lacks the line")

# A source file directly in model/capflow/ is refused too.
with tempfile.TemporaryDirectory() as tmp:
    tree = pathlib.Path(tmp)
    for folder in ("model", "report", "charts"):
        shutil.copytree(root / folder, tree / folder)
    (tree / "model/capflow/stray.cpp").write_text("int x;\n")
    r = run(tree)
    expect(r.returncode == 1 and "directly in model/capflow/" in r.stdout, f"stray file: {r.stdout!r}")
print(f"check-layers: the tree passes; {len(cases) + 1} planted violations each refused")
