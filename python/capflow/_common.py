"""What the modules of the package share: the error types, exact amounts and
decimal strings, overrides, result documents, pandas on demand."""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

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


def _document_of(results: Any) -> dict:
    if hasattr(results, "to_dict"):
        return results.to_dict()
    if isinstance(results, (str, os.PathLike)):
        with open(results, encoding="utf-8") as f:
            return json.load(f)
    if isinstance(results, dict):
        return results
    raise TypeError("results: a result object, a dict or the name of a result file")


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


def _pandas():
    try:
        import pandas  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "capflow: to_frame() and holders_frame() need pandas (Debian: apt-get install "
            "python3-pandas; pip: pip install pandas); to_dict() needs nothing"
        ) from e
    return pandas
