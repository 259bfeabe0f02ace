# ruff: noqa: B023  (direction/steps closures are used within the same iteration)
"""A small Mehrotra primal-dual interior-point method for time-structured LPs.

Why: the sizing LP is a long chain in time (storage, running sums) plus a handful of
"global" columns (capacities, the cyclic link) that appear in every hour.  With those
columns set aside, the normal-equations matrix ``A_s Theta A_s'`` of the rest is *banded*
when rows are ordered hour by hour, so it factors with LAPACK's banded Cholesky in a few
milliseconds; the global columns are added back with a small Schur complement
(``nd x nd``, nd = 5).  HiGHS's IPX cannot exploit this (it needs ~45-95 s on this LP).

The method is generic: :func:`solve_ipm` takes an :class:`reference_lp.LPArrays` whose rows
are ordered in time and the list of global ("dense") columns.  It returns primal and dual
vectors of the ORIGINAL LP; the caller certifies them (Lagrangian lower bound, primal
residuals, or a HiGHS crossover from the point).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spl
from reference_lp import LPArrays


@dataclass
class StdForm:
    """min c'x + off s.t. A x = b, 0 <= x <= u (u may be inf); x_orig = shift + sign*x[:n0]."""

    A: sp.csc_matrix
    b: np.ndarray
    c: np.ndarray
    u: np.ndarray
    off: float
    n0: int
    shift: np.ndarray
    sign: np.ndarray
    row_scale: np.ndarray = field(default=None)
    col_scale: np.ndarray = field(default=None)
    obj_scale: float = 1.0


def to_standard(lp: LPArrays) -> StdForm:
    """Rows -> equalities with one slack per inequality row; bounds shifted/flipped to [0,u]."""
    m, n0 = lp.A.shape
    eq = lp.row_lo == lp.row_hi
    ineq = np.flatnonzero(~eq)
    S = sp.csc_matrix((-np.ones(ineq.size), (ineq, np.arange(ineq.size))), shape=(m, ineq.size))
    A = sp.hstack([lp.A.tocsc(), S], format="csc")
    lo = np.concatenate([lp.col_lo, lp.row_lo[ineq]])
    hi = np.concatenate([lp.col_hi, lp.row_hi[ineq]])
    c = np.concatenate([lp.c, np.zeros(ineq.size)])
    b = np.where(eq, lp.row_lo, 0.0)
    shift = np.where(np.isfinite(lo), lo, hi)
    if not np.all(np.isfinite(shift)):
        raise ValueError("free variables are not supported")
    sign = np.where(np.isfinite(lo), 1.0, -1.0)
    u = np.where(np.isfinite(lo), hi - lo, np.inf)
    off = lp.offset + float(c @ shift)
    b = b - A @ shift
    A = (A @ sp.diags(sign)).tocsc()
    c = c * sign
    return StdForm(A=A, b=b, c=c, u=u, off=off, n0=n0, shift=shift, sign=sign)


def _scale(sf: StdForm, passes: int = 8) -> StdForm:
    """Geometric (Ruiz-like) equilibration of A, then objective scaling."""
    A = sf.A.tocsc().copy()
    m, n = A.shape
    R = np.ones(m)
    C = np.ones(n)
    for _ in range(passes):
        Aa = abs(A)
        rmax = Aa.max(axis=1).toarray().ravel()
        rmin = Aa.min(axis=1).toarray().ravel()  # zero-free? min over stored entries below
        Ac = Aa.tocsr()
        rmin = np.minimum.reduceat(Ac.data, Ac.indptr[:-1]) if Ac.nnz else rmin
        rf = 1.0 / np.sqrt(np.maximum(rmax, 1e-30) * np.maximum(rmin, 1e-30))
        A = sp.diags(rf) @ A
        R *= rf
        Aa = abs(A).tocsc()
        cmax = Aa.max(axis=0).toarray().ravel()
        cmin = np.minimum.reduceat(Aa.data, Aa.indptr[:-1])
        cf = 1.0 / np.sqrt(np.maximum(cmax, 1e-30) * np.maximum(cmin, 1e-30))
        A = (A @ sp.diags(cf)).tocsc()
        C *= cf
    b = R * sf.b
    c = C * sf.c
    cs = max(1.0, float(np.max(np.abs(c))))
    c = c / cs
    u = sf.u / C
    return StdForm(A=A, b=b, c=c, u=u, off=sf.off, n0=sf.n0, shift=sf.shift, sign=sf.sign,
                   row_scale=R, col_scale=C, obj_scale=cs)


