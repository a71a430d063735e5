"""capflow in Python: the same library and the same numbers as the ``capflow`` CLI.

Every function calls capflow's C++ library (the extension ``capflow._capflow``) and
returns the document the CLI writes with ``--format json``: ``to_dict()`` is that
document as ``json.loads`` reads it (every double with the CLI's bits). The exact answers
(waterfall, breakpoints, solve, project) carry money as decimal strings in the JSON;
here they are ``decimal.Decimal``, never floats.

    >>> import capflow
    >>> s = capflow.load("scenarios/openai-2024-round.json")
    >>> r = capflow.run(s, paths=10000, seed=42)
    >>> r.to_dict()["holders"]["microsoft"]["pv"]["mean"]

See docs/python.md.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

__all__ = [
    "ScenarioError",
    "Problem",
    "Scenario",
    "load",
    "waterfall",
    "breakpoints",
    "solve",
    "project",
    "run",
    "render",
    "report",
    "sweep",
    "tornado",
    "diff",
    "DiffResult",
    "SweepResult",
    "TornadoResult",
    "Allocation",
    "ProjectResult",
    "RunResult",
    "Report",
]


class Problem:
    """One problem in an input, located as precisely as capflow knows it.

    ``line`` and ``column`` are 1-based, 0 when unknown (a value set by an override);
    ``pointer`` is the RFC 6901 JSON pointer of the offending value ("" = the document).
    """

    __slots__ = ("file", "line", "column", "pointer", "message", "text")

    def __init__(self, file: str, line: int, column: int, pointer: str, message: str, text: str):
        self.file, self.line, self.column = file, line, column
        self.pointer, self.message, self.text = pointer, message, text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Problem({self.text!r})"


class ScenarioError(ValueError):
    """Bad input: every problem found, each a :class:`Problem` in ``problems``.

    The message lists them as the CLI prints them (``file:line:col: /pointer: message``).
    """

    def __init__(self, problems: Iterable[Sequence[Any]] = ()):
        self.problems = [p if isinstance(p, Problem) else Problem(*p) for p in problems]
        super().__init__("\n".join(p.text for p in self.problems))


from . import _capflow  # noqa: E402  (ScenarioError must exist first: the extension raises it)

__version__ = _capflow.__version__

Scenario = _capflow.Scenario
Scenario.__doc__ = """A validated scenario (from :func:`load`).

