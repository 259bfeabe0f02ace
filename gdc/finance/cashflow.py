"""A design's initial investment and its cash flows by year, t = 0 (investment) .. N; NPV, IRRs, payback, LCOE.

Signs: money in is positive, money out negative, so every net is the sum of its columns.
Year 1's energy and money come from the checked year (:func:`year_energy`); later years repeat
it with the escalations, or take a per-year path (``years=``, one :class:`YearEnergy` a year)
when a project-life model supplies one. For a year t >= 1 (``g_T = (1 + tariff escalation)^(t-1)``,
``g_O = (1 + O&M escalation)^(t-1)``)::

    avoided grid purchases  = (load x import price  -  import x import price) x g_T
                              (the all-grid baseline buys the whole load at the site's import tariff)
    export revenue          = export x export price x g_T
    capacity charge         = -(1192号 capacity-based T&D charge) x g_T
    self-use fees           = -(self-consumed S x fee) x g_T
    certificate revenue     = S x certificate price;  carbon revenue = S x emission factor x carbon price
    O&M, staff              = -(fixed O&M % x capex, staff) x g_O
    storage replacement     = -(storage energy x cost per kWh x share) in the replacement year
    salvage                 = book value left at the end of year N (not taxed)
    EBITDA                  = the operating items above
    adjusted income tax     = -max(0, EBITDA - depreciation - losses carried) x rate x holiday factor
                              (调整所得税: the project's tax as if it had no debt)
    net to project          = capex + replacement + EBITDA + salvage + adjusted income tax
    income tax              = as above with the loan interest deducted too
    net to equity           = net to project - adjusted tax + income tax + loan - interest - principal

With ``finance.vat_included`` the table also carries the project's VAT (:func:`_vat`): input VAT
on the investment at t = 0 (and on a replacement), output VAT on the electricity sold, the
credit carried forward, surcharges on the VAT paid and the 50 % wind refund (财税〔2015〕74号);
the refund and surcharges enter EBITDA, the input and the credit the net to project.

This is the project (项目投资) and equity (资本金) cash-flow pair of Chinese feasibility studies
(《建设项目经济评价方法与参数》, 3rd ed.): the project IRR after tax uses the adjusted income tax.
Depreciation is straight line over the depreciation years to the salvage fraction; a battery
replacement is depreciated to zero over the years left. The holiday (三免三减半) gives a factor of
0 in years 1-3 and 0.5 in years 4-6. The loan is a level annuity; a balance left at year N is
repaid then.

NPV = sum_t net_project_t / (1 + r)^t (``numpy_financial.npv``, whose first value is t = 0, not
discounted); IRRs by ``numpy_financial.irr``; payback: the first year where the cumulative
net to project turns non-negative, interpolated within the year.

A staged build (``additions=``, :func:`addition_investment`; :func:`gdc.finance.life.staged_finance`
for ``gdc size --years`` with ``stages:``) adds further investments. Every amount of the table is
at the end of its year (t = 0 is the end of the investment year, just before year 1), so an
addition in service from year of life ``n`` is invested at ``t_a = n - 1``, the end of the year
before: the first stage is t = 0 as before; a stage in calendar year ``Y_s`` is at
``t_a = Y_s - start year``. Each addition ``B_a`` then has, like the initial investment::

    capex_t_a        -= B_a                    (its own row, besides that year's operation)
    O&M              -= its fixed O&M x g_O in years t > t_a   (O&M % of the capex in service)
    depreciation     += B_a (1 - salvage) / D in years t_a + 1 .. t_a + D; salvage += its book value left at N
    loan_t_a         += debt share x B_a, a level annuity over the loan years from t_a + 1
                        (a loan per addition; a balance left at N is repaid then)
    input VAT_t_a    -= v x B_a            (with ``finance.vat_included``; credited like the first)

A storage replacement replaces the storage in service in its year (the initial energy plus the
additions invested before it), so its cost grows with the additions. The tax holiday runs from
year 1 of the project, not per addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gdc.finance.params import FinanceParams, finance_params
from gdc.operation.prices import Costs, crf, get_costs, load_technology
from gdc.site.schema import Site

if TYPE_CHECKING:
    from gdc.check import CheckResult
    from gdc.operation.dispatch import Design

#: Columns of the cash-flow table, in order: key -> (English, Chinese). All CNY.
COLUMNS: dict[str, tuple[str, str]] = {
    "capex_cny": ("investment", "建设投资"),
    "storage_replacement_cny": ("storage replacement", "储能更换"),
    "om_cny": ("O&M", "运维费"),
    "staff_cny": ("staff", "人工费"),
    "self_use_fees_cny": ("self-use fees", "自发自用基金附加"),
    "capacity_charge_cny": ("capacity charge", "容量电费"),
    "avoided_grid_cny": ("grid purchases avoided", "节省购电费"),
    "export_revenue_cny": ("export revenue", "上网收入"),
    "certificate_revenue_cny": ("certificate revenue", "绿证收入"),
    "carbon_revenue_cny": ("carbon revenue", "碳减排收入"),
    "vat_input_cny": ("input VAT paid", "进项税额"),
    "vat_credit_cny": ("output VAT kept against the credit", "进项抵扣"),
    "vat_refund_cny": ("VAT refund (wind)", "增值税即征即退"),
    "vat_surcharge_cny": ("VAT surcharges", "税金及附加"),
    "salvage_cny": ("salvage", "回收残值"),
    "adjusted_income_tax_cny": ("adjusted income tax", "调整所得税"),
    "net_project_cny": ("net to project", "项目净现金流"),
    "loan_cny": ("loan", "借款"),
    "interest_cny": ("interest", "利息"),
    "principal_cny": ("principal", "还本"),
    "income_tax_cny": ("income tax", "所得税"),
    "net_equity_cny": ("net to equity", "资本金净现金流"),
    "depreciation_cny": ("depreciation (not cash)", "折旧（非现金）"),
}
_EBITDA = ("om_cny", "staff_cny", "self_use_fees_cny", "capacity_charge_cny", "avoided_grid_cny",
           "export_revenue_cny", "certificate_revenue_cny", "carbon_revenue_cny", "vat_refund_cny",
           "vat_surcharge_cny")
_PROJECT = ("capex_cny", "storage_replacement_cny", *_EBITDA, "vat_input_cny", "vat_credit_cny", "salvage_cny",
            "adjusted_income_tax_cny")
#: The VAT columns: in the table only with ``finance.vat_included``.
VAT_COLUMNS = ("vat_input_cny", "vat_credit_cny", "vat_refund_cny", "vat_surcharge_cny")


@dataclass(frozen=True)
class Investment:
    """The initial investment of a design, by item [CNY], and its year-1 fixed O&M [CNY/yr].

    ``items`` keys: each source's name, ``storage``, ``line`` (dedicated lines of the built
    sources), ``other`` (other fixed investment).
    """

    items: dict[str, float]
    om_cny_per_year: float
    storage_energy_mwh: float = 0.0

    @property
    def total_cny(self) -> float:
        """The initial investment [CNY]."""
        return float(sum(self.items.values()))


def addition_investment(site: Site, before: Design, after: Design, params: FinanceParams) -> Investment:
    """The investment of a stage's addition: the capacities of ``after`` less those of ``before``.

    ``sum_k capex_k x (cap_k - cap0_k) + capex_P x (P - P0) + capex_E x (E - E0)`` plus the
    dedicated line of each source first built by the addition (``cap0_k = 0 < cap_k``); no other
    investment (``finance.other_investment_cny`` is in the first stage). Negative differences
    count as zero (additions only). ``storage_energy_mwh`` is the storage energy added.

    Parameters
    ----------
    site : Site
        Evaluated in the stage year (its unit costs: :func:`unit_investment`).
    before, after : Design
        The capacities in service before and from the stage [MW, MWh].
    params : FinanceParams
    """
    unit = unit_investment(site, params)
    items: dict[str, float] = {}
    om = 0.0
    line = 0.0
    for src in site.sources:
        was = float(before.capacities_mw.get(src.name, 0.0))
        now = float(after.capacities_mw.get(src.name, 0.0))
        add = max(0.0, now - was)
        if add > 0:
            items[src.name] = add * unit.per_mw[src.name]
            om += add * unit.om_per_mw[src.name]
            if was <= 0:
                line += unit.line[src.name]
    d_p = max(0.0, after.storage_power_mw - before.storage_power_mw)
    d_e = max(0.0, after.storage_energy_mwh - before.storage_energy_mwh)
    if d_p > 0 or d_e > 0:
        items["storage"] = d_p * unit.storage_per_mw + d_e * unit.storage_per_mwh
        om += d_p * unit.storage_om_per_mw + d_e * unit.storage_om_per_mwh
    if line:
        items["line"] = line
    return Investment(items=items, om_cny_per_year=om, storage_energy_mwh=float(d_e))


@dataclass(frozen=True)
class YearEnergy:
    """One year's energy [MWh] and money at year-1 prices [CNY] (before escalation).

    ``baseline_cost_cny`` buys the whole load at the import tariff; ``import_cost_cny`` is what
    the design still buys; ``fixed_charge_cny`` the capacity-based T&D charge.
    """

    load_mwh: float
    import_mwh: float
    export_mwh: float
    available_mwh: float
    curtailment_mwh: float
    self_consumed_mwh: float
    baseline_cost_cny: float
    import_cost_cny: float
    export_revenue_cny: float
    fixed_charge_cny: float = 0.0
    #: Wind's share of the renewable energy available [-] (the VAT refund on wind electricity).
    wind_share: float = 0.0

    @property
    def generation_used_mwh(self) -> float:
        """A - C: renewable generation used (self-consumed, exported, storage losses) [MWh]."""
        return self.available_mwh - self.curtailment_mwh


def _tech_spec(site: Site, key: str, base: dict[str, Any]) -> dict[str, Any]:
    spec = dict(base["technologies"][key])
    over = getattr(site.economics, key)
    if over is not None:
        spec.update({k: v for k, v in over.model_dump().items() if v is not None})
    return spec


@dataclass(frozen=True)
class UnitInvestment:
    """Initial investment and year-1 fixed O&M per unit of each capacity decision.

    Attributes
    ----------
    per_mw : dict of str to float [CNY/MW]
        Each source's capex per MW.
    om_per_mw : dict of str to float [CNY/MW/yr]
        Each source's fixed O&M (fixed O&M % x capex).
    storage_per_mw, storage_per_mwh : float [CNY/MW], [CNY/MWh]
    storage_om_per_mw, storage_om_per_mwh : float [CNY/MW/yr], [CNY/MWh/yr]
    line : dict of str to float [CNY]
        Each source's dedicated line (cost per km x distance), invested when the source is built.
    other : float [CNY]
        Other fixed investment (``finance.other_investment_cny``).
    """

    per_mw: dict[str, float]
    om_per_mw: dict[str, float]
    storage_per_mw: float
    storage_per_mwh: float
    storage_om_per_mw: float
    storage_om_per_mwh: float
    line: dict[str, float]
    other: float


def unit_investment(site: Site, params: FinanceParams) -> UnitInvestment:
    """The investment per MW (MWh) of every capacity decision of a site (linear in the capacities).

    Unit costs are the site's technology preset (``economics.preset``) with its overrides, as
    for the annualised cost of :func:`gdc.operation.prices.get_costs`.
    """
    base = load_technology(site.economics.preset)
    per_km = site.economics.line_cny_per_km
    if per_km is None:
        per_km = float(base.get("line", {}).get("cny_per_km", 0.0))
    per_mw, om, line = {}, {}, {}
    for src in site.sources:
        spec = _tech_spec(site, "offshore_wind" if (src.type == "wind" and src.offshore) else src.type, base)
        per_mw[src.name] = 1000.0 * float(spec.get("capex_cny_per_kw") or 0.0)
        om[src.name] = per_mw[src.name] * float(spec.get("fixed_om_pct", 0.0)) / 100.0
        line[src.name] = per_km * src.distance_km
    spec = _tech_spec(site, "storage", base)
    st_mw = 1000.0 * float(spec.get("capex_cny_per_kw") or 0.0)
    st_mwh = 1000.0 * float(spec.get("capex_cny_per_kwh") or 0.0)
    st_om = float(spec.get("fixed_om_pct", 0.0)) / 100.0
    return UnitInvestment(per_mw=per_mw, om_per_mw=om, storage_per_mw=st_mw, storage_per_mwh=st_mwh,
                          storage_om_per_mw=st_mw * st_om, storage_om_per_mwh=st_mwh * st_om, line=line,
                          other=float(params.other_investment_cny))


def investment_of(site: Site, design: Design, params: FinanceParams) -> Investment:
    """Initial investment of a design: capex by technology, dedicated lines, other fixed investment.

    ``sum_k capex_k x cap_k + capex_P x P + capex_E x E + lines of the built sources + other``
    (:func:`unit_investment`); the year-1 fixed O&M is each item's fixed O&M % of it.
    """
    unit = unit_investment(site, params)
    items: dict[str, float] = {}
    om = 0.0
    line = 0.0
    for src in site.sources:
        cap = float(design.capacities_mw.get(src.name, 0.0))
        items[src.name] = cap * unit.per_mw[src.name]
        om += cap * unit.om_per_mw[src.name]
        if cap > 0:
            line += unit.line[src.name]
    if design.storage_power_mw > 0 or design.storage_energy_mwh > 0:
        items["storage"] = design.storage_power_mw * unit.storage_per_mw + design.storage_energy_mwh * unit.storage_per_mwh
        om += design.storage_power_mw * unit.storage_om_per_mw + design.storage_energy_mwh * unit.storage_om_per_mwh
    if line:
        items["line"] = line
    if unit.other:
        items["other"] = unit.other
    return Investment(items=items, om_cny_per_year=om, storage_energy_mwh=float(design.storage_energy_mwh))


def year_energy(result: CheckResult, costs: Costs | None = None) -> YearEnergy:
    """The checked year's energy (gdc's A, C, S, L, E, I) and money at the site's tariff."""
    b = result.balance
    costs = costs if costs is not None else get_costs(result.site, result.profiles)
    w = b.weights
    m = result.metrics
    return YearEnergy(
        load_mwh=m.L, import_mwh=m.I, export_mwh=m.E, available_mwh=m.A, curtailment_mwh=m.C,
        self_consumed_mwh=m.S,
        baseline_cost_cny=float(np.dot(w, b.load * costs.import_price)),
        import_cost_cny=float(np.dot(w, b.import_ * costs.import_price)),
        export_revenue_cny=float(np.dot(w, b.export * costs.export_price)),
        fixed_charge_cny=float(costs.fixed),
        wind_share=_wind_share(b),
    )


