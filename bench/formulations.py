"""Equivalent reformulations of the sizing LP (same optimum as bench/reference_lp.py).

:func:`build_variant` builds the LP with independent switches so their effect on HiGHS can
be measured one at a time:

``elim_qm``   drop curtailment ``q_t`` and import ``m_t``: the renewable balance becomes
              ``sum_k p_kt x_k - u - c - e >= 0`` (``q`` is its slack) and the load balance
              ``L_t - Icap <= u_t + d_t <= L_t`` (``m = L - u - d``); the import cost becomes
              the constant ``sum w pi L`` minus ``sum w pi (u + d)``; the utilisation rule
              ``C <= (1-util) A`` becomes ``sum w (u + c + e) >= util A``.
``chains``    running sums instead of the dense annual rows (``cs_t = cs_{t-1} + w_t (u_t + d_t)``
              and the same for exports and, with the utilisation rule, the used generation);
              the rules constrain the last element.
``cap_copy``  hourly copies of the 4 capacity columns (``x_{k,t} = x_{k,t-1}``) so that no
              column is dense (dense columns fill the interior-point normal equations).
``time_major``  order columns and rows hour by hour instead of block by block.

All hourly variables get finite upper bounds (implied ones) so that any dual vector gives a
finite Lagrangian lower bound (see :func:`lagrangian_bound`).
"""

from __future__ import annotations

import numpy as np
from reference_lp import LPArrays, SizingInput, _Triplets


