"""Benders (trust-region Kelley) over the 4 capacities, fixed-capacity full-year dispatch as subproblem.

Cuts come from the Lagrangian bound with the subproblem's row duals pi: for ANY pi,
    L(pi; y) = alpha(pi) + g(pi)'y,  g = c_cap - A_cap' pi
is a valid lower bound of the exact LP restricted to capacities y (linear in y), so every cut is
valid even from an inexact IPM; the cut model's minimum over the whole capacity box is a
proven lower bound of the exact optimum, the best subproblem objective a proven upper bound
(its dispatch is full-year feasible).  Usage::

    python bench/experiments/ws_benders.py [--iters 40] [--delta 0.05] [--json out.json]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from ws_common import build_exact, cap_columns, dump, lagrangian_bound, log, setup, typical_design, with_caps_fixed

from gdc.optimise.solve import make_highs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=40)
    ap.add_argument("--delta", type=float, default=0.05, help="initial trust region, fraction of each box")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--timebox", type=float, default=300.0)
    ap.add_argument("--exact-obj", type=float, default=78094881.41248733)
    ap.add_argument("--json")
    args = ap.parse_args()
    site, profiles, costs, rule_set, full = setup()
    m, lp, t_build = build_exact(full)
    caps = cap_columns(m, lp)
    names = list(caps)
    cj = np.array([caps[k] for k in names])
    lo = lp.col_lower[cj].copy()
    hi = lp.col_upper[cj].copy()
    width = hi - lo
    y0d, t_td, _ = typical_design(site, profiles, costs, rule_set)
    y = np.array([y0d[k] for k in names])
    zero = with_caps_fixed(lp, caps, dict.fromkeys(names, 0.0))
    Acap = lp.A[:, cj].toarray()
    opts = {"solver": "ipm", "run_crossover": "off"}

    def sub(yv):
        lpF = with_caps_fixed(lp, caps, dict(zip(names, yv)))
        t0 = time.perf_counter()
        h = make_highs(lpF, opts)
        h.run()
        dt = time.perf_counter() - t0
        st = h.modelStatusToString(h.getModelStatus())
        s = h.getSolution()
        pi = np.asarray(s.row_dual)
        alpha = lagrangian_bound(zero, pi)
        g = lp.c[cj] - Acap.T @ pi
        obj = float(h.getInfo().objective_function_value) if st == "Optimal" else np.inf
        return st, obj, alpha, g, dt, int(h.getInfo().ipm_iteration_count)

    cuts_a, cuts_g = [], []
    rows = []
    t_start = time.perf_counter()
    st, q, a, g, dt, it = sub(y)
    cuts_a.append(a)
    cuts_g.append(g)
    center, q_center = y.copy(), q
    ub, y_best = q, y.copy()
    delta = args.delta
    t_sub_total = dt
    n_sub = 1
    log(f"start y0 {y.round(3)} Q {q:.2f} ({dt:.2f} s, {it} IPM it.)  cut at y0 {a + g @ y:.2f}")

    def master(box_lo, box_hi):
        # min theta s.t. theta >= a_i + g_i'y ; vars (y, theta)
        G = np.array(cuts_g)
        A_ub = np.hstack([G, -np.ones((len(cuts_a), 1))])
        b_ub = -np.array(cuts_a)
        c = np.zeros(len(names) + 1)
        c[-1] = 1.0
        bounds = list(zip(box_lo, box_hi)) + [(None, None)]
        r = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        return r.x[:-1], r.fun

    for k in range(1, args.iters + 1):
        _, lb = master(lo, hi)  # global lower bound: cut model over the whole box (finite: box bounded)
        gap = (ub - lb) / abs(ub)
        el = time.perf_counter() - t_start
        rows.append({"iter": k - 1, "ub": ub, "lb": lb, "gap": gap, "delta": delta, "elapsed_s": el,
                     "sub_s": t_sub_total, "n_sub": n_sub, "ub_vs_exact": (ub - args.exact_obj) / args.exact_obj})
        log(f"it {k-1:3d}  UB {ub:.4f}  LB {lb:.4f}  gap {gap:.2e}  UB-exact {rows[-1]['ub_vs_exact']:.2e}  "
            f"delta {delta:.4f}  elapsed {el:.1f} s")
        if args.json:
            dump(Path(args.json), rows)
        if gap <= args.tol or el > args.timebox:
            break
        tr_lo = np.maximum(lo, center - delta * width)
        tr_hi = np.minimum(hi, center + delta * width)
        y_new, pred = master(tr_lo, tr_hi)
        st, q, a, g, dt, it = sub(y_new)
        t_sub_total += dt
        n_sub += 1
        cuts_a.append(a)
        cuts_g.append(g)
        if q < ub:
            ub, y_best = q, y_new.copy()
        decrease = q_center - q
        predicted = q_center - pred
        on_edge = np.any(np.isclose(y_new, tr_lo) & (tr_lo > lo)) or np.any(np.isclose(y_new, tr_hi) & (tr_hi < hi))
        if st != "Optimal":
            delta *= 0.5
        elif decrease >= 0.1 * predicted and decrease > 0:
            center, q_center = y_new, q
            if decrease >= 0.5 * predicted and on_edge:
                delta = min(2 * delta, 1.0)
        elif decrease < 0:
            delta *= 0.5
        log(f"        y {y_new.round(3)} Q {q:.2f} {st} ({dt:.2f} s, {it} IPM it.) pred {predicted:.1f} actual {decrease:.1f}")
    log(f"best y {dict(zip(names, y_best.round(4)))}  subproblems {n_sub}  mean {t_sub_total / n_sub:.2f} s")


if __name__ == "__main__":
    main()
