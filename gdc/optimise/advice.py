"""The least change of one capacity bound that makes an infeasible sizing LP feasible.

For every capacity bound the site gives (each source's capacity, storage power and
energy), one LP: that bound opened, every other bound as given, every constraint of the
sizing LP kept, and the objective replaced by the capacity itself::

    minimise  x_k   s.t.  all rows,  lo_j <= x_j <= hi_j (j != k),  lo_k <= x_k <= OPEN_BOUND

Its optimum ``x_k*`` is the smallest value of the maximum ``hi_k`` that makes the LP
feasible with the other bounds unchanged (for a minimum ``lo_k``: maximise ``x_k`` with the
minimum opened to 0, the largest minimum that is still feasible). When this LP is itself
infeasible, no value of that bound alone makes the site feasible.

All of it runs on one elastic model, built and compiled once (every capacity a column, a
slack on every rule row and on the load balance); each LP only changes the cost vector and
the column bounds of the same ``highspy.Highs`` instance:

* the *residual* LP: slacks open at cost 1 per MWh, nothing else costed, the site's bounds.
  Its optimum ``R0 > 0`` is the least total rule violation [MWh] (the closest approach).
  ``R(v)``, the residual as a function of one capacity ``v``, is convex (an LP's value in a
  right-hand side), and the reduced cost ``g`` of that capacity is a subgradient of it. If
  ``g >= 0`` no larger value lowers the residual, so raising that maximum cannot make the LP
  feasible (``g <= 0``: nor can lowering that minimum): those bounds need no LP of their own.
* each remaining study: slacks fixed at 0 (the sizing LP), the study's bound opened, cost
  +-1 on its capacity plus :data:`COST_TIE_BREAK` x the design's annual cost (the cheapest
  design at the least capacity; it keeps the interior point off a degenerate face). An
  interior point's claim that it is infeasible is confirmed by the residual LP with the
  same bounds (a positive optimum is a proof with a dual certificate), the dual simplex
  deciding only when the residual is within solver noise of 0.

The studies solve the LP without the self-use-first rows (their secants depend on the
capacity bounds the studies move): a relaxation, so below each advised value the site is
infeasible for sure; at it, the design's own dispatch, or a re-solve with its renewable
capacities fixed (where the rule is exact), confirms it (:attr:`BoundStudy.serves_first`).

The rules that hold ``x_k*`` up are the rule rows with a nonzero dual at that optimum (and,
for the hourly limits, export or import columns at the connection capacity, or at zero in
hours when export is forbidden, with a nonzero reduced cost).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gdc.optimise.model import OPEN_BOUND, CapacityBounds, LPData, build_model
from gdc.optimise.solve import (
    CompiledLP,
    LPSolution,
    compile_model,
    default_options,
    ipm_solver,
    make_highs,
    run_highs,
)
from gdc.rules.users import USER_RULE_PREFIX

#: A row dual or reduced cost below this is zero. The duals of the studies are in MW (or MWh)
#: of the capacity per MWh of the rule row: one MW yields at most 8,760 MWh/yr, so a rule that
#: holds the capacity up has a dual of order 1e-4 or more; the cost tie-break adds at most
#: COST_TIE_BREAK x a few 1,000 CNY/MWh ~ 1e-6.
DUAL_TOL = 1e-5
#: A residual LP's reduced cost of a capacity [MWh per MW] at or beyond this (towards the
#: useless side) shows that moving that bound cannot lower the least violation.
SLOPE_TOL = 1e-6

#: Weight of the design's annual cost [per CNY/yr] next to the capacity studied [MW]: it picks
#: the cheapest design among those at the least capacity (without it the optimum is a huge
#: degenerate face, on which HiPO stalled: 61 iterations and 37,000 simplex iterations of
#: crossover, 80 s on the V3 case, against 56 iterations and 13 s with it, 2026-12-01).
COST_TIE_BREAK = 1e-10

#: Keys of the hourly limits in :attr:`BoundStudy.binding` (annual rules are given by rule id).
HOURLY_KEYS = ("exchange_cap", "import_cap", "no_export", "no_export_forbidden")


@dataclass
class BoundStudy:
    """The least change of one capacity bound.

    Attributes
    ----------
    name : str
        The source name, ``"storage_power"`` or ``"storage_energy"``.
    side : str
        ``"max"`` (the bound is raised to ``advised``) or ``"min"`` (lowered to ``advised``).
    current : float [MW or MWh]
        The bound as the site gives it (a fixed capacity is both its min and its max).
    advised : float or None [MW or MWh]
        The least-change value of the bound, or None when no value of it alone makes the
        LP feasible.
    unit : str
        ``"MW"`` or ``"MWh"``.
    binding : list of str
        The rules that hold ``advised`` where it is: rule ids of annual rules, or keys of
        :data:`HOURLY_KEYS` for the hourly limits.
    seconds : float
        HiGHS time of this study [s] (0 when the residual LP's slope settled it).
    status : str
        How the study ended: HiGHS's status, or the proof that it is infeasible.
    serves_first : bool or None
        Whether the advised design has a dispatch that serves the load with renewables
        first in every hour (None: the site does not require it). When False, ``advised``
        is a lower bound: below it the site is infeasible for sure.
    """

    name: str
    side: str
    current: float
    advised: float | None
    unit: str
    binding: list[str] = field(default_factory=list)
    seconds: float = 0.0
    status: str = ""
    serves_first: bool | None = None


@dataclass
class Advice:
    """The studies, and the residual LP (the closest approach within the site's bounds).

    Attributes
    ----------
    studies : list of BoundStudy
    residual : LPSolution
        The residual LP at the site's bounds; ``residual.objective`` is the least total
        rule violation plus unserved load [MWh].
    model, compiled : Pyomo model, CompiledLP
        The elastic model the solutions refer to (for :func:`gdc.optimise.solve.values`).
    columns : dict
        The column of each capacity (source name, ``storage_power``, ``storage_energy``).
    timings : dict
        ``build_s``, ``translate_s``, ``residual_s`` and ``studies_s`` [s].
    """

    studies: list[BoundStudy]
    residual: LPSolution
    model: Any
    compiled: CompiledLP
    columns: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _columns(lp: CompiledLP, m: Any, data: LPData, storage: bool) -> dict[str, int]:
    cols = {k: lp.col(m.cap[k]) for k in data.pu}
    if storage:
        cols["storage_power"] = lp.col(m.P)
        cols["storage_energy"] = lp.col(m.E)
    return cols


def _given_bounds(data: LPData, storage: bool) -> dict[str, tuple[float, float]]:
    out = dict(data.bounds.sources)
    if storage:
        out["storage_power"] = data.bounds.storage_power
        out["storage_energy"] = data.bounds.storage_energy
    return out


def _binding(sol: LPSolution, lp: CompiledLP, m: Any, data: LPData) -> list[str]:
    """Rule ids whose rows have a nonzero dual, and the hourly limits with nonzero reduced costs."""
    out: list[str] = []
    for rc in data.rules:
        i = m.rule_index.get(rc.rule.id)
        row = lp.row_index.get(id(m.rule_rows[i])) if i is not None else None
        if row is not None and abs(sol.row_dual[row]) > DUAL_TOL:
            out.append(rc.rule.id)
    n = len(data.load)

    def cols(var: Any) -> np.ndarray:
        return np.array([lp.index.get(id(var[t]), -1) for t in range(n)])

    def at_upper(c: np.ndarray, cap: np.ndarray) -> np.ndarray:
        ok = c >= 0
        hit = np.zeros(n, dtype=bool)
        j = c[ok]
        hit[ok] = (np.abs(sol.col_dual[j]) > DUAL_TOL) & (sol.x[j] >= cap[ok] - 1e-7)
        return hit

    cap = np.asarray(data.export_cap, dtype=float)
    finite = np.isfinite(cap)
    hit = at_upper(cols(m.e), np.where(finite, cap, np.inf)) & finite
    if np.any(hit & (cap > 0)):
        out.append("exchange_cap")
    if np.any(hit & (cap == 0)):
        out.append("no_export" if np.all(cap == 0) else "no_export_forbidden")
    if data.import_cap is not None:
        imp = at_upper(cols(m.m), np.full(n, float(data.import_cap)))
        rows = [lp.row_index.get(id(m.grid_max[t])) for t in range(n)] if hasattr(m, "grid_max") else []
        rows = [r for r in rows if r is not None]
        if np.any(imp) or (rows and np.any(np.abs(sol.row_dual[rows]) > DUAL_TOL)):
            out.append("import_cap")
    return out


class _Studies:
    """One compiled elastic model in one HiGHS instance, re-costed and re-bounded per LP."""

    def __init__(self, data: LPData, storage: bool, options: dict[str, Any] | None) -> None:
        opened = CapacityBounds(
            sources={k: (0.0, OPEN_BOUND) for k in data.bounds.sources},
            storage_power=(0.0, OPEN_BOUND if storage else 0.0),
            storage_energy=(0.0, OPEN_BOUND if storage else 0.0),
        )
        t0 = time.perf_counter()
        # without the self-use-first secants: they depend on the capacity bounds, which the
        # studies move; each advised design is checked for it instead (:meth:`serves_first`)
        plain = {"self_use_first": False} if hasattr(data, "self_use_first") else {}
        self.data = data
        self.m = build_model(replace(data, bounds=opened, **plain), elastic=True)
        t1 = time.perf_counter()
        self.lp = lp = compile_model(self.m)
        self.timings = {"build_s": t1 - t0, "translate_s": time.perf_counter() - t1}
        self.opts = {**default_options(len(lp.c)), **(options or {})}
        if self.opts.get("solver") in ("ipm", "hipo", "ipx") and options is None:
            # the advice needs the capacity and the duals, not a vertex: crossover took
            # 37,000 simplex iterations (50-80 s) on some V3 studies that the interior point
            # had solved in 7-12 s
            self.opts["run_crossover"] = "off"
        self.h = h = make_highs(lp, self.opts)
        m = self.m
        self.cols = _columns(lp, m, data, storage)
        self.given = _given_bounds(data, storage)
        slack = [(lp.index.get(id(m.slack[rc.rule.id])), 1.0) for rc in data.rules]
        slack += [(lp.index.get(id(m.unserved[t])), float(w)) for t, w in enumerate(data.weights)]
        slack = [(c, w) for c, w in slack if c is not None]
        self.slack_cols = np.array([c for c, _ in slack], dtype=np.int32)
        self.slack_cost = np.array([w for _, w in slack], dtype=float)
        n = len(lp.c)
        self.all_cols = np.arange(n, dtype=np.int32)
        #: the studies' tie-break: the design's own annual cost, scaled so that it never
        #: outweighs the capacity studied (a cost saving of 1e9 CNY/yr per MW would be needed)
        self.tie = COST_TIE_BREAK * np.asarray(lp.c, dtype=float)
        self.tie[self.slack_cols] = 0.0
        h.changeObjectiveOffset(0.0)
        self.cap_idx = np.array(list(self.cols.values()), dtype=np.int32)
        #: a residual below this [MWh] is solver noise
        self.noise = 1e-7 * max(1.0, float(np.dot(data.weights, data.load)))

    def _bounds(self, col: int | None = None, lo_hi: tuple[float, float] | None = None) -> None:
        lows = np.array([self.given[k][0] for k in self.cols], dtype=float)
        highs = np.array([self.given[k][1] for k in self.cols], dtype=float)
        self.h.changeColsBounds(len(self.cap_idx), self.cap_idx, lows, highs)
        if col is not None and lo_hi is not None:
            self.h.changeColBounds(int(col), float(lo_hi[0]), float(lo_hi[1]))

    def _slacks(self, open_: bool) -> None:
        """Slacks open at cost 1 per MWh and nothing else costed (the residual LP), or
        fixed at 0 (the sizing LP) with the tie-break cost."""
        k = len(self.slack_cols)
        cost = np.zeros(len(self.lp.c)) if open_ else self.tie.copy()
        if k:
            self.h.changeColsBounds(k, self.slack_cols, np.zeros(k), np.full(k, np.inf) if open_ else np.zeros(k))
            if open_:
                cost[self.slack_cols] = self.slack_cost
        self.h.changeColsCost(len(cost), self.all_cols, cost)

    def residual(self, col: int | None = None, lo_hi: tuple[float, float] | None = None) -> LPSolution:
        """The least total violation [MWh] with the site's bounds (one of them replaced)."""
        self._bounds(col, lo_hi)
        self._slacks(True)
        sol = run_highs(self.h)
        self._slacks(False)
        return sol

    def serves_first(self, sol: LPSolution) -> bool:
        """Whether ``sol``'s own dispatch serves the load with renewables first in every hour
        (``u_t >= min(L_t, a_t)``, no grid charging in an hour with a renewable surplus): a
        sufficient condition for the rule (which also lets the storage make good its standing
        loss in deficit hours)."""
        data, lp, m = self.data, self.lp, self.m
        n = len(data.load)
        x = sol.x
        avail = sum((data.pu[k] * float(x[self.cols[k]]) for k in data.pu), np.zeros(n))
        u = x[[lp.col(m.u[t]) for t in range(n)]]
        if np.any(u < np.minimum(data.load, avail) - 1e-6):
            return False
        if hasattr(m, "g"):
            g = x[[lp.col(m.g[t]) for t in range(n)]]
            if np.any((avail > data.load) & (g > 1e-6)):
                return False
        return True

    def extreme(self, col: int, lo_hi: tuple[float, float], sign: float) -> tuple[LPSolution, str, float]:
        """Minimise ``sign x col`` over the sizing LP with that column's bounds replaced."""
        self._bounds(col, lo_hi)
        self._slacks(False)
        h = self.h
        h.changeColCost(int(col), sign + self.tie[col])
        sol = run_highs(h)
        seconds, status = sol.seconds, sol.status
        if sol.status == "Unknown" and sol.info.get("solver") == "hipo":
            h.setOptionValue("solver", "ipx")  # HiPO stalled: IPX, as gdc.optimise.solve.solve does
            sol = run_highs(h)
            h.setOptionValue("solver", "hipo")
            seconds, status = seconds + sol.seconds, sol.status
        if not sol.optimal:
            res = self.residual(col, lo_hi)
            seconds += res.seconds
            if res.optimal and res.objective > self.noise:
                status = f"Infeasible (least violation {res.objective:,.1f} MWh)"
            else:  # no proof either way from the interior point: the dual simplex decides
                self._bounds(col, lo_hi)
                self._slacks(False)
                h.changeColCost(int(col), sign + self.tie[col])
                h.setOptionValue("solver", "simplex")
                sol = run_highs(h)
                solver = self.opts.get("solver", "choose")
                h.setOptionValue("solver", ipm_solver() if solver == "ipm" else solver)
                seconds += sol.seconds
                status = sol.status
        return sol, status, seconds


def least_changes(data: LPData, storage_allowed: bool, options: dict[str, Any] | None = None,
                  verify: Callable[[dict[str, float], dict[str, tuple[float, float]]], bool] | None = None
                  ) -> Advice:
    """The least change of each capacity bound, one at a time, that makes the LP feasible.

    Parameters
    ----------
    data : LPData
        The sizing LP (its bounds are the site's; it is infeasible, or the studies are moot).
    storage_allowed : bool
        Whether the site has storage (then its power and energy bounds are studied too; a
        site without storage gets no storage advice: its efficiencies are not given).
    options : dict, optional
        HiGHS options (default: gdc's for the LP's size).
    verify : callable, optional
        ``verify(capacities, bounds) -> bool``: whether the advised design (its renewable
        capacities, the storage within ``bounds``) has a dispatch that serves the load with
        renewables first and meets every rule. Called only when the site requires it
        (``data.self_use_first``) and the study's own dispatch does not show it already:
        the studies solve the LP without that rule (its secants depend on the bounds they
        move), so they give a lower bound that this check confirms.

    Returns
    -------
    Advice
        One study per bound that can move: a maximum below :data:`OPEN_BOUND` (raised), a
        minimum above 0 (lowered); a fixed capacity gives both. And the residual LP.
    """
    st = _Studies(data, storage_allowed, options)
    t0 = time.perf_counter()
    base = st.residual()
    t1 = time.perf_counter()
    studies: list[BoundStudy] = []
    for name, col in st.cols.items():
        lo, hi = st.given[name]
        unit = "MWh" if name == "storage_energy" else "MW"
        sides = []
        if hi < OPEN_BOUND:
            sides.append(("max", hi, (lo, OPEN_BOUND), 1.0))
        if lo > 0:
            sides.append(("min", lo, (0.0, hi), -1.0))
        for side, current, lo_hi, sign in sides:
            if base.optimal and base.objective > st.noise:
                slope = float(base.col_dual[col])  # d residual / d capacity
                if slope * sign >= -SLOPE_TOL:
                    studies.append(BoundStudy(name, side, float(current), None, unit, [], 0.0,
                                              f"the least violation does not fall as this bound moves "
                                              f"(slope {slope:.3g} MWh per {unit})"))
                    continue
            sol, status, seconds = st.extreme(col, lo_hi, sign)
            if sol.optimal:
                advised = float(min(max(sol.x[col], lo_hi[0]), lo_hi[1]))
                binding = _binding(sol, st.lp, st.m, data)
                first = None
                if getattr(data, "self_use_first", False):
                    first = st.serves_first(sol)
                    if not first and verify is not None:
                        bounds = dict(st.given)
                        bounds[name] = (lo, advised) if side == "max" else (advised, hi)
                        first = bool(verify({k: float(sol.x[c]) for k, c in st.cols.items()}, bounds))
                studies.append(BoundStudy(name, side, float(current), advised, unit, binding, seconds, status,
                                          serves_first=first))
            else:
                studies.append(BoundStudy(name, side, float(current), None, unit, [], seconds, status))
    t2 = time.perf_counter()
    return Advice(studies, base, st.m, st.lp, st.cols, {**st.timings, "residual_s": t1 - t0, "studies_s": t2 - t1})


# --- the advice in words -------------------------------------------------------------------

_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
#: Verdict metrics of the hourly limits (to name them with the rule that sets them).
HOURLY_METRICS = {"exchange_cap": "max_exchange_mw", "import_cap": "max_exchange_mw",
                  "no_export": "exported_energy_mwh", "no_export_forbidden": "export_in_forbidden_hours_mwh"}


def bound_field(name: str, side: str, fixed: bool) -> str:
    """The site-file field of a capacity bound, e.g. ``sources.wind.capacity_mw.max``."""
    base = {"storage_power": "storage.power_mw", "storage_energy": "storage.energy_mwh"}.get(
        name, f"sources.{name}.capacity_mw")
    return base if fixed else f"{base}.{side}"


def bound_label(name: str, lang: str = "en") -> str:
    """A bound's name in a sentence: the source's own name, or storage power / energy."""
    zh = lang == "zh"
    if name == "storage_power":
        return "储能功率" if zh else "storage power"
    if name == "storage_energy":
        return "储能容量" if zh else "storage energy"
    return name


def rule_phrase(rule: dict[str, Any], lang: str = "en") -> str:
    """A rule in its own words with its threshold, e.g. ``“Exported share ... ≤ 20 %”``."""
    name = rule["name_zh"] if lang == "zh" else rule["name_en"]
    thr = rule.get("threshold")
    if thr is None or not np.isfinite(thr):
        return f"“{name}”"
    return f"“{name} {_OPS.get(rule['op'], rule['op'])} {fmt_number(thr)} {rule['unit']}”"


def fmt_number(x: float) -> str:
    """A threshold as the rule files write it (20, 35, 80, 96.4)."""
    return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{round(x):,d}"


def fmt_advised(x: float, side: str) -> str:
    """An advised bound for people: rounded outward (up for a maximum, down for a minimum)
    to 0.1 (to 0.001 below 1), so that the rounded value is feasible too."""
    d = 1 if abs(x) >= 1 else 3
    f = 10.0 ** d
    v = np.ceil(x * f - 1e-6) / f if side == "max" else np.floor(x * f + 1e-6) / f
    return f"{v:,.{d}f}"


def advice_sentence(item: dict[str, Any], lang: str = "en") -> str:
    """One line of advice (see :meth:`gdc.optimise.size.Explanation.as_dict` for ``item``), e.g.
    ``storage energy: at least 53.9 MWh (the site allows at most 20 MWh); below it “A ≥ 60 %”
    and “B ≥ 35 %” conflict``."""
    zh = lang == "zh"
    label = bound_label(item["name"], lang)
    unit, cur = item["unit"], fmt_number(item["current"])
    if item["advised"] is None:
        if zh:
            return f"{label}：仅调整此项（其余边界不变）无法使其可行"
        return f"{label}: no value of this bound alone makes it feasible (the other bounds as given)"
    adv = fmt_advised(item["advised"], item["side"])
    up = item["side"] == "max"
    if item["fixed"]:
        now = f"场址固定为 {cur} {unit}" if zh else f"the site fixes it at {cur} {unit}"
    elif up:
        now = f"场址允许至多 {cur} {unit}" if zh else f"the site allows at most {cur} {unit}"
    else:
        now = f"场址要求至少 {cur} {unit}" if zh else f"the site requires at least {cur} {unit}"
    if not item.get("exact", True):  # the value is a lower bound (see BoundStudy.serves_first)
        now += ("；此值为下限：该方案无法做到自发自用优先" if zh else
                "; a lower bound: the design at this value cannot serve the load with renewables first")
    users = [r for r in item["rules"] if r["id"].startswith(USER_RULE_PREFIX)]
    if users:
        return _user_sentence(item, users, label, adv, unit, now, lang)
    rules = [rule_phrase(r, lang) for r in item["rules"]]
    if zh:
        head = f"{label}：{'至少' if up else '至多'} {adv} {unit}（{now}）"
        where = "低于此值时" if up else "高于此值时"
        if len(rules) > 1:
            return f"{head}；{where}{'与'.join(rules)}无法同时满足"
        return f"{head}；{where}{rules[0]}无法满足" if rules else head
    head = f"{label}: at {'least' if up else 'most'} {adv} {unit} ({now})"
    where = "below it" if up else "above it"
    if len(rules) > 1:
        return f"{head}; {where} {', '.join(rules[:-1])} and {rules[-1]} conflict"
    return f"{head}; {where} {rules[0]} cannot be met" if rules else head


def _user_sentence(item: dict[str, Any], users: list[dict[str, Any]], label: str, adv: str, unit: str, now: str,
                   lang: str) -> str:
    """The advice when users' own minimum green shares hold the bound (688号 multi-user sites), in
    user terms: ``storage energy: at least 501.7 MWh (the site allows at most 400 MWh); cell-plant's
    80 % needs 101.7 MWh more storage energy``, the project rules binding with them named after."""
    zh = lang == "zh"
    up = item["side"] == "max"
    d = 1 if abs(item["advised"]) >= 1 else 3
    delta = abs(float(fmt_advised(item["advised"], item["side"]).replace(",", "")) - item["current"])
    change = f"{delta:,.{d}f} {unit}"
    who = [(r["id"][len(USER_RULE_PREFIX):], fmt_number(r["threshold"]) if r.get("threshold") is not None else "?")
           for r in users]
    others = [rule_phrase(r, lang) for r in item["rules"] if not r["id"].startswith(USER_RULE_PREFIX)]
    if zh:
        names = "、".join(f"用户 {n} 的最低绿电占比 {t} %" for n, t in who)
        verb = f"需要{label}再增加 {change}" if up else f"需要{label}的下限再降低 {change}"
        tail = f"（同时受{'、'.join(others)}约束）" if others else ""
        return f"{label}：{'至少' if up else '至多'} {adv} {unit}（{now}）；{names} {verb}{tail}"
    names = " and ".join(f"{n}'s {t} %" for n, t in who)
    verb = (f"need{'s' if len(who) == 1 else ''} {change} more {label}" if up else
            f"need{'s' if len(who) == 1 else ''} the minimum of {label} {change} lower")
    tail = f", with {' and '.join(others)} binding too" if others else ""
    return f"{label}: at {'least' if up else 'most'} {adv} {unit} ({now}); {names} minimum green share {verb}{tail}"
