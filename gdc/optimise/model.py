"""The sizing LP as a Pyomo model: capacities and hourly dispatch at least annual cost.

Decisions: each source's capacity [MW] within the site's bounds (or fixed), storage power
[MW] and energy [MWh]; per hour [MW]: renewable to load ``u``, to storage ``c``, export
``e``, curtailment ``q``, storage discharge to load ``d``, import to load ``m``, state of
charge ``s`` [MWh]; with grid charging also grid to storage ``g``, its discharge ``dg`` and
its own state of charge ``sg`` (grid energy never counts as renewable).

Constraints (t in hours, periods cyclic: the whole year, or each representative day)::

    sum_k cap_k p_kt        = u_t + c_t + e_t + q_t                   renewable balance
    L_t                     = u_t + d_t + dg_t + m_t                  load balance
    s_t  = (1-sigma) s_t-1  + eta_c c_t - d_t / eta_d                 renewable storage
    sg_t = (1-sigma) sg_t-1 + eta_c g_t - dg_t / eta_d                grid-charged storage
    soc_min E <= s_t + sg_t <= soc_max E;  c_t + g_t <= P;  d_t + dg_t <= P
    e_t <= X_t;  m_t + g_t <= I                                        exchange, from the rules

and every hard (and param) energy rule of the site's rule set for the evaluated year,
generated from the rule set through :data:`gdc.rules.indicators.INDICATORS`: an annual ratio rule
``num / den  op  threshold`` becomes ``num - threshold/100 x den  op  0`` over the weighted
annual totals ``A = sum_k a_k cap_k``, ``S = sum w (u + d)``, ``E = sum w e``,
``C = sum w q``, ``L``; hourly rules set bounds (no export without a continuous spot market or
in forbidden hours; exchange within the connection capacity; off-grid: no import).

A multi-user site (688号) adds one row per user with a ``min_green_share`` ``g_u`` [%]
(:func:`user_constraints`): ``S_u - g_u/100 x L_u >= 0`` with ``S_u = sum_t w_t share_u,t (u_t + d_t)``,
the self-use ``S_t = u_t + d_t`` (renewables to the load, directly and from the renewable
storage; never ``dg``) shared by the site's allocation
(:func:`gdc.operation.allocation.linear_shares`: ``hourly-share`` ``L_u,t / L_t``,
``annual-share`` ``L_u / L``, ``fixed`` ``pct_u / 100``). It is the checker's own ``S_u,t``
(:func:`gdc.operation.allocation.allocate` on the LP's balance), so a sized design meets
each user's minimum in its check. ``priority`` is not linear in ``S_t`` (user k gets
``min(L_k,t, S_t - earlier users)``): sizing refuses it when a user states a minimum.

Objective [CNY/yr]: ``sum_k a_k^cap cap_k + a_P P + a_E E + sum_t w_t (pi_t (m_t + g_t) -
rho_t e_t) + constants`` (see :mod:`gdc.operation.prices`).

Renewables serve the load first (``self_use_first``, issue 10 section 5). One meter at the
point of interconnection settles one net flow per hour, so no hour may import and export at
once. Without a rule the LP above does exactly that where export pays more than import
(``rho_t > pi_t``): exchange argument, if ``e_t > 0`` and ``m_t > 0``, moving
``d = min(e_t, m_t)`` from ``e`` to ``u`` and removing ``d`` of ``m`` keeps every hourly row,
raises ``S``, lowers ``E`` and ``I`` (every rule ratio improves) and changes the cost by
``w_t d (rho_t - pi_t)``. The meter alone is not an LP: the hour's cost ``min(pi_t n, rho_t n)``
of the net import ``n`` is concave where ``rho_t > pi_t`` (one hour, 10 MW of renewables, 5 MW
of load, a storage whose energy is worth ``v`` with ``pi < v < rho``: storing all 10 MW and
importing the load, and exporting 5 MW, are the only optima; their mixtures cost more). gdc
therefore uses the rules' own order, 自发自用为主、余电上网 read hour by hour, which is also the
renewable-first dispatch's: ``u_t = min(L_t, a_t)``. In a surplus hour (``a_t >= L_t``) the
load takes renewables only (no import, no storage discharge: the model's storage serves the
load, it has no path to export); in a deficit hour nothing is exported or curtailed and the
storage takes renewable energy only for its standing loss (``sum c_t <= sigma / eta_c sum s_t``
over the period's deficit hours, else a storage with ``soc_min > 0`` could not stay cyclic on a
day without surplus). This excludes no physical operation the site allows: "renewables charge
the storage while the load imports" is, at every meter (generation, load, storage, point of
interconnection), the same flows as "renewables serve the load and the grid charges the
storage", i.e. grid charging, allowed with ``grid_charging: true`` (and then not renewable) and
forbidden otherwise; curtailing while importing only costs more and lowers ``S``. Grid
charging is kept to hours without a renewable surplus (``g_t = 0`` where ``a_t > L_t``), so a
grid top-up on top of a stored surplus is not modelled. With fixed renewable capacities the
rule is variable bounds and one row per period: exact. With free capacities ``min(L_t, a_t)``
is concave in them; the rows hold its secant over the capacity bounds (valid: a concave
function lies above its chords), and :func:`gdc.optimise.size.self_use_first_design` checks the optimum
and closes the gap by branch and bound over the renewable capacities (on sub-boxes of two free
capacities with the convex envelope over the box: two rows, exact at its four corners). The
standing loss a straddling hour's storage may take is a per-period budget ``z_t`` on the left
of its row, not ``c_t`` itself: with ``+ c_t`` the row let renewables charge the storage in any
straddling hour, and the V3 root bound was 79.52 M instead of 80.25 M CNY/yr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdc.operation.prices import Costs
from gdc.profiles.series import Profiles
from gdc.rules.linear import RuleConstraint, rule_constraints
from gdc.rules.ruleset import RuleSet
from gdc.rules.verdicts import spot_market_status
from gdc.site.errors import InputError
from gdc.site.schema import Bounds, Site

#: Upper bound used for a capacity the site leaves open [MW or MWh] (only for elastic studies).
OPEN_BOUND = 1e5


@dataclass(frozen=True)
class CapacityBounds:
    """Bounds of every capacity decision [MW, MWh]; equal bounds fix a capacity."""

    sources: dict[str, tuple[float, float]]
    storage_power: tuple[float, float] = (0.0, 0.0)
    storage_energy: tuple[float, float] = (0.0, 0.0)

    @classmethod
    def from_site(cls, site: Site) -> CapacityBounds:
        def b(x: Any) -> tuple[float, float]:
            return (x.min, x.max) if isinstance(x, Bounds) else (float(x), float(x))

        st = site.storage
        return cls(
            sources={s.name: b(s.capacity_mw) for s in site.sources},
            storage_power=b(st.power_mw) if st else (0.0, 0.0),
            storage_energy=b(st.energy_mwh) if st else (0.0, 0.0),
        )

    def with_minimum(self, design: Any, upper: float = OPEN_BOUND) -> CapacityBounds:
        """Bounds from a design's capacities up to ``upper`` (capacity additions)."""
        return CapacityBounds(
            sources={k: (v, max(upper, v)) for k, v in design.capacities_mw.items()},
            storage_power=(design.storage_power_mw, max(upper, design.storage_power_mw)),
            storage_energy=(design.storage_energy_mwh, max(upper, design.storage_energy_mwh)),
        )


