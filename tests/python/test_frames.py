"""pandas tables when pandas is installed, a clear ImportError when it is not."""

import importlib.util
import sys
from decimal import Decimal

import pytest

import capflow

HAS_PANDAS = importlib.util.find_spec("pandas") is not None
PRESET = "scenarios/openai-2024-round.json"


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas is not installed")
def test_frames():
    s = capflow.load(PRESET)
    r = capflow.run(s, paths=1000)
    df = r.holders_frame()
    assert list(df.index) == list(r.holders)
    assert df.loc["microsoft", "pv_mean"] == r.holders["microsoft"]["pv"]["mean"]
    p = capflow.project(s)
    years = p.to_frame("years")
    assert list(years.index) == [y["year"] for y in p.years]
    assert years.loc[p.years[0]["year"], "revenue"] == p.years[0]["revenue"]
    assert isinstance(years.loc[p.years[0]["year"], "revenue"], Decimal)
    assert list(p.to_frame("holders").index) == list(p.holders)
    a = capflow.waterfall(s, "500B")
    assert a.to_frame().loc["microsoft", "received"] == a.received["microsoft"]


def test_without_pandas_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    r = capflow.run(capflow.load(PRESET), paths=100)
    with pytest.raises(ImportError, match="need pandas"):
        r.holders_frame()
    assert r.to_dict()["meta"]["paths"] == 100
