"""The benchmark's stacked life LP (bench/reference_lp.py, issue 13): per-year blocks, shared capacities."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from reference_lp import (  # noqa: E402
    SizingInput,
    life_input,
    solve_life,
    solve_reference,
    stack,
    year_block,
)

SIMPLEX = {"solver": "simplex"}


def two_day_case() -> SizingInput:
    """48 hours: a 10 MW load, PV in hours 6-17 of each day, wind 0.2-0.6, a two-price tariff, storage."""
    h = np.arange(48) % 24
    pv = np.where((h >= 6) & (h < 18), np.sin(np.pi * (h - 6 + 0.5) / 12), 0.0)
    wind = 0.4 + 0.2 * np.cos(2 * np.pi * np.arange(48) / 31)
    price = np.where((h >= 8) & (h < 22), 700.0, 300.0)
    return SizingInput(load=np.full(48, 10.0), profiles=np.vstack([pv, wind]), import_price=price,
                       export_price=np.full(48, 250.0), export_cap=np.full(48, 20.0), weights=np.ones(48),
                       cost_source=np.array([900.0, 1500.0]), cap_lo=np.zeros(2), cap_hi=np.full(2, 100.0),
                       cost_power=100.0, cost_energy=150.0, import_cap=30.0, p_max=50.0, e_max=200.0,
                       gen_share=0.6, load_share=0.5, export_share=0.2, util_min=None)


def solar_only_case() -> SizingInput:
    """48 hours, a 10 MW load, one PV source at 1 MW/MW in hours 8-15 of each day, no storage."""
    h = np.arange(48) % 24
    pv = np.where((h >= 8) & (h < 16), 1.0, 0.0)
    return SizingInput(load=np.full(48, 10.0), profiles=pv[None, :], source_names=("pv",),
                       import_price=np.full(48, 500.0), export_price=np.full(48, 300.0),
                       export_cap=np.full(48, 100.0), weights=np.ones(48), cost_source=np.array([10_000.0]),
                       cap_lo=np.zeros(1), cap_hi=np.full(1, 100.0), cost_power=0.0, cost_energy=0.0,
                       p_max=0.0, e_max=0.0, soc_min=0.0, gen_share=0.6, load_share=0.30,
                       export_share=0.2, util_min=None)


def test_two_identical_years_equal_the_one_year_optimum():
    """Two identical 48-hour years, each with its own rule rows and weight 1/2, share one set of
    capacities: every feasible one-year dispatch repeated is feasible for both, and averaging the
    two years' dispatches (the LP is convex, the years identical) is feasible for one year, so the
    optimum is the one-year optimum (and that of the old ``stack``, one rule over 96 hours)."""
    inp = two_day_case()
    one = solve_reference(inp, SIMPLEX)
    assert one.status == "Optimal"
    life = life_input(inp, [year_block(inp, 2026, weight=0.5), year_block(inp, 2027, weight=0.5)])
    two = solve_life(life, solver="defaults")
    assert two.status == "Optimal"
    assert two.objective == pytest.approx(one.objective, rel=1e-9)
    assert two.objective == pytest.approx(solve_reference(stack(inp, 2), SIMPLEX).objective, rel=1e-9)
    # the rules bind year by year: each year's self-use is at least 50 % of its 480 MWh load
    for b in two.info["block_results"]:
        assert b["self_use_of_load_pct"] >= 50.0 - 1e-6


def test_hand_solved_degradation_path():
    """One PV source, no storage, 10 MW load over 48 h (480 MWh), PV 1 MW/MW in 16 of the hours.

    Year 1 alone: load share 30 % needs S = 16 min(x, 10) >= 144 MWh, so x >= 9 MW; each MW costs
    10,000 and saves 16 x 500 = 8,000 of imports, so x = 9: 9 x 10,000 + 500 x (480 - 144) =
    258,000 CNY. Over two years, weight 1/2 each, with the PV factor 0.9 in year 2: year 2 needs
    0.9 x >= 9, x = 10 MW (no export: 0.9 x 10 < 10 MW load); cost 10 x 10,000 + 0.5 x 500 x
    (480 - 16 x 10) + 0.5 x 500 x (480 - 16 x 9) = 100,000 + 80,000 + 84,000 = 264,000 CNY.
    """
    inp = solar_only_case()
    one = solve_life(life_input(inp, [year_block(inp, 2026)]), solver="defaults")
    assert one.objective == pytest.approx(258_000.0, rel=1e-9)
    assert one.capacities["pv"] == pytest.approx(9.0, rel=1e-9)
    life = life_input(inp, [year_block(inp, 2026, weight=0.5), year_block(inp, 2027, pv=0.9, weight=0.5)])
    two = solve_life(life, solver="defaults")
    assert two.objective == pytest.approx(264_000.0, rel=1e-9)
    assert two.capacities["pv"] == pytest.approx(10.0, rel=1e-9)
    shares = [b["self_use_of_load_pct"] for b in two.info["block_results"]]
    assert shares == pytest.approx([100 * 160 / 480, 100 * 144 / 480], rel=1e-9)


def two_day_site(tmp_path):
    """The two-day site of tests/test_size.py (10 MW load; PV 0.5 / 0.25 pu in hours 8-15; wind 0.2 pu)
    with storage, flat tariff (import 650 > export 350 CNY/MWh: serving the load first never costs more)."""
    import pandas as pd
    import yaml

    h = np.arange(48)
    sun = (h % 24 >= 8) & (h % 24 <= 15)
    pv = np.where(sun, np.where(h < 24, 0.5, 0.25), 0.0)
    pd.DataFrame({"load_mw": 10.0, "pv_pu": pv, "wind_pu": 0.2}).to_csv(tmp_path / "p.csv", index=False)
    site = {"name": "two days, two years", "jurisdiction": "national", "year": 2026,
            "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"}, "days": {"weights": [1, 1]},
            "sources": [{"name": "pv", "type": "pv", "capacity_mw": {"min": 0, "max": 100},
                         "profile": {"file": "p.csv", "column": "pv_pu"}},
                        {"name": "wf", "type": "wind", "capacity_mw": {"min": 0, "max": 100},
                         "profile": {"file": "p.csv", "column": "wind_pu"}}],
            "storage": {"power_mw": {"min": 0, "max": 50}, "energy_mwh": {"min": 0, "max": 200}},
            "connection": {"voltage_kv": 110, "capacity_mw": 100, "spot_market": "continuous"}}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site))
    return path


def test_agrees_with_gdc_horizon_exact(tmp_path):
    """gdc's stacked full-year LP (``size_horizon(..., exact=True)``) over 2026-2027 and the
    reference built from the same years' arrays (gdc's lp_data per year: the life model's PV 0.99,
    wind 0.984, storage 0.98 in 2027; that year's rule rows) with the same weights (d = 1, 1/1.05
    normalised: 0.512195, 0.487805) reach the same optimum."""
    horizon = pytest.importorskip("gdc.optimise.horizon")
    from reference_lp import LifeInput, YearBlock

    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import lp_data
    from gdc.profiles.life import life_year, year_profiles
    from gdc.site.read import read_site, with_year

    site = read_site(two_day_site(tmp_path))
    years = [2026, 2027]
    weights, _ = horizon.year_weights(years, horizon.discount_rate(site))
    assert [weights[y] for y in years] == pytest.approx([1 / (1 + 1 / 1.05), (1 / 1.05) / (1 + 1 / 1.05)])
    blocks, const, first = [], 0.0, None
    for y in years:
        sy = with_year(site, y)
        prof = year_profiles(sy, y)
        rs, _ = get_rule_set(sy)
        data = lp_data(sy, prof, get_costs(sy, prof), rs)
        const += weights[y] * data.constant_cost
        first = first or data  # the capacities' costs are the first year's (one build)
        blocks.append(YearBlock(year=y, load=data.load, profiles=np.vstack([data.pu["pv"], data.pu["wf"]]),
                                import_price=data.import_price, export_price=data.export_price,
                                export_cap=np.minimum(data.export_cap, 1e9), hour_weights=data.weights,
                                rules=[(dict(rc.terms), rc.op) for rc in data.rules], weight=weights[y],
                                storage_energy=life_year(site, y).storage_energy, period_hours=data.period_hours))
    assert life_year(site, 2027).storage_energy == pytest.approx(0.98)
    st = site.storage
    life = LifeInput(blocks=blocks, source_names=("pv", "wf"), source_types=("pv", "wind"),
                     cost_source=np.array([first.cost_per_mw["pv"], first.cost_per_mw["wf"]]), cap_lo=np.zeros(2),
                     cap_hi=np.full(2, 100.0), cost_power=first.storage_cost_per_mw,
                     cost_energy=first.storage_cost_per_mwh, import_cap=100.0, p_max=50.0, e_max=200.0,
                     eta_c=st.charge_efficiency, eta_d=st.discharge_efficiency, sigma=st.self_discharge_per_h,
                     soc_min=st.soc_min, soc_max=st.soc_max)
    ref = solve_life(life, solver="defaults")
    assert ref.status == "Optimal"
    res = horizon.size_horizon(site, years, exact=True)
    hz = res.extra["horizon"]
    assert hz["self_use_first"]["status"] == "exact"
    assert hz["objective_cny_per_yr"] == pytest.approx(ref.objective + const, rel=1e-7)
