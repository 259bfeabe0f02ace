"""(e') Damped gradient-corrected anchor: y0 + a (y1 - y0), y1 from ws_corrected.py round 1.

The undamped corrected anchor y1 is full-year infeasible (ws_corrected.log); this checks
whether a damped step is feasible and how many anchored primal simplex iterations remain.
Usage: python bench/experiments/ws_damped.py [--alphas 0.3 0.5 0.7] [--json out.json]
"""
import argparse
import time
from pathlib import Path

import numpy as np
from ws_common import build_exact, cap_columns, certify, dump, info_of, log, setup, with_caps_fixed
from ws_tune import anchored

from gdc.optimise.solve import make_highs

Y0 = {"pv": 156.449, "wind": 176.9434, "P": 63.9198, "E": 298.7823}
Y1 = {"pv": 134.47, "wind": 222.89, "P": 64.0, "E": 293.673}
ap = argparse.ArgumentParser()
ap.add_argument("--alphas", type=float, nargs="*", default=[0.3, 0.5, 0.7])
ap.add_argument("--json")
args = ap.parse_args()
site, profiles, costs, rule_set, full = setup()
m, lp, _ = build_exact(full)
caps = cap_columns(m, lp)
r0, n0 = lp.A.shape
rows = []
for a in args.alphas:
    y = {k: Y0[k] + a * (Y1[k] - Y0[k]) for k in caps}
    t0 = time.perf_counter()
    hF = make_highs(with_caps_fixed(lp, caps, y), {"solver": "ipm", "run_crossover": "on"})
    hF.run()
    t_fix = time.perf_counter() - t0
    iF = info_of(hF)
    r = {"alpha": a, "y": y, "fix_s": t_fix, "fixed": iF}
    if iF["status"] == "Optimal":
        t0 = time.perf_counter()
        h = anchored(lp, caps, y, hF.getBasis(), {"solver": "simplex", "simplex_strategy": 4, "simplex_price_strategy": 2})
        h.run()
        r["simplex_s"] = time.perf_counter() - t0
        i = info_of(h)
        s = h.getSolution()
        r.update(i)
        r["certificate"] = certify(lp, np.asarray(s.col_value)[:n0], np.asarray(s.row_dual)[:r0])
    rows.append(r)
    log(f"alpha {a}: y {({k: round(v, 3) for k, v in y.items()})}  fixed {iF['status']} obj {iF['obj']:.2f} ({t_fix:.2f} s)"
        + (f"  simplex {r['simplex_s']:.2f} s it {r['simplex_it']} obj {r['obj']:.4f} gap {r['certificate']['rel_gap']:.1e}"
           if "simplex_s" in r else ""))
    if args.json:
        dump(Path(args.json), rows)
