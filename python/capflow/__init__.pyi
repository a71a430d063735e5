# Type stubs of the capflow package (docs/python.md); the docstrings are in __init__.py.
import os
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union, overload

__version__: str

Amount = Union[int, str, Decimal, Fraction]

class Problem:
    file: str
    line: int
    column: int
    pointer: str
    message: str
    text: str

class ScenarioError(ValueError):
    problems: list[Problem]
    def __init__(self, problems: Iterable[Sequence[Any]] = ...) -> None: ...

class Scenario:
    @property
    def file(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def overrides(self) -> list[str]: ...
    @property
    def from_text(self) -> bool: ...
    @property
    def has_projection(self) -> bool: ...
    @property
    def has_uncertainty(self) -> bool: ...
    @property
    def holders(self) -> list[tuple[str, str]]: ...
    def document_json(self) -> str: ...

def load(
    path_or_text: Union[str, os.PathLike[str]],
    overrides: Union[Mapping[str, Any], Sequence[str], None] = ...,
    *,
    name: Optional[str] = ...,
) -> Scenario: ...

class Allocation:
    profit: Decimal
    last_tier: Optional[dict[str, Any]]
    holders: dict[str, dict[str, Any]]
    scenario: dict[str, Any]
    @property
    def received(self) -> dict[str, Decimal]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_frame(self) -> Any: ...

@overload
def waterfall(scenario: Scenario, profits: Amount) -> Allocation: ...
@overload
def waterfall(scenario: Scenario, profits: Sequence[Amount]) -> list[Allocation]: ...
def breakpoints(scenario: Scenario) -> dict[str, Any]: ...
def solve(scenario: Scenario, holder: str, amount: Amount) -> dict[str, Any]: ...

class ProjectResult:
    scenario: dict[str, Any]
    years: list[dict[str, Any]]
    holders: dict[str, dict[str, Any]]
    company: dict[str, Any]
    rounds: list[dict[str, Any]]
    def to_dict(self) -> dict[str, Any]: ...
    def to_frame(self, table: str = ...) -> Any: ...

def project(scenario: Scenario) -> ProjectResult: ...

class RunResult:
    @property
    def meta(self) -> dict[str, Any]: ...
    @property
    def holders(self) -> dict[str, dict[str, Any]]: ...
    @property
    def company(self) -> Optional[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, indent: Optional[int] = ...) -> str: ...
    def holders_frame(self) -> Any: ...

def run(
    scenario: Scenario,
    paths: int = ...,
    seed: int = ...,
    threads: Optional[int] = ...,
    compute: Union[str, Sequence[str]] = ...,
    precision: Optional[float] = ...,
    *,
    accumulators: bool = ...,
    progress: Optional[Callable[[int, int], Any]] = ...,
    progress_interval: float = ...,
) -> RunResult: ...
def render(
    template_text: str,
    results: Any = ...,
    named: Optional[Mapping[str, Any]] = ...,
    *,
    name: str = ...,
) -> str: ...

class Report:
    title: str
    charts: dict[str, str]
    def html(self) -> str: ...
    def markdown(self, charts_dir: str = ...) -> str: ...

def report(
    scenario: Scenario,
    path: Optional[Union[str, os.PathLike[str]]] = ...,
    *,
    paths: int = ...,
    tornado_paths: int = ...,
    seed: int = ...,
    threads: Optional[int] = ...,
) -> Report: ...

class SweepResult:
    @property
    def points(self) -> list[dict[str, Any]]: ...
    @property
    def metrics(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_frame(self) -> Any: ...

def sweep(
    scenario: Scenario,
    vary: Union[Mapping[str, Sequence[Any]], Sequence[str], str],
    metrics: Optional[Sequence[str]] = ...,
    *,
    deterministic: bool = ...,
    profit: Optional[Amount] = ...,
    paths: int = ...,
    seed: int = ...,
    threads: Optional[int] = ...,
) -> SweepResult: ...

class TornadoResult:
    @property
    def inputs(self) -> list[dict[str, Any]]: ...
    @property
    def metric(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def svg(self, title: Optional[str] = ...) -> str: ...
    def to_frame(self) -> Any: ...

def tornado(
    scenario: Scenario,
    vary: Union[Mapping[str, Sequence[Any]], Sequence[str], str, None] = ...,
    metric: Optional[str] = ...,
    *,
    deterministic: bool = ...,
    profit: Optional[Amount] = ...,
    paths: int = ...,
    seed: int = ...,
    threads: Optional[int] = ...,
) -> TornadoResult: ...

class DiffResult:
    @property
    def results(self) -> list[dict[str, Any]]: ...
    @property
    def inputs(self) -> list[dict[str, Any]]: ...
    @property
    def differs(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_frame(self) -> Any: ...

def diff(
    a: Any,
    b: Any,
    *,
    tolerance: str = ...,
    deterministic: bool = ...,
    profits: Optional[Sequence[Amount]] = ...,
    paths: int = ...,
    seed: int = ...,
    threads: Optional[int] = ...,
) -> DiffResult: ...
