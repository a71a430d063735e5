"""Shared fixtures of the Python module's tests: the capflow binary and the repository,
from CAPFLOW_BIN and CAPFLOW_ROOT (set by CTest, tests/CMakeLists.txt); the tests run
from the repository root so file names match the CLI's."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(os.environ.get("CAPFLOW_ROOT", pathlib.Path(__file__).resolve().parents[2]))
BIN = os.environ.get("CAPFLOW_BIN", str(ROOT / "build" / "capflow"))

os.chdir(ROOT)


def cli(*args, check=True):
    """Runs the capflow binary; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT)
    if check and p.returncode != 0:
        raise AssertionError(f"capflow {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    return json.loads(cli(*args, "--format", "json")[1])


def presets():
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.json"))


def assert_same_document(a, b, path="", skip=()):
    """Key by key, values equal (doubles bit for bit): the shape is not pinned, only
    compared, so new keys on both sides pass."""
    if path in skip:
        return
    assert type(a) is type(b), f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} vs {list(b)}"
        for k in a:
            assert_same_document(a[k], b[k], f"{path}/{k}", skip)
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_document(x, y, f"{path}/{i}", skip)
    elif isinstance(a, float):
        assert a.hex() == b.hex(), f"{path}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.fixture
def root():
    return ROOT
