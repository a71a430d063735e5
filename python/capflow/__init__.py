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

import os
from typing import Any, Mapping, Optional, Sequence, Union

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

# The error types first: the extension raises capflow.ScenarioError.
from ._common import Amount, Problem, ScenarioError, _exact, _override_texts  # noqa: E402
from . import _capflow  # noqa: E402

__version__ = _capflow.__version__

Scenario = _capflow.Scenario
Scenario.__doc__ = """A validated scenario (from :func:`load`).

Attributes: ``file``, ``title``, ``description``, ``sha256`` (of the resolved document),
``holders`` (list of (id, name)), ``overrides`` (as PATH=VALUE), ``has_projection``,
``has_uncertainty``, ``from_text``; ``document_json()`` gives the resolved document."""


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


from ._answers import Allocation, ProjectResult, breakpoints, project, solve, waterfall  # noqa: E402
from ._run import RunResult, run  # noqa: E402
from ._whatif import (  # noqa: E402
    DiffResult,
    Report,
    SweepResult,
    TornadoResult,
    diff,
    render,
    report,
    sweep,
    tornado,
)
