"""Fastest exact solve of the sizing LP measured so far, with an optimality certificate.

STATUS (see bench/README.md): the goal "exact optimum in <= 1/10 of the reference time"
is NOT reached yet.  The best measured exact route is HiGHS's interior point (IPX) with
crossover on the reference formulation: 44 s against 190 s for HiGHS defaults (dual
simplex) on the same LP, i.e. ratio 0.23, identical objective.  The experimental banded
interior point in ``bench/ipm_banded.py`` (method ``"banded_ipm"``) is kept for the
follow-up; it does not converge reliably yet.

Certificate
-----------
Whatever produced the primal/dual vectors, :func:`certify` proves the optimum:

* lower bound  ``LB = L(y)``, the Lagrangian dual function at the row duals ``y``
  (valid for ANY ``y`` because every column has finite bounds, see
  :func:`formulations.lagrangian_bound`);
* upper bound  ``UB = c'x + offset`` of the primal point, with its maximum row/bound
  violation reported (HiGHS' own feasibility tolerance is 1e-7);
* certified when ``(UB - LB) / |UB| <= gap_tol`` (default 1e-6).

Usage::

    from reference_lp import load_v3_case
    from fast_exact import solve_fast_exact
    res = solve_fast_exact(load_v3_case())       # SolveResult
    res.info["certificate"]                      # {"lower_bound", "upper_bound", "rel_gap", ...}
"""

from __future__ import annotations

import time

import numpy as np
from formulations import build_variant, lagrangian_bound, primal_residual
from reference_lp import (
    LPArrays,
    SizingInput,
    SolveResult,
    build_reference_arrays,
    capacities_from,
    solve_lp_arrays,
)

#: HiGHS options of the best exact route measured (see README table).
FAST_OPTIONS = {"solver": "ipm", "run_crossover": "on"}


def with_implied_bounds(lp: LPArrays, inp: SizingInput) -> LPArrays:
    """Copy of a reference-layout LP with finite implied upper bounds on the hourly columns
    (u <= min(G, L), c <= min(G, Pmax), q <= G, d <= min(L, Pmax), s <= soc_max Emax_max,
    G = max hourly generation): same optimum, finite Lagrangian bound for any duals."""
    from dataclasses import replace as _replace

    ix = lp.index
    if not isinstance(ix.get("q"), slice):
        return lp
    gmax = inp.profiles.T @ inp.cap_hi
    hi = lp.col_hi.copy()
    hi[ix["u"]] = np.minimum(hi[ix["u"]], np.minimum(gmax, inp.load))
    hi[ix["c"]] = np.minimum(hi[ix["c"]], np.minimum(gmax, inp.p_max))
    hi[ix["q"]] = np.minimum(hi[ix["q"]], gmax)
    hi[ix["d"]] = np.minimum(hi[ix["d"]], np.minimum(inp.load, inp.p_max))
    hi[ix["s"]] = np.minimum(hi[ix["s"]], inp.soc_max * inp.e_max)
    return _replace(lp, col_hi=hi)


def certify(lp: LPArrays, x: np.ndarray, y: np.ndarray, gap_tol: float = 1e-6) -> dict:
    """Lagrangian lower bound from duals ``y`` vs objective of ``x`` (see module docstring).
    ``lp`` must have finite bounds on every column (see :func:`with_implied_bounds`)."""
    lb = lagrangian_bound(lp, y)
    ub = float(lp.c @ x + lp.offset)
    res = primal_residual(lp, x)
    gap = (ub - lb) / max(1.0, abs(ub))
    return {
        "lower_bound": lb,
        "upper_bound": ub,
        "rel_gap": gap,
        **res,
        "certified": bool(gap <= gap_tol and res["max_row_violation"] <= 1e-6
                          and res["max_col_violation"] <= 1e-6),
    }


def solve_fast_exact(
    inp: SizingInput,
    method: str = "highs_ipm",
    options: dict | None = None,
    gap_tol: float = 1e-6,
) -> SolveResult:
    """Solve the sizing LP of ``inp`` exactly and certify the optimum.

    method
        ``"highs_ipm"`` (default): reference formulation, HiGHS IPX + crossover
        (:data:`FAST_OPTIONS`, overridable by ``options``).
        ``"banded_ipm"``: EXPERIMENTAL custom interior point on the chained,
        time-ordered formulation (does not converge reliably yet).
    """
    t0 = time.perf_counter()
    if method == "highs_ipm":
        lp = build_reference_arrays(inp)
        t_build = time.perf_counter() - t0
        h, t_pass, t_solve = solve_lp_arrays(lp, {**FAST_OPTIONS, **(options or {})})
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        y = np.asarray(sol.row_dual)
        status = h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        extra = {"ipm_iterations": int(info.ipm_iteration_count),
                 "crossover_iterations": int(info.crossover_iteration_count)}
    elif method == "banded_ipm":
        from ipm_banded import solve_ipm

        lp = build_variant(inp, elim_qm=False, chains=True, time_major=True, cyclic_var=True)
        t_build = time.perf_counter() - t0
        dense = np.concatenate([np.atleast_1d(lp.index[k]) for k in ("x", "P", "E", "s0")])
        r = solve_ipm(lp, dense, **(options or {}))
        x, y, status = r.x, r.y, r.status
        t_pass, t_solve = r.t_setup, r.t_iter
        extra = {"ipm_iterations": r.iterations}
    else:
        raise ValueError(f"unknown method {method!r}")
    t1 = time.perf_counter()
    cert = certify(with_implied_bounds(lp, inp), x, y, gap_tol)
    t_cert = time.perf_counter() - t1
    return SolveResult(
        method=f"fast_exact[{method}]",
        objective=cert["upper_bound"],
        capacities=capacities_from(x, lp.index, inp.source_names),
        status=status,
        t_build=t_build,
        t_pass=t_pass,
        t_solve=t_solve + t_cert,
        info={**extra, "certificate": cert, "t_certificate": t_cert,
              "rows": lp.shape[0], "cols": lp.shape[1]},
    )
