"""The sizing LP of several blocks with shared capacities, assembled as arrays for HiGHS.

A block is one year of the project's life in one weather year: its own hourly variables, its own
rule rows (that year's thresholds) and its own profiles, exactly the single-year LP of
:func:`gdc.optimise.model.build_model`. Each block is built with Pyomo and compiled on its own
(:func:`compile_block`: the Pyomo model is dropped at once, so a 25-year stack never holds more
than one year's Pyomo model), and the blocks are assembled into one block-diagonal LP
(:class:`StackedLP`) whose capacity columns are shared:

* the capacity of ``k`` in service in block ``b`` (year ``Y_b``) is the sum of the additions
  ``x_k,s`` of every stage ``s`` with ``Y_s <= Y_b``: each block keeps its own capacity column,
  tied by one row ``cap_b,k - sum_{s: Y_s <= Y_b} x_k,s = 0`` (``link="rows"``, the default), or
  the block's column is replaced by those additions, its coefficients copied onto each
  (``link="merge"``). The same LP; with the rows the capacity columns are dense within one block
  only, which the interior point factorises faster (a 10-year stack of 32 typical days on the V3
  case, 60k columns: 15.9 s against 20.0 s, one run each, 2026-12-01). With one stage ``x_k`` is
  the capacity, within the site's ``[lo_k, hi_k]``; with several, ``x_k,s0 >= lo_k``,
  ``x_k,s >= 0`` and one row ``sum_s x_k,s <= hi_k``;
* objective [CNY/yr]: ``sum_k,s a_k,s W_s x_k,s + sum_b w_b (c_b' y_b + K_b)``, with ``a_k,s`` the
  annual capital and fixed O&M cost of ``k`` at stage ``s``'s costs, ``W_s`` the weight of the
  blocks in which the addition is in service, ``w_b`` the block weights (summing to 1) and
  ``c_b' y_b + K_b`` the block's own energy cost and constants (:func:`gdc.optimise.model.define_objective`
  less its capacity terms). Two identical blocks of weight 1/2 and one stage are therefore the
  one-year LP.

Rule rows of a block can be switched off in place (:meth:`StackedLP.drop`: the weather years a
design may fail under ``--weather-pass``), and :meth:`StackedLP.fix_renewables` makes the
self-use-first rows of every block exact for given renewable capacities (the secants of a box of
one point, as :class:`gdc.optimise.size._BoxLP` does), so the stacked LP with the renewables
fixed is the exact least-cost operation and storage of that design.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from gdc.operation.balance import Balance, StorageParams
from gdc.optimise.model import LPData, build_model
from gdc.optimise.solve import (
    CompiledLP,
    LPSolution,
    compile_model,
    default_options,
    make_highs,
    run_highs,
)

#: Keys of the shared storage capacities (sources use their own names).
STORAGE_P, STORAGE_E = "storage_power", "storage_energy"
#: Hourly variables of a block, for its balance.
HOURLY = ("u", "c", "e", "q", "d", "m", "s", "g", "dg", "sg", "unserved")


@dataclass
class BlockLP:
    """One block compiled: its LP as arrays and where its variables and rows are.

    Attributes
    ----------
    data : LPData
        The block's LP data (weights, load, profiles, bounds, rules).
    rows, cols, vals : ndarray
        The constraint matrix in coordinate form (local indices).
    c, offset : ndarray, float
        Objective coefficients [CNY/yr per unit] and constant [CNY/yr] of the single-year LP.
    row_lower, row_upper, col_lower, col_upper : ndarray
    cap_cols : dict of str to int
        Local column of each free capacity (source name, :data:`STORAGE_P`, :data:`STORAGE_E`).
    rule_rows : ndarray of int
        Local row of each rule of ``data.rules``, in order.
    var_cols : dict of str to ndarray of int
        Local column of each hourly variable (-1 where fixed or absent), keyed by :data:`HOURLY`.
    var_fixed : dict of str to ndarray
        Value of the fixed ones [MW, MWh].
    secant : dict
        The self-use-first rows (``hours``, local ``row`` and ``u``/``e``/``q``/``g`` columns of each).
    """

    data: LPData
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    c: np.ndarray
    offset: float
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    cap_cols: dict[str, int]
    rule_rows: np.ndarray
    var_cols: dict[str, np.ndarray]
    var_fixed: dict[str, np.ndarray]
    secant: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    @property
    def n_cols(self) -> int:
        return len(self.col_lower)


def compile_block(data: LPData) -> BlockLP:
    """Build one block's single-year LP with Pyomo, compile it and keep only arrays and indices.

    Parameters
    ----------
    data : LPData
        The block's LP data (:func:`gdc.optimise.model.lp_data` on the block's site and profiles).

    Returns
    -------
    BlockLP
    """
    t0 = time.perf_counter()
    m = build_model(data)
    lp = compile_model(m)
    n = len(data.load)
    T = range(n)
    cap_cols = {}
    for k in data.pu:
        if not m.cap[k].fixed:
            cap_cols[k] = lp.index[id(m.cap[k])]
    if data.has_storage:
        for key, var in ((STORAGE_P, m.P), (STORAGE_E, m.E)):
            if not var.fixed and id(var) in lp.index:
                cap_cols[key] = lp.index[id(var)]
    var_cols: dict[str, np.ndarray] = {}
    var_fixed: dict[str, np.ndarray] = {}
    for key in HOURLY:
        var = getattr(m, key, None)
        if var is None:
            continue
        cols = np.full(n, -1, dtype=np.int64)
        fixed = np.zeros(n)
        for t in T:
            v = var[t]
            j = lp.index.get(id(v))
            if j is None:
                fixed[t] = float(v.value or 0.0)
            else:
                cols[t] = j
        var_cols[key], var_fixed[key] = cols, fixed
    rule_rows = np.asarray([lp.row_index[id(m.rule_rows[i + 1])] for i in range(len(data.rules))], dtype=np.int64)
    secant: dict[str, Any] = {}
    if hasattr(m, "self_use_first"):
        hours = np.asarray(list(m.self_use_first.keys()), dtype=np.int64)
        secant = {"hours": hours,
                  "row": np.asarray([lp.row_index[id(m.self_use_first[t])] for t in hours.tolist()], dtype=np.int64)}
        for key in ("u", "e", "q", "g"):
            if key in var_cols:
                secant[key] = var_cols[key][hours]
    A = lp.A.tocoo()
    block = BlockLP(data=data, rows=A.row.astype(np.int64), cols=A.col.astype(np.int64), vals=A.data.copy(),
                    c=lp.c.copy(), offset=lp.offset, row_lower=lp.row_lower.copy(), row_upper=lp.row_upper.copy(),
                    col_lower=lp.col_lower.copy(), col_upper=lp.col_upper.copy(), cap_cols=cap_cols,
                    rule_rows=rule_rows, var_cols=var_cols, var_fixed=var_fixed, secant=secant)
    del m, lp
    block.seconds = time.perf_counter() - t0
    return block


@dataclass(frozen=True)
class Plan:
    """The stages of the build and the weights of the blocks.

    Attributes
    ----------
    stage_years : list of int
        Calendar years at which capacity may be added, ascending; the first is the first block's year.
    block_years : list of int
        Each block's calendar year.
    block_weights : ndarray [-]
        Each block's weight in the objective (sums to 1).
    stage_costs : list of dict of str to float
        Per stage, the annual cost of one unit of each capacity key [CNY/MW/yr, CNY/MWh/yr].
    bounds : dict of str to (float, float)
        Bounds of each free capacity key (the capacity in service) [MW, MWh].
    stage_weights : tuple of float, optional
        ``W_s`` of each stage [-] when the blocks are not every evaluated year (a stack of
        representative years, :func:`gdc.optimise.horizon.representative_years`): the weights of
        the whole horizon; default from the blocks.
    """

    stage_years: list[int]
    block_years: list[int]
    block_weights: np.ndarray
    stage_costs: list[dict[str, float]]
    bounds: dict[str, tuple[float, float]]
    stage_weights: tuple[float, ...] | None = None

    def in_service(self, year: int) -> list[int]:
        """Indices of the stages whose additions are in service in ``year``."""
        return [i for i, y in enumerate(self.stage_years) if y <= year]

    def stage_weight(self, s: int) -> float:
        """``W_s``: total weight of the blocks in which stage ``s``'s additions are in service [-]."""
        if self.stage_weights is not None:
            return float(self.stage_weights[s])
        y = self.stage_years[s]
        return float(sum(w for yb, w in zip(self.block_years, self.block_weights, strict=True) if yb >= y))


