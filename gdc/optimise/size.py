"""``gdc size``: least-cost compliant capacities, and the least-cost dispatch of a fixed design.

The pipeline is the check's with the LP in the middle: site -> profiles -> LP (Pyomo +
HiGHS) -> hourly balance -> metrics -> verdicts (the same :func:`gdc.check.check_site`).
When no design complies, an elastic LP (a slack on every rule) says which rules cannot be
met together and by how much, and one LP per capacity bound gives the least change of that
bound alone that makes the site feasible (:func:`explain_infeasible`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from gdc.check import CheckResult, check_site, get_rule_set
from gdc.operation.balance import Balance, StorageParams
from gdc.operation.dispatch import Design
from gdc.operation.prices import cost_breakdown, get_costs
from gdc.optimise.model import OPEN_BOUND, CapacityBounds, LPData, build_model, lp_data
from gdc.optimise.solve import CompiledLP, LPSolution, compile_model, solve, values, write_lp
from gdc.profiles.series import Profiles, get_profiles
from gdc.site.errors import InfeasibleError
from gdc.site.schema import Site


@dataclass
class Solved:
    """An LP solved: the design, its balance and the timings."""

    design: Design
    balance: Balance
    objective: float
    solution: LPSolution
    timings: dict[str, float] = field(default_factory=dict)
    model: Any = None
    compiled: CompiledLP | None = None
    #: How the self-use-first rows were met (:func:`self_use_first_design`), empty when not checked.
    self_use_first: dict[str, Any] = field(default_factory=dict)


def _balance(data: LPData, m: Any, lp: CompiledLP, x: np.ndarray, forbidden: np.ndarray,
             storage: StorageParams) -> Balance:
    n = len(data.load)
    T = range(n)
    get = lambda var: values(lp, x, var, T)  # noqa: E731
    u, c, e, q, d, mm, s = (get(getattr(m, k)) for k in ("u", "c", "e", "q", "d", "m", "s"))
    wind = np.zeros(n)
    pv = np.zeros(n)
    for k in data.pu:
        cap = values(lp, x, m.cap, [k])[0]
        if data.source_type[k] == "wind":
            wind += cap * data.pu[k]
        else:
            pv += cap * data.pu[k]
    grid_ch = hasattr(m, "g")
    g = get(m.g) if grid_ch else np.zeros(n)
    dg = get(m.dg) if grid_ch else np.zeros(n)
    sg = get(m.sg) if grid_ch else np.zeros(n)
    unserved = get(m.unserved) if hasattr(m, "unserved") else np.zeros(n)
    # HiGHS returns values within its tolerances: clip tiny negatives
    clip = lambda a: np.where(np.abs(a) < 1e-9, 0.0, a)  # noqa: E731
    per = data.period_hours
    soc = clip(s + sg)
    return Balance(
        weights=data.weights, period_hours=per, load=data.load, wind=wind, pv=pv,
        re_to_load=clip(u), re_to_storage=clip(c), re_export=clip(e), curtailment=clip(q),
        grid_to_load=clip(mm), storage_to_load=clip(d + dg), soc=soc,
        soc_start=soc.reshape(-1, per)[:, -1].copy(), export_forbidden=forbidden, storage=storage,
        grid_to_storage=clip(g), storage_to_load_grid=clip(dg), unserved=clip(unserved), source="optimal",
    )


def solve_data(data: LPData, forbidden: np.ndarray, storage_template: StorageParams | None = None,
               elastic: bool = False, options: dict[str, Any] | None = None,
               confirm_infeasible: bool = True, save_lp: str | Path | None = None) -> Solved:
    """Build, compile and solve the LP of ``data``; the balance of the optimum.

    ``save_lp`` writes the compiled LP, exactly as handed to HiGHS, to an ``.lp`` or ``.mps``
    file before the solve (:func:`gdc.optimise.solve.write_lp`).
    """
    t0 = time.perf_counter()
    m = build_model(data, elastic=elastic)
    t1 = time.perf_counter()
    lp = compile_model(m)
    t2 = time.perf_counter()
    if save_lp is not None:
        write_lp(lp, save_lp)
    sol = solve(lp, options, confirm_infeasible=confirm_infeasible)
    timings = {"build_s": t1 - t0, "translate_s": t2 - t1, "solve_s": sol.seconds}
    if not sol.optimal:
        return Solved(Design({}), None, float("nan"), sol, timings, m, lp)  # type: ignore[arg-type]
    return _solved(data, m, lp, sol, forbidden, storage_template, timings)


def _solved(data: LPData, m: Any, lp: CompiledLP, sol: LPSolution, forbidden: np.ndarray,
            storage_template: StorageParams | None, timings: dict[str, float]) -> Solved:
    """The design and balance of an optimal LP solution."""
    x = sol.x
    def snap(value: float, lo: float, hi: float) -> float:
        """Solver noise off a capacity: inside its bounds, exactly 0 when within 1e-9 MW of it."""
        value = min(max(value, lo), hi)
        return 0.0 if abs(value) < 1e-9 else value

    caps = {k: snap(float(values(lp, x, m.cap, [k])[0]), *data.bounds.sources[k]) for k in data.pu}
    if data.has_storage:
        p_e = (snap(float(values(lp, x, m.P, [None])[0]), *data.bounds.storage_power),
               snap(float(values(lp, x, m.E, [None])[0]), *data.bounds.storage_energy))
    else:
        p_e = (0.0, 0.0)
    design = Design(capacities_mw=caps, storage_power_mw=float(p_e[0]), storage_energy_mwh=float(p_e[1]))
    st = storage_template or StorageParams()
    storage = replace(st, power_mw=design.storage_power_mw, energy_mwh=design.storage_energy_mwh) \
        if data.has_storage else StorageParams()
    balance = _balance(data, m, lp, x, forbidden, storage)
    return Solved(design, balance, sol.objective, sol, timings, m, lp)


def _storage_template(site: Site) -> StorageParams:
    st = site.storage
    if st is None:
        return StorageParams()
    return StorageParams(charge_efficiency=st.charge_efficiency, discharge_efficiency=st.discharge_efficiency,
                         soc_min=st.soc_min, soc_max=st.soc_max, self_discharge_per_h=st.self_discharge_per_h)


@dataclass
class Explanation:
    """Why no design complies: the rules that cannot be met together, and what would help.

    Attributes
    ----------
    shortfalls : list of dict
        The rules the elastic LP could not meet (nonzero slacks): ``rule``, ``name``,
        ``name_zh``, ``value`` reached, ``threshold``, ``op``, ``unit``, ``shortfall``.
    unserved_mwh : float [MWh/yr]
        Load the elastic LP could not serve (off-grid).
    needed : list of str
        What would make it feasible, in English sentences (the advice, then the notes).
    advice : list of dict
        The least change of each capacity bound alone (:func:`gdc.optimise.advice.least_changes`):
        ``bound`` (site field), ``name``, ``side`` (``max`` raised / ``min`` lowered),
        ``fixed``, ``current`` and ``advised`` [``unit``] (None: this bound alone cannot make
        it feasible) and ``rules`` (the rules that hold the advised value where it is).
    notes : list of dict
        Further sentences, ``{"en": ..., "zh": ...}``.
    timings : dict
        Seconds spent: ``elastic_s``, ``advice_s``.
    """

    shortfalls: list[dict[str, Any]]
    unserved_mwh: float
    needed: list[str]
    advice: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data (``advice``: ``[{bound, current, advised, unit, rules}, ...]``)."""
        return {"shortfalls": self.shortfalls, "unserved_mwh": self.unserved_mwh, "advice": self.advice,
                "needed": self.needed, "notes": self.notes, "timings": self.timings}

    def text(self, lang: str = "en") -> str:
        """The explanation for people, in English (``en``) or Chinese (``zh``)."""
        from gdc.optimise.advice import advice_sentence

        zh = lang == "zh"
        lines = []
        if self.shortfalls:
            lines.append("在容量范围内无法同时满足的规则（弹性线性规划的最接近解）：" if zh else
                         "rules that cannot be met together within the capacity bounds "
                         "(closest approach of the elastic LP):")
            for s in self.shortfalls:
                short = ("个百分点" if zh else "pp") if s["unit"] == "%" else s["unit"]
                op = {">=": "≥", "<=": "≤"}.get(s["op"], s["op"])
                if zh:
                    lines.append(f"  - {s['name_zh']}：达到 {s['value']:.2f} {s['unit']}，要求 {op} "
                                 f"{s['threshold']:.2f} {s['unit']}（差 {s['shortfall']:.2f} {short}）")
                else:
                    lines.append(f"  - {s['name']}: reaches {s['value']:.2f} {s['unit']} against {op} "
                                 f"{s['threshold']:.2f} {s['unit']} (short by {s['shortfall']:.2f} {short})")
        if self.unserved_mwh > 0:
            lines.append(f"  - 每年 {self.unserved_mwh:,.0f} MWh 负荷无法供应（离网）" if zh else
                         f"  - {self.unserved_mwh:,.0f} MWh/yr of load cannot be served (off-grid)")
        own = [advice_sentence(a, "en") for a in self.advice] + [n["en"] for n in self.notes]
        extra = [n for n in self.needed if n not in own]
        if self.advice or self.notes or extra:
            lines.append("使其可行的最小调整（每次只调整一个边界，其余不变）：" if zh else
                         "what would make it feasible (the least change of one bound, the others as given):")
            lines += [f"  - {advice_sentence(a, lang)}" for a in self.advice]
            lines += [f"  - {n['zh' if zh else 'en']}" for n in self.notes]
            lines += [f"  - {n}" for n in extra]
        return "\n".join(lines)


