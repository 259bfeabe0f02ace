"""The objectives of ``gdc size --objective``: least annual cost, composite price, initial investment, NPV.

Every objective is linear in the sizing LP's decisions (:mod:`gdc.optimise.model`): the
capacities ``cap_k`` [MW], the storage power ``P`` [MW] and energy ``E`` [MWh], the year's
grid money ``G = sum_t w_t (pi_t (m_t + g_t) - rho_t e_t)`` [CNY/yr] (import at the import price
incl. fees, less export revenue) and the self-consumed renewable energy
``S = sum_t w_t (u_t + d_t)`` [MWh/yr]. :class:`LinearObjective` holds one objective as

    Z = sum_k c_k cap_k + c_P P + c_E E + alpha G + gamma S + K          (minimised)

and the value reported is ``value = offset + scale x Z`` in the objective's own unit. With the
load fixed, the annual load ``L``, the all-grid purchases ``B = sum_t w_t pi_t L_t`` and the
capacity charge ``F`` are constants. Notation of the finance (``finance:``, :mod:`gdc.finance`):
discount factors ``d_t = (1 + r)^-t``, escalation ``g_O,t = (1 + e_O)^(t-1)`` (O&M) and
``g_T,t = (1 + e_T)^(t-1)`` (tariff), ``a = sum_{t=1..N} d_t``, ``a_O = sum d_t g_O,t``,
``a_T = sum d_t g_T,t``; per unit of capacity the capex ``I_k`` [CNY/MW] and year-1 fixed O&M
``o_k`` [CNY/MW/yr] (:func:`gdc.finance.cashflow.unit_investment`); the battery replacement
``R = 1000 x cost per kWh x share`` [CNY/MWh of E] in each renewal year ``y`` of the life model
(``FinanceParams.storage_replacement_years``: years 10 and 22 with the defaults; ``d_y`` below is
the sum of their discount factors, ``D_R`` of their shields); lines ``l``
and other investment, staff ``W`` [CNY/yr], self-use fee ``f`` [CNY/MWh].

``cost`` (default)
    The annual cost [CNY/yr]: ``c_k = a^cap_k`` (capex x (CRF + O&M %)), ``alpha = 1``,
    ``gamma = 0``, ``K`` lines and capacity charge (:mod:`gdc.operation.prices`). Unchanged.
``initial-investment``
    ``IC = sum_k I_k cap_k + I_P P + I_E E + l + other`` [CNY]: ``c = I``, ``alpha = gamma = 0``.
    The dispatch does not enter, so the design found is then dispatched at least annual cost
    (its capacities fixed: an exact LP), which is the operation reported.
``composite-price``
    The V3 planning tool's composite price (综合电价, :mod:`gdc.finance.composite`)
    ``p_z = TC / (1000 L a)`` [CNY/kWh] with ``TC = IC + R E d_y + a_O (sum o cap + W) +
    a_T (G + F + f S)``. With the load fixed the denominator is a constant, so minimising
    ``p_z`` is minimising the annuitised life-cycle cost ``Z = TC / a`` [CNY/yr]:
    ``c_k = (I_k + a_O o_k) / a``, ``c_E = (I_E + a_O o_E + R d_y) / a``, ``alpha = a_T / a``,
    ``gamma = f a_T / a``, ``K = (l + other + a_O W + a_T F) / a``; ``value = Z / (1000 L)``.
    It equals :func:`gdc.finance.composite.composite_prices` of the design's cash flows
    (tests/test_objectives.py), except that the LP counts every source's line as built.
``npv``
    NPV maximised, linearised with the income tax as a fixed rate on the taxable base: in
    year t the adjusted income tax is ``tau h_t (EBITDA_t - dep_t)`` (``h_t`` the 三免三减半
    factor), without the floor at zero and the loss carry-forward, so it equals the finance's
    tax whenever every year's taxable base is non-negative (a project that pays back). With
    ``k_t = d_t (1 - tau h_t)`` and ``k_O, k_T, k_1`` the sums of ``k_t g_O,t``, ``k_t g_T,t``,
    ``k_t``, the depreciation's tax shield and salvage per CNY invested
    ``D = sum_t d_t tau h_t (1 - s)/D_y`` (t <= D_y) and ``v = d_N (1 - (1 - s) min(D_y, N)/D_y)``,
    and the replacement's shield ``D_R = sum_{t>=y} d_t tau h_t / (N - y + 1)``::

        NPV = k_T B - Z,   Z = (1 - D - v) IC + R E (d_y - D_R) + k_O (sum o cap + W)
                               + k_T (G + F + f S) - k_1 (certificate + emission factor x carbon) S

    The LP minimises ``Z`` (the after-tax present cost of the site's power, CNY); ``value =
    k_T B - Z``. VAT flows (``finance.vat_included``) are not in the linear NPV. The result
    reports the finance module's true NPV of the design beside it.

The green-power price (绿电电价, ``p_g``) divides by the green energy ``L - I``, a decision: a
linear-fractional objective that needs a Charnes-Cooper transformation or a Dinkelbach loop
of LPs, not one LP; it is reported for every design but is not an objective.

Every objective is a property of the LP's columns only, so the self-use-first branch and bound
(:func:`gdc.optimise.size.self_use_first_design`), the elastic explanation and the typical
days (:mod:`gdc.optimise.typical`) use it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

#: The objectives of ``gdc size --objective``.
OBJECTIVES = ("cost", "composite-price", "initial-investment", "npv")

_NAMES = {"cost": ("annual cost", "年费用"), "composite-price": ("composite price", "综合电价"),
          "initial-investment": ("initial investment", "初始投资"), "npv": ("NPV", "净现值")}


@dataclass(frozen=True)
class LinearObjective:
    """``Z = sum_k c_k cap_k + c_P P + c_E E + alpha G + gamma S + K``, minimised (module docstring).

    Attributes
    ----------
    name : str
        One of :data:`OBJECTIVES` other than ``cost``.
    cap : dict of str to float
        ``c_k`` per MW of each source.
    storage_power, storage_energy : float
        ``c_P`` per MW, ``c_E`` per MWh.
    grid : float [-]
        ``alpha``, on the year's grid money ``G`` [CNY/yr].
    self_use : float
        ``gamma`` per MWh/yr of self-consumed renewable energy.
    constant : float
        ``K``.
    unit : str
        Unit of ``Z``.
    scale, offset : float
        The reported value is ``offset + scale x Z``.
    value_unit : str
    maximise : bool
        The value is maximised (``npv``: ``scale = -1``).
    free_dispatch : bool
        The dispatch does not enter ``Z`` (``initial-investment``): the design is dispatched at
        least annual cost afterwards.
    """

    name: str
    cap: dict[str, float]
    storage_power: float
    storage_energy: float
    grid: float
    self_use: float
    constant: float
    unit: str
    scale: float = 1.0
    offset: float = 0.0
    value_unit: str = ""
    maximise: bool = False
    free_dispatch: bool = False

    def value(self, z: float) -> float:
        """The objective's value [``value_unit``] from the LP's objective ``Z``."""
        return self.offset + self.scale * z

    def evaluate(self, design: Any, balance: Any, import_price: np.ndarray, export_price: np.ndarray) -> float:
        """``Z`` of a design and its hourly balance (import and export prices [CNY/MWh] on its hours)."""
        w = balance.weights
        z = self.constant + sum(self.cap[k] * float(v) for k, v in design.capacities_mw.items())
        z += self.storage_power * design.storage_power_mw + self.storage_energy * design.storage_energy_mwh
        if self.grid:
            z += self.grid * float(np.dot(w, balance.import_ * import_price - balance.export * export_price))
        if self.self_use:
            z += self.self_use * float(np.dot(w, balance.re_to_load + balance.storage_to_load_re))
        return z

    def expression(self, m: Any, b: Any) -> Any:
        """``Z`` as a Pyomo expression of the model's variables (``b`` the model builder)."""
        T, w, data = b.T, b.w, b.data
        z = sum(self.cap[k] * m.cap[k] for k in b.names) + self.constant
        if b.storage:
            z = z + self.storage_power * m.P + self.storage_energy * m.E
        if self.grid:
            imp = data.import_price.tolist()
            exp = data.export_price.tolist()
            grid = sum(w[t] * (imp[t] * m.m[t] - exp[t] * m.e[t]) for t in T)
            if b.grid_ch:
                grid = grid + sum(w[t] * imp[t] * m.g[t] for t in T)
            z = z + self.grid * grid
        if self.self_use:
            z = z + self.self_use * sum(w[t] * (m.u[t] + m.d[t]) for t in T)
        return z


