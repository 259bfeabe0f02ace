"""Warm-starting HiGHS on the exact full-year sizing LP from a 16-typical-day design.

One process: IPX baseline (solve(lp, {"solver": "ipm"})) and the warm-start variants on the
same compiled LP.  Usage::

    python bench/experiments/ws_main.py --stages base td fix a b c d [--tl 120] [--json out.json]

Stages
  base  HiGHS IPX + crossover on the exact LP (in-process baseline)
  simplex  HiGHS defaults (dual simplex) on the exact LP (the 1/10 target's reference)
  td    16 typical days -> capacities y0 (round 1 of size_site_typical)
  fix   exact LP with capacity columns fixed at y0 (same rows/cols): IPM no crossover (z0, certificate
        options) and IPM + crossover (vertex + basis B0)
  a     IPX crossover (Highs.crossover) from (y0, z0) [+ duals], then simplex on the free LP
  b     setSolution(y0, z0) + simplex
  c     basis B0 on the fixed LP, relax the capacity bounds in place, simplex hot start (dual, then primal)
  d     capacity columns basic via rows cap_k - p_k + n_k = y0_k (p, n >= 0 nonbasic): basis
        B0 + 4 basic capacity columns is primal feasible at (y0, z0); primal simplex
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from ws_common import (
    build_exact,
    cap_columns,
    certify,
    dump,
    info_of,
    log,
    setup,
    solution_of,
    typical_design,
    with_caps_fixed,
)

from gdc.optimise.solve import make_highs, solve


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stages", nargs="*", default=["base", "td", "fix", "a", "b", "c", "d"])
    ap.add_argument("--tl", type=float, default=120.0, help="time limit per warm variant [s]")
    ap.add_argument("--json", default=None)
    ap.add_argument("--no-duals", action="store_true", help="stage a: primal point only")
    args = ap.parse_args()
    import highspy

    rows: list[dict] = []
    site, profiles, costs, rule_set, full = setup()
    m, lp, t_build = build_exact(full)
    caps = cap_columns(m, lp)
    cj = np.array(list(caps.values()), dtype=np.int32)
    log(f"exact LP {lp.A.shape[0]} x {lp.A.shape[1]}, nnz {lp.A.nnz}, build+compile {t_build:.2f} s; caps {caps}")
    ref = {"obj": None, "t": None}

    def add(method, seconds, iters, obj, x=None, yd=None, **kw):
        r = {"method": method, "seconds": seconds, "iterations": iters, "objective": obj, **kw}
        if x is not None and yd is not None:
            r["certificate"] = certify(lp, x, yd)
        if ref["obj"] is not None and obj is not None:
            r["rel_diff_vs_ipx"] = (obj - ref["obj"]) / abs(ref["obj"])
        if ref["t"] is not None:
            r["ratio_vs_ipx"] = seconds / ref["t"]
        rows.append(r)
        log(f"{method:<58} {seconds:8.2f} s  it {iters}  obj {obj!r}  "
            + "  ".join(f"{k}={v}" for k, v in r.items() if k not in ("method", "seconds", "iterations", "objective")))
        if args.json:
            dump(__import__("pathlib").Path(args.json), rows)

    if "base" in args.stages:
        sol = solve(lp, {"solver": "ipm"})
        ref["obj"], ref["t"] = sol.objective, sol.seconds
        add("IPX + crossover (exact LP, baseline)", sol.seconds, sol.info, sol.objective, sol.x, sol.row_dual,
            status=sol.status, build_s=t_build)
        x_star = sol.x
        log("x* caps " + str({k: float(x_star[j]) for k, j in caps.items()}))
    if "simplex" in args.stages:
        sol = solve(lp, {"solver": "simplex"})
        add("HiGHS default dual simplex (exact LP)", sol.seconds, sol.info, sol.objective, sol.x, sol.row_dual,
            status=sol.status)

    if "td" not in args.stages:
        return
    y0, t_td, td_obj = typical_design(site, profiles, costs, rule_set)
    add("16 typical days: cluster + size (y0)", t_td, None, td_obj, y0={k: round(v, 4) for k, v in y0.items()})

    lpF = with_caps_fixed(lp, caps, y0)
    # z0 as the typical-day certificate computes it (IPM, no crossover, optimality 1e-5)
    hF0 = make_highs(lpF, {"solver": "ipm", "run_crossover": "off", "ipm_optimality_tolerance": 1e-5})
    t0 = time.perf_counter()
    hF0.run()
    t_fix0 = time.perf_counter() - t0
    iF0 = info_of(hF0)
    x0, yd0, cd0 = solution_of(hF0)
    add("fixed-y0 full-year dispatch: IPM no crossover (z0)", t_fix0, iF0, iF0["obj"], status=iF0["status"])
    # vertex + basis of the fixed LP
    hF = make_highs(lpF, {"solver": "ipm", "run_crossover": "on"})
    t0 = time.perf_counter()
    hF.run()
    t_fix = time.perf_counter() - t0
    iF = info_of(hF)
    xB, ydB, cdB = solution_of(hF)
    B0 = hF.getBasis()
    add("fixed-y0 full-year dispatch: IPM + crossover (basis B0)", t_fix, iF, iF["obj"], status=iF["status"])
    log(f"reduced costs of the fixed capacity columns at B0: {dict(zip(caps, cdB[cj].round(2)))}")
    tl = args.tl

    # ---- (a) IPX crossover from the primal (+dual) point, then simplex
    if "a" in args.stages:
        for with_duals in ([False] if args.no_duals else [True, False]):
            h = make_highs(lp, {"solver": "simplex", "time_limit": tl})
            s = highspy.HighsSolution()
            s.col_value = list(x0)
            s.row_value = list(lp.A @ x0)
            s.value_valid = True
            if with_duals:
                cd = cd0.copy()
                cd[cj] = 0.0  # capacities are interior in the free LP: no reduced cost is complementary
                s.col_dual = list(cd)
                s.row_dual = list(yd0)
                s.dual_valid = True
            t0 = time.perf_counter()
            st = h.crossover(s)
            t_x = time.perf_counter() - t0
            ix = info_of(h)
            xb = h.getBasis()
            add(f"(a) crossover from (y0,z0){' +duals' if with_duals else ''}", t_x, ix, ix["obj"],
                status=f"{st} {ix['status']}", basis_valid=bool(xb.valid))
            t1 = time.perf_counter()
            h.setOptionValue("solver", "simplex")
            h.run()
            t_s = time.perf_counter() - t1
            i2 = info_of(h)
            x, yd, _ = solution_of(h)
            add(f"(a) ... then simplex{' (duals)' if with_duals else ''}: total incl. td+fix",
                t_td + t_fix0 + t_x + t_s, i2, i2["obj"], x, yd, status=i2["status"], crossover_s=t_x,
                simplex_s=t_s, s_per_it=t_s / max(1, i2["simplex_it"]))

    # ---- (b) setSolution + simplex
    if "b" in args.stages:
        h = make_highs(lp, {"solver": "simplex", "time_limit": tl})
        s = highspy.HighsSolution()
        s.col_value = list(x0)
        s.row_value = list(lp.A @ x0)
        s.value_valid = True
        t0 = time.perf_counter()
        h.setSolution(s)
        h.run()
        t_s = time.perf_counter() - t0
        i2 = info_of(h)
        x, yd, _ = solution_of(h)
        add("(b) setSolution(y0,z0) + simplex: total incl. td+fix", t_td + t_fix0 + t_s, i2, i2["obj"], x, yd,
            status=i2["status"], simplex_s=t_s, s_per_it=t_s / max(1, i2["simplex_it"]))

    # ---- (c) hot start: basis of the fixed LP, relax the capacity bounds in place
    if "c" in args.stages:
        for strat, name in ((1, "dual"), (4, "primal")):
            h = make_highs(lpF, {"solver": "simplex", "time_limit": tl, "simplex_strategy": strat})
            h.setBasis(B0)
            t0 = time.perf_counter()
            h.changeColsBounds(len(cj), cj, lp.col_lower[cj], lp.col_upper[cj])
            h.run()
            t_s = time.perf_counter() - t0
            i2 = info_of(h)
            x, yd, _ = solution_of(h)
            add(f"(c) B0, capacity bounds relaxed, {name} simplex: total incl. td+fix(crossover)",
                t_td + t_fix + t_s, i2, i2["obj"], x, yd, status=i2["status"], simplex_s=t_s,
                s_per_it=t_s / max(1, i2["simplex_it"]))

    # ---- (d) capacity columns basic through 4 anchor rows cap_k - p_k + n_k = y0_k
    if "d" in args.stages:
        for strat, name in ((4, "primal"), (1, "dual")):
            h = make_highs(lp, {"solver": "simplex", "time_limit": tl, "simplex_strategy": strat})
            n0, r0 = len(lp.c), lp.A.shape[0]
            t0 = time.perf_counter()
            # 8 new columns p_k, n_k (cost 0, >= 0), then 4 rows
            h.addVars(8, np.zeros(8), np.full(8, highspy.kHighsInf))
            for i, (k, j) in enumerate(caps.items()):
                idx = np.array([j, n0 + 2 * i, n0 + 2 * i + 1], dtype=np.int32)
                val = np.array([1.0, -1.0, 1.0])
                h.addRow(y0[k], y0[k], 3, idx, val)
            b = highspy.HighsBasis()
            cs = list(B0.col_status)
            for j in cj:
                cs[j] = highspy.HighsBasisStatus.kBasic
            cs += [highspy.HighsBasisStatus.kLower] * 8
            rs = list(B0.row_status) + [highspy.HighsBasisStatus.kLower] * 4
            b.col_status = cs
            b.row_status = rs
            b.valid = True
            st = h.setBasis(b)
            h.run()
            t_s = time.perf_counter() - t0
            i2 = info_of(h)
            s = h.getSolution()
            x = np.asarray(s.col_value)[:n0]
            yd = np.asarray(s.row_dual)[:r0]
            add(f"(d) anchored capacities basic, {name} simplex: total incl. td+fix(crossover)",
                t_td + t_fix + t_s, i2, i2["obj"], x, None, status=f"{st} {i2['status']}", simplex_s=t_s,
                s_per_it=t_s / max(1, i2["simplex_it"]))
            # the anchor rows' duals are the capacity reduced costs; certify on the original LP with
            # the first r0 row duals (the anchor rows are not in lp)
            rows[-1]["certificate"] = certify(lp, x, yd)
            log(f"   certificate {rows[-1]['certificate']}")


if __name__ == "__main__":
    main()
