"""``gdc size``: least-cost compliant capacities, and the least-cost dispatch of a fixed design.

The pipeline is the check's with the LP in the middle: site -> profiles -> LP (Pyomo +
HiGHS) -> hourly balance -> metrics -> verdicts (the same :func:`gdc.check.check_site`).
When no design complies, an elastic LP (a slack on every rule) says which rules cannot be
met together and by how much, and one LP per capacity bound gives the least change of that
bound alone that makes the site feasible (:func:`explain_infeasible`).
"""

from __future__ import annotations

import time
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


#: Relative gap at which the search over renewable capacities stops (:func:`self_use_first_design`).
SELF_USE_GAP = 1e-6
#: Most relaxations the search solves before it returns its best design with the gap reached.
SELF_USE_MAX_NODES = 40


def _with_sources(data: LPData, sources: dict[str, tuple[float, float]]) -> LPData:
    return replace(data, bounds=replace(data.bounds, sources=sources))


def self_use_first_design(data: LPData, solved: Solved, forbidden: np.ndarray,
                          storage_template: StorageParams | None = None, gap_tol: float = SELF_USE_GAP,
                          max_nodes: int = SELF_USE_MAX_NODES) -> Solved:
    """The least-cost design whose dispatch serves the load with renewables first, from the sizing LP.

    The rule ``u_t >= min(L_t, a_t)`` is exact as variable bounds once the renewable
    capacities are fixed (``a_t`` is then a number), whatever the storage; with free
    renewable capacities the sizing LP holds its secant over the capacity bounds, a valid
    relaxation (:func:`gdc.optimise.model.define_exchange_constraints`). So:

    1. When the LP's optimum serves the load first in every hour (shortfall <=
       :data:`FLOW_TOL` MW), it is the exact optimum (``status: exact``).
    2. Otherwise a branch and bound over the boxes of the free renewable capacities (the
       only non-convex dimension: two numbers on most sites): each box's LP, with its own,
       tighter secants, is a lower bound for the box; fixing the renewable capacities at the
       box LP's values (storage still free) gives a compliant design, an upper bound. Boxes
       are split at the LP's capacity until the least lower bound is within ``gap_tol``
       (relative) of the best design, or ``max_nodes`` LPs were solved
       (``status: branch-and-bound``, with ``lower_bound``, ``gap`` and ``nodes``).
    """
    short = self_use_first_shortfall(solved.balance)
    hours = int((short > FLOW_TOL).sum())
    names = [k for k, (lo, hi) in data.bounds.sources.items() if hi > lo]
    if hours == 0 or not names:  # fixed renewable capacities: the rule is a bound (solver noise aside)
        solved.self_use_first = {"status": "exact", "hours_short": 0, "lower_bound": solved.objective,
                                 "gap": 0.0, "nodes": 1}
        return solved
    import heapq

    t0 = time.perf_counter()
    best: Solved | None = None

    def upper(node: Solved) -> None:
        nonlocal best
        fixed = {k: (v, v) for k, v in node.design.capacities_mw.items()}
        cand = solve_data(_with_sources(data, fixed), forbidden, storage_template)
        cand.model = cand.compiled = None  # keep the memory of one LP, not one per node
        if cand.solution.optimal and (best is None or cand.objective < best.objective):
            best = cand

    nodes = 1
    heap = [(solved.objective, 0, dict(data.bounds.sources), solved)]
    lower = solved.objective
    while heap:
        lower = heap[0][0]
        if best is not None and best.objective - lower <= gap_tol * max(1.0, abs(best.objective)):
            break
        if nodes >= max_nodes:
            break
        _, _, box, node = heapq.heappop(heap)
        if self_use_first_shortfall(node.balance).max() <= FLOW_TOL:
            if best is None or node.objective < best.objective:
                best = node  # this box's relaxation complies: an exact design
            continue
        upper(node)  # best first: the upper bound of the box with the least lower bound
        if best is not None and best.objective - node.objective <= gap_tol * max(1.0, abs(best.objective)):
            lower = node.objective
            break
        # split the side whose secants are loosest where the LP falls short, at the LP's value
        gaps = self_use_first_shortfall(node.balance) > FLOW_TOL
        k = max(names, key=lambda n: (box[n][1] - box[n][0]) * float(np.dot(data.weights[gaps], data.pu[n][gaps])))
        lo, hi = box[k]
        x = node.design.capacities_mw[k]
        if not lo + 0.05 * (hi - lo) <= x <= hi - 0.05 * (hi - lo):
            x = 0.5 * (lo + hi)
        for part in ((lo, x), (x, hi)):
            child_box = {**box, k: part}
            child = solve_data(_with_sources(data, child_box), forbidden, storage_template)
            child.model = child.compiled = None
            nodes += 1
            if child.solution.optimal and (best is None or child.objective < best.objective):
                heapq.heappush(heap, (child.objective, nodes, child_box, child))
        lower = heap[0][0] if heap else (best.objective if best is not None else lower)
    if best is None:
        raise RuntimeError(f"no design found whose dispatch serves the load with renewables first "
                           f"({hours} hours short in the sizing LP)")
    lower = min(lower, best.objective)
    for key, v in solved.timings.items():
        best.timings[key] = best.timings.get(key, 0.0) + v
    best.timings["self_use_first_s"] = time.perf_counter() - t0
    best.compiled = solved.compiled
    gap = max(0.0, (best.objective - lower) / max(1.0, abs(best.objective)))
    best.self_use_first = {"status": "branch-and-bound", "hours_short": hours, "lower_bound": lower,
                           "gap": gap, "nodes": nodes}
    return best


def size_site(site: Site, profiles: Profiles | None = None, bounds: CapacityBounds | None = None,
              options: dict[str, Any] | None = None, save_lp: str | Path | None = None) -> CheckResult:
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

    Returns
    -------
    CheckResult
        With ``extra["cost"]`` (the breakdown) and ``extra["optimiser"]`` (timings, status).

    Raises
    ------
    InfeasibleError
        When no design within the bounds complies; ``.explanation`` says why.
    """
    profiles = profiles if profiles is not None else get_profiles(site)
    rule_set, _ = get_rule_set(site)
    costs = get_costs(site, profiles)
    data = lp_data(site, profiles, costs, rule_set, bounds)
    solved = solve_data(data, profiles.export_forbidden, _storage_template(site), options=options,
                        save_lp=save_lp)
    if solved.solution.optimal and data.self_use_first:
        solved = self_use_first_design(data, solved, profiles.export_forbidden, _storage_template(site))
    if not solved.solution.optimal:
        if solved.solution.status in ("Infeasible", "Primal infeasible or unbounded"):
            exp = explain_infeasible(site, profiles, data, rule_set)
            raise InfeasibleError(f"no design within the bounds complies with {rule_set.key} in {site.year}\n"
                                  + exp.text(), exp)
        raise RuntimeError(f"HiGHS stopped with status '{solved.solution.status}'")
    return _finish(site, profiles, solved, costs, "size")


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
