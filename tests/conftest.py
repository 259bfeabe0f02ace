"""Shared fixtures: tiny sites written to a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_sites"


def day_profiles() -> pd.DataFrame:
    """The hand-checkable day: load 10 MW flat, wind 0.2 pu all day, PV 0.5 pu in hours 8-15."""
    pv = np.where((np.arange(24) >= 8) & (np.arange(24) <= 15), 0.5, 0.0)
    return pd.DataFrame({"hour": np.arange(24), "load_mw": 10.0, "wind_pu": 0.2, "pv_pu": pv})


def base_site(**changes: Any) -> dict[str, Any]:
    """A one-day site on :func:`day_profiles`: wind 10 MW, PV 20 MW, 110 kV, 100 MW connection."""
    site: dict[str, Any] = {
        "name": "hand day",
        "jurisdiction": "national",
        "year": 2026,
        "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"},
        "days": {"weights": [1]},
        "sources": [
            {"name": "wf", "type": "wind", "capacity_mw": 10, "profile": {"file": "p.csv", "column": "wind_pu"},
             "same_county": True, "same_city": True},
            {"name": "pv", "type": "pv", "capacity_mw": 20, "profile": {"file": "p.csv", "column": "pv_pu"},
             "same_county": True, "same_city": True},
        ],
        "connection": {"voltage_kv": 110, "capacity_mw": 100, "spot_market": "continuous"},
    }
    site.update(changes)
    return site


@pytest.fixture
def make_site(tmp_path: Path):
    """Write a site (dict) and its profiles (DataFrame) to tmp_path; return the site file path."""

    def make(site: dict[str, Any] | None = None, profiles: pd.DataFrame | None = None,
             name: str = "site.yaml") -> Path:
        (profiles if profiles is not None else day_profiles()).to_csv(tmp_path / "p.csv", index=False)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(site if site is not None else base_site(), allow_unicode=True))
        return path

    return make


@pytest.fixture
def two_days(tmp_path):
    """Two days of 10 MW load and PV (0.5 pu on day 1, 0.25 on day 2, 08-15 h), PV free in
    0-100 MW: the hand-checkable sizing site of the sensitivity and Pareto tests."""
    h = np.arange(48)
    sun = (h % 24 >= 8) & (h % 24 <= 15)
    pv = np.where(sun, np.where(h < 24, 0.5, 0.25), 0.0)
    pd.DataFrame({"load_mw": 10.0, "pv_pu": pv}).to_csv(tmp_path / "p.csv", index=False)
    site = {"name": "two days", "jurisdiction": "national", "year": 2026,
            "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"}, "days": {"weights": [1, 1]},
            "sources": [{"name": "pv", "type": "pv", "capacity_mw": {"min": 0, "max": 100},
                         "profile": {"file": "p.csv", "column": "pv_pu"}, "same_county": True, "same_city": True}],
            "connection": {"voltage_kv": 110, "capacity_mw": 100, "spot_market": "continuous"}}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site))
    return path