def _rule_entry(v: Any) -> dict[str, Any]:
    """A rule as the advice names it: id, names, op, threshold and unit of its verdict."""
    thr = v.threshold
    thr = float(thr) if isinstance(thr, (int, float)) and not isinstance(thr, bool) else None
    return {"id": v.rule.id, "name_en": v.rule.name_en, "name_zh": v.rule.name_zh, "op": v.rule.op,
            "threshold": thr, "unit": v.unit}


def _advice_items(studies: list[Any], data: LPData, verdicts: dict[str, Any],
                  shortfall_ids: list[str]) -> list[dict[str, Any]]:
    """The studies that say something, as data: the bounds whose change helps, first; one
    entry per bound that no value makes feasible."""
    from gdc.optimise.advice import HOURLY_METRICS, bound_field

    bounds = {**data.bounds.sources, "storage_power": data.bounds.storage_power,
              "storage_energy": data.bounds.storage_energy}
    by_metric = {v.rule.metric: v for v in verdicts.values()}
    helpful, hopeless = [], []
    for name in dict.fromkeys(s.name for s in studies):
        lo, hi = bounds[name]
        fixed = lo == hi
        mine = [s for s in studies if s.name == name]
        moves = [s for s in mine if s.advised is not None and (
            s.advised > s.current * (1 + 1e-9) + 1e-9 if s.side == "max" else s.advised < s.current * (1 - 1e-9) - 1e-9)]
        if moves:
            for s in moves:
                ids = s.binding or shortfall_ids
                rules = []
                for key in ids:
                    v = verdicts.get(key) or by_metric.get(HOURLY_METRICS.get(key, ""))
                    if v is not None and v.rule.id not in {r["id"] for r in rules}:
                        rules.append(_rule_entry(v))
                helpful.append({"bound": bound_field(name, s.side, fixed), "name": name, "side": s.side,
                                "fixed": fixed, "current": s.current, "advised": s.advised, "unit": s.unit,
                                "rules": rules, "exact": s.serves_first is not False})
        elif all(s.advised is None for s in mine):
            side = mine[0].side
            hopeless.append({"bound": bound_field(name, side, fixed), "name": name, "side": side, "fixed": fixed,
                             "current": mine[0].current, "advised": None, "unit": mine[0].unit, "rules": [],
                             "exact": True})
    return helpful + hopeless


