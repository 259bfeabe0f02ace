"""``gdc size``: least-cost compliant capacities, and the least-cost dispatch of a fixed design.

The pipeline is the check's with the LP in the middle: site -> profiles -> LP (Pyomo +
HiGHS) -> hourly balance -> metrics -> verdicts (the same :func:`gdc.check.check_site`).
When no design complies, an elastic LP (a penalised slack on every rule) says which rules
cannot be met together and by how much, and a second one with open capacity bounds says
what capacities would be needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from gdc.balance import Balance, StorageParams
from gdc.check import CheckResult, check_site, get_rule_set
from gdc.dispatch import Design
from gdc.economics import cost_breakdown, get_costs
from gdc.errors import InfeasibleError
from gdc.optimise.model import OPEN_BOUND, CapacityBounds, LPData, build_model, lp_data
from gdc.optimise.solve import CompiledLP, LPSolution, compile_model, solve, values, write_lp
from gdc.profiles import Profiles, get_profiles
from gdc.site import Site


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
    """Why no design complies: the rules that cannot be met together, and what would help."""

    shortfalls: list[dict[str, Any]]  # rule id, name, value reached, threshold, shortfall
    unserved_mwh: float
    needed: list[str]  # sentences: what capacities would make it feasible

    def text(self, lang: str = "en") -> str:
        lines = []
        if self.shortfalls:
            lines.append("rules that cannot be met together within the capacity bounds "
                         "(closest approach of the elastic LP):")
            for s in self.shortfalls:
                lines.append(f"  - {s['name']}: reaches {s['value']:.2f} {s['unit']} against "
                             f"{s['op']} {s['threshold']:.2f} {s['unit']} (short by {s['shortfall']:.2f} "
                             f"{'pp' if s['unit'] == '%' else s['unit']})")
        if self.unserved_mwh > 0:
            lines.append(f"  - {self.unserved_mwh:,.0f} MWh/yr of load cannot be served (off-grid)")
        if self.needed:
            lines.append("what would make it feasible:")
            lines += [f"  - {n}" for n in self.needed]
        return "\n".join(lines)


def explain_infeasible(site: Site, profiles: Profiles, data: LPData, rule_set: Any) -> Explanation:
    """Elastic LPs: which rules conflict, by how much, and which capacities would resolve it."""
    forbidden = profiles.export_forbidden
    tmpl = _storage_template(site)
    el = solve_data(data, forbidden, tmpl, elastic=True)
    shortfalls = []
    unserved = 0.0
    if el.solution.optimal:
        res = check_site(site, design=el.design, balance=el.balance, profiles=profiles)
        unserved = res.metrics.unserved
        slack_ids = {rc.rule.id for rc in data.rules}
        for v in res.verdicts:
            if v.rule.id in slack_ids and v.status == "fail" and v.margin is not None:
                shortfalls.append({"rule": v.rule.id, "name": v.rule.name_en, "name_zh": v.rule.name_zh,
                                   "value": float(v.value), "threshold": float(v.threshold), "op": v.rule.op,
                                   "unit": v.unit, "shortfall": -float(v.margin)})
    needed: list[str] = []
    # open every bound the site gives as a range or a fixed number, up to OPEN_BOUND
    b = data.bounds
    opened = CapacityBounds(
        sources={k: (lo, OPEN_BOUND) for k, (lo, hi) in b.sources.items()},
        storage_power=(b.storage_power[0], OPEN_BOUND if site.storage is not None else 0.0),
        storage_energy=(b.storage_energy[0], OPEN_BOUND if site.storage is not None else 0.0),
    )
    open_data = replace(data, bounds=opened)
    wide = solve_data(open_data, forbidden, tmpl)
    if wide.solution.optimal:
        d = wide.design
        for k, cap in d.capacities_mw.items():
            if cap > b.sources[k][1] + 1e-6:
                needed.append(f"{k}: at least {cap:,.1f} MW (the site allows at most {b.sources[k][1]:,.1f} MW)")
        if d.storage_power_mw > b.storage_power[1] + 1e-6:
            needed.append(f"storage power: {d.storage_power_mw:,.1f} MW (at most {b.storage_power[1]:,.1f} MW allowed)")
        if d.storage_energy_mwh > b.storage_energy[1] + 1e-6:
            needed.append(f"storage energy: {d.storage_energy_mwh:,.1f} MWh "
                          f"(at most {b.storage_energy[1]:,.1f} MWh allowed)")
        if not needed:
            needed.append("the least-cost design with open capacity bounds: "
                          + ", ".join(f"{k} {v:,.1f} MW" for k, v in d.capacities_mw.items()))
    else:
        needed.append("no capacities make it feasible: the rules conflict at this load shape "
                      "(e.g. the export cap and the load share), or the connection is too small; "
                      "see the shortfalls above")
    return Explanation(shortfalls=shortfalls, unserved_mwh=unserved, needed=needed)


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