class StackedLP:
    """The blocks' LPs as one LP with shared (staged) capacity columns, in one HiGHS instance.

    Parameters
    ----------
    blocks : list of BlockLP
    plan : Plan
    options : dict, optional
        HiGHS options (default :func:`gdc.optimise.solve.default_options` for the size).
    """

    def __init__(self, blocks: list[BlockLP], plan: Plan, options: dict[str, Any] | None = None,
                 link: str = "rows") -> None:
        self.blocks, self.plan = blocks, plan
        self.link = link
        keys = sorted({k for b in blocks for k in b.cap_cols}, key=lambda k: (k in (STORAGE_P, STORAGE_E), k))
        self.keys = keys
        n_st = len(plan.stage_years)
        self.cap_index = {(k, s): i for i, (k, s) in enumerate((k, s) for k in keys for s in range(n_st))}
        n_cap = len(self.cap_index)
        self.col_off, self.row_off = [], []
        nc, nr = n_cap, 0
        for b in blocks:
            self.col_off.append(nc)
            self.row_off.append(nr)
            nc += b.n_cols
            nr += b.n_rows
        self.n_block_rows = nr
        self.n_cols = nc
        self.options = options
        self._fixed: dict[str, float] | None = None
        self._dropped: set[int] = set()
        self._h: Any = None
        t0 = time.perf_counter()
        self._lp = self._assemble()
        #: Seconds spent assembling the blocks into one LP [s].
        self.assemble_seconds = time.perf_counter() - t0

    # -- assembly ---------------------------------------------------------------------------
    def _block_arrays(self, i: int) -> tuple[np.ndarray, ...]:
        """Block ``i``'s entries in global indices, its row and column bounds (self-use-first
        rows exact at the fixed renewables after :meth:`fix_renewables`)."""
        b = self.blocks[i]
        vals, lo, hi, clo, chi = b.vals, b.row_lower, b.row_upper, b.col_lower, b.col_upper
        stages = self.plan.in_service(self.plan.block_years[i])
        if self._fixed is not None and b.secant:
            caps = {k: float(sum(v[s] for s in stages)) for k, v in self._fixed.items()}
            vals, lo, hi, clo, chi = _point_secants(b, caps)
        if i in self._dropped:
            lo, hi = lo.copy(), hi.copy()
            lo[b.rule_rows], hi[b.rule_rows] = -np.inf, np.inf
        gcol = np.arange(b.n_cols, dtype=np.int64) + self.col_off[i]
        is_cap = np.zeros(b.n_cols, dtype=bool)
        for j in b.cap_cols.values():
            is_cap[j] = True
        if self.link == "rows":  # the block keeps its own capacity columns, tied by rows (below)
            return (b.rows + self.row_off[i], gcol[b.cols], vals, lo, hi, clo, chi)
        keep = ~is_cap[b.cols]
        rows = [b.rows[keep] + self.row_off[i]]
        cols = [gcol[b.cols[keep]]]
        data = [vals[keep]]
        for k, j in b.cap_cols.items():
            sel = b.cols == j
            for s in stages:
                rows.append(b.rows[sel] + self.row_off[i])
                cols.append(np.full(int(sel.sum()), self.cap_index[(k, s)], dtype=np.int64))
                data.append(vals[sel])
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(data), lo, hi, clo, chi

    def _assemble(self) -> CompiledLP:
        plan = self.plan
        n_st = len(plan.stage_years)
        rows, cols, data, rlo, rhi = [], [], [], [], []
        c = np.zeros(self.n_cols)
        clo = np.zeros(self.n_cols)
        chi = np.zeros(self.n_cols)
        offset = 0.0
        for i, b in enumerate(self.blocks):
            r, cc, v, lo, hi, blo, bhi = self._block_arrays(i)
            rows.append(r)
            cols.append(cc)
            data.append(v)
            rlo.append(lo)
            rhi.append(hi)
            w = float(plan.block_weights[i])
            sl = slice(self.col_off[i], self.col_off[i] + b.n_cols)
            cb = b.c.copy()
            for j in b.cap_cols.values():
                cb[j] = 0.0  # capacities are costed once, per stage, below
            c[sl] = w * cb
            clo[sl], chi[sl] = blo, bhi
            offset += w * b.offset
        extra_r = self.n_block_rows
        if self.link == "rows":  # cap_b,k - sum_{s in service} x_k,s = 0
            for i, b in enumerate(self.blocks):
                stages = plan.in_service(plan.block_years[i])
                for k, j in b.cap_cols.items():
                    idx = [self.col_off[i] + j] + [self.cap_index[(k, s)] for s in stages]
                    rows.append(np.full(len(idx), extra_r, dtype=np.int64))
                    cols.append(np.asarray(idx, dtype=np.int64))
                    data.append(np.asarray([1.0] + [-1.0] * len(stages)))
                    rlo.append(np.array([0.0]))
                    rhi.append(np.array([0.0]))
                    extra_r += 1
        for k in self.keys:
            lo_k, hi_k = plan.bounds[k]
            for s in range(n_st):
                j = self.cap_index[(k, s)]
                c[j] = plan.stage_costs[s].get(k, 0.0) * plan.stage_weight(s)
                clo[j] = lo_k if s == 0 else 0.0
                chi[j] = hi_k if n_st == 1 else (hi_k if np.isfinite(hi_k) else np.inf)
            if n_st > 1 and np.isfinite(hi_k):
                idx = [self.cap_index[(k, s)] for s in range(n_st)]
                rows.append(np.full(n_st, extra_r, dtype=np.int64))
                cols.append(np.asarray(idx, dtype=np.int64))
                data.append(np.ones(n_st))
                rlo.append(np.array([-np.inf]))
                rhi.append(np.array([hi_k]))
                extra_r += 1
        A = sp.csc_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(extra_r, self.n_cols))
        return CompiledLP(c=c, offset=offset, A=A, row_lower=np.concatenate(rlo), row_upper=np.concatenate(rhi),
                          col_lower=clo, col_upper=chi, columns=[], rows=[])

    # -- changes in place ---------------------------------------------------------------------
    def drop(self, i: int) -> None:
        """Switch block ``i``'s rule rows off (it may fail its rules; its energy cost still counts)."""
        self._dropped.add(i)
        b = self.blocks[i]
        rows = (b.rule_rows + self.row_off[i]).astype(np.int32)
        if self._h is not None and len(rows):
            n = len(rows)
            self._h.changeRowsBounds(n, rows, np.full(n, -np.inf), np.full(n, np.inf))
        self._lp.row_lower[rows] = -np.inf
        self._lp.row_upper[rows] = np.inf

    @property
    def dropped(self) -> set[int]:
        return set(self._dropped)

    def fix_renewables(self, caps: dict[str, list[float]]) -> None:
        """Fix every free source's additions (``caps[k][s]`` [MW]): the self-use-first rows of every
        block become exact (storage stays free). Rebuilds the HiGHS model."""
        self._fixed = {k: list(v) for k, v in caps.items()}
        self._lp = self._assemble()
        for k, vals in caps.items():
            for s, v in enumerate(vals):
                j = self.cap_index[(k, s)]
                self._lp.col_lower[j] = self._lp.col_upper[j] = float(v)
        self._h = None

    # -- solving ------------------------------------------------------------------------------
    @property
    def lp(self) -> CompiledLP:
        return self._lp

    def solve(self, options: dict[str, Any] | None = None) -> LPSolution:
        """Solve (or re-solve after :meth:`drop`, warm when the solver allows) the stacked LP."""
        opts = options if options is not None else (self.options or default_options(self.n_cols))
        if self._h is None:
            self._h = make_highs(self._lp, opts)
        else:
            self._h.clearSolver()
        sol = run_highs(self._h)
        if sol.status == "Unknown":
            self._h.setOptionValue("solver", "ipx")
            self._h.clearSolver()
            again = run_highs(self._h)
            again.seconds += sol.seconds
            sol = again
        return sol

    # -- reading the solution -----------------------------------------------------------------
    def additions(self, x: np.ndarray) -> dict[str, list[float]]:
        """Each capacity key's addition at each stage [MW, MWh] (solver noise below 1e-9 as 0)."""
        out = {}
        for k in self.keys:
            vals = []
            for s in range(len(self.plan.stage_years)):
                v = float(x[self.cap_index[(k, s)]])
                vals.append(0.0 if abs(v) < 1e-9 else max(v, 0.0))
            out[k] = vals
        return out

    def block_values(self, i: int, x: np.ndarray) -> dict[str, np.ndarray]:
        """Block ``i``'s hourly variables at a solution [MW, MWh]."""
        b = self.blocks[i]
        off = self.col_off[i]
        out = {}
        for key, cols in b.var_cols.items():
            v = b.var_fixed[key].copy()
            sel = cols >= 0
            v[sel] = x[cols[sel] + off]
            out[key] = np.where(np.abs(v) < 1e-9, 0.0, v)
        return out

    def rule_duals(self, i: int, sol: LPSolution) -> float:
        """Sum of the absolute duals of block ``i``'s rule rows [CNY/yr per MWh/yr]."""
        b = self.blocks[i]
        if not len(b.rule_rows) or not len(sol.row_dual):
            return 0.0
        return float(np.abs(sol.row_dual[b.rule_rows + self.row_off[i]]).sum())