def build_variant(
    inp: SizingInput,
    elim_qm: bool = True,
    chains: bool = True,
    cap_copy: bool = False,
    time_major: bool = False,
    finite_bounds: bool = True,
    cyclic_var: bool = False,
) -> LPArrays:
    T, K = inp.T, inp.K
    w = inp.weights
    ar = np.arange(T)
    Ak = inp.profiles @ w
    Ltot = float(w @ inp.load)
    gmax = inp.profiles.T @ inp.cap_hi  # max generation per hour
    smax = inp.soc_max * inp.e_max

    ix: dict = {}
    hour_of: list = []  # per column: hour (-1 global)
    n = 0

    def addcols(name, count, hourly):
        nonlocal n
        ix[name] = slice(n, n + count)
        hour_of.append(ar if hourly else np.full(count, -1))
        n += count

    addcols("x", K, False)
    addcols("P", 1, False)
    addcols("E", 1, False)
    if cyclic_var:  # s0 = s_{T-1}: the cyclic link through one extra column and row
        addcols("s0", 1, False)
    hourly = ["u", "c", "e", "d", "s"] + ([] if elim_qm else ["q", "m"])
    for name in hourly:
        addcols(name, T, True)
    chain_names = []
    if chains:
        chain_names = ["cs", "ce"] + (["cg" if elim_qm else "cq"] if inp.util_min is not None else [])
        for name in chain_names:
            addcols(name, T, True)
    if cap_copy:
        for k in range(K):
            addcols(f"x{k}", T, True)
        addcols("Pt", T, True)
        addcols("Et", T, True)
    ncol = n
    col = lambda name: ar + ix[name].start  # noqa: E731
    gidx = lambda name: ix[name].start  # noqa: E731

    c = np.zeros(ncol)
    offset = 0.0
    c[ix["x"]] = inp.cost_source
    c[ix["P"]] = inp.cost_power
    c[ix["E"]] = inp.cost_energy
    c[ix["e"]] = -w * inp.export_price
    if elim_qm:
        c[ix["u"]] = -w * inp.import_price
        c[ix["d"]] = -w * inp.import_price
        offset = float(w @ (inp.import_price * inp.load))
    else:
        c[ix["m"]] = w * inp.import_price

    col_lo = np.zeros(ncol)
    col_hi = np.full(ncol, np.inf)
    col_lo[ix["x"]] = inp.cap_lo
    col_hi[ix["x"]] = inp.cap_hi
    col_hi[ix["P"]] = inp.p_max
    col_hi[ix["E"]] = inp.e_max
    col_hi[ix["e"]] = inp.export_cap
    if cyclic_var:
        col_hi[ix["s0"]] = smax
    if finite_bounds:
        col_hi[ix["u"]] = np.minimum(gmax, inp.load)
        col_hi[ix["c"]] = np.minimum(gmax, inp.p_max)
        col_hi[ix["d"]] = np.minimum(inp.load, inp.p_max)
        col_hi[ix["s"]] = smax
        if not elim_qm:
            col_hi[ix["q"]] = gmax
    if not elim_qm:
        col_hi[ix["m"]] = inp.import_cap
    if chains:
        W = np.cumsum(w)
        if finite_bounds:
            col_hi[ix["cs"]] = W * float(np.max(inp.load))
            col_hi[ix["ce"]] = np.cumsum(w * inp.export_cap)
            if inp.util_min is not None:
                col_hi[ix[chain_names[2]]] = np.cumsum(w * gmax)
    if cap_copy:
        for k in range(K):
            col_lo[ix[f"x{k}"]] = inp.cap_lo[k]
            col_hi[ix[f"x{k}"]] = inp.cap_hi[k]
        col_hi[ix["Pt"]] = inp.p_max
        col_hi[ix["Et"]] = inp.e_max

    tr = _Triplets()
    lo, hi, row_hour = [], [], []
    rix = {}
    nr = 0

    def rows(name, lo_v, hi_v, count=T, hourly_rows=True):
        nonlocal nr
        rix[name] = slice(nr, nr + count)
        lo.append(np.broadcast_to(np.asarray(lo_v, float), (count,)))
        hi.append(np.broadcast_to(np.asarray(hi_v, float), (count,)))
        row_hour.append(ar if hourly_rows else np.full(count, T))  # global rows last
        nr += count
        return np.arange(rix[name].start, rix[name].stop)

    xcol = [col(f"x{k}") if cap_copy else gidx("x") + k for k in range(K)]
    Pcol = col("Pt") if cap_copy else gidx("P")
    Ecol = col("Et") if cap_copy else gidx("E")

    # renewable balance
    if elim_qm:
        r = rows("ren", 0.0, np.inf)
    else:
        r = rows("ren", 0.0, 0.0)
    for k in range(K):
        tr.add(r, xcol[k], inp.profiles[k])
    for name in ("u", "c", "e") + (() if elim_qm else ("q",)):
        tr.add(r, col(name), -1.0)
    # load balance
    if elim_qm:
        r = rows("load", inp.load - inp.import_cap, inp.load)
        for name in ("u", "d"):
            tr.add(r, col(name), 1.0)
    else:
        r = rows("load", inp.load, inp.load)
        for name in ("u", "d", "m"):
            tr.add(r, col(name), 1.0)
    # storage
    r = rows("soc", 0.0, 0.0)
    tr.add(r, col("s"), 1.0)
    prev = np.roll(col("s"), 1)
    if cyclic_var:
        prev[0] = gidx("s0")
    tr.add(r, prev, -(1.0 - inp.sigma))
    tr.add(r, col("c"), -inp.eta_c)
    tr.add(r, col("d"), 1.0 / inp.eta_d)
    for name in ("c", "d"):
        r = rows(f"{name}_le_P", -np.inf, 0.0)
        tr.add(r, col(name), 1.0)
        tr.add(r, Pcol, -1.0)
    r = rows("s_max", -np.inf, 0.0)
    tr.add(r, col("s"), 1.0)
    tr.add(r, Ecol, -inp.soc_max)
    if inp.soc_min > 0:
        r = rows("s_min", 0.0, np.inf)
        tr.add(r, col("s"), 1.0)
        tr.add(r, Ecol, -inp.soc_min)
    if cap_copy:  # copy chains: v_t - v_{t-1} = 0 for t >= 1, v_0 - V = 0
        for name, g in [(f"x{k}", gidx("x") + k) for k in range(K)] + [("Pt", gidx("P")), ("Et", gidx("E"))]:
            r = rows(f"copy_{name}", 0.0, 0.0)
            tr.add(r, col(name), 1.0)
            prev = np.roll(col(name), 1)
            prev[0] = g
            tr.add(r, prev, -1.0)
    if cyclic_var:
        r = rows("cyclic", 0.0, 0.0, 1, False)
        tr.add(r, gidx("s0"), 1.0)
        tr.add(r, col("s")[-1], -1.0)
    if inp.dur_max is not None:
        r = rows("dur_max", -np.inf, 0.0, 1, False)
        tr.add(r, gidx("E"), 1.0)
        tr.add(r, gidx("P"), -inp.dur_max)
    if inp.dur_min is not None:
        r = rows("dur_min", 0.0, np.inf, 1, False)
        tr.add(r, gidx("E"), 1.0)
        tr.add(r, gidx("P"), -inp.dur_min)

    # annual sums: either dense rows or chains ending in a scalar
    def annual(name, terms, lo_v, hi_v, cap_coef):
        """sum_t sum_(v,coef) coef_t v_t + sum_k cap_coef_k x_k in [lo, hi]."""
        if chains:
            ch = {"S": "cs", "E": "ce", "G": "cg", "C": "cq"}[name[0]]
            if f"chain_{ch}" not in rix:
                r = rows(f"chain_{ch}", 0.0, 0.0)
                tr.add(r, col(ch), 1.0)
                prev = np.roll(col(ch), 1)
                tr.add(r[1:], prev[1:], -1.0)
                for v, coef in terms:
                    tr.add(r, col(v), -coef)
            r = rows(name, lo_v, hi_v, 1, False)
            tr.add(r, col(ch)[-1], 1.0)
        else:
            r = rows(name, lo_v, hi_v, 1, False)
            for v, coef in terms:
                tr.add(np.repeat(r, T), col(v), coef)
        if cap_coef is not None:
            tr.add(np.repeat(r, K), gidx("x") + np.arange(K), cap_coef)

    S_terms = [("u", w), ("d", w)]
    annual("S_gen", S_terms, 0.0, np.inf, -inp.gen_share * Ak)
    annual("S_load", S_terms, inp.load_share * Ltot, np.inf, None)
    annual("E_export", [("e", w)], -np.inf, 0.0, -inp.export_share * Ak)
    if inp.util_min is not None:
        if elim_qm:
            annual("G_util", [("u", w), ("c", w), ("e", w)], 0.0, np.inf, -inp.util_min * Ak)
        else:
            annual("C_util", [("q", w)], -np.inf, 0.0, -(1.0 - inp.util_min) * Ak)

    A = tr.csc(nr, ncol)
    row_lo = np.concatenate(lo)
    row_hi = np.concatenate(hi)
    lp = LPArrays(c=c, A=A, row_lo=row_lo, row_hi=row_hi, col_lo=col_lo, col_hi=col_hi,
                  offset=offset, index=ix, row_index=rix)
    if time_major:
        ch = np.concatenate(hour_of)
        cp = np.argsort(ch, kind="stable")
        rh = np.concatenate(row_hour)
        rp = np.argsort(rh, kind="stable")
        lp = permute(lp, rp, cp)
    return lp