def _wind_share(b: Any) -> float:
    """Wind's share of the renewable energy available, ``sum w wind / sum w (wind + pv)`` [-]."""
    total = float(np.dot(b.weights, b.wind + b.pv))
    return float(np.dot(b.weights, b.wind)) / total if total > 0 else 0.0


@dataclass(frozen=True)
class CashFlows:
    """The cash-flow table (``columns[key][t]``, t = 0 .. N, CNY) and the energy behind it.

    ``energy[key][t]`` [MWh] for load, import, generation_used, self_consumed (0 at t = 0);
    ``import_cost[t]`` the grid purchases still made [CNY] (for the composite price).
    """

    params: FinanceParams
    investment: Investment
    columns: dict[str, np.ndarray]
    energy: dict[str, np.ndarray]
    import_cost: np.ndarray
    #: A staged build's later investments: ``(t_a, Investment)``, invested at the end of year t_a.
    additions: tuple[tuple[int, Investment], ...] = ()

    @property
    def years(self) -> np.ndarray:
        return np.arange(len(self.columns["net_project_cny"]))

    def rows(self) -> list[dict[str, float]]:
        """The table as one dict a year (``year`` first), for JSON."""
        out = []
        for t in self.years:
            row: dict[str, float] = {"year": int(t)}
            row.update({k: float(v[t]) for k, v in self.columns.items()})
            row["load_mwh"] = float(self.energy["load"][t])
            row["generation_used_mwh"] = float(self.energy["generation_used"][t])
            out.append(row)
        return out


