"""The best warm start end to end, against HiGHS defaults and IPX in the same process.

All-in wall clock from the site data already read (profiles, costs, rule set: shared by every
method): build + compile of the exact LP, then
  reference  HiGHS defaults (dual simplex)
  ipx        solve(lp, {"solver": "ipm"}) (gdc's default: IPX + crossover)
  warm       16 typical days -> y0; exact LP with capacities fixed at y0 -> IPM + crossover -> basis B0;
             anchored LP (rows cap_k - p_k + n_k = y0_k, capacities basic) -> primal simplex
             (simplex_price_strategy 2); Lagrangian certificate on the exact LP.
Usage::

    python bench/experiments/ws_best.py [--repeat 3] [--skip-reference] [--json out.json]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from ws_common import build_exact, cap_columns, certify, dump, info_of, log, setup, typical_design, with_caps_fixed
from ws_tune import anchored

from gdc.optimise.solve import make_highs, solve


def warm(site, profiles, costs, rule_set, full, n_days=16, price=2):
    t = {}
    t0 = time.perf_counter()
    m, lp, t["build"] = build_exact(full)
    caps = cap_columns(m, lp)
    y0, t["td"], _ = typical_design(site, profiles, costs, rule_set, n_days)
    t1 = time.perf_counter()
    hF = make_highs(with_caps_fixed(lp, caps, y0), {"solver": "ipm", "run_crossover": "on"})
    hF.run()
    B0 = hF.getBasis()
    t["fix"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    h = anchored(lp, caps, y0, B0, {"solver": "simplex", "simplex_strategy": 4, "simplex_price_strategy": price})
    h.run()
    t["simplex"] = time.perf_counter() - t1
    i = info_of(h)
    s = h.getSolution()
    r0, n0 = lp.A.shape
    t1 = time.perf_counter()
    cert = certify(lp, np.asarray(s.col_value)[:n0], np.asarray(s.row_dual)[:r0])
    t["certify"] = time.perf_counter() - t1
    t["total"] = time.perf_counter() - t0
    return t, i, cert, {"fixed": info_of(hF)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    site, profiles, costs, rule_set, full = setup()
    rows = []

    def save():
        if args.json:
            dump(Path(args.json), rows)

    for method, opts in ([] if args.skip_reference else [("HiGHS defaults (dual simplex)", {"solver": "simplex"})]) + \
            [("IPX + crossover (gdc default)", {"solver": "ipm"})]:
        t0 = time.perf_counter()
        m, lp, t_build = build_exact(full)
        sol = solve(lp, opts)
        cert = certify(lp, sol.x, sol.row_dual)
        total = time.perf_counter() - t0
        rows.append({"method": method, "total_s": total, "build_s": t_build, "solve_s": sol.seconds,
                     "objective": sol.objective, "iterations": sol.info, "status": sol.status, "certificate": cert})
        log(f"{method:<36} total {total:7.2f} s (solve {sol.seconds:.2f})  {sol.info}  obj {sol.objective:.6f} "
            f"gap {cert['rel_gap']:.1e}")
        save()
    for k in range(args.repeat):
        t, i, cert, extra = warm(site, profiles, costs, rule_set, full)
        rows.append({"method": f"warm start (anchored primal simplex) run {k + 1}", "total_s": t["total"], "times": t,
                     "objective": i["obj"], "iterations": i, "certificate": cert, **extra})
        log(f"warm run {k + 1}: total {t['total']:.2f} s  {({a: round(b, 2) for a, b in t.items()})}  it {i['simplex_it']}"
            f"  (fixed crossover it {extra['fixed']['crossover_it']})  obj {i['obj']:.6f} gap {cert['rel_gap']:.1e}")
        save()
    ref = {r["method"]: r for r in rows}
    base_ref = ref.get("HiGHS defaults (dual simplex)")
    base_ipx = ref["IPX + crossover (gdc default)"]
    for r in rows:
        r["ratio_vs_ipx"] = r["total_s"] / base_ipx["total_s"]
        r["rel_diff_vs_ipx"] = (r["objective"] - base_ipx["objective"]) / abs(base_ipx["objective"])
        if base_ref:
            r["ratio_vs_defaults"] = r["total_s"] / base_ref["total_s"]
        log(f"{r['method']:<46} {r['total_s']:7.2f} s  vs IPX {r['ratio_vs_ipx']:.3f}"
            + (f"  vs defaults {r['ratio_vs_defaults']:.3f}" if base_ref else "")
            + f"  rel diff {r['rel_diff_vs_ipx']:.1e}")
    save()


if __name__ == "__main__":
    main()
