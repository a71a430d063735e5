"""Sweeps, tornados, diffs, templates and the report."""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from . import _capflow
from ._common import Amount, ScenarioError, _amount_text, _document_of, _exact, _pandas, _write_atomically

Scenario = _capflow.Scenario


def _vary_texts(vary: Any, fields: int) -> list:
    """--vary texts from {path: (lo, hi[, steps])} or "PATH=LO:HI[:STEPS]" strings."""
    if vary is None:
        return []
    if isinstance(vary, Mapping):
        out = []
        for path, spec in vary.items():
            if isinstance(spec, str) or len(spec) != fields:
                shape = "(lo, hi, steps)" if fields == 3 else "(lo, hi)"
                raise ValueError(f"vary {path}: expected {shape}")
            parts = [_amount_text(x) if i < 2 else str(int(x)) for i, x in enumerate(spec)]
            out.append(f"{path}=" + ":".join(parts))
        return out
    if isinstance(vary, str):
        return [vary]
    return list(vary)


def _eval_args(deterministic, profit, paths, seed, threads):
    return (bool(deterministic), None if profit is None else _amount_text(profit), int(paths),
            int(seed), int(threads or 0))


class SweepResult:
    """A sweep's document (``capflow sweep --format json``): ``points``, each with its
    ``set`` values and ``metrics``; ``to_frame()`` a row per point."""

    def __init__(self, document: dict):
        self._document = document

    @property
    def points(self) -> list:
        return self._document["points"]

    @property
    def metrics(self) -> list:
        return self._document["metrics"]

    def to_dict(self) -> dict:
        return self._document

    def to_frame(self):
        """A pandas DataFrame: a column per varied path, then one per metric. Needs pandas."""
        pd = _pandas()
        return pd.DataFrame([{**p["set"], **p["metrics"]} for p in self.points])


def sweep(
    scenario: Scenario,
    vary: Union[Mapping[str, Sequence[Any]], Sequence[str], str],
    metrics: Optional[Sequence[str]] = None,
    *,
    deterministic: bool = False,
    profit: Optional[Amount] = None,
    paths: int = 10000,
    seed: int = 42,
    threads: Optional[int] = None,
) -> SweepResult:
    """A grid over scenario values (``capflow sweep``), each point on common random numbers.

    ``vary``: ``{path: (lo, hi, steps)}`` (lo/hi money such as "46B" or shares such as
    "30%") or "PATH=LO:HI:STEPS" strings. ``metrics``: JSON pointers into each point's
    result (default: every holder's mean payout). ``deterministic`` evaluates the exact
    projection, ``profit`` the exact waterfall at that profit. The scenario must come from
    a file. Raises ScenarioError on bad input.
    """
    text = _capflow._sweep(scenario, _vary_texts(vary, 3), list(metrics or []),
                           *_eval_args(deterministic, profit, paths, seed, threads))
    return SweepResult(json.loads(text))


class TornadoResult:
    """A tornado's document (``capflow tornado --format json``): ``metric``, ``base`` and
    ``inputs`` (largest swing first); ``svg()`` the chart; ``to_frame()`` a row per input."""

    def __init__(self, native):
        self._native = native
        self._document = json.loads(native.document)

    @property
    def inputs(self) -> list:
        return self._document["inputs"]

    @property
    def metric(self) -> str:
        return self._document["metric"]

    def to_dict(self) -> dict:
        return self._document

    def svg(self, title: Optional[str] = None) -> str:
        """The tornado chart as SVG text (as ``capflow tornado --svg`` writes it)."""
        return self._native.svg(title if title is not None else "Tornado: " + self.metric)

    def to_frame(self):
        """A pandas DataFrame, a row per input. Needs pandas."""
        pd = _pandas()
        return pd.DataFrame(self.inputs)


def tornado(
    scenario: Scenario,
    vary: Union[Mapping[str, Sequence[Any]], Sequence[str], str, None] = None,
    metric: Optional[str] = None,
    *,
    deterministic: bool = False,
    profit: Optional[Amount] = None,
    paths: int = 10000,
    seed: int = 42,
    threads: Optional[int] = None,
) -> TornadoResult:
    """Inputs ranked by the swing they cause in one metric (``capflow tornado``).

    ``vary``: ``{path: (lo, hi)}`` or "PATH=LO:HI" strings; None takes the CLI's defaults
    (each uncertainty input's p10 and p90, else caps and the terminal multiple at 0.5x
    and 1.5x). ``metric``: default the residual holder's headline amount. The scenario
    must come from a file. Raises ScenarioError on bad input.
    """
    native = _capflow._tornado(scenario, _vary_texts(vary, 2), metric or "",
                               *_eval_args(deterministic, profit, paths, seed, threads))
    return TornadoResult(native)