def explain_infeasible(site: Site, profiles: Profiles, data: LPData, rule_set: Any) -> Explanation:
    """Why no design complies, and the least change of each capacity bound that would fix it.

    One elastic model (a slack on every rule row and on the load balance), compiled once,
    answers both questions (:func:`gdc.optimise.advice.least_changes`): its residual LP (the
    least total violation within the site's bounds) gives the rules that cannot be met
    together and by how much; then, for each capacity bound alone, the same LP with the
    slacks fixed at 0, that bound opened and the capacity itself as objective gives the
    least change of that bound that makes the sizing LP feasible, and the rules binding
    there.

    Parameters
    ----------
    site, profiles : Site, Profiles
    data : LPData
        The infeasible sizing LP.
    rule_set : RuleSet

    Returns
    -------
    Explanation
    """
    from gdc.optimise.advice import advice_sentence, least_changes

    data = replace(data, objective=None)  # feasibility does not depend on the objective
    forbidden = profiles.export_forbidden
    tmpl = _storage_template(site)
    t0 = time.perf_counter()
    def verify(caps: dict[str, float], bounds: dict[str, tuple[float, float]]) -> bool:
        # renewable capacities fixed: the self-use-first rule is exact (variable bounds)
        b = CapacityBounds(sources={k: (caps[k], caps[k]) for k in data.bounds.sources},
                           storage_power=bounds.get("storage_power", (0.0, 0.0)),
                           storage_energy=bounds.get("storage_energy", (0.0, 0.0)))
        return solve_data(replace(data, bounds=b), forbidden, tmpl).solution.optimal

    adv = least_changes(data, storage_allowed=site.storage is not None, verify=verify)
    shortfalls = []
    unserved = 0.0
    verdicts: dict[str, Any] = {}
    if adv.residual.optimal:
        res = check_site(site, design=_residual_design(adv), balance=_residual_balance(adv, data, forbidden, tmpl),
                         profiles=profiles)
        unserved = res.metrics.unserved
        verdicts = {v.rule.id: v for v in res.verdicts}
        slack_ids = {rc.rule.id for rc in data.rules}
        for v in res.verdicts:
            if v.rule.id in slack_ids and v.status == "fail" and v.margin is not None:
                shortfalls.append({"rule": v.rule.id, "name": v.rule.name_en, "name_zh": v.rule.name_zh,
                                   "value": float(v.value), "threshold": float(v.threshold), "op": v.rule.op,
                                   "unit": v.unit, "shortfall": -float(v.margin)})
    advice = _advice_items(adv.studies, data, verdicts, [s["rule"] for s in shortfalls])
    t1 = time.perf_counter()
    notes: list[dict[str, str]] = []
    if not any(a["advised"] is not None for a in advice):
        notes.append(_all_open_note(site, data, forbidden, tmpl))
    needed = [advice_sentence(a, "en") for a in advice] + [n["en"] for n in notes]
    return Explanation(shortfalls=shortfalls, unserved_mwh=unserved, needed=needed, advice=advice, notes=notes,
                       timings={**{k: round(v, 4) for k, v in adv.timings.items()}, "advice_s": round(t1 - t0, 4),
                                "notes_s": round(time.perf_counter() - t1, 4)})


def _residual_design(adv: Any) -> Design:
    """The capacities of the residual LP's solution (the closest approach)."""
    x, cols = adv.residual.x, adv.columns
    caps = {k: max(0.0, float(x[c])) for k, c in cols.items() if k not in ("storage_power", "storage_energy")}
    return Design(capacities_mw=caps, storage_power_mw=max(0.0, float(x[cols["storage_power"]]))
                  if "storage_power" in cols else 0.0,
                  storage_energy_mwh=max(0.0, float(x[cols["storage_energy"]])) if "storage_energy" in cols else 0.0)


def _residual_balance(adv: Any, data: LPData, forbidden: np.ndarray, tmpl: StorageParams) -> Balance:
    d = _residual_design(adv)
    storage = replace(tmpl, power_mw=d.storage_power_mw, energy_mwh=d.storage_energy_mwh) \
        if "storage_power" in adv.columns else StorageParams()
    return _balance(data, adv.model, adv.compiled, adv.residual.x, forbidden, storage)


def _all_open_note(site: Site, data: LPData, forbidden: np.ndarray, tmpl: StorageParams) -> dict[str, str]:
    """When no bound alone helps: whether opening every capacity bound together does."""
    b = data.bounds
    opened = CapacityBounds(
        sources={k: (lo, OPEN_BOUND) for k, (lo, hi) in b.sources.items()},
        storage_power=(b.storage_power[0], OPEN_BOUND if site.storage is not None else 0.0),
        storage_energy=(b.storage_energy[0], OPEN_BOUND if site.storage is not None else 0.0),
    )
    wide = solve_data(replace(data, bounds=opened), forbidden, tmpl)
    if not wide.solution.optimal:
        return {"en": "no capacities make it feasible, even with every maximum opened: the rules conflict at this "
                      "load shape, or a minimum or the connection is too large or too small; see the shortfalls above",
                "zh": "即使放开所有容量上限也无法可行：在此负荷曲线下规则相互冲突，或某个容量下限、并网容量过大或过小；见上方差额"}
    d = wide.design
    parts = [f"{k} {v:,.1f} MW" for k, v in d.capacities_mw.items()]
    if site.storage is not None:
        parts.append(f"storage {d.storage_power_mw:,.1f} MW / {d.storage_energy_mwh:,.1f} MWh")
    parts_zh = [p.replace("storage", "储能") for p in parts]
    return {"en": "no bound alone makes it feasible; with every maximum opened together the least-cost design is "
                  + ", ".join(parts),
            "zh": "仅调整任何一个边界都无法可行；同时放开所有上限时的最低成本方案为：" + "，".join(parts_zh)}


