"""Monte Carlo runs."""

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


_METRICS = ("nominal", "pv", "moic", "irr")


class RunResult:
    """A Monte Carlo result: ``to_dict()`` is the document of ``capflow run --format json``
    (SPEC §3) for the same scenario, seed and paths, number for number (``meta`` differs
    only in ``wall_seconds`` and ``threads`` when those differ)."""

    def __init__(self, document: dict):
        self._document = document

    @property
    def meta(self) -> dict:
        return self._document["meta"]

    @property
    def holders(self) -> dict:
        return self._document["holders"]

    @property
    def company(self) -> Optional[dict]:
        return self._document.get("company")

    def to_dict(self) -> dict:
        return self._document

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self._document, indent=indent)

    def holders_frame(self):
        """A pandas DataFrame, a row per holder: the name, then every statistic of every
        computed distribution as "GROUP_STAT" columns (``pv_mean``, ``nominal_p95``, ...)
        and the holder's other scalar fields (``p_cap``...). Needs pandas."""
        pd = _pandas()
        rows = {}
        for hid, h in self.holders.items():
            row = {}
            for key, value in h.items():
                if isinstance(value, dict) and key in _METRICS:
                    for stat, x in value.items():
                        row[f"{key}_{stat}"] = x
                elif not isinstance(value, (dict, list)):
                    row[key] = value
            rows[hid] = row
        return pd.DataFrame.from_dict(rows, orient="index")


def run(
    scenario: Scenario,
    paths: int = 10000,
    seed: int = 42,
    threads: Optional[int] = None,
    compute: Union[str, Sequence[str]] = "all",
    precision: Optional[float] = None,
    *,
    accumulators: bool = False,
    progress: Optional[Callable[[int, int], Any]] = None,
    progress_interval: float = 0.1,
) -> RunResult:
    """Monte Carlo payout distributions (``capflow run``), bit-identical to the CLI.

    ``threads``: default every core (the result does not depend on it). ``compute``:
    "all" or some of nominal, pv, moic, irr, company. ``precision``: add paths (``paths``
    is then the cap) until every holder's mean has a standard error below this share
    of the mean. ``progress(done, total)`` is called about every ``progress_interval``
    seconds and once at the end; an exception it raises stops the run.

    The GIL is released while paths are simulated; Ctrl-C (KeyboardInterrupt) stops the
    run within about ``progress_interval`` seconds.
    """
    if not isinstance(compute, str):
        compute = ",".join(compute)
    if threads is None:
        threads = 0
    if threads < 0:
        raise ValueError("threads must be >= 1 (or None for every core)")
    text = _capflow._run(
        scenario,
        int(paths),
        int(seed),
        int(threads),
        compute,
        float(precision or 0.0),
        bool(accumulators),
        progress,
        float(progress_interval),
    )
    return RunResult(json.loads(text))