@dataclass(frozen=True)
class _Factors:
    """The finance's present-value factors (module docstring)."""

    a: float
    a_o: float
    a_t: float
    d_rep: float  # sum of d_y over the replacements in the evaluation
    k_o: float
    k_t: float
    k_1: float
    shield: float  # D
    salvage: float  # v
    d_rep_after_tax: float  # d_y - D_R


def _factors(p: Any) -> _Factors:
    n = p.evaluation_years
    t = np.arange(1, n + 1)
    d = (1.0 + p.discount_rate) ** -t
    g_o = (1.0 + p.om_escalation) ** (t - 1)
    g_t = (1.0 + p.tariff_escalation) ** (t - 1)
    h = np.ones(n)
    if p.tax_holiday:
        h[t <= 6] = 0.5
        h[t <= 3] = 0.0
    tau = p.income_tax_rate * h
    k = d * (1.0 - tau)
    dep_years = t <= min(p.depreciation_years, n)
    shield = float(np.sum(d * tau * dep_years)) * (1.0 - p.salvage_fraction) / p.depreciation_years
    salvage = float(d[-1]) * (1.0 - (1.0 - p.salvage_fraction) * min(p.depreciation_years, n) / p.depreciation_years)
    d_rep, rep_shield = 0.0, 0.0
    for y in sorted(set(getattr(p, "storage_replacement_years", None) or (p.storage_replacement_year,))):
        if 1 <= y <= n:  # each renewal: its discount factor, and its depreciation's tax shield
            d_rep += float(d[y - 1])
            rep_shield += float(np.sum((d * tau)[y - 1:])) / (n - y + 1)
    return _Factors(a=float(d.sum()), a_o=float(d @ g_o), a_t=float(d @ g_t), d_rep=d_rep,
                    k_o=float(k @ g_o), k_t=float(k @ g_t), k_1=float(k.sum()), shield=shield, salvage=salvage,
                    d_rep_after_tax=d_rep - rep_shield)