def _finish(site: Site, profiles: Profiles, solved: Solved, costs: Any, mode: str) -> CheckResult:
    res = check_site(site, design=solved.design, balance=solved.balance, profiles=profiles)
    breakdown = cost_breakdown(costs, solved.design, solved.balance, site)
    if abs(breakdown["total_cny_per_year"] - solved.objective) > 1e-6 * max(1.0, abs(solved.objective)):
        # an elastic solve with active slacks: the objective includes penalties
        breakdown["lp_objective_cny_per_year"] = solved.objective
    res.extra["cost"] = breakdown
    res.extra["optimiser"] = {
        "mode": mode, "objective_cny_per_year": solved.objective, "status": solved.solution.status,
        "iterations": solved.solution.iterations, "solver": solved.solution.info.get("solver", ""),
        **{k: round(v, 4) for k, v in solved.timings.items()},
        "columns": len(solved.compiled.c), "rows": solved.compiled.A.shape[0],
    }
    if solved.self_use_first:
        res.extra["optimiser"]["self_use_first"] = solved.self_use_first
    return res


#: Power below which an hourly flow counts as zero in the self-use-first check [MW].
FLOW_TOL = 1e-6


def self_use_first_shortfall(balance: Balance) -> np.ndarray:
    """Per hour, how far a dispatch is from renewables serving the load first [MW]:
    ``min(L_t, a_t) - u_t`` (``a_t`` available renewable power, ``u_t`` renewables to the
    load) less, in hours without surplus, the standing loss the storage may take
    (``sigma / eta_c x sum of soc`` over each period), plus grid charging in an hour with a
    renewable surplus. Zero in every hour means
    no hour both imports and exports (:func:`gdc.optimise.model.define_exchange_constraints`).
    """
    avail = balance.wind + balance.pv
    surplus = avail > balance.load + FLOW_TOL
    st = balance.storage
    per = balance.period_hours
    rate = st.self_discharge_per_h / st.charge_efficiency if st.energy_mwh > 0 else 0.0
    # the standing loss the storage may take from renewables without a surplus, per period
    charge = np.where(surplus, 0.0, balance.re_to_storage).reshape(-1, per)
    allowed = rate * np.asarray(balance.soc, dtype=float).reshape(-1, per).sum(axis=1, keepdims=True)
    total = charge.sum(axis=1, keepdims=True)
    share = np.where(total > 0, np.minimum(allowed, total) / np.where(total > 0, total, 1.0), 0.0)
    standing = (charge * share).ravel()
    short = np.minimum(balance.load, avail) - balance.re_to_load - standing
    return np.maximum(short, 0.0) + np.where(surplus, balance.grid_to_storage, 0.0)


#: Default relative gap [-] at which the self-use-first search stops: the design returned
#: costs at most this fraction more than the certified lower bound of every design in the
#: bounds (:func:`self_use_first_design`). 0.5 % of the annual cost: on the V3 case the search
#: reaches it in a few full-year LPs, where 1e-6 needs many more (bench/README.md).
SELF_USE_GAP = 0.005
#: Most LPs the search solves (boxes and fixed-capacity dispatches) before it returns its best
#: design with the gap reached.
SELF_USE_MAX_NODES = 40


def _with_sources(data: LPData, sources: dict[str, tuple[float, float]]) -> LPData:
    return replace(data, bounds=replace(data.bounds, sources=sources))


class NoSelfUseFirstDesign(RuntimeError):
    """The self-use-first search found no design (every box infeasible, or its LP limit reached)."""