@dataclass
class LPData:
    """Everything the LP needs, as plain arrays (the same data feeds ``bench/`` reference LP)."""

    weights: np.ndarray
    period_hours: int
    load: np.ndarray
    pu: dict[str, np.ndarray]
    source_type: dict[str, str]  # name -> "wind" | "pv"
    bounds: CapacityBounds
    cost_per_mw: dict[str, float]
    storage_cost_per_mw: float
    storage_cost_per_mwh: float
    constant_cost: float
    import_price: np.ndarray
    export_price: np.ndarray
    export_cap: np.ndarray
    import_cap: float | None
    eta_c: float = 1.0
    eta_d: float = 1.0
    soc_min: float = 0.0
    soc_max: float = 1.0
    sigma: float = 0.0
    duration_min: float | None = None
    duration_max: float | None = None
    grid_charging: bool = False
    off_grid: bool = False
    rules: list[RuleConstraint] = field(default_factory=list)
    #: Renewables serve the load first in every hour (self-use first, surplus only exported or
    #: stored): no hour imports and exports at once (:func:`define_exchange_constraints`).
    #: False gives the earlier relaxation (kept for bench/bench_size.py's comparison).
    self_use_first: bool = True
    #: Multi-user sites: each user's share of the hourly self-use, ``share_u,t`` [-]
    #: (:func:`gdc.operation.allocation.linear_shares`); the users' minimum rows are in ``rules``.
    user_shares: dict[str, np.ndarray] = field(default_factory=dict)
    #: Multi-user sites: each user's annual load ``L_u = sum_t w_t L_u,t`` [MWh/yr].
    user_load_mwh: dict[str, float] = field(default_factory=dict)
    #: The objective when not the annual cost (:class:`gdc.optimise.objectives.LinearObjective`).
    objective: Any = None

    @property
    def has_storage(self) -> bool:
        return self.bounds.storage_power[1] > 0 and self.bounds.storage_energy[1] > 0