def linear_objective(name: str, site: Any, data: Any, costs: Any, params: Any = None) -> LinearObjective | None:
    """The objective ``name`` of a site's sizing LP (None for ``cost``, the model's own).

    Parameters
    ----------
    name : str
        One of :data:`OBJECTIVES`.
    site : Site
    data : LPData
        The LP's data (weights, load and prices: the full year or typical days).
    costs : Costs
        The site's cost coefficients (capacity charge, lines).
    params : FinanceParams, optional
        Default the site's (:func:`gdc.finance.params.finance_params`).
    """
    from gdc.finance.cashflow import unit_investment
    from gdc.finance.params import finance_params
    from gdc.site.errors import InputError

    if name not in OBJECTIVES:
        raise InputError(f"unknown objective {name!r}", field="--objective", fix=f"one of {', '.join(OBJECTIVES)}")
    if name == "cost":
        return None
    p = params if params is not None else finance_params(site)
    u = unit_investment(site, p)
    f = _factors(p)
    lines = float(sum(u.line.values()))
    rep = 1000.0 * p.storage_replacement_cny_per_kwh * p.storage_replacement_share  # [CNY/MWh of E]
    fee = 1000.0 * p.self_use_fees_cny_per_kwh  # [CNY/MWh]
    load_mwh = float(np.dot(data.weights, data.load))
    names = list(data.pu)
    if name == "initial-investment":
        return LinearObjective(name, {k: u.per_mw[k] for k in names}, u.storage_per_mw, u.storage_per_mwh, 0.0, 0.0,
                               lines + u.other, "CNY", value_unit="CNY", free_dispatch=True)
    if name == "composite-price":
        a = f.a
        return LinearObjective(
            name, {k: (u.per_mw[k] + f.a_o * u.om_per_mw[k]) / a for k in names},
            (u.storage_per_mw + f.a_o * u.storage_om_per_mw) / a,
            (u.storage_per_mwh + f.a_o * u.storage_om_per_mwh + rep * f.d_rep) / a,
            f.a_t / a, fee * f.a_t / a,
            (lines + u.other + f.a_o * p.staff_cny_per_year + f.a_t * costs.fixed) / a,
            "CNY/yr", scale=1.0 / (1000.0 * load_mwh) if load_mwh > 0 else float("nan"), value_unit="CNY/kWh")
    # npv
    keep = 1.0 - f.shield - f.salvage
    green = p.certificate_cny_per_mwh + (p.grid_emission_factor_t_per_mwh * p.carbon_cny_per_t
                                         if p.carbon_cny_per_t else 0.0)
    baseline = float(np.dot(data.weights, data.load * data.import_price))
    return LinearObjective(
        name, {k: keep * u.per_mw[k] + f.k_o * u.om_per_mw[k] for k in names},
        keep * u.storage_per_mw + f.k_o * u.storage_om_per_mw,
        keep * u.storage_per_mwh + f.k_o * u.storage_om_per_mwh + rep * f.d_rep_after_tax,
        f.k_t, fee * f.k_t - f.k_1 * green,
        keep * (lines + u.other) + f.k_o * p.staff_cny_per_year + f.k_t * costs.fixed,
        "CNY", scale=-1.0, offset=f.k_t * baseline, value_unit="CNY", maximise=True)