Attributes: ``file``, ``title``, ``description``, ``sha256`` (of the resolved document),
``holders`` (list of (id, name)), ``overrides`` (as PATH=VALUE), ``has_projection``,
``has_uncertainty``, ``from_text``; ``document_json()`` gives the resolved document."""

Amount = Union[int, str, Decimal, Fraction]

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _exact(value: Any) -> Any:
    """The document with every decimal string as a Decimal (money, shares, multiples)."""
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return value


def _amount_text(amount: Amount) -> str:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError(
            "amounts are exact: give an int, a Decimal, a Fraction or a string such as '500B', "
            f"not {type(amount).__name__}"
        )
    if isinstance(amount, Fraction):
        if amount.denominator != 1:
            return str(Decimal(amount.numerator) / Decimal(amount.denominator))
        return str(amount.numerator)
    if isinstance(amount, Decimal):
        return format(amount, "f")
    return str(amount)


def _override_texts(overrides: Union[Mapping[str, Any], Sequence[str], None]) -> list:
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        out = []
        for path, value in overrides.items():
            if isinstance(value, Decimal):
                text = format(value, "f")
            else:
                text = json.dumps(value)
            out.append(f"{path}={text}")
        return out
    if isinstance(overrides, str):
        raise TypeError("overrides: a dict {path: value} or a list of 'PATH=VALUE' strings")
    return list(overrides)


def load(
    path_or_text: Union[str, os.PathLike],
    overrides: Union[Mapping[str, Any], Sequence[str], None] = None,
    *,
    name: Optional[str] = None,
) -> Scenario:
    """Loads and validates a scenario, as every ``capflow`` command does.

    ``path_or_text``: a file name, or the JSON text itself (a string starting with ``{``).
    ``overrides``: ``{path: value}`` (path a JSON pointer or dotted path; value any JSON
    value, e.g. ``{"holders.microsoft.cap": "92B"}``) or ``--set``-style "PATH=VALUE"
    strings. ``name`` stands for the file in messages when loading text (default
    ``<string>``; an ``extends`` is relative to its folder).

    Raises :class:`ScenarioError` with every problem found.
    """
    sets = _override_texts(overrides)
    if isinstance(path_or_text, os.PathLike):
        path_or_text = os.fspath(path_or_text)
    if not isinstance(path_or_text, str):
        raise TypeError("load: a file name or the scenario's JSON text")
    is_text = path_or_text.lstrip().startswith("{")
    label = name if name is not None else ("<string>" if is_text else path_or_text)
    return _capflow._load(path_or_text, is_text, label, sets)


class Allocation:
    """The exact allocation of one cumulative profit.

    ``profit`` and every holder's ``received`` are Decimals in dollars, rounded to cents
    that sum to the profit (as the CLI prints them); ``holders`` is the document's entry
    per holder id (``received``, ``capped``, ``cap``, ``share_of_profit``, ``name``);
    ``last_tier`` names the tier of the last dollar (or None for no profit).
    """

    def __init__(self, document: dict, scenario: dict):
        self._document = document
        exact = _exact(document)
        self.profit: Decimal = exact["profit"]
        self.last_tier = exact.get("last_tier")
        self.holders: dict = exact["holders"]
        self.scenario = scenario

    @property
    def received(self) -> dict:
        """holder id -> Decimal received."""
        return {k: v["received"] for k, v in self.holders.items()}

    def to_dict(self) -> dict:
        """This allocation as the CLI's JSON has it (money as strings)."""
        return self._document

    def to_frame(self):
        """A pandas DataFrame, one row per holder (needs pandas)."""
        pd = _pandas()
        return pd.DataFrame.from_dict(self.holders, orient="index")

    def __repr__(self) -> str:
        return f"Allocation(profit={self.profit!r}, received={self.received!r})"


def waterfall(scenario: Scenario, profits: Union[Amount, Sequence[Amount]]):
    """Exact allocation of cumulative profit (``capflow waterfall --profit``).

    ``profits``: one amount (int, Decimal, Fraction or text such as ``"500B"``) or a list.
    Returns an :class:`Allocation`, or a list of them for a list.
    """
    single = not isinstance(profits, (list, tuple))
    items = [profits] if single else list(profits)
    doc = json.loads(_capflow._waterfall(scenario, [_amount_text(p) for p in items]))
    allocations = [Allocation(a, doc["scenario"]) for a in doc.get("allocations", [])]
    return allocations[0] if single else allocations


def breakpoints(scenario: Scenario) -> dict:
    """The profit levels where a holder's share of the next dollar changes
    (``capflow waterfall --breakpoints``): the document's ``initial`` and ``breakpoints``,
    decimal strings as Decimals."""
    doc = json.loads(_capflow._breakpoints(scenario))
    return _exact(doc)


def solve(scenario: Scenario, holder: str, amount: Amount) -> dict:
    """The smallest total profit at which ``holder`` has received ``amount``
    (``capflow waterfall --solve``): the document's entry, with ``reached``, ``profit``
    (Decimal, cents rounded up) and ``profit_exact`` (a Fraction), or why it is never
    reached. Raises KeyError for an unknown holder."""
    doc = json.loads(_capflow._solve(scenario, [(holder, _amount_text(amount))]))
    entry = _exact(doc["solve"][0])
    exact = entry.get("profit_exact")
    if isinstance(exact, (str, Decimal)):
        entry["profit_exact"] = Fraction(str(exact))
    return entry


class ProjectResult:
    """The exact base case (``capflow project``): ``years`` (list of per-year records),
    ``holders`` (holder id -> totals, PV, MOIC, IRR, cap year), ``company``, ``rounds``;
    money as Decimals. ``to_dict()`` is the CLI's JSON."""

    def __init__(self, document: dict):
        self._document = document
        exact = _exact(document)
        self.scenario = exact.get("scenario")
        self.years: list = exact.get("years", [])
        self.holders: dict = exact.get("holders", {})
        self.company: dict = exact.get("company", {})
        self.rounds: list = exact.get("rounds", [])

    def to_dict(self) -> dict:
        return self._document

    def to_frame(self, table: str = "years"):
        """A pandas DataFrame of one table: "years" (a row per year, nested costs and
        per-holder columns flattened as "costs.NAME"), "holders" (a row per holder),
        "company" (one row) or "rounds" (a row per round). Needs pandas."""
        pd = _pandas()
        if table == "years":
            return pd.json_normalize(self.years).set_index("year")
        if table == "holders":
            return pd.DataFrame.from_dict(self.holders, orient="index")
        if table == "company":
            return pd.DataFrame([self.company])
        if table == "rounds":
            return pd.DataFrame(self.rounds)
        raise ValueError(f"table: one of years, holders, company, rounds; not {table!r}")


def project(scenario: Scenario) -> ProjectResult:
    """The exact year-by-year base case (``capflow project``)."""
    return ProjectResult(json.loads(_capflow._project(scenario)))


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


def _document_of(results: Any) -> dict:
    if hasattr(results, "to_dict"):
        return results.to_dict()
    if isinstance(results, (str, os.PathLike)):
        with open(results, encoding="utf-8") as f:
            return json.load(f)
    if isinstance(results, dict):
        return results
    raise TypeError("results: a result object, a dict or the name of a result file")


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


def _write_atomically(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".capflow-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


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


def _pandas():
    try:
        import pandas  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "capflow: to_frame() and holders_frame() need pandas (Debian: apt-get install "
            "python3-pandas; pip: pip install pandas); to_dict() needs nothing"
        ) from e
    return pandas