def lp_data(site: Site, profiles: Profiles, costs: Costs, rule_set: RuleSet,
            bounds: CapacityBounds | None = None, tighten: dict[str, float] | None = None) -> LPData:
    """Assemble the LP's data from a site (capacities from ``bounds``, default the site's)."""
    bounds = bounds or CapacityBounds.from_site(site)
    rules, hourly = rule_constraints(rule_set, site, tighten)
    spot = spot_market_status(site, rule_set)
    n = profiles.hours
    cap = site.connection.capacity_mw
    xcap = np.full(n, cap if hourly["exchange_cap"] else np.inf)
    if hourly["no_export"] or site.project_type == "off-grid" or spot == "not-continuous":
        xcap[:] = 0.0
    if hourly["no_export_forbidden"]:
        xcap[profiles.export_forbidden] = 0.0
    st = site.storage
    data = LPData(
        weights=profiles.weights, period_hours=profiles.period_hours, load=profiles.load_mw,
        pu={s.name: profiles.pu[s.name] for s in site.sources},
        source_type={s.name: s.type for s in site.sources}, bounds=bounds,
        cost_per_mw=costs.per_mw, storage_cost_per_mw=costs.storage_per_mw,
        storage_cost_per_mwh=costs.storage_per_mwh,
        constant_cost=costs.fixed + sum(costs.line.values()),
        import_price=costs.import_price, export_price=costs.export_price, export_cap=xcap,
        import_cap=cap if hourly["exchange_cap"] else None, off_grid=site.project_type == "off-grid",
        rules=rules,
    )
    shares, loads, user_rows = user_constraints(site, profiles, tighten)
    data.user_shares, data.user_load_mwh = shares, loads
    data.rules = rules + user_rows
    if st is not None:
        data.eta_c, data.eta_d = st.charge_efficiency, st.discharge_efficiency
        fade = profiles.life.storage_energy if profiles.life is not None else 1.0  # the year's usable energy
        data.soc_min, data.soc_max, data.sigma = st.soc_min * fade, st.soc_max * fade, st.self_discharge_per_h
        data.duration_min, data.duration_max = st.duration_h_min, st.duration_h_max
        data.grid_charging = st.grid_charging
    return data


#: Prefix of the annual-total symbols of one user: ``S_user:<name>`` (its self-use, an LP
#: expression) and ``L_user:<name>`` (its annual load, a number) [MWh/yr].
USER_SELF_USE, USER_LOAD = "S_user:", "L_user:"


def user_constraints(site: Site, profiles: Profiles, tighten: dict[str, float] | None = None
                     ) -> tuple[dict[str, np.ndarray], dict[str, float], list[RuleConstraint]]:
    """The users' shares of the self-use and the rows of their stated minimum green shares.

    Parameters
    ----------
    site : Site
        Sites without ``users:`` (one load) give no shares and no rows.
    profiles : Profiles
        With :attr:`~gdc.profiles.series.Profiles.user_loads_mw` [MW] and the row weights [h].
    tighten : dict of str to float, optional
        Percentage points added to a user's minimum, by rule id (``user_green_share:<name>``;
        the typical-day repair loop).

    Returns
    -------
    shares : dict of str to ndarray [-]
        ``share_u,t``, per user (empty when no user states a minimum).
    loads : dict of str to float [MWh/yr]
        ``L_u``.
    rows : list of RuleConstraint
        One ``S_u - g_u/100 x L_u >= 0`` per user with ``min_green_share`` ``g_u`` [%], its rule
        the checker's (:func:`gdc.rules.users.user_rule`), so the advice names the user.

    Raises
    ------
    InputError
        ``allocation: {priority: ...}`` with a user's minimum: not linear in the self-use.
    """
    from gdc.operation.allocation import linear_shares
    from gdc.rules.users import user_rule

    loads_mw = profiles.user_loads_mw
    mins = {u.name: u.min_green_share for u in site.user_list if u.min_green_share is not None}
    if not loads_mw or not mins:
        return {}, {}, []
    if site.allocation_name == "priority":
        raise InputError(
            "gdc size cannot size for the users' min_green_share under allocation 'priority': a user's share "
            "min(L_u,t, S_t - the earlier users' self-use) is not linear in the self-use S_t",
            file=site.path, field="allocation",
            fix="size with allocation: hourly-share (688号 §(十一)), annual-share or fixed, then check the sized "
                "design (--write-site) with priority; or drop min_green_share for the sizing")
    w = profiles.weights
    shares = linear_shares(site.allocation, loads_mw, w)
    loads = {u: float(w @ loads_mw[u]) for u in loads_mw}
    rows = []
    for name, g in mins.items():
        rule = user_rule(site, name, g)
        thr = float(g) + (tighten or {}).get(rule.id, 0.0)
        rows.append(RuleConstraint(rule, {USER_SELF_USE + name: 1.0, USER_LOAD + name: -thr / 100.0}, ">=", thr))
    return shares, loads, rows


