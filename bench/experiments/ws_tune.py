"""Tuning the best warm start (anchored capacities basic + primal simplex, ws_main.py stage d).

For each number of typical days: y0, the fixed-y0 dispatch (IPM + crossover -> basis B0), then
the anchored primal simplex with several HiGHS simplex options.  Usage::

    python bench/experiments/ws_tune.py --days 16 24 32 --edge -1 0 1 2 [--json out.json]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from ws_common import build_exact, cap_columns, certify, dump, info_of, log, setup, typical_design, with_caps_fixed

from gdc.optimise.solve import make_highs


def anchored(lp, caps, y0, B0, options):
    """Exact LP + rows cap_k - p_k + n_k = y0_k; basis B0 with the capacities basic. Returns h."""
    import highspy

    cj = np.array(list(caps.values()), dtype=np.int32)
    h = make_highs(lp, options)
    n0 = len(lp.c)
    h.addVars(8, np.zeros(8), np.full(8, highspy.kHighsInf))
    for i, (k, j) in enumerate(caps.items()):
        h.addRow(y0[k], y0[k], 3, np.array([j, n0 + 2 * i, n0 + 2 * i + 1], dtype=np.int32),
                 np.array([1.0, -1.0, 1.0]))
    b = highspy.HighsBasis()
    cs = list(B0.col_status)
    for j in cj:
        cs[j] = highspy.HighsBasisStatus.kBasic
    b.col_status = cs + [highspy.HighsBasisStatus.kLower] * 8
    b.row_status = list(B0.row_status) + [highspy.HighsBasisStatus.kLower] * 4
    b.valid = True
    h.setBasis(b)
    return h


def fixed_basis(lp, caps, y0):
    h = make_highs(with_caps_fixed(lp, caps, y0), {"solver": "ipm", "run_crossover": "on"})
    h.run()
    return h.getBasis(), info_of(h)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, nargs="*", default=[16, 24, 32])
    ap.add_argument("--edge", type=int, nargs="*", default=[-1, 0, 1, 2])
    ap.add_argument("--tl", type=float, default=60)
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    site, profiles, costs, rule_set, full = setup()
    m, lp, t_build = build_exact(full)
    caps = cap_columns(m, lp)
    r0 = lp.A.shape[0]
    n0 = len(lp.c)
    for nd in args.days:
        y0, t_td, td_obj = typical_design(site, profiles, costs, rule_set, nd)
        t0 = time.perf_counter()
        B0, iF = fixed_basis(lp, caps, y0)
        t_fix = time.perf_counter() - t0
        log(f"days {nd}: td {t_td:.2f} s  y0 {({k: round(v, 2) for k, v in y0.items()})}  fixed {t_fix:.2f} s "
            f"obj {iF['obj']:.2f}")
        for ew in args.edge:
            opts = {"solver": "simplex", "simplex_strategy": 4, "time_limit": args.tl,
                    "simplex_primal_edge_weight_strategy": ew}
            t0 = time.perf_counter()
            h = anchored(lp, caps, y0, B0, opts)
            h.run()
            t_s = time.perf_counter() - t0
            i2 = info_of(h)
            s = h.getSolution()
            cert = certify(lp, np.asarray(s.col_value)[:n0], np.asarray(s.row_dual)[:r0])
            r = {"days": nd, "edge": ew, "td_s": t_td, "fix_s": t_fix, "simplex_s": t_s, "total_s": t_td + t_fix + t_s,
                 "y0": y0, "fixed_obj": iF["obj"], **i2, "s_per_it": t_s / max(1, i2["simplex_it"]),
                 "certificate": cert}
            rows.append(r)
            log(f"   edge {ew:>2}: simplex {t_s:6.2f} s  it {i2['simplex_it']}  ({r['s_per_it']*1e3:.2f} ms/it) "
                f"total {r['total_s']:.2f} s  obj {i2['obj']:.4f}  gap {cert['rel_gap']:.1e} {i2['status']}")
            if args.json:
                dump(Path(args.json), rows)


if __name__ == "__main__":
    main()