class _BandedNormal:
    """Solve (A_s T_s A_s' + A_d T_d A_d') dy = r: banded Cholesky + Schur for the dense part."""

    def __init__(self, A: sp.csc_matrix, dense: np.ndarray):
        self.m = A.shape[0]
        self.As = A[:, ~dense].tocsc()
        self.Ad = A[:, dense].toarray()
        self.dense = dense
        # pattern of A_s A_s' (fixed); map its entries to banded storage
        P = (abs(self.As) @ abs(self.As).T).tocoo()
        up = P.row <= P.col
        self.bw = int(np.max(P.col[up] - P.row[up]))
        self.banded = self.bw < 400
        Asr = self.As.tocsr()
        self.Asr = Asr

    def factor(self, theta: np.ndarray, reg: float):
        ts = theta[~self.dense]
        td = theta[self.dense]
        M = (self.Asr @ sp.diags(ts) @ self.Asr.T).tocoo()
        self.diag_reg = reg * (1.0 + 0.0)
        if self.banded:
            bw = self.bw
            ab = np.zeros((bw + 1, self.m))
            up = M.row <= M.col
            np.add.at(ab, (bw + M.row[up] - M.col[up], M.col[up]), M.data[up])
            self.reg_abs = reg * max(1.0, float(ab[bw].max()))
            ab[bw] += self.reg_abs
            self.cb = sla.cholesky_banded(ab, lower=False, check_finite=False)
            solve = lambda r: sla.cho_solve_banded((self.cb, False), r, check_finite=False)  # noqa: E731
        else:
            Mc = (M + sp.identity(self.m) * reg).tocsc()
            lu = spl.splu(Mc, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                          options=dict(SymmetricMode=True))
            solve = lu.solve
        self._solve_s = solve
        self.ts, self.td = ts, td
        if self.Ad.shape[1] == 0:
            self.Z = None
            return
        self.Z = solve(self.Ad)  # m x nd
        S = np.diag(1.0 / td) + self.Ad.T @ self.Z
        self.Sc = sla.cho_factor(S)
        self.ts, self.td = ts, td

    def solve(self, r: np.ndarray) -> np.ndarray:
        y = self._solve_s(r)
        if self.Z is None:
            return y
        g = sla.cho_solve(self.Sc, self.Ad.T @ y)
        return y - self.Z @ g

    def matvec(self, y):
        return self.As @ (self.ts * (self.As.T @ y)) + self.Ad @ (self.td * (self.Ad.T @ y))


@dataclass
class IPMResult:
    x: np.ndarray  # original columns
    y: np.ndarray  # original row duals (HiGHS sign convention: reduced cost = c - A'y)
    primal_obj: float
    dual_obj: float
    iterations: int
    status: str
    t_setup: float
    t_iter: float
    history: list