class _BoxLP:
    """The sizing LP of a sub-box of renewable capacities, changed in place in one HiGHS.

    The root model (the site's bounds) has a secant row for every hour whose available power
    ``a_t`` can straddle the load over the bounds; a sub-box only changes, in those rows, the
    cap coefficients ``-kappa_t p_kt`` and the right-hand side ``lo_t (1 - kappa_t) + kappa_t f_t``
    (``f_t`` the fixed sources' power), and the bounds of ``u_t`` (``>= L_t`` where the box is
    surely surplus), ``e_t, q_t`` (0 where surely deficit; ``kappa_t = 1`` there, so the row reads
    ``u_t + z_t >= a_t``: the storage takes at most its standing loss) and ``g_t``. A box of one
    point is the exact fixed-capacity dispatch. Rebuilding the model per box would cost
    about 1.6 s of Pyomo per LP on a full year.
    """

    def __init__(self, data: LPData, root: Solved, forbidden: np.ndarray, template: StorageParams | None) -> None:
        import highspy

        from gdc.optimise.model import available_range
        from gdc.optimise.solve import make_highs

        m, lp = root.model, root.compiled
        self.data, self.m, self.lp, self.forbidden, self.template = data, m, lp, forbidden, template
        self.names = [k for k, (lo, hi) in data.bounds.sources.items() if hi > lo]
        self.cap_col = {k: lp.col(m.cap[k]) for k in self.names}
        rows = list(m.self_use_first.keys()) if hasattr(m, "self_use_first") else []
        self.rows = np.asarray(rows, dtype=int)
        self.row_i = np.asarray([lp.row_index[id(m.self_use_first[t])] for t in rows], dtype=np.int32)
        T = self.rows
        self.L = np.asarray(data.load, dtype=float)[T]
        self.p = {k: np.asarray(data.pu[k], dtype=float)[T] for k in self.names}
        self.fixed = np.zeros(len(T))
        for k, (lo, hi) in data.bounds.sources.items():
            if hi <= lo:
                self.fixed += np.asarray(data.pu[k], dtype=float)[T] * lo
        lo_all, hi_all = available_range(data)
        assert np.allclose(lo_all[T], sum((self.p[k] * data.bounds.sources[k][0] for k in self.names),
                                          self.fixed)), "secant rows out of step with the bounds"

        def cols(var: Any) -> np.ndarray:
            return np.asarray([lp.col(var[t]) for t in rows], dtype=np.int32)

        self.cols = {key: cols(getattr(m, key)) for key in ("u", "e", "q") if len(rows)}
        if hasattr(m, "g") and len(rows):
            self.cols["g"] = cols(m.g)
        self.col_lo = {k: lp.col_lower[c] for k, c in self.cols.items()}
        self.col_hi = {k: lp.col_upper[c] for k, c in self.cols.items()}
        self.inf = highspy.kHighsInf
        self.h = make_highs(lp, {"solver": "ipm"})
        # two free capacities: a second row per straddling hour, so that the two rows are the
        # convex envelope of min(L_t, a_t) over the box (exact at its four corners), not only
        # the secant along a_t (exact at two)
        self.row2 = np.zeros(0, dtype=np.int32)
        if len(self.names) == 2 and len(rows):
            n, first = len(rows), self.h.getNumRow()
            z = [lp.col(m.z[t]) for t in rows] if hasattr(m, "z") else None
            starts, index, value = [], [], []
            for i in range(n):
                starts.append(len(index))
                index += [int(self.cols["u"][i])] + ([z[i]] if z else []) + [self.cap_col[k] for k in self.names]
                value += [1.0] + ([1.0] if z else []) + [0.0] * len(self.names)
            self.h.addRows(n, np.full(n, -self.inf), np.full(n, self.inf), len(index),
                           np.asarray(starts, dtype=np.int32), np.asarray(index, dtype=np.int32),
                           np.asarray(value, dtype=float))
            self.row2 = np.arange(first, first + n, dtype=np.int32)
        self.lps = 0
        self.seconds = 0.0

    def _apply(self, box: dict[str, tuple[float, float]]) -> None:
        h = self.h
        for k in self.names:
            h.changeColBounds(int(self.cap_col[k]), float(box[k][0]), float(box[k][1]))
        if not len(self.rows):
            return
        lo = self.fixed + sum(self.p[k] * box[k][0] for k in self.names)
        hi = self.fixed + sum(self.p[k] * box[k][1] for k in self.names)
        L = self.L
        sur = lo >= L
        de = (hi <= L) & ~sur
        n = len(self.rows)
        if len(self.row2):
            planes = self._envelope(box)
        else:
            width = np.where(hi > lo, hi - lo, 1.0)
            kappa = np.where(sur, 0.0, np.where(de, 1.0, (np.minimum(L, hi) - lo) / width))
            rhs = np.where(sur, L, lo * (1.0 - kappa) + kappa * self.fixed)
            planes = [(self.row_i, {k: kappa * self.p[k] for k in self.names}, rhs)]
        for rows, slope, rhs in planes:
            for k in self.names:
                col = int(self.cap_col[k])
                for r, v in zip(rows.tolist(), (-slope[k]).tolist(), strict=True):
                    h.changeCoeff(r, col, v)
            h.changeRowsBounds(n, rows, rhs, np.full(n, self.inf))

        def bounds(key: str, lower: np.ndarray, upper: np.ndarray) -> None:
            h.changeColsBounds(n, self.cols[key], lower, upper)

        bounds("u", np.where(sur, L, self.col_lo["u"]), self.col_hi["u"])
        bounds("e", self.col_lo["e"], np.where(de, 0.0, self.col_hi["e"]))
        bounds("q", self.col_lo["q"], np.where(de, 0.0, self.col_hi["q"]))
        if "g" in self.cols:
            bounds("g", self.col_lo["g"], np.where(lo > L, 0.0, self.col_hi["g"]))

    def _envelope(self, box: dict[str, tuple[float, float]]) -> list[tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]]:
        """The two planes of the convex envelope of ``g = min(L_t, a_t)`` over a rectangle of two
        capacities ``x, y``: ``g`` is concave, so its envelope interpolates the four corner values,
        on the triangulation whose diagonal has the lower mean. Each plane lies below ``g`` at
        the four corners, hence on the whole box: rows ``u_t + z_t >= sx x + sy y + r``."""
        kx, ky = self.names
        (x0, x1), (y0, y1) = box[kx], box[ky]
        px, py, f, L = self.p[kx], self.p[ky], self.fixed, self.L

        def g(x: float, y: float) -> np.ndarray:
            return np.minimum(L, f + px * x + py * y)

        g00, g10, g01, g11 = g(x0, y0), g(x1, y0), g(x0, y1), g(x1, y1)
        wx, wy = x1 - x0, y1 - y0
        dx = (lambda a, b: (b - a) / wx) if wx > 0 else (lambda a, b: np.zeros_like(a))
        dy = (lambda a, b: (b - a) / wy) if wy > 0 else (lambda a, b: np.zeros_like(a))
        main = g00 + g11 <= g10 + g01  # the diagonal 00-11 lies lower: its two triangles
        s1x = np.where(main, dx(g00, g10), dx(g00, g10))
        s1y = np.where(main, dy(g10, g11), dy(g00, g01))
        s2x = np.where(main, dx(g01, g11), dx(g01, g11))
        s2y = np.where(main, dy(g00, g01), dy(g10, g11))
        r1 = np.where(main, g00 - s1x * x0 - s1y * y0, g00 - s1x * x0 - s1y * y0)
        r2 = np.where(main, g00 - s2x * x0 - s2y * y0, g11 - s2x * x1 - s2y * y1)
        # the fixed sources' power is a constant of the row: on the right-hand side as is
        return [(self.row_i, {kx: s1x, ky: s1y}, r1), (self.row2, {kx: s2x, ky: s2y}, r2)]

    def solve(self, box: dict[str, tuple[float, float]], crossover: bool) -> Solved:
        """The box's LP: a lower bound of every design in the box (its dual objective), and,
        for a box of one point, that design's exact least-cost dispatch."""
        from gdc.optimise.solve import ipm_solver, run_highs

        self._apply(box)
        h = self.h
        h.setOptionValue("run_crossover", "on" if crossover else "off")
        h.setOptionValue("solver", ipm_solver())
        h.clearSolver()
        sol = run_highs(h)
        if sol.status == "Unknown" and ipm_solver() == "hipo":
            h.setOptionValue("solver", "ipx")
            h.clearSolver()
            again = run_highs(h)
            again.seconds += sol.seconds
            sol = again
        exact = False
        if not sol.optimal and sol.status not in ("Infeasible", "Primal infeasible or unbounded"):
            # the interior point stopped without an answer ("Unknown": seen on a 96-hour multi-user
            # box): dropping the box would lose its designs, so the dual simplex decides
            h.setOptionValue("solver", "simplex")
            h.clearSolver()
            again = run_highs(h)
            again.seconds += sol.seconds
            sol, exact = again, True
        self.lps += 1
        self.seconds += sol.seconds
        data = _with_sources(self.data, box)
        if not sol.optimal:
            return Solved(Design({}), None, float("nan"), sol, {}, None, None)  # type: ignore[arg-type]
        if not crossover and not exact:
            # an interior point without crossover: primal and dual objectives agree within HiGHS's
            # relative primal-dual error |p - d| / (1 + |p| + |d|); the bound takes it off
            err = abs(float(getattr(h.getInfo(), "primal_dual_objective_error", 0.0) or 0.0))
            sol.objective -= err * (1.0 + 2.0 * abs(sol.objective))
        return _solved(data, self.m, self.lp, sol, self.forbidden, self.template, {"solve_s": sol.seconds})


