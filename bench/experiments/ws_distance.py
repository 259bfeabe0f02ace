"""Anchored primal simplex iterations vs the distance of the anchor y from the optimum y*.

Anchors: the 16-day y0, convex combinations y* + s (y0 - y*) for s in (0.5, 0.1, 0.01), and y* itself.
Usage: python bench/experiments/ws_distance.py [--json out.json]
"""
import argparse
import time
from pathlib import Path

import numpy as np
from ws_common import build_exact, cap_columns, certify, dump, info_of, log, setup, typical_design, with_caps_fixed
from ws_tune import anchored

from gdc.optimise.solve import make_highs

YSTAR = {"pv": 142.9803148999303, "wind": 207.28054380389594, "P": 64.0, "E": 304.4615406814718}  # ws_final.log

ap = argparse.ArgumentParser()
ap.add_argument("--json")
ap.add_argument("--steps", type=float, nargs="*", default=[1.0, 0.5, 0.1, 0.01, 0.0])
args = ap.parse_args()
site, profiles, costs, rule_set, full = setup()
m, lp, _ = build_exact(full)
caps = cap_columns(m, lp)
r0, n0 = lp.A.shape
y0, _, _ = typical_design(site, profiles, costs, rule_set)
rows = []
for s in args.steps:
    y = {k: YSTAR[k] + s * (y0[k] - YSTAR[k]) for k in caps}
    t0 = time.perf_counter()
    hF = make_highs(with_caps_fixed(lp, caps, y), {"solver": "ipm", "run_crossover": "on"})
    hF.run()
    t_fix = time.perf_counter() - t0
    iF = info_of(hF)
    t0 = time.perf_counter()
    h = anchored(lp, caps, y, hF.getBasis(), {"solver": "simplex", "simplex_strategy": 4, "simplex_price_strategy": 2})
    h.run()
    t_s = time.perf_counter() - t0
    i = info_of(h)
    sol = h.getSolution()
    cert = certify(lp, np.asarray(sol.col_value)[:n0], np.asarray(sol.row_dual)[:r0])
    rows.append({"step": s, "y": y, "fix_s": t_fix, "fixed_obj": iF["obj"], "fixed_crossover_it": iF["crossover_it"],
                 "simplex_s": t_s, **i, "certificate": cert})
    log(f"s {s:5.2f}  y {({k: round(v, 3) for k, v in y.items()})}  fixed obj {iF['obj']:.2f} ({t_fix:.2f} s)  "
        f"simplex {t_s:.2f} s it {i['simplex_it']}  obj {i['obj']:.4f} gap {cert['rel_gap']:.1e}")
    if args.json:
        dump(Path(args.json), rows)