def available_range(data: LPData) -> tuple[np.ndarray, np.ndarray]:
    """Least and largest available renewable power in each hour over the capacity bounds [MW]:
    ``a_lo_t = sum_k p_kt lo_k``, ``a_hi_t = sum_k p_kt hi_k``."""
    n = len(data.load)
    lo, hi = np.zeros(n), np.zeros(n)
    for k, p in data.pu.items():
        lo += p * data.bounds.sources[k][0]
        hi += p * data.bounds.sources[k][1]
    return lo, hi


def _hourly_upper_bounds(data: LPData, names: list[str], storage: bool) -> dict[str, np.ndarray]:
    """Upper bounds [MW, MWh] of the hourly variables: the model's own limits (export and
    import caps, a fixed storage power or energy) and the finite bounds the constraints imply.

    Implied bounds leave the LP unchanged, but an interior point converges in fewer
    iterations with finite boxes: on the V3 sizing LP HiPO needs 42 instead of 62
    (11.9 s instead of 13.7 s, measured 2026-11-24, bench/README.md). Renewable flows are
    bounded by the largest generation the capacity bounds allow in the hour, flows into the
    load by the load, storage flows by the largest storage power and energy.
    """
    n = len(data.load)
    gmax = np.zeros(n)
    for k in names:
        gmax += data.pu[k] * data.bounds.sources[k][1]
    load = np.asarray(data.load, dtype=float)
    p_hi = data.bounds.storage_power[1] if storage else 0.0
    s_hi = data.soc_max * data.bounds.storage_energy[1] if storage else 0.0
    imp = np.inf if data.import_cap is None else data.import_cap
    return {
        "u": np.minimum(gmax, load),
        "q": gmax,
        "e": np.minimum(gmax, data.export_cap),
        "m": np.minimum(load, imp),
        "c": np.minimum(gmax, p_hi),
        "d": np.minimum(load, p_hi),
        "s": np.full(n, s_hi),
        "g": np.full(n, min(p_hi, imp)),
        "dg": np.minimum(load, p_hi),
        "sg": np.full(n, s_hi),
        "unserved": load,
    }


def build_model(data: LPData, elastic: bool = False, penalty: float = 1e5):
    """The Pyomo model of :class:`LPData`.

    The model is assembled by one builder per constraint family, in this order (each
    builder's docstring states its rows): :func:`define_variables`,
    :func:`define_balance_constraints`, :func:`define_storage_constraints`,
    :func:`define_exchange_constraints`, :func:`define_rule_constraints`,
    :func:`define_objective`. ``tests/test_lp_rows.py`` checks every family row by row
    on a two-hour site (:data:`CONSTRAINT_FAMILIES` lists the families it must cover).

    Parameters
    ----------
    data : LPData
    elastic : bool
        Add a penalised non-negative slack to every rule row (``slack_<rule>`` [MWh]) and to
        the load balance (unserved load), so that the model is always feasible and the
        slacks show which rules cannot be met together and by how much.
    penalty : float [CNY/MWh]
        Cost of one MWh of slack in the elastic model.
    """
    import pyomo.environ as pyo
    from pyomo.common.gc_manager import PauseGC

    with PauseGC():
        m = pyo.ConcreteModel(name="gdc_size")
        b = _Builder(pyo, data, elastic, penalty)
        define_variables(m, b)
        define_balance_constraints(m, b)
        define_storage_constraints(m, b)
        define_exchange_constraints(m, b)
        define_rule_constraints(m, b)
        define_objective(m, b)
        return m


#: The constraint families of the model (Pyomo component names), by builder. A test fails
#: when a family has no row-by-row test.
CONSTRAINT_FAMILIES: dict[str, tuple[str, ...]] = {
    "balances": ("re_balance", "load_balance"),
    "storage": ("soc_dyn", "soc_grid", "soc_max", "soc_min", "charge_max", "discharge_max",
                "duration_max", "duration_min"),
    "exchange": ("grid_max", "self_use_first", "standing_loss"),
    "rules": ("rule_rows",),
}


class _Builder:
    """What every builder shares: the data as Python lists (faster to build than numpy
    scalars, solver-notes.md) and the switches that decide which rows exist."""

    def __init__(self, pyo: Any, data: LPData, elastic: bool, penalty: float) -> None:
        self.pyo = pyo
        self.data = data
        self.elastic = elastic
        self.penalty = penalty
        self.n = len(data.load)
        self.T = range(self.n)
        self.w = data.weights.tolist()
        self.load = data.load.tolist()
        self.names = list(data.pu)
        self.pu = {k: data.pu[k].tolist() for k in self.names}
        self.storage = data.has_storage
        self.grid_ch = self.storage and data.grid_charging
        self.free: list[str] = []
        self.fixed_avail: list[float] = []