def _split(box: dict[str, tuple[float, float]], k: str, x: float) -> tuple[float, float]:
    """Where to cut capacity ``k``'s interval: at the LP's value when it lies in the middle half,
    else at the middle (so every box at least halves in two cuts of the same side)."""
    lo, hi = box[k]
    w = hi - lo
    return x if lo + 0.25 * w <= x <= hi - 0.25 * w else 0.5 * (lo + hi)


def self_use_first_design(data: LPData, solved: Solved, forbidden: np.ndarray,
                          storage_template: StorageParams | None = None, gap_tol: float = SELF_USE_GAP,
                          max_nodes: int = SELF_USE_MAX_NODES,
                          progress: Callable[[str], None] | None = None) -> Solved:
    """The least-cost design whose dispatch serves the load with renewables first, from the sizing LP.

    The rule ``u_t >= min(L_t, a_t)`` is exact as variable bounds once the renewable
    capacities are fixed (``a_t`` is then a number), whatever the storage; with free
    renewable capacities the sizing LP holds its secant over the capacity bounds, a valid
    relaxation (:func:`gdc.optimise.model.define_exchange_constraints`). So:

    1. When the LP's optimum serves the load first in every hour (shortfall <=
       :data:`FLOW_TOL` MW), it is the exact optimum (``status: exact``).
    2. Otherwise a branch and bound over the boxes of the free renewable capacities (the
       only non-convex dimension: two numbers on most sites), best box first. Each box's LP,
       with its own, tighter secants, bounds every design in the box from below; fixing the
       renewable capacities at the box LP's values (storage still free) gives a compliant
       design, an upper bound. A box is cut in two along the capacity whose secants are
       loosest where the LP falls short (:func:`_split`). Boxes are one HiGHS model changed
       in place (:class:`_BoxLP`), box LPs without crossover. The search stops when the best
       design is within ``gap_tol`` (relative) of the least lower bound, or after
       ``max_nodes`` LPs (``status: branch-and-bound``, with ``lower_bound``, ``gap``,
       ``gap_tol``, ``nodes`` and ``converged``).

    Parameters
    ----------
    data : LPData
    solved : Solved
        The sizing LP of ``data`` (its model and compiled LP are reused).
    forbidden : numpy.ndarray of bool
        Hours with exports forbidden (for the balance).
    storage_template : StorageParams, optional
    gap_tol : float [-]
        Relative gap at which to stop (default :data:`SELF_USE_GAP`).
    max_nodes : int
        Most LPs, the root included.
    progress : callable, optional
        Called with one line of text per LP (for a terminal).
    """
    short = self_use_first_shortfall(solved.balance)
    hours = int((short > FLOW_TOL).sum())
    names = [k for k, (lo, hi) in data.bounds.sources.items() if hi > lo]
    if hours == 0 or not names:  # fixed renewable capacities: the rule is a bound (solver noise aside)
        solved.self_use_first = {"status": "exact", "hours_short": 0, "lower_bound": solved.objective,
                                 "gap": 0.0, "gap_tol": gap_tol, "nodes": 1, "converged": True}
        return solved
    import heapq

    t0 = time.perf_counter()
    boxes = _BoxLP(data, solved, forbidden, storage_template)
    best: Solved | None = None
    tried: set[tuple[float, ...]] = set()
    def say(detail: str) -> None:
        """One progress line: ``search: LP 4, gap 1.2 %: <detail>`` (the gap once a design is known)."""
        if progress is None:
            return
        now = min(heap[0][0] if heap else lower, dropped, lower)
        g = (f"gap {100 * max(0.0, best.objective - now) / max(1.0, abs(best.objective)):.2f} %"
             if best is not None else "no design yet")
        progress(f"search: LP {1 + boxes.lps}, {g}: {detail}")

    def close(lower: float) -> bool:
        return best is not None and best.objective - lower <= gap_tol * max(1.0, abs(best.objective))

    def upper(node: Solved) -> None:
        nonlocal best
        caps = {k: float(node.design.capacities_mw[k]) for k in data.bounds.sources}
        key = tuple(round(caps[k], 6) for k in names)
        if key in tried:
            return
        tried.add(key)
        cand = boxes.solve({k: (caps[k], caps[k]) for k in names}, crossover=True)
        if cand.solution.optimal:
            if best is None or cand.objective < best.objective:
                best = cand
            say(f"design {', '.join(f'{k} {caps[k]:,.2f} MW' for k in names)}: {cand.objective:,.0f} CNY/yr")

    nodes = 1
    heap = [(solved.objective, 0, dict(data.bounds.sources), solved)]
    lower = solved.objective
    dropped = float("inf")  # the least lower bound of the boxes left out within the gap
    best_short = float("inf")  # [MWh/yr] how far the LP that gave the best design fell short
    while heap:
        lower = min(heap[0][0], dropped)
        if close(lower) or 1 + boxes.lps >= max_nodes:
            break
        node_lb, _, box, node = heapq.heappop(heap)
        if best is not None and node_lb >= best.objective * (1 - 1e-12):
            continue
        if self_use_first_shortfall(node.balance).max() <= FLOW_TOL:
            if best is None or node.objective < best.objective:
                best = node  # this box's relaxation complies: an exact design
            continue
        short_mwh = float(np.dot(data.weights, self_use_first_shortfall(node.balance)))
        if node is not solved and (best is None or short_mwh <= best_short):
            # best first: the upper bound of the box with the least lower bound; not the root's
            # (over the whole bounds its secants are loose, its capacities far from compliant),
            # nor a box whose LP falls further short of self-use first than the one that gave
            # the best design so far (its capacities rarely do better; it is cut anyway)
            had = best
            upper(node)
            if best is not had:
                best_short = short_mwh
        if close(min(node_lb, dropped)):
            lower = min(node_lb, dropped)
            break
        # cut the side whose secants are loosest where the LP falls short
        gaps = self_use_first_shortfall(node.balance) > FLOW_TOL
        k = max(names, key=lambda n: (box[n][1] - box[n][0]) * float(np.dot(data.weights[gaps], data.pu[n][gaps])))
        lo, hi = box[k]
        x = _split(box, k, node.design.capacities_mw[k])
        for part in ((lo, x), (x, hi)):
            child_box = {**box, k: part}
            child = boxes.solve(child_box, crossover=False)
            nodes += 1
            if child.solution.optimal:
                say(f"box {', '.join(f'{n} {a:,.1f}-{b:,.1f}' for n, (a, b) in child_box.items() if n in names)}"
                    f" MW: >= {child.objective:,.0f} CNY/yr")
                if best is None or child.objective < best.objective * (1 - gap_tol):
                    heapq.heappush(heap, (child.objective, nodes, child_box, child))
                else:
                    dropped = min(dropped, child.objective)
        lower = min(heap[0][0] if heap else (best.objective if best is not None else lower), dropped)
    if best is None:
        raise NoSelfUseFirstDesign(f"no design found whose dispatch serves the load with renewables first "
                           f"({hours} hours short in the sizing LP)")
    lower = min(lower, best.objective)
    for key, v in solved.timings.items():
        best.timings[key] = best.timings.get(key, 0.0) + (v if key != "solve_s" else 0.0)
    best.timings["solve_s"] = solved.timings.get("solve_s", 0.0) + boxes.seconds
    best.timings["self_use_first_s"] = time.perf_counter() - t0
    best.model, best.compiled = solved.model, solved.compiled
    gap = max(0.0, (best.objective - lower) / max(1.0, abs(best.objective)))
    best.self_use_first = {"status": "branch-and-bound", "hours_short": hours, "lower_bound": lower,
                           "gap": gap, "gap_tol": gap_tol, "boxes": nodes, "designs": len(tried),
                           "lps": 1 + boxes.lps, "converged": gap <= gap_tol}
    return best


