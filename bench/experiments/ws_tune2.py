"""Anchored primal simplex (ws_main.py stage d): cheaper fixed-y0 basis and simplex options.

One process: the fixed-y0 dispatch with IPM + crossover under a few IPM tolerances (time, and the
anchored primal simplex iterations from each basis), then simplex option variants from one basis.
Usage::

    python bench/experiments/ws_tune2.py [--json out.json]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from ws_common import build_exact, cap_columns, certify, dump, info_of, log, setup, typical_design, with_caps_fixed
from ws_tune import anchored

from gdc.optimise.solve import make_highs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--tl", type=float, default=60)
    args = ap.parse_args()
    rows = []
    site, profiles, costs, rule_set, full = setup()
    m, lp, t_build = build_exact(full)
    caps = cap_columns(m, lp)
    r0, n0 = lp.A.shape
    y0, t_td, _ = typical_design(site, profiles, costs, rule_set)
    lpF = with_caps_fixed(lp, caps, y0)

    def run_d(B0, extra, label, t_fix):
        opts = {"solver": "simplex", "simplex_strategy": 4, "time_limit": args.tl, **extra}
        t0 = time.perf_counter()
        h = anchored(lp, caps, y0, B0, opts)
        h.run()
        t_s = time.perf_counter() - t0
        i2 = info_of(h)
        s = h.getSolution()
        cert = certify(lp, np.asarray(s.col_value)[:n0], np.asarray(s.row_dual)[:r0])
        r = {"label": label, "td_s": t_td, "fix_s": t_fix, "simplex_s": t_s, "total_s": t_td + t_fix + t_s,
             **i2, "s_per_it": t_s / max(1, i2["simplex_it"]), "certificate": cert}
        rows.append(r)
        log(f"{label:<50} fix {t_fix:5.2f}  simplex {t_s:6.2f} s  it {i2['simplex_it']:6d} ({r['s_per_it']*1e3:.2f} ms/it)"
            f"  total {r['total_s']:6.2f}  obj {i2['obj']:.4f} gap {cert['rel_gap']:.1e} {i2['status']}")
        if args.json:
            dump(Path(args.json), rows)

    bases = {}
    for label, fo in (("ipm default tol + crossover", {}),
                      ("ipm opt tol 1e-5 + crossover", {"ipm_optimality_tolerance": 1e-5}),
                      ("ipm opt+feas tol 1e-5 + crossover", {"ipm_optimality_tolerance": 1e-5,
                                                              "primal_feasibility_tolerance": 1e-7}),
                      ):
        h = make_highs(lpF, {"solver": "ipm", "run_crossover": "on", **fo})
        t0 = time.perf_counter()
        h.run()
        t_fix = time.perf_counter() - t0
        iF = info_of(h)
        log(f"fixed: {label}: {t_fix:.2f} s {iF}")
        bases[label] = (h.getBasis(), t_fix)
        run_d(bases[label][0], {}, f"d from [{label}]", t_fix)
    B0, t_fix = bases["ipm default tol + crossover"]
    for extra in ({"simplex_price_strategy": 0}, {"simplex_price_strategy": 1}, {"simplex_price_strategy": 2},
                  {"simplex_update_limit": 1000}, {"simplex_update_limit": 200},
                  {"simplex_scale_strategy": 0}, {"primal_simplex_bound_perturbation_multiplier": 0.0}):
        run_d(B0, extra, f"d {extra}", t_fix)


if __name__ == "__main__":
    main()