def with_objective(data: Any, name: str, site: Any, costs: Any) -> Any:
    """``data`` (an :class:`~gdc.optimise.model.LPData`) with the objective ``name`` (``cost``: unchanged)."""
    obj = linear_objective(name, site, data, costs)
    return data if obj is None else replace(data, objective=obj)


def for_dispatch(data: Any) -> Any:
    """The LP data to dispatch a fixed design: least annual cost when the objective leaves the
    dispatch free (``initial-investment``), else the objective itself."""
    obj = getattr(data, "objective", None)
    return replace(data, objective=None) if obj is not None and obj.free_dispatch else data


def dispatch_design(data: Any, solved: Any, forbidden: Any, template: Any = None) -> Any:
    """The sized design's operation: unchanged, or, when the objective leaves the dispatch free
    (``initial-investment``), the least-cost dispatch of its capacities (an exact LP).

    Returns the :class:`~gdc.optimise.size.Solved` to report; its ``self_use_first`` and timings
    are the search's.
    """
    obj = getattr(data, "objective", None)
    if obj is None or not obj.free_dispatch or not solved.solution.optimal:
        return solved
    from gdc.optimise.model import CapacityBounds
    from gdc.optimise.size import solve_data

    d = solved.design
    fixed = CapacityBounds(sources={k: (v, v) for k, v in d.capacities_mw.items()},
                           storage_power=(d.storage_power_mw, d.storage_power_mw),
                           storage_energy=(d.storage_energy_mwh, d.storage_energy_mwh))
    again = solve_data(replace(for_dispatch(data), bounds=fixed), forbidden, template)
    if not again.solution.optimal:  # cannot happen (the design's own dispatch is feasible); keep it
        return solved
    again.design = d
    again.self_use_first = solved.self_use_first
    again.timings = {k: solved.timings.get(k, 0.0) + again.timings.get(k, 0.0)
                     for k in {*solved.timings, *again.timings}}
    return again


def finish_objective(result: Any, name: str, lp_objective: float | None, data: Any) -> None:
    """Put :func:`objective_report` in ``result.extra["objective"]``; for an objective other than
    the cost, the optimiser's ``objective_cny_per_year`` becomes ``objective_lp`` (its unit
    ``objective_lp_unit``) and the breakdown's ``lp_objective_cny_per_year`` goes."""
    obj = getattr(data, "objective", None)
    result.extra["objective"] = objective_report(name, result, lp_objective, obj)
    if obj is not None:
        opt = result.extra.get("optimiser", {})
        opt.pop("objective_cny_per_year", None)
        opt["objective_lp"] = lp_objective
        opt["objective_lp_unit"] = obj.unit
        (result.extra.get("cost") or {}).pop("lp_objective_cny_per_year", None)