def size_site(site: Site, profiles: Profiles | None = None, bounds: CapacityBounds | None = None,
              options: dict[str, Any] | None = None, save_lp: str | Path | None = None,
              gap: float = SELF_USE_GAP, progress: Callable[[str], None] | None = None,
              objective: str = "cost") -> CheckResult:
    """Least-cost capacities that comply with the site's rules, checked by the checker.

    Parameters
    ----------
    site : Site
        Capacities given as ``{min, max}`` are decisions; numbers are fixed.
    profiles : Profiles, optional
    bounds : CapacityBounds, optional
        Override the site's capacity bounds.
    options : dict, optional
        HiGHS options.
    save_lp : str or Path, optional
        Write the sizing LP, exactly as handed to HiGHS, to this ``.lp`` or ``.mps`` file.
    gap : float [-]
        Relative gap at which the self-use-first search stops (default :data:`SELF_USE_GAP`,
        0.5 % of the annual cost; 1e-6 for the exact optimum, which takes many more LPs).
    progress : callable, optional
        Called with one line of text per LP of that search.
    objective : str
        ``cost`` (least annual cost), ``composite-price``, ``initial-investment`` or ``npv``
        (:mod:`gdc.optimise.objectives`); ``extra["objective"]`` says which and its value.

    Returns
    -------
    CheckResult
        With ``extra["cost"]`` (the breakdown) and ``extra["optimiser"]`` (timings, status;
        ``self_use_first``: the search's ``status``, ``lower_bound``, ``gap``, ``gap_tol``).

    Raises
    ------
    InfeasibleError
        When no design within the bounds complies; ``.explanation`` says why.
    """
    profiles = profiles if profiles is not None else get_profiles(site)
    rule_set, _ = get_rule_set(site)
    costs = get_costs(site, profiles)
    data = lp_data(site, profiles, costs, rule_set, bounds)
    if objective != "cost":
        from gdc.optimise.objectives import with_objective

        data = with_objective(data, objective, site, costs)
    solved = solve_data(data, profiles.export_forbidden, _storage_template(site), options=options,
                        save_lp=save_lp)
    if solved.solution.optimal and data.self_use_first:
        try:
            solved = self_use_first_design(data, solved, profiles.export_forbidden, _storage_template(site),
                                           gap_tol=gap, progress=progress)
        except NoSelfUseFirstDesign as exc:
            # the relaxation complies but no box gave a design: explain as infeasible (the advice
            # re-checks its designs with the renewables fixed, where the rule is exact)
            exp = explain_infeasible(site, profiles, data, rule_set)
            raise InfeasibleError(f"no design within the bounds complies with {rule_set.key} in {site.year} "
                                  f"({exc})\n" + exp.text(), exp) from exc
    if not solved.solution.optimal:
        if solved.solution.status in ("Infeasible", "Primal infeasible or unbounded"):
            exp = explain_infeasible(site, profiles, data, rule_set)
            raise InfeasibleError(f"no design within the bounds complies with {rule_set.key} in {site.year}\n"
                                  + exp.text(), exp)
        raise RuntimeError(f"HiGHS stopped with status '{solved.solution.status}'")
    from gdc.optimise.objectives import dispatch_design, finish_objective

    lp_objective = solved.objective
    solved = dispatch_design(data, solved, profiles.export_forbidden, _storage_template(site))
    result = _finish(site, profiles, solved, costs, "size")
    finish_objective(result, objective, lp_objective, data)
    result.notes.extend(user_dispatch_notes(site, profiles, result))
    return result