def define_variables(m: Any, b: _Builder) -> None:
    """Decision variables and their bounds.

    Capacities ``cap_k`` [MW] in ``[lo_k, hi_k]`` (fixed when ``lo_k = hi_k``), storage power
    ``P`` [MW] and energy ``E`` [MWh] in their bounds; hourly, all [MW] (``s``, ``sg`` [MWh])::

        0 <= u_t, c_t, e_t, q_t, d_t, m_t, s_t (, g_t, dg_t, sg_t) <= ub_t

    with ``ub_t`` the model's own limits and the bounds they imply
    (:func:`_hourly_upper_bounds`; ``e_t <= X_t`` and ``m_t <= I`` are among them). Without
    storage ``c = d = s = 0``; off-grid ``m = 0``. With a fixed energy ``E`` and no grid
    charging, ``soc_min E <= s_t`` is the lower bound of ``s_t``.
    """
    pyo, data, n, T = b.pyo, b.data, b.n, b.T
    names = b.names
    m.cap = pyo.Var(names, within=pyo.NonNegativeReals)
    for k in names:
        lo, hi = data.bounds.sources[k]
        if lo == hi:
            m.cap[k].fix(lo)  # a fixed capacity is a constant: out of the compiled LP
        else:
            m.cap[k].setlb(lo)
            m.cap[k].setub(hi)
    storage, grid_ch = b.storage, b.grid_ch
    ub = _hourly_upper_bounds(data, names, storage)
    lb_s = np.zeros(n)
    if storage and not grid_ch and data.bounds.storage_energy[0] == data.bounds.storage_energy[1]:
        lb_s[:] = data.soc_min * data.bounds.storage_energy[0]  # a fixed energy: soc_min as a bound

    def hourly(key: str, lo: np.ndarray | None = None) -> Any:
        hi = [None if not np.isfinite(v) else v for v in ub[key].tolist()]
        if lo is None:
            return pyo.Var(T, within=pyo.NonNegativeReals, bounds=lambda mm, t: (0.0, hi[t]))
        low = lo.tolist()
        return pyo.Var(T, within=pyo.NonNegativeReals, bounds=lambda mm, t: (low[t], hi[t]))

    b.hourly = hourly
    m.u = hourly("u")
    m.c = hourly("c")
    m.e = hourly("e")
    m.q = hourly("q")
    m.d = hourly("d")
    m.m = hourly("m")
    m.s = hourly("s", lb_s)
    for t in T:
        if not storage:
            m.c[t].fix(0)
            m.d[t].fix(0)
            m.s[t].fix(0)
        if data.off_grid:
            m.m[t].fix(0)
    if storage:
        m.P = pyo.Var(bounds=data.bounds.storage_power)
        m.E = pyo.Var(bounds=data.bounds.storage_energy)
        for var, (lo, hi) in ((m.P, data.bounds.storage_power), (m.E, data.bounds.storage_energy)):
            if lo == hi:
                var.fix(lo)
    if grid_ch:
        m.g = hourly("g")
        m.dg = hourly("dg")
        m.sg = hourly("sg")
    # fixed capacities enter as numbers (faster to build and compile than fixed variables)
    b.free = [k for k in names if not m.cap[k].fixed]
    b.fixed_avail = sum((data.pu[k] * float(m.cap[k].value) for k in names if m.cap[k].fixed),
                        np.zeros(n)).tolist()


def define_balance_constraints(m: Any, b: _Builder) -> None:
    """The hourly energy balances [MW] (``re_balance``, ``load_balance``)::

        sum_k p_kt cap_k = u_t + c_t + e_t + q_t                 renewable balance
        u_t + d_t + m_t (+ dg_t) (+ unserved_t) = L_t             load balance

    ``p_kt`` [pu] is source k's profile; a fixed capacity's ``p_kt cap_k`` is a constant.
    ``dg`` exists with grid charging, ``unserved`` in the elastic model.
    """
    pyo, T = b.pyo, b.T
    pu, free, fixed_avail, load = b.pu, b.free, b.fixed_avail, b.load

    def re_rule(mm, t):
        avail = sum(pu[k][t] * mm.cap[k] for k in free if pu[k][t] != 0.0) + fixed_avail[t]
        return avail == mm.u[t] + mm.c[t] + mm.e[t] + mm.q[t]

    m.re_balance = pyo.Constraint(T, rule=re_rule)
    if b.elastic:
        m.unserved = b.hourly("unserved")

    def load_rule(mm, t):
        lhs = mm.u[t] + mm.d[t] + mm.m[t]
        if b.grid_ch:
            lhs = lhs + mm.dg[t]
        if b.elastic:
            lhs = lhs + mm.unserved[t]
        return lhs == load[t]

    m.load_balance = pyo.Constraint(T, rule=load_rule)


