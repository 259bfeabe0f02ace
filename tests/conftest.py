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


def two_day_site(tmp_path: Path, pv_max: float = 100.0, storage: dict[str, Any] | None = None, wind: bool = False,
                 weights: tuple[float, float] = (1, 1), name: str = "two days",
                 finance: dict[str, Any] | None = None) -> Path:
    """The hand-checkable two-day sizing site: load 10 MW flat; PV 0.5 pu in hours 8-15 of day 1,
    0.25 pu on day 2, free in 0-``pv_max`` MW; wind 0.2 pu (0-100 MW) if asked; the days' weights."""
    h = np.arange(48)
    sun = (h % 24 >= 8) & (h % 24 <= 15)
    pv = np.where(sun, np.where(h < 24, 0.5, 0.25), 0.0)
    pd.DataFrame({"load_mw": 10.0, "pv_pu": pv, "wind_pu": 0.2}).to_csv(tmp_path / "p.csv", index=False)
    sources = [{"name": "pv", "type": "pv", "capacity_mw": {"min": 0, "max": pv_max},
                "profile": {"file": "p.csv", "column": "pv_pu"}, "same_county": True, "same_city": True}]
    if wind:
        sources.append({"name": "wf", "type": "wind", "capacity_mw": {"min": 0, "max": 100},
                        "profile": {"file": "p.csv", "column": "wind_pu"}})
    site: dict[str, Any] = {"name": name, "jurisdiction": "national", "year": 2026,
                            "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"},
                            "days": {"weights": list(weights)}, "sources": sources,
                            "connection": {"voltage_kv": 110, "capacity_mw": 100, "spot_market": "continuous"}}
    if storage:
        site["storage"] = storage
    if finance:
        site["finance"] = finance
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site))
    return path


@pytest.fixture
def two_days(tmp_path):
    """:func:`two_day_site`: the sizing site of the sensitivity and Pareto tests."""
    return two_day_site(tmp_path)


def hand_finance_params(**changes: Any):
    """The finance parameters of the hand-computed cash flows: three years at r = 10 %, every item
    off (no tax, debt, escalation, certificates, replacement cost, salvage), then ``changes``."""
    from gdc.finance.params import finance_params
    from gdc.site.read import read_site

    base = dict(evaluation_years=3, discount_rate=0.10, debt_share=0.0, interest_rate=0.10, loan_years=3,
                income_tax_rate=0.0, tax_holiday=False, loss_carry_years=5, depreciation_years=3,
                salvage_fraction=0.0, om_escalation=0.0, tariff_escalation=0.0, storage_replacement_year=2,
                storage_replacement_cny_per_kwh=0.0, storage_replacement_share=1.0, certificate_cny_per_mwh=0.0,
                carbon_cny_per_t=None, grid_emission_factor_t_per_mwh=0.5366, other_investment_cny=0.0,
                staff_cny_per_year=0.0, self_use_fees_cny_per_kwh=0.0)
    base.update(changes)
    return finance_params(read_site(SAMPLES / "v3-tool-flat-load" / "site.yaml"), **base)


def evaluated_cash_flow_sheet(finance: dict[str, Any], tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """The cash-flow sheet of a finance dict, written to ``tmp_path / "cf.xlsx"`` and recomputed by ``formulas``:
    (the sheet's named cells, every cell's value by address). Skips without ``formulas``."""
    formulas = pytest.importorskip("formulas")
    from openpyxl import Workbook

    from gdc.finance.workbook import cash_flow_sheet

    wb = Workbook()
    cells = cash_flow_sheet(wb, finance)
    path = tmp_path / "cf.xlsx"
    wb.save(path)
    sol = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {k.split("!")[-1]: v.value[0][0] for k, v in sol.items() if "CASH FLOW" in k.upper()
              and hasattr(v, "value")}
    return cells, values
