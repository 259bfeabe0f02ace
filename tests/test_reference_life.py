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