def _holiday(t: int, on: bool) -> float:
    if not on:
        return 1.0
    return 0.0 if t <= 3 else 0.5 if t <= 6 else 1.0


def _taxes(taxable: np.ndarray, p: FinanceParams) -> np.ndarray:
    """Income tax (negative) of years 1..N with losses carried forward ``loss_carry_years``."""
    losses: list[list[float]] = []  # [year, loss left]
    tax = np.zeros_like(taxable)
    for i, profit in enumerate(taxable):
        t = i + 1
        losses = [x for x in losses if t - x[0] <= p.loss_carry_years and x[1] > 0]
        if profit < 0:
            losses.append([t, -profit])
            continue
        base = profit
        for x in losses:
            used = min(x[1], base)
            x[1] -= used
            base -= used
        tax[i] = -base * p.income_tax_rate * _holiday(t, p.tax_holiday)
    return tax


def _loan(amount: float, t0: int, n: int, p: FinanceParams) -> tuple[np.ndarray, np.ndarray]:
    """Interest and principal (negative, t = 0 .. n) of a level annuity borrowed at the end of year t0."""
    interest_col, principal_col = np.zeros(n + 1), np.zeros(n + 1)
    payment = amount * crf(p.interest_rate, p.loan_years)
    balance = amount
    for year in range(t0 + 1, n + 1):
        if balance <= 0:
            break
        interest = balance * p.interest_rate
        principal = min(payment - interest, balance) if year < n else balance
        interest_col[year] = -interest
        principal_col[year] = -principal
        balance -= principal
    return interest_col, principal_col