def user_dispatch_notes(site: Site, profiles: Profiles, result: CheckResult) -> list[str]:
    """Notes for the users whose minimum green share the sized design meets with the LP's dispatch
    but not with the renewable-first dispatch of a plain ``gdc check``.

    Under ``hourly-share`` a user's self-use depends on when the storage discharges (the LP
    discharges where that user's share of the load is highest; the simulated dispatch at the
    first deficit hour), so a binding minimum can fall short by a fraction of a point in the
    plain check of the written site, while ``gdc check --dispatch optimal`` (this LP with the
    capacities fixed, the users' rows kept) passes.
    """
    from gdc.rules.users import USER_RULE_PREFIX

    mine = {v.rule.id: v for v in result.verdicts if v.rule.id.startswith(USER_RULE_PREFIX) and v.status == "pass"}
    if not mine:
        return []
    plain = check_site(site, design=result.design, profiles=profiles)
    notes = []
    for v in plain.verdicts:
        lp = mine.get(v.rule.id)
        if lp is not None and v.status == "fail":
            name = v.rule.id[len(USER_RULE_PREFIX):]
            notes.append(f"{name}'s minimum green share holds with the least-cost dispatch (S_u/L_u {lp.value:.2f} %), "
                         f"not with the renewable-first dispatch ({v.value:.2f} %): check the written site with "
                         f"gdc check --dispatch optimal")
    return notes


def optimal_dispatch(site: Site, profiles: Profiles | None = None) -> CheckResult:
    """The least-cost dispatch of the site's fixed design that satisfies the rules.

    Raises
    ------
    InfeasibleError
        When no dispatch of this design complies; the explanation gives the smallest
        capacity additions (at least cost) that would make it pass.
    """
    profiles = profiles if profiles is not None else get_profiles(site)
    design = Design.from_site(site)
    rule_set, _ = get_rule_set(site)
    costs = get_costs(site, profiles)
    bounds = CapacityBounds.from_site(site)
    data = lp_data(site, profiles, costs, rule_set, bounds)
    solved = solve_data(data, profiles.export_forbidden, _storage_template(site))
    if solved.solution.optimal:
        return _finish(site, profiles, solved, costs, "dispatch")
    exp = explain_infeasible(site, profiles, data, rule_set)
    # the smallest additions: size with the design as lower bounds (storage only if the site has it)
    add = bounds.with_minimum(design)
    if site.storage is None:
        add = replace(add, storage_power=(0.0, 0.0), storage_energy=(0.0, 0.0))
    more = solve_data(replace(data, bounds=add), profiles.export_forbidden, _storage_template(site))
    if more.solution.optimal:
        d = more.design
        adds = [f"{k}: +{d.capacities_mw[k] - design.capacities_mw[k]:,.1f} MW" for k in d.capacities_mw
                if d.capacities_mw[k] - design.capacities_mw[k] > 1e-3]
        if d.storage_power_mw - design.storage_power_mw > 1e-3:
            adds.append(f"storage power: +{d.storage_power_mw - design.storage_power_mw:,.1f} MW")
        if d.storage_energy_mwh - design.storage_energy_mwh > 1e-3:
            adds.append(f"storage energy: +{d.storage_energy_mwh - design.storage_energy_mwh:,.1f} MWh")
        exp.needed = ["least-cost capacity additions that make it pass: " + ("; ".join(adds) or "none")]
    raise InfeasibleError(f"no dispatch of this design complies with {rule_set.key} in {site.year}\n" + exp.text(),
                          exp)