def permute(lp: LPArrays, rp: np.ndarray, cp: np.ndarray) -> LPArrays:
    """Reorder rows (new row i = old rp[i]) and columns (new col j = old cp[j])."""
    cinv = np.empty_like(cp)
    cinv[cp] = np.arange(cp.size)
    rinv = np.empty_like(rp)
    rinv[rp] = np.arange(rp.size)

    def remap(d, inv):
        out = {}
        for k, v in d.items():
            if isinstance(v, slice):
                out[k] = inv[np.arange(v.start, v.stop)]
            else:
                out[k] = int(inv[v])
        return out

    return LPArrays(
        c=lp.c[cp], A=lp.A[rp][:, cp].tocsc(), row_lo=lp.row_lo[rp], row_hi=lp.row_hi[rp],
        col_lo=lp.col_lo[cp], col_hi=lp.col_hi[cp], offset=lp.offset,
        index=remap(lp.index, cinv), row_index=remap(lp.row_index, rinv),
    )


def lagrangian_bound(lp: LPArrays, y: np.ndarray) -> float:
    """Rigorous lower bound on min c'x + offset s.t. row_lo <= Ax <= row_hi, col bounds.

    For ANY row multipliers ``y``:  L(y) = sum_i min(y_i lo_i, y_i hi_i) [y_i >= 0 uses lo,
    y_i <= 0 uses hi] + sum_j min over [lo_j, hi_j] of (c - A'y)_j x_j + offset.
    Multipliers with the wrong sign for an infinite side are clipped to 0 (still valid).
    Requires finite column bounds wherever the reduced cost could be negative/positive.
    """
    y = np.asarray(y, float).copy()
    y[(y > 0) & ~np.isfinite(lp.row_lo)] = 0.0
    y[(y < 0) & ~np.isfinite(lp.row_hi)] = 0.0
    row_part = np.where(y > 0, y * np.where(np.isfinite(lp.row_lo), lp.row_lo, 0.0),
                        y * np.where(np.isfinite(lp.row_hi), lp.row_hi, 0.0))
    r = lp.c - lp.A.T @ y
    with np.errstate(invalid="ignore"):
        col_part = np.where(r >= 0, r * lp.col_lo, r * lp.col_hi)
    col_part = np.where(r == 0, 0.0, col_part)
    return float(row_part.sum() + col_part.sum() + lp.offset)


def primal_residual(lp: LPArrays, x: np.ndarray) -> dict:
    ax = lp.A @ x
    rv = np.maximum(np.maximum(lp.row_lo - ax, ax - lp.row_hi), 0.0)
    cv = np.maximum(np.maximum(lp.col_lo - x, x - lp.col_hi), 0.0)
    return {"max_row_violation": float(np.nanmax(rv)), "max_col_violation": float(np.nanmax(cv))}