def cash_flows(params: FinanceParams, investment: Investment, years: YearEnergy | Sequence[YearEnergy],
               replacement_years: Sequence[int] | None = None,
               additions: Sequence[tuple[int, Investment]] | None = None) -> CashFlows:
    """The cash-flow table of an investment over ``params.evaluation_years`` (see the module docstring).

    Parameters
    ----------
    params : FinanceParams
    investment : Investment
    years : YearEnergy or sequence of YearEnergy
        Year 1's energy and money, repeated every year; or one per year 1..N (a project-life path).
    replacement_years : sequence of int, optional
        Years in which the battery is replaced (the life model's, :mod:`gdc.finance.life`);
        default ``params.storage_replacement_years`` (the life model's renewals, from
        :func:`gdc.finance.params.finance_params`), else ``[params.storage_replacement_year]``. Each replacement costs the storage energy
        in service in its year (the same every year without additions) and is depreciated to
        zero over the years left.
    additions : sequence of (int, Investment), optional
        A staged build's later investments ``(t_a, investment)``, 1 <= t_a < N: invested at the
        end of year t_a, in service from year t_a + 1 (module docstring).

    Raises
    ------
    ValueError
        A path of the wrong length, or an addition outside 1 .. N - 1.
    """
    n = params.evaluation_years
    adds = tuple((int(ta), inv) for ta, inv in (additions or ()))
    if any(not 1 <= ta < n for ta, _ in adds):
        raise ValueError(f"additions must be invested in years 1 .. {n - 1}: {[ta for ta, _ in adds]}")
    path = [years] * n if isinstance(years, YearEnergy) else list(years)
    if len(path) != n:
        raise ValueError(f"{len(path)} years of energy for an evaluation of {n} years")
    t = np.arange(1, n + 1)
    g_t = (1.0 + params.tariff_escalation) ** (t - 1)
    g_o = (1.0 + params.om_escalation) ** (t - 1)
    get = lambda name: np.array([getattr(y, name) for y in path], dtype=float)  # noqa: E731
    s = get("self_consumed_mwh")
    col = {k: np.zeros(n + 1) for k in COLUMNS}
    col["capex_cny"][0] = -investment.total_cny
    col["om_cny"][1:] = -investment.om_cny_per_year * g_o
    for ta, inv in adds:
        col["capex_cny"][ta] -= inv.total_cny
        col["om_cny"][ta + 1:] -= inv.om_cny_per_year * g_o[ta:]
    col["staff_cny"][1:] = -params.staff_cny_per_year * g_o
    col["self_use_fees_cny"][1:] = -1000.0 * s * params.self_use_fees_cny_per_kwh * g_t
    col["capacity_charge_cny"][1:] = -get("fixed_charge_cny") * g_t
    col["avoided_grid_cny"][1:] = (get("baseline_cost_cny") - get("import_cost_cny")) * g_t
    col["export_revenue_cny"][1:] = get("export_revenue_cny") * g_t
    col["certificate_revenue_cny"][1:] = s * params.certificate_cny_per_mwh
    if params.carbon_cny_per_t:
        col["carbon_revenue_cny"][1:] = s * params.grid_emission_factor_t_per_mwh * params.carbon_cny_per_t

    # depreciation: the investment over the depreciation years to its salvage value; a battery
    # replacement over the years left, to zero
    base = investment.total_cny
    dep_base = np.zeros(n + 1)
    dep_base[1:min(params.depreciation_years, n) + 1] = base * (1.0 - params.salvage_fraction) / \
        params.depreciation_years
    dep = dep_base.copy()
    book_left = base - dep_base.sum()
    for ta, inv in adds:  # each addition from its year, over the depreciation years
        dep_a = np.zeros(n + 1)
        dep_a[ta + 1:min(ta + params.depreciation_years, n) + 1] = inv.total_cny * (1.0 - params.salvage_fraction) / \
            params.depreciation_years
        dep += dep_a
        book_left += inv.total_cny - dep_a.sum()
    def replacement_in(y: int) -> float:  # the storage in service in year y: initial, and additions invested before y
        e = investment.storage_energy_mwh + sum(inv.storage_energy_mwh for ta, inv in adds if ta < y)
        return 1000.0 * e * params.storage_replacement_cny_per_kwh * params.storage_replacement_share

    rep_years = list(replacement_years) if replacement_years is not None else \
        list(params.storage_replacement_years or (params.storage_replacement_year,))
    rep_years = sorted({int(y) for y in rep_years if 1 <= y <= n})
    for y in rep_years:
        replacement = replacement_in(y)
        if replacement <= 0:
            continue
        col["storage_replacement_cny"][y] = -replacement
        dep[y:] += replacement / (n - y + 1)
    col["depreciation_cny"] = dep
    col["salvage_cny"][n] = book_left  # book value left (the replacement's is zero)

    # debt: a level annuity on the borrowed share of the initial investment
    debt = params.debt_share * base
    col["loan_cny"][0] = debt
    if debt > 0:
        col["interest_cny"], col["principal_cny"] = _loan(debt, 0, n, params)
    for ta, inv in adds:  # a loan per addition, the same debt share
        debt_a = params.debt_share * inv.total_cny
        if debt_a > 0:
            col["loan_cny"][ta] += debt_a
            interest, principal = _loan(debt_a, ta, n, params)
            col["interest_cny"] += interest
            col["principal_cny"] += principal

    if params.vat_included:
        _vat(col, params, investment, get("wind_share"), adds)
    ebitda = sum(col[c] for c in _EBITDA)
    col["adjusted_income_tax_cny"][1:] = _taxes((ebitda - dep)[1:], params)
    col["income_tax_cny"][1:] = _taxes((ebitda - dep + col["interest_cny"])[1:], params)
    col["net_project_cny"] = sum(col[c] for c in _PROJECT)
    col["net_equity_cny"] = (col["net_project_cny"] - col["adjusted_income_tax_cny"] + col["income_tax_cny"]
                             + col["loan_cny"] + col["interest_cny"] + col["principal_cny"])
    if not params.vat_included:
        for key in VAT_COLUMNS:
            del col[key]
    zero = np.zeros(1)
    energy = {
        "load": np.concatenate([zero, get("load_mwh")]),
        "import": np.concatenate([zero, get("import_mwh")]),
        "generation_used": np.concatenate([zero, get("available_mwh") - get("curtailment_mwh")]),
        "self_consumed": np.concatenate([zero, s]),
    }
    return CashFlows(params=params, investment=investment, columns=col, energy=energy,
                     import_cost=np.concatenate([zero, get("import_cost_cny") * g_t]), additions=adds)