def _point_secants(b: BlockLP, caps: dict[str, float]) -> tuple[np.ndarray, ...]:
    """The block's matrix values, row and column bounds with its self-use-first rows exact at
    fixed renewable capacities ``caps`` (in service in the block's year) [MW].

    For ``a_t = f_t + sum_k p_kt cap_k`` in a straddling hour: a surplus hour (``a_t >= L_t``)
    reads ``u_t >= L_t`` (row coefficients 0, and the bound; grid charging ``g_t = 0`` where
    ``a_t > L_t``), a deficit hour ``u_t (+ z_t) - sum_k p_kt cap_k >= f_t`` (``kappa_t = 1``) with
    ``e_t = q_t = 0``: :meth:`gdc.optimise.size._BoxLP._apply` for a box of one point.
    """
    data = b.data
    sec = b.secant
    hours, rows = sec["hours"], sec["row"]
    a, f = _avail(data, caps, hours)
    L = np.asarray(data.load, dtype=float)[hours]
    sur = a >= L
    de = ~sur
    kappa = np.where(sur, 0.0, 1.0)
    vals = b.vals.copy()
    lo, hi = b.row_lower.copy(), b.row_upper.copy()
    clo, chi = b.col_lower.copy(), b.col_upper.copy()
    pos = np.full(b.n_rows, -1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    for k, j in b.cap_cols.items():
        if k not in data.pu:
            continue
        sel = (b.cols == j) & (pos[b.rows] >= 0)
        p = pos[b.rows[sel]]
        vals[sel] = -kappa[p] * np.asarray(data.pu[k], dtype=float)[hours][p]
    lo[rows] = np.where(sur, L, f)
    hi[rows] = np.inf
    u = sec["u"]
    ok = u >= 0
    clo[u[ok & sur]] = np.maximum(clo[u[ok & sur]], L[ok & sur])
    for key in ("e", "q"):
        cols = sec.get(key)
        if cols is not None:
            sel = (cols >= 0) & de
            chi[cols[sel]] = 0.0
    g = sec.get("g")
    if g is not None:
        sel = (g >= 0) & (a > L)
        chi[g[sel]] = 0.0
    return vals, lo, hi, clo, chi


def _avail(data: LPData, caps: dict[str, float], hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Available renewable power at ``hours`` [MW] with ``caps`` for the free sources, and the
    fixed sources' part ``f``."""
    f = np.zeros(len(hours))
    a = np.zeros(len(hours))
    for k, (lo, hi) in data.bounds.sources.items():
        p = np.asarray(data.pu[k], dtype=float)[hours]
        if hi <= lo:
            f += p * lo
        else:
            a += p * float(caps[k])
    return a + f, f


def block_balance(stack: StackedLP, i: int, x: np.ndarray, caps: dict[str, float], forbidden: np.ndarray,
                  template: StorageParams | None) -> Balance:
    """The hourly balance of block ``i`` at a solution, with ``caps`` the capacities in service
    [MW, MWh] (sources by name, :data:`STORAGE_P`, :data:`STORAGE_E`)."""
    from dataclasses import replace

    b = stack.blocks[i]
    data = b.data
    v = stack.block_values(i, x)
    n = len(data.load)
    zero = np.zeros(n)
    wind, pv = np.zeros(n), np.zeros(n)
    for k, p in data.pu.items():
        lo, hi = data.bounds.sources[k]
        cap = lo if hi <= lo else caps[k]
        if data.source_type[k] == "wind":
            wind += cap * p
        else:
            pv += cap * p
    g, dg, sg = (v.get(k, zero) for k in ("g", "dg", "sg"))
    per = data.period_hours
    soc = v["s"] + sg
    st = template or StorageParams()
    storage = replace(st, power_mw=caps.get(STORAGE_P, 0.0), energy_mwh=caps.get(STORAGE_E, 0.0)) \
        if data.has_storage else StorageParams()
    return Balance(
        weights=data.weights, period_hours=per, load=data.load, wind=wind, pv=pv,
        re_to_load=v["u"], re_to_storage=v["c"], re_export=v["e"], curtailment=v["q"],
        grid_to_load=v["m"], storage_to_load=v["d"] + dg, soc=soc,
        soc_start=soc.reshape(-1, per)[:, -1].copy(), export_forbidden=forbidden, storage=storage,
        grid_to_storage=g, storage_to_load_grid=dg, unserved=v.get("unserved", zero), source="optimal",
    )