def define_storage_constraints(m: Any, b: _Builder) -> None:
    """Storage dynamics and limits (only with storage)::

        s_t  = (1 - sigma) s_prev(t)  + eta_c c_t - d_t / eta_d          soc_dyn   [MWh]
        sg_t = (1 - sigma) sg_prev(t) + eta_c g_t - dg_t / eta_d         soc_grid  (grid charging)
        s_t (+ sg_t) <= soc_max E                                        soc_max
        s_t (+ sg_t) >= soc_min E                                        soc_min   (soc_min > 0)
        c_t (+ g_t) <= P                                                 charge_max    [MW]
        d_t (+ dg_t) <= P                                                discharge_max
        E <= dur_max P;   E >= dur_min P                                 duration_max, duration_min [h]

    ``prev(t)`` is cyclic within each period (the year, or each representative day:
    ``prev(t) = t - 1``, and the period's last hour for its first). With a fixed ``E`` (or
    ``P``) and one state of charge per hour, the soc (charge) rows are variable bounds
    instead (:func:`define_variables`): fewer rows, the same LP after HiGHS's presolve.
    """
    if not b.storage:
        return
    pyo, data, T = b.pyo, b.data, b.T
    per = data.period_hours
    grid_ch = b.grid_ch
    keep = 1.0 - data.sigma
    inv_d = 1.0 / data.eta_d

    def prev(t: int) -> int:
        return t - 1 if t % per else t + per - 1

    m.soc_dyn = pyo.Constraint(T, rule=lambda mm, t: mm.s[t] == keep * mm.s[prev(t)] + data.eta_c * mm.c[t]
                               - inv_d * mm.d[t])
    if grid_ch:
        m.soc_grid = pyo.Constraint(T, rule=lambda mm, t: mm.sg[t] == keep * mm.sg[prev(t)]
                                    + data.eta_c * mm.g[t] - inv_d * mm.dg[t])

        def tot_s(mm, t):
            return mm.s[t] + mm.sg[t]

        def charge(mm, t):
            return mm.c[t] + mm.g[t]

        def dis(mm, t):
            return mm.d[t] + mm.dg[t]
    else:
        def tot_s(mm, t):
            return mm.s[t]

        def charge(mm, t):
            return mm.c[t]

        def dis(mm, t):
            return mm.d[t]
    if grid_ch or not m.E.fixed:
        m.soc_max = pyo.Constraint(T, rule=lambda mm, t: tot_s(mm, t) <= data.soc_max * mm.E)
        if data.soc_min > 0:
            m.soc_min = pyo.Constraint(T, rule=lambda mm, t: tot_s(mm, t) >= data.soc_min * mm.E)
    if grid_ch or not m.P.fixed:
        m.charge_max = pyo.Constraint(T, rule=lambda mm, t: charge(mm, t) <= mm.P)
        m.discharge_max = pyo.Constraint(T, rule=lambda mm, t: dis(mm, t) <= mm.P)
    if data.duration_max is not None:
        m.duration_max = pyo.Constraint(expr=m.E <= data.duration_max * m.P)
    if data.duration_min is not None:
        m.duration_min = pyo.Constraint(expr=m.E >= data.duration_min * m.P)


