"""Shared pieces for the warm-start experiments (bench/experiments/ws_*.py).

Everything here uses gdc's own model (build_model(lp_data(...)) + compile_model) for the
V3 sizing site bench/sites/v3-size.yaml.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path.insert(0, str(BENCH))

#: any feasible point of the V3 LP satisfies every hourly column <= 1e4 (u <= load, c, d <= P <= 500,
#: e, m <= 80, q <= generation <= 1000, s <= E <= 2000): a valid implied bound for the Lagrangian.
IMPLIED_UB = 1e4


def log(msg: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def setup():
    """site, profiles, costs, rule_set, full-year LPData (imports tsam up front, untimed)."""
    import tsam  # noqa: F401

    from gdc.check import get_rule_set
    from gdc.economics import get_costs
    from gdc.optimise.model import lp_data
    from gdc.profiles import get_profiles
    from gdc.site import read_site

    site = read_site(BENCH / "sites" / "v3-size.yaml")
    profiles = get_profiles(site)
    rule_set, _ = get_rule_set(site)
    costs = get_costs(site, profiles)
    full = lp_data(site, profiles, costs, rule_set)
    return site, profiles, costs, rule_set, full


def build_exact(full):
    from gdc.optimise.model import build_model
    from gdc.optimise.solve import compile_model

    t0 = time.perf_counter()
    m = build_model(full)
    lp = compile_model(m)
    return m, lp, time.perf_counter() - t0


def cap_columns(m, lp) -> dict[str, int]:
    """Column of each capacity decision (pv, wind, P, E) in the compiled exact LP."""
    out = {k: lp.index[id(m.cap[k])] for k in m.cap}
    out["P"] = lp.index[id(m.P)]
    out["E"] = lp.index[id(m.E)]
    return out


def typical_design(site, profiles, costs, rule_set, n_days=16):
    """Round 1 of size_site_typical: cluster, reduce, size. Returns (y0 dict, seconds)."""
    from gdc.aggregate import reduce, typical_days
    from gdc.optimise.model import lp_data
    from gdc.size import _storage_template, solve_data

    t0 = time.perf_counter()
    td = typical_days(profiles, n_days, costs)
    p_red, c_red = reduce(profiles, costs, td)
    data = lp_data(site, p_red, c_red, rule_set)
    agg = solve_data(data, p_red.export_forbidden, _storage_template(site))
    d = agg.design
    y0 = dict(d.capacities_mw)
    y0["P"] = d.storage_power_mw
    y0["E"] = d.storage_energy_mwh
    return y0, time.perf_counter() - t0, agg.objective


def with_caps_fixed(lp, caps: dict[str, int], y: dict[str, float]):
    """Copy of the compiled exact LP with the capacity columns fixed by equal bounds."""
    lo = lp.col_lower.copy()
    hi = lp.col_upper.copy()
    for k, j in caps.items():
        lo[j] = hi[j] = y[k]
    return replace(lp, col_lower=lo, col_upper=hi)


def lagrangian_bound(lp, y: np.ndarray) -> float:
    """Rigorous lower bound for any row multipliers y (infinite column upper bounds replaced
    by the valid implied bound IMPLIED_UB; lower bounds are all finite here)."""
    y = np.asarray(y, float).copy()
    rl, ru = lp.row_lower, lp.row_upper
    y[(y > 0) & ~np.isfinite(rl)] = 0.0
    y[(y < 0) & ~np.isfinite(ru)] = 0.0
    row_part = np.where(y > 0, y * np.where(np.isfinite(rl), rl, 0.0),
                        y * np.where(np.isfinite(ru), ru, 0.0))
    r = lp.c - lp.A.T @ y
    lo = np.where(np.isfinite(lp.col_lower), lp.col_lower, -IMPLIED_UB)
    hi = np.where(np.isfinite(lp.col_upper), lp.col_upper, IMPLIED_UB)
    col_part = np.where(r >= 0, r * lo, r * hi)
    return float(row_part.sum() + col_part.sum() + lp.offset)


def certify(lp, x: np.ndarray, y: np.ndarray) -> dict:
    lb = lagrangian_bound(lp, y)
    ub = float(lp.c @ x + lp.offset)
    ax = lp.A @ x
    rv = float(np.max(np.maximum(np.maximum(lp.row_lower - ax, ax - lp.row_upper), 0.0)))
    cv = float(np.max(np.maximum(np.maximum(lp.col_lower - x, x - lp.col_upper), 0.0)))
    gap = (ub - lb) / max(1.0, abs(ub))
    return {"lb": lb, "ub": ub, "rel_gap": gap, "max_row_viol": rv, "max_col_viol": cv,
            "certified": bool(gap <= 1e-6 and rv <= 1e-6 and cv <= 1e-6)}


def info_of(h) -> dict:
    i = h.getInfo()
    return {"status": h.modelStatusToString(h.getModelStatus()), "obj": float(i.objective_function_value),
            "simplex_it": int(i.simplex_iteration_count), "ipm_it": int(i.ipm_iteration_count),
            "crossover_it": int(i.crossover_iteration_count)}


def solution_of(h):
    s = h.getSolution()
    return np.asarray(s.col_value), np.asarray(s.row_dual), np.asarray(s.col_dual)


def dump(path: Path, rows: list[dict]) -> None:
    path.write_text(json.dumps(rows, indent=2, default=float))