def _vat(col: dict[str, np.ndarray], p: FinanceParams, investment: Investment, wind_share: np.ndarray,
         additions: Sequence[tuple[int, Investment]] = ()) -> None:
    """The VAT columns of a project company that sells its electricity (``finance.vat_included``).

    Every amount of the table is net of VAT (价税分离); VAT moves cash only through timing and the
    credit. With the rate ``v``, input VAT ``v x (investment - other investment)`` is paid at
    t = 0 and ``v x replacement`` in the replacement year; output VAT ``v x max(0, grid purchases
    avoided + export revenue)`` is collected on the electricity sold each year t >= 1. The input is
    credited against the output and carried forward (no time limit, no refund of the credit):
    ``used_t = min(output_t, credit left)``, ``paid_t = output_t - used_t``. Columns:
    ``vat_input_cny = -input``; ``vat_credit_cny = +used`` (the output collected and kept, the
    rest passes to the tax bureau); ``vat_surcharge_cny = -surcharge % x paid``;
    ``vat_refund_cny = +wind refund % x wind share x paid`` (即征即退 50 %, 财税〔2015〕74号). The
    refund and the surcharges are in EBITDA (taxable income, deductible expense); input and
    credit are not (the input VAT is not depreciated). A staged addition's input VAT
    ``v x addition`` is paid in its year t_a and credited from then on.
    """
    n = len(col["net_project_cny"]) - 1
    v = p.vat_rate_pct / 100.0
    other = investment.items.get("other", 0.0)
    col["vat_input_cny"][0] = -v * (investment.total_cny - other)
    col["vat_input_cny"][1:] = v * col["storage_replacement_cny"][1:]  # the replacements' input VAT
    for ta, inv in additions:
        col["vat_input_cny"][ta] -= v * (inv.total_cny - inv.items.get("other", 0.0))
    credit = -col["vat_input_cny"][0]
    for t in range(1, n + 1):
        credit += -col["vat_input_cny"][t]
        output = v * max(0.0, col["avoided_grid_cny"][t] + col["export_revenue_cny"][t])
        used = min(output, credit)
        credit -= used
        paid = output - used
        col["vat_credit_cny"][t] = used
        col["vat_surcharge_cny"][t] = -p.vat_surcharge_pct / 100.0 * paid
        col["vat_refund_cny"][t] = p.wind_vat_refund_pct / 100.0 * float(wind_share[t - 1]) * paid