def define_exchange_constraints(m: Any, b: _Builder) -> None:
    """Exchange with the grid at the point of interconnection [MW]::

        e_t <= X_t;   m_t <= I                                        variable bounds
        m_t + g_t <= I                                                grid_max (grid charging, import cap)

    ``X_t`` is the connection capacity (0 where exports are forbidden: every hour without a
    continuous spot market or off-grid, the designated hours), ``I`` the connection
    capacity when the rule set caps the exchange.

    Renewables serve the load first (``data.self_use_first``; the argument is in the module
    docstring), with ``a_t = sum_k p_kt cap_k`` in ``[lo_t, hi_t]`` over the capacity bounds::

        u_t >= L_t                                  lo_t >= L_t (surely surplus): a bound
        e_t = q_t = 0                               hi_t <= L_t (surely deficit): bounds
        sum_{deficit t in p} c_t <= sigma/eta_c sum_{t in p} s_t    standing_loss, per period p
        g_t = 0                                     lo_t > L_t (grid charging: surplus hours)
        u_t (+ z_t) - kappa_t a_t >= lo_t (1 - kappa_t),  kappa_t = (min(L_t, hi_t) - lo_t) / (hi_t - lo_t)
                                                    self_use_first, lo_t < L_t < hi_t
        sum_{deficit t in p} c_t + sum_{straddling t in p} z_t <= sigma/eta_c sum_{t in p} s_t
                                                    standing_loss (with a standing loss)

    The row is the secant of the concave ``min(L_t, a_t)`` over ``[lo_t, hi_t]``: a valid
    relaxation, exact where ``a_t`` is at either end; fixed capacities never need it. With a
    standing loss ``z_t >= 0`` [MW] is the share of the period's standing-loss budget the hour
    takes (in a deficit hour ``u_t + c_t = a_t`` with ``c_t`` within that budget); ``z_t`` is
    not tied to ``c_t``, so a surplus hour's charging does not loosen the row.
    """
    data = b.data
    if b.grid_ch and data.import_cap is not None:
        m.grid_max = b.pyo.Constraint(b.T, rule=lambda mm, t: mm.m[t] + mm.g[t] <= data.import_cap)
    if not data.self_use_first:
        return
    pyo = b.pyo
    lo, hi = available_range(data)
    load = np.asarray(data.load, dtype=float)
    tol = 1e-9 * np.maximum(1.0, hi)
    surplus = lo >= load  # renewables surely cover the load: u_t = L_t
    deficit = (hi <= load) & ~surplus  # renewables surely fall short: nothing exported or curtailed
    for t in np.flatnonzero(surplus).tolist():
        if load[t] > 0.0:
            m.u[t].setlb(float(load[t]))
    for t in np.flatnonzero(deficit).tolist():
        m.e[t].setub(0.0)
        m.q[t].setub(0.0)
    per = data.period_hours
    rate = data.sigma / data.eta_c if b.storage else 0.0
    rows = np.flatnonzero(~surplus & ~deficit & (hi - lo > tol)).tolist()
    if b.storage:
        # without a surplus the storage takes renewable energy only for its standing loss,
        # counted over the period (a night's loss is made good in the next sunny deficit hour);
        # a straddling hour's share of that budget is ``z_t`` (the secant rows below)
        hours = np.flatnonzero(deficit)
        if rate > 0.0 and (len(hours) or rows):
            straddle = np.asarray(rows, dtype=int)
            if rows:
                zub = dict(zip(rows, _hourly_upper_bounds(data, b.names, True)["c"][straddle].tolist(), strict=True))
                m.z = pyo.Var(rows, within=pyo.NonNegativeReals, bounds=lambda mm, t: (0.0, zub[t]))
            periods = sorted(set((hours // per).tolist()) | set((straddle // per).tolist()))
            by_period = {p: hours[hours // per == p].tolist() for p in periods}
            z_period = {p: straddle[straddle // per == p].tolist() for p in periods}

            def loss_rule(mm, p):
                return (sum(mm.c[t] for t in by_period[p]) + sum(mm.z[t] for t in z_period[p])
                        <= rate * sum(mm.s[t] for t in range(p * per, (p + 1) * per)))

            m.standing_loss = pyo.Constraint(periods, rule=loss_rule)
        elif len(hours):
            for t in hours.tolist():
                m.c[t].setub(0.0)
    if b.grid_ch:
        for t in np.flatnonzero(lo > load).tolist():
            m.g[t].setub(0.0)  # surplus hours: the storage takes renewable energy only
    if not rows:
        return
    kappa = ((np.minimum(load, hi) - lo) / np.where(hi > lo, hi - lo, 1.0)).tolist()
    lo_l = lo.tolist()
    pu, free, fixed_avail = b.pu, b.free, b.fixed_avail
    with_z = hasattr(m, "z")

    def first_rule(mm, t):
        avail = sum(pu[k][t] * mm.cap[k] for k in free if pu[k][t] != 0.0) + fixed_avail[t]
        lhs = mm.u[t] - kappa[t] * avail
        if with_z:
            lhs = lhs + mm.z[t]  # u + c = a_t in a deficit hour, c within the standing loss
        return lhs >= lo_l[t] * (1.0 - kappa[t])

    m.self_use_first = pyo.Constraint(rows, rule=first_rule)


def annual_totals(m: Any, b: _Builder) -> dict[str, Any]:
    """The weighted annual totals the rules use [MWh/yr]::

        A = sum_k a_k cap_k  (a_k = sum_t w_t p_kt),  A_wind, A_pv likewise per type
        S = sum_t w_t (u_t + d_t);  E = sum_t w_t e_t;  C = sum_t w_t q_t;  L = sum_t w_t L_t
        S_user:<u> = sum_t w_t share_u,t (u_t + d_t);  L_user:<u> = sum_t w_t L_u,t   (users)
    """
    data, T, w, names = b.data, b.T, b.w, b.names
    a = {k: float(np.dot(data.weights, data.pu[k])) for k in names}
    users: dict[str, Any] = {}
    for u, share in data.user_shares.items():
        ws = (data.weights * share).tolist()
        users[USER_SELF_USE + u] = sum(ws[t] * (m.u[t] + m.d[t]) for t in T if ws[t] != 0.0)
        users[USER_LOAD + u] = float(data.user_load_mwh[u])
    return {**users,
        "A": sum(a[k] * m.cap[k] for k in names),
        "A_wind": sum(a[k] * m.cap[k] for k in names if data.source_type[k] == "wind"),
        "A_pv": sum(a[k] * m.cap[k] for k in names if data.source_type[k] == "pv"),
        "S": sum(w[t] * (m.u[t] + m.d[t]) for t in T),
        "E": sum(w[t] * m.e[t] for t in T),
        "C": sum(w[t] * m.q[t] for t in T),
        "L": float(np.dot(data.weights, data.load)),
    }


def define_rule_constraints(m: Any, b: _Builder) -> None:
    """One row per annual rule (``rule_rows``, in the order of ``data.rules``)::

        sum_x coef_x X (+ slack_r | - slack_r)  >=  | <=  0,   X in {A, A_wind, A_pv, S, E, C, L}

    i.e. ``num - threshold/100 x den  op  0`` for a ratio rule ``num / den op threshold``
    (:func:`rule_constraints`), with the totals of :func:`annual_totals`; constant terms
    (``L``) move to the right-hand side. ``m.rule_index[rule id]`` is the row's index in
    ``rule_rows``. In the elastic model a slack [MWh] relaxes each row.
    """
    pyo, data = b.pyo, b.data
    sym = annual_totals(m, b)
    m.rule_rows = pyo.ConstraintList()
    m.rule_index: dict[str, int] = {}
    b.slack_cost = 0.0
    if b.elastic:
        m.slack = pyo.Var([rc.rule.id for rc in data.rules], within=pyo.NonNegativeReals)
    for rc in data.rules:
        expr = sum(coef * sym[key] for key, coef in rc.terms.items() if key in sym and not isinstance(sym[key], float))
        const = sum(coef * sym[key] for key, coef in rc.terms.items() if isinstance(sym.get(key), float))
        if b.elastic:
            expr = expr + (m.slack[rc.rule.id] if rc.op == ">=" else -m.slack[rc.rule.id])
            b.slack_cost = b.slack_cost + b.penalty * m.slack[rc.rule.id]
        row = expr >= -const if rc.op == ">=" else expr <= -const
        m.rule_rows.add(row)
        m.rule_index[rc.rule.id] = len(m.rule_rows)


def define_objective(m: Any, b: _Builder) -> None:
    """Annual cost [CNY/yr] (``cost``), minimised::

        sum_k a^cap_k cap_k + a_P P + a_E E + sum_t w_t (pi_t (m_t + g_t) - rho_t e_t) + K
        (+ penalty (sum_r slack_r + sum_t w_t unserved_t))           elastic model

    ``a^cap`` [CNY/MW/yr], ``a_P`` [CNY/MW/yr], ``a_E`` [CNY/MWh/yr] annualised capital and
    fixed O&M, ``pi`` import price incl. fees, ``rho`` export price [CNY/MWh], ``K`` the fixed
    costs (line, fixed charges; :mod:`gdc.operation.prices`). ``data.objective`` replaces it
    (``gdc size --objective``, :mod:`gdc.optimise.objectives`).
    """
    pyo, data, T, w, names = b.pyo, b.data, b.T, b.w, b.names
    if data.objective is not None:  # gdc size --objective (gdc.optimise.objectives)
        obj = data.objective.expression(m, b)
        if b.elastic:
            obj = obj + b.slack_cost + sum(b.penalty * w[t] * m.unserved[t] for t in T)
        m.cost = pyo.Objective(expr=obj, sense=pyo.minimize)
        return
    cost = sum(data.cost_per_mw[k] * m.cap[k] for k in names)
    if b.storage:
        cost = cost + data.storage_cost_per_mw * m.P + data.storage_cost_per_mwh * m.E
    imp = data.import_price.tolist()
    exp = data.export_price.tolist()
    grid = sum(w[t] * (imp[t] * m.m[t] - exp[t] * m.e[t]) for t in T)
    if b.grid_ch:
        grid = grid + sum(w[t] * imp[t] * m.g[t] for t in T)
    obj = cost + grid + data.constant_cost
    if b.elastic:
        obj = obj + b.slack_cost + sum(b.penalty * w[t] * m.unserved[t] for t in T)
    m.cost = pyo.Objective(expr=obj, sense=pyo.minimize)