def solve_ipm(lp: LPArrays, dense_cols: np.ndarray, tol: float = 1e-9, max_iter: int = 100,
              verbose: bool = False, big_bound: float = 1e4, reg: float = 1e-8) -> IPMResult:
    """Mehrotra predictor-corrector IPM.  ``dense_cols``: column indices of ``lp`` to treat
    by Schur complement (everything else must give a banded normal matrix in row order)."""
    t0 = time.perf_counter()
    sf0 = to_standard(lp)
    fixed_all = np.isfinite(sf0.u) & (sf0.u <= 1e-12)  # e.g. u_t, c_t in hours without generation
    keep = np.flatnonzero(~fixed_all)
    nfull = sf0.A.shape[1]
    sf0.A = sf0.A[:, keep].tocsc()
    sf0.c, sf0.u = sf0.c[keep], sf0.u[keep]
    sf = _scale(sf0)
    A, b, c, u = sf.A, sf.b, sf.c, sf.u
    m, n = A.shape
    dmask = np.zeros(nfull, bool)
    dmask[np.asarray(dense_cols)] = True
    dense = dmask[keep]
    NE = _BandedNormal(A, dense)
    AT = A.T.tocsr()
    ub = np.isfinite(u) & (u < big_bound)  # huge implied bounds are left to the certificate
    uu = np.where(ub, u, 0.0)
    # centred starting point: x in the middle of its box (or least-norm), x z = w v = mu0
    NE.factor(np.ones(n), reg=1e-10)
    xls = AT @ NE.solve(b)
    x = np.where(ub, 0.5 * uu, np.maximum(np.abs(xls), 1.0))
    w = np.where(ub, uu - x, 0.0)
    mu0 = float(np.mean(np.abs(c))) * float(np.mean(x)) + 1e-3
    z = mu0 / x
    v = np.where(ub, mu0 / np.where(ub, w, 1.0), 0.0)
    y = np.zeros(m)
    nb = 1.0 + np.linalg.norm(b)
    nc = 1.0 + np.linalg.norm(c)
    ncomp = n + int(ub.sum())
    t_setup = time.perf_counter() - t0
    hist = []
    status = "iteration limit"
    it = 0
    for it in range(1, max_iter + 1):
        rp = b - A @ x
        ru = np.where(ub, uu - x - w, 0.0)
        rd = c - AT @ y - z + v
        pobj = float(c @ x)
        dobj = float(b @ y - uu[ub] @ v[ub])
        mu = (x @ z + w[ub] @ v[ub]) / ncomp
        pinf = np.linalg.norm(rp) / nb + np.linalg.norm(ru) / nb
        dinf = np.linalg.norm(rd) / nc
        gap = abs(pobj - dobj) / (1.0 + abs(pobj))
        hist.append((it, pobj, dobj, pinf, dinf, gap))
        if verbose:
            print(f"{it:3d} p {pobj:.10e} d {dobj:.10e} pinf {pinf:.1e} dinf {dinf:.1e} gap {gap:.1e}")
        if pinf < tol and dinf < tol and gap < tol:
            status = "optimal"
            break
        xs = np.maximum(x, 1e-300)
        ws = np.where(ub, np.maximum(w, 1e-300), 1.0)
        D = z / xs + np.where(ub, v / ws, 0.0)
        D = np.maximum(D, 1e-14)
        theta = 1.0 / D
        NE.factor(theta, reg=reg)

        def direction(rxz, rwv):
            h = rd - rxz / xs + np.where(ub, (rwv - v * ru) / ws, 0.0)
            rhs = rp + A @ (theta * h)
            dy = NE.solve(rhs)
            for _ in range(2):  # iterative refinement on the full normal matrix
                res = rhs - NE.matvec(dy)
                dy = dy + NE.solve(res)
            dx = theta * (A.T @ dy - h)
            dw = np.where(ub, ru - dx, 0.0)
            dz = (rxz - z * dx) / xs
            dv = np.where(ub, (rwv - v * dw) / ws, 0.0)
            return dx, dw, dy, dz, dv

        def steps(dx, dw, dz, dv):
            def mx(val, d):
                neg = d < 0
                return min(1.0, float(np.min(-val[neg] / d[neg]))) if neg.any() else 1.0
            ap = min(mx(x, dx), mx(w[ub], dw[ub]))
            ad = min(mx(z, dz), mx(v[ub], dv[ub]))
            return ap, ad

        dx, dw, dy, dz, dv = direction(-x * z, np.where(ub, -w * v, 0.0))
        ap, ad = steps(dx, dw, dz, dv)
        mu_aff = ((x + ap * dx) @ (z + ad * dz) + (w + ap * dw)[ub] @ (v + ad * dv)[ub]) / ncomp
        sigma = (mu_aff / mu) ** 3
        rxz = sigma * mu - x * z - dx * dz
        rwv = np.where(ub, sigma * mu - w * v - dw * dv, 0.0)
        dx, dw, dy, dz, dv = direction(rxz, rwv)
        ap, ad = steps(dx, dw, dz, dv)
        if verbose:
            print(f"    ap {ap:.3e} ad {ad:.3e} sigma {sigma:.2e} mu {mu:.2e}")
        ap *= 0.995
        ad *= 0.995
        x = x + ap * dx
        w = np.where(ub, w + ap * dw, 0.0)
        y = y + ad * dy
        z = z + ad * dz
        v = np.where(ub, v + ad * dv, 0.0)
    t_iter = time.perf_counter() - t0 - t_setup
    # unscale back to the original LP
    xs_std = np.zeros(nfull)
    xs_std[keep] = x * sf.col_scale
    x_orig = sf.shift[: sf.n0] + sf.sign[: sf.n0] * xs_std[: sf.n0]
    y_orig = y * sf.row_scale * sf.obj_scale
    return IPMResult(x=x_orig, y=y_orig, primal_obj=float(lp.c @ x_orig + lp.offset),
                     dual_obj=dobj * sf.obj_scale + sf.off, iterations=it, status=status,
                     t_setup=t_setup, t_iter=t_iter, history=hist)