class DiffResult:
    """What ``capflow diff --format json`` writes: ``inputs`` that changed (two scenarios),
    ``results`` (each compared value with ``a``, ``b``, ``difference``, ``differs``, and
    paired standard errors for Monte Carlo), ``summary``; ``differs`` is what the CLI's
    exit code 1 says."""

    def __init__(self, document: dict):
        self._document = document

    @property
    def results(self) -> list:
        return self._document["results"]

    @property
    def inputs(self) -> list:
        return self._document.get("inputs", [])

    @property
    def differs(self) -> bool:
        """True when a value differs beyond the tolerance, or an input changed (as exit 1)."""
        return self._document["summary"]["differ"] > 0 or bool(self.inputs)

    def to_dict(self) -> dict:
        return self._document

    def to_frame(self):
        """A pandas DataFrame, a row per compared value. Needs pandas."""
        pd = _pandas()
        return pd.DataFrame(self.results)


def diff(
    a: Any,
    b: Any,
    *,
    tolerance: str = "0",
    deterministic: bool = False,
    profits: Optional[Sequence[Amount]] = None,
    paths: int = 10000,
    seed: int = 42,
    threads: Optional[int] = None,
) -> DiffResult:
    """Compares two scenarios or two results (``capflow diff A B``).

    Two :class:`Scenario` objects (loaded from files): their inputs, then their results on
    common random numbers with paired standard errors (both with uncertainty, unless
    ``deterministic``), or exactly. Two results (result objects, dicts or result file
    names) of the same command: key by key. ``tolerance``: "0", "1e6", "5M" or "1%".
    """
    if isinstance(a, Scenario) and isinstance(b, Scenario):
        text = _capflow._diff_scenarios(a, b, bool(deterministic),
                                        [_amount_text(p) for p in (profits or [])], int(paths),
                                        int(seed), int(threads or 0), str(tolerance))
        return DiffResult(json.loads(text))
    if isinstance(a, Scenario) or isinstance(b, Scenario):
        raise TypeError("diff: two scenarios, or two results; not one of each")
    name = lambda x, d: os.fspath(x) if isinstance(x, (str, os.PathLike)) else d  # noqa: E731
    text = _capflow._diff_outputs(json.dumps(_document_of(a)), json.dumps(_document_of(b)),
                                  name(a, "a"), name(b, "b"), str(tolerance))
    return DiffResult(json.loads(text))


def render(
    template_text: str,
    results: Any = None,
    named: Optional[Mapping[str, Any]] = None,
    *,
    name: str = "<template>",
) -> str:
    """Fills ``{{ /pointer | filter }}`` placeholders (``capflow render``).

    ``results``: the default source (a result object such as :class:`RunResult`, a dict,
    or a result file's name); ``named``: sources for ``{{ NAME:/pointer }}``. Raises
    :class:`ScenarioError` listing every bad placeholder (located in ``name``).
    """
    unnamed = None if results is None else json.dumps(_document_of(results))
    sources = {k: json.dumps(_document_of(v)) for k, v in (named or {}).items()}
    return _capflow._render(template_text, name, unnamed, sources)


class Report:
    """The report of ``capflow report``: ``html()``, ``markdown(charts_dir)`` and the SVG
    ``charts`` (chart id -> SVG text, e.g. to show one in a notebook)."""

    def __init__(self, native):
        self._native = native
        self.title: str = native.title
        self.charts: dict = dict(native.charts)

    def html(self) -> str:
        return self._native.html()

    def markdown(self, charts_dir: str = "") -> str:
        return self._native.markdown(charts_dir)


def report(
    scenario: Scenario,
    path: Optional[Union[str, os.PathLike]] = None,
    *,
    paths: int = 10000,
    tornado_paths: int = 10000,
    seed: int = 42,
    threads: Optional[int] = None,
) -> Report:
    """Builds the report of ``capflow report`` and, with ``path``, writes it: ``.html``
    self-contained, ``.md`` with its charts in ``STEM_files/`` beside it (as the CLI).
    The scenario must come from a file (the tornado reloads it). Returns the Report."""
    out = None if path is None else os.fspath(path)
    fmt = None
    if out is not None:
        ext = os.path.splitext(out)[1].lower()
        fmt = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}.get(ext)
        if fmt is None:
            raise ValueError(f"{out}: name the report .html or .md")
    command = (
        f"capflow report {scenario.file} --seed {seed} --paths {paths} "
        f"--tornado-paths {tornado_paths}"
    )
    for s in scenario.overrides:
        command += f" --set '{s}'"
    if out is not None:
        command += f" -o {out}"
    r = Report(_capflow._report(scenario, int(paths), int(tornado_paths), int(seed), int(threads or 0), command))
    if out is None:
        return r
    if fmt == "html":
        _write_atomically(out, r.html())
    else:
        stem = os.path.splitext(os.path.basename(out))[0] + "_files"
        charts = os.path.join(os.path.dirname(out), stem)
        os.makedirs(charts, exist_ok=True)
        for cid, svg in r.charts.items():
            _write_atomically(os.path.join(charts, cid + ".svg"), svg)
        _write_atomically(out, r.markdown(stem))
    return r
