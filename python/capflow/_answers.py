"""The exact answers: waterfall allocations, breakpoints, solved profits, the projection."""

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