def objective_report(name: str, result: Any, lp_objective: float | None, obj: LinearObjective | None
                     ) -> dict[str, Any]:
    """``result.extra["objective"]``: the objective, its value for the result's design and operation,
    and the finance module's value of the design.

    ``{name, sense, value, unit, lp_objective, lp_unit, finance_value, linearisation}``: ``value``
    is ``offset + scale x Z`` with ``Z`` evaluated on the result's balance
    (:meth:`LinearObjective.evaluate`; the LP's own objective ``lp_objective`` agrees within the
    solver's tolerance when the LP solved that year); for ``npv`` it is the linearised NPV and
    ``finance_value`` the true one (:func:`gdc.finance.cashflow.finance_of`).
    """
    from gdc.finance.cashflow import finance_of
    from gdc.operation.prices import get_costs

    if obj is None:
        total = (result.extra.get("cost") or {}).get("total_cny_per_year", lp_objective)
        return {"name": "cost", "sense": "min", "value": total, "unit": "CNY/yr", "lp_objective": lp_objective,
                "lp_unit": "CNY/yr", "finance_value": None, "linearisation": None}
    fin = finance_of(result)
    true = {"initial-investment": fin.flows.investment.total_cny, "composite-price": fin.composite_price_cny_per_kwh,
            "npv": fin.npv_cny}[name]
    costs = get_costs(result.site, result.profiles)
    z = obj.evaluate(result.design, result.balance, costs.import_price, costs.export_price)
    lin = {
        "npv": "income tax as a fixed rate (with the tax holiday) on EBITDA - depreciation, no floor at zero and no "
               "loss carry-forward; VAT flows left out: exact when every year's taxable base is non-negative",
        "composite-price": "the load is fixed: minimises the annuitised life-cycle cost TC / a; every source's line "
                           "counted as built",
        "initial-investment": "every source's line counted as built; the design is then dispatched at least annual cost",
    }[name]
    return {"name": name, "sense": "max" if obj.maximise else "min", "value": obj.value(z), "unit": obj.value_unit,
            "objective_z": z, "lp_objective": lp_objective, "lp_unit": obj.unit, "finance_value": true,
            "linearisation": lin}


def objective_line(report: dict[str, Any], lang: str = "en") -> str:
    """One terminal line naming the objective and its value.

    Examples
    --------
    >>> objective_line({"name": "composite-price", "sense": "min", "value": 0.30571, "unit": "CNY/kWh",
    ...                 "finance_value": 0.30571})
    'objective: composite price, minimised: 0.3057 CNY/kWh'
    >>> objective_line({"name": "npv", "sense": "max", "value": 1.234e8, "unit": "CNY", "finance_value": 1.2e8})
    'objective: NPV, maximised: 12,340.0 x10^4 CNY (linearised; the cash flows give 12,000.0 x10^4 CNY)'
    """
    en, zh = _NAMES[report["name"]]

    def fmt(x: float | None) -> str:
        if x is None:
            return "-"
        if report["unit"] == "CNY/kWh":
            return f"{x:.4f} {'元/kWh' if lang == 'zh' else 'CNY/kWh'}"
        if report["unit"] == "CNY":
            return f"{x / 1e4:,.1f} {'万元' if lang == 'zh' else 'x10^4 CNY'}"
        return f"{x:,.0f} {'元/年' if lang == 'zh' else 'CNY/yr'}"

    tail = ""
    if report["name"] == "npv" and report.get("finance_value") is not None:
        tail = (f"（线性化；现金流量表 {fmt(report['finance_value'])}）" if lang == "zh"
                else f" (linearised; the cash flows give {fmt(report['finance_value'])})")
    if lang == "zh":
        return f"优化目标：{zh}{'最大' if report['sense'] == 'max' else '最小'}：{fmt(report['value'])}{tail}"
    return f"objective: {en}, {'maximised' if report['sense'] == 'max' else 'minimised'}: {fmt(report['value'])}{tail}"


__all__ = ["OBJECTIVES", "LinearObjective", "dispatch_design", "finish_objective", "for_dispatch", "linear_objective", "objective_line", "objective_report",
           "with_objective"]