def payback_year(flows: np.ndarray) -> float | None:
    """The year the cumulative sum of ``flows`` (t = 0 first) turns non-negative, interpolated; None if never.

    With cumulative ``c_{t-1} < 0 <= c_t``: ``t - 1 + (-c_{t-1}) / flows_t``.
    """
    cum = np.cumsum(flows)
    if cum[0] >= 0:
        return 0.0
    for t in range(1, len(flows)):
        if cum[t] >= 0:
            return float(t - 1 + (-cum[t - 1]) / flows[t])
    return None


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass(frozen=True)
class FinanceResult:
    """A design's finance: the cash flows and their indicators (see :meth:`as_dict` for units)."""

    flows: CashFlows
    npv_cny: float
    project_irr: float | None
    equity_irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    lcoe_cny_per_mwh: float | None
    composite_price_cny_per_kwh: float | None
    green_power_price_cny_per_kwh: float | None
    notes: list[str] = field(default_factory=list)
    #: Over the life (:mod:`gdc.finance.life`): ``{calendar_years, replacement_years, weathers}``.
    life: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain data: ``{discount_rate_pct, initial_investment_cny, npv_cny, project_irr_pct, ...,
        cash_flows: [{year, capex_cny, ..., net_project_cny, net_equity_cny}]}`` (cash_flows[0]: t = 0)."""
        p = self.flows.params
        pct = lambda x: None if x is None else 100.0 * x  # noqa: E731
        return {
            "discount_rate_pct": 100.0 * p.discount_rate,
            "evaluation_years": p.evaluation_years,
            "initial_investment_cny": self.flows.investment.total_cny,
            "investment_items_cny": dict(self.flows.investment.items),
            "npv_cny": self.npv_cny,
            "project_irr_pct": pct(self.project_irr),
            "equity_irr_pct": pct(self.equity_irr),
            "payback_years": self.payback_years,
            "discounted_payback_years": self.discounted_payback_years,
            "lcoe_cny_per_mwh": self.lcoe_cny_per_mwh,
            "lcoe_energy": "A - C (renewable generation used)",
            "composite_price_cny_per_kwh": self.composite_price_cny_per_kwh,
            "green_power_price_cny_per_kwh": self.green_power_price_cny_per_kwh,
            "params": {k: v for k, v in p.as_dict().items() if k != "sources"},
            "param_sources": dict(p.sources),
            "notes": list(self.notes),
            **({"life": dict(self.life)} if self.life else {}),
            **({"additions": [{"year": ta, "investment_cny": inv.total_cny, "investment_items_cny": dict(inv.items),
                               "om_cny_per_year": inv.om_cny_per_year}
                              for ta, inv in self.flows.additions]} if self.flows.additions else {}),
            "cash_flows": self.flows.rows(),
        }


def discount_factors(rate: float, n_plus_1: int) -> np.ndarray:
    """``1 / (1 + r)^t`` for t = 0 .. n."""
    return 1.0 / (1.0 + rate) ** np.arange(n_plus_1)


def lcoe(flows: CashFlows) -> float | None:
    """LCOE of the renewable energy [CNY/MWh]: discounted plant costs / discounted A - C.

    Plant costs: investment, replacement, O&M and staff, less the salvage; before tax and
    financing, without grid charges or fees on consumption.
    """
    c = flows.columns
    d = discount_factors(flows.params.discount_rate, len(flows.years))
    cost = -(c["capex_cny"] + c["storage_replacement_cny"] + c["om_cny"] + c["staff_cny"] + c["salvage_cny"])
    energy = float(np.dot(d, flows.energy["generation_used"]))
    return float(np.dot(d, cost)) / energy if energy > 0 else None


def summarise(flows: CashFlows) -> FinanceResult:
    """NPV, IRRs (numpy-financial), paybacks, LCOE and the composite prices of a cash-flow table."""
    import numpy_financial as npf

    from gdc.finance.composite import composite_prices

    r = flows.params.discount_rate
    project = flows.columns["net_project_cny"]
    equity = flows.columns["net_equity_cny"]
    d = discount_factors(r, len(project))
    notes = []
    eq_irr = None
    if flows.params.debt_share < 1.0:
        eq_irr = _none_if_nan(npf.irr(equity))
    else:
        notes.append("no equity at t = 0 (all debt): no equity IRR")
    composite, green = composite_prices(flows)
    return FinanceResult(
        flows=flows,
        npv_cny=float(npf.npv(r, project)),
        project_irr=_none_if_nan(npf.irr(project)),
        equity_irr=eq_irr,
        payback_years=payback_year(project),
        discounted_payback_years=payback_year(project * d),
        lcoe_cny_per_mwh=lcoe(flows),
        composite_price_cny_per_kwh=composite,
        green_power_price_cny_per_kwh=green,
        notes=notes,
    )


def finance_of(result: CheckResult, years: Sequence[YearEnergy] | None = None, **overrides: Any) -> FinanceResult:
    """The finance of a checked design: its site's ``finance:`` parameters, investment and cash flows.

    Parameters
    ----------
    result : CheckResult
    years : sequence of YearEnergy, optional
        A per-year energy path (years 1..N); default the checked year repeated.
    **overrides
        :class:`FinanceParams` fields that win over the site file.

    Examples
    --------
    >>> from gdc.check import check_file
    >>> f = finance_of(check_file("sample_sites/v3-tool-flat-load/site.yaml"))
    >>> round(f.flows.investment.total_cny / 1e6, 2)  # 480 wind + 186 PV + 18.8 storage + 11 lines
    695.8
    """
    params = finance_params(result.site, **overrides)
    inv = investment_of(result.site, result.design, params)
    return summarise(cash_flows(params, inv, years if years is not None else year_energy(result)))


#: The finance columns of a ``gdc screen`` row (:func:`finance_columns`).
SCREEN_COLUMNS = ("initial_investment_cny", "npv_cny", "project_irr_pct", "equity_irr_pct", "payback_years",
                  "composite_price_cny_per_kwh", "green_power_price_cny_per_kwh")


def finance_columns(result: CheckResult) -> dict[str, float | None]:
    """A design's finance as flat columns (:data:`SCREEN_COLUMNS`; None where undefined), for ``gdc screen``.

    Examples
    --------
    >>> from gdc.check import check_file
    >>> row = finance_columns(check_file("sample_sites/v3-tool-flat-load/site.yaml"))
    >>> round(row["initial_investment_cny"] / 1e6, 2), round(row["composite_price_cny_per_kwh"], 4)
    (695.8, 0.3062)
    """
    f = finance_of(result).as_dict()
    return {k: f[k] for k in SCREEN_COLUMNS}


__all__ = ["COLUMNS", "VAT_COLUMNS", "CashFlows", "FinanceResult", "Investment", "YearEnergy", "addition_investment",
           "cash_flows", "discount_factors",
           "SCREEN_COLUMNS", "finance_columns", "finance_of", "investment_of", "UnitInvestment", "unit_investment", "lcoe", "payback_year", "summarise", "year_energy"]
