"""``gdc size --years``: the least-cost design that complies in every year of a horizon.

Blocks are the years ``Y`` of the horizon times the weather years ``w``: each block has its own
profiles (the year model :func:`gdc.profiles.life.year_profiles`: degradation, load growth,
weather year), its own rule rows (the thresholds of ``Y``: the rule set evaluated on
``with_year(site, Y)``) and its own prices; the capacities are shared (:mod:`gdc.optimise.stack`).

Cost basis (what the objective is)
----------------------------------
The **annualised equivalent** [CNY/yr] of the present value over the horizon:
``PV / D`` with ``PV = sum_y d_y C_y``, ``d_y = (1 + r)^-(y - Y_1)`` (``r`` the economics'
discount rate, ``Y_1`` the horizon's first year, every calendar year from ``Y_1`` to ``Y_n``),
``D = sum_y d_y`` (the annuity factor), and ``C_y`` year ``y``'s cost: the annual capital and
fixed O&M cost (CRF annuity, :mod:`gdc.operation.prices`) of the capacity in service, the line
and fixed charges, and that year's grid purchases less export revenue, the mean over the
weather years. An evaluated year stands for the calendar years up to the next evaluated one
(``--years 2026,2030``: 2026 stands for 2026-2029). With one year this is ``gdc size``'s annual cost.

Stages (``stages: [2026, 2029]`` or ``--stages``): PV, wind and storage may be added at each
stage year. An addition is costed at its stage year's costs (the economics evaluated for that
year) as an annuity paid from its stage year to the horizon's end, discounted like every
other cost: its coefficient is ``a_k W_s`` with ``W_s = sum_{y >= Y_s} d_y / D``. (The annuities
after the horizon are not counted: they are the value of the remaining life.) Storage fade of
the life model applies to all the storage in service in a year.

Fast path (default)
-------------------
1. Typical days per block (:data:`N_DAYS` by default): the days are clustered once per weather year (on the horizon's first
   year; the years' factors are scalars, so the same days stand for every year), and each block
   keeps those days of its own year.
2. One stacked LP over every block's typical days; from
   :data:`gdc.optimise.representative.YEAR_REDUCTION_FROM` evaluated years (and without
   ``weather_pass``) over the representative years' blocks only (first, last, stage years, both
   sides of a threshold step or a storage replacement, at most
   :data:`gdc.optimise.representative.YEAR_STRIDE` years apart), a skipped year's weight
   interpolated onto its neighbours (:mod:`gdc.optimise.representative`). V3 over 25 years: 11
   of 25 years, 41.6 s against 78.6 s, 92,939,852 against 92,947,341 CNY/yr, certified in one round.
3. Every block (every year, also the skipped ones) is certified on its full year with the existing certificates
   (:mod:`gdc.optimise.typical`): the least-cost full-year dispatch of the fixed design under the
   year's rules (an LP), or first the plain check (``certificate="dispatch"``). Blocks can be
   certified in parallel (``workers``).
4. A block that fails is repaired as :func:`gdc.optimise.typical.size_site_typical` does: its
   failing rules are tightened on its typical days by the full-year shortfall, the worst days are
   added to its weather year's days (a skipped year joins the stack), and the stack is solved again. After ``max_rounds`` the
   exact path decides.

Exact path (``exact=True``): the stacked full-year LP (the interior point without crossover,
:data:`STACK_OPTIONS`; the blocks are built in ``workers`` processes). Its self-use-first rows are secants over
the capacity bounds, a relaxation (:func:`gdc.optimise.model.define_exchange_constraints`): when
its dispatch does not serve the load first in every hour, its design is certified on every full
year (capacities fixed: the rows are exact; from each block's compiled LP,
:func:`gdc.optimise.certify.certify_compiled`); when a year fails, the renewables are fixed at its
values and the stack is solved again with those rows exact (storage free). Either gives a
compliant design; the relaxation's objective is a lower bound, and the gap is reported. (V3 case,
3 years: the relaxation's design certified in 7 s at 82,092,661 CNY/yr, against 82,090,145 after
the second stacked solve of 46 s; the bound 80,553,890.)

``weather_pass`` below 1 (``--weather-pass 0.9``): in every year the design must pass in at least
``ceil(p n_w)`` of the ``n_w`` weather years. Which weather years may fail is chosen greedily
after the robust solve: the block whose rule rows carry the largest duals (the costliest to
satisfy) has its rule rows dropped (its energy cost still counts), the stack is solved again,
and so on while a year has weather years to spare; then every block is certified, and a year
passes when enough of its weather years do.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from gdc.check import CheckResult, check_site, get_rule_set
from gdc.operation.dispatch import Design
from gdc.operation.prices import Costs, cost_breakdown, get_costs, load_technology
from gdc.optimise.certify import Block, Certificate, certify_block, certify_job, judge, verdict_rows
from gdc.optimise.model import CapacityBounds, lp_data
from gdc.optimise.representative import reduced_plan, representative_weights, representative_years
from gdc.optimise.solve import SMALL_LP_COLUMNS
from gdc.optimise.stack import (
    STORAGE_E,
    STORAGE_P,
    BlockLP,
    Plan,
    StackedLP,
    block_balance,
    compile_block,
)
from gdc.profiles.series import Profiles
from gdc.site.errors import InfeasibleError, InputError
from gdc.site.schema import Site

#: The cost basis every horizon result states (``extra["horizon"]["cost_basis"]``).
COST_BASIS = ("annualised equivalent: present value over the horizon (each year's capital annuities of the "
              "capacity in service, O&M, line and fixed charges, grid purchases less export revenue, mean over "
              "the weather years, discounted to the first year) divided by the annuity factor")
COST_BASIS_ZH = "年化等值：规划期内各年成本（在役容量的资本年金、运维、线路及固定费用、购电减上网收入，按气象年取平均）折现到首年的现值除以年金系数"


#: Typical days per weather year of the fast path. On the V3 case over 2026-2028 (3 years, 2026-12-01)
#: 16 days gave a certified design 1.66 % dearer than the exact path's (82,090,145 CNY/yr), 32 days
#: 0.16 % (23 s against 19 s: the certificates dominate), 64 days 0.19 % after a repair round (82 s).
N_DAYS = 32
#: HiGHS options of a stacked LP of at least :data:`gdc.optimise.solve.SMALL_LP_COLUMNS` columns: the
#: interior point without crossover (the design and the verdicts need no vertex; on the V3 case a
#: 10-year stack of 32 typical days took 20.0 s without crossover and 23.8 s with it; crossover took a
#: larger share on a stack of full years), with HiPO's AMD ordering instead of its choice (METIS on
#: these LPs). V3 stacked full-year LP, one run each, 2026-12-02: 1 year 9.96 s (39 iterations)
#: against 11.74 s (45), 3 years 44.95 s (50) against 64.41 s (69); at 10 years HiPO with METIS
#: stalled after 27 iterations (gap 0.23) and HiGHS restarted with IPX (more than 40 s an
#: iteration), with AMD it ended optimal in 64 iterations (219 s). Smaller stacks keep gdc's
#: default, the dual simplex. (A solver without HiPO ignores the ordering.)
STACK_OPTIONS = {"solver": "ipm", "run_crossover": "off", "hipo_ordering": "amd"}


@dataclass
class HorizonInputs:
    """The prepared inputs of :func:`size_horizon` (:func:`prepare_horizon`).

    Attributes
    ----------
    site : Site
    years : list of int
        The evaluated years, ascending.
    weathers : list of str or None
        The weather years (``[None]``: the site's own profiles).
    stages : list of int
        The stage years, the first being ``years[0]``.
    blocks : list of Block
        Year-major: ``blocks[i * len(weathers) + j]`` is year ``i``, weather ``j``.
    rate : float
        Discount rate [1/yr].
    annuity_factor : float
        ``D = sum_y d_y`` over every calendar year of the horizon [-].
    bounds : CapacityBounds
    seconds : float
        Time spent preparing [s].
    """

    site: Site
    years: list[int]
    weathers: list[str | None]
    stages: list[int]
    blocks: list[Block]
    rate: float
    annuity_factor: float
    bounds: CapacityBounds
    seconds: float = 0.0
    plan: Plan | None = None


def year_site(site: Site, year: int) -> Site:
    """``site`` evaluated in ``year`` (the start year kept)."""
    from gdc.site.read import with_year

    return site if year == site.year else with_year(site, year)


def _profiles(site_y: Site, year: int, weather: str | None) -> Profiles:
    from gdc.profiles.life import year_profiles

    return year_profiles(site_y, year, weather)


def site_weathers(site: Site) -> list[str | None]:
    """The site's weather years (``[None]`` without ``weather_years:``)."""
    from gdc.profiles.life import weather_names

    return list(weather_names(site))


def site_stages(site: Site) -> list[int] | None:
    """The site file's ``stages:`` (None when absent)."""
    st = getattr(site, "stages", None)
    return None if not st else [int(y) for y in st]


def discount_rate(site: Site) -> float:
    """The economics' discount rate [1/yr] (the site's, else its cost preset's)."""
    eco = site.economics
    return float(eco.discount_rate) if eco.discount_rate is not None else float(load_technology(eco.preset)["discount_rate"])


def year_weights(years: list[int], rate: float) -> tuple[dict[int, float], float]:
    """Each evaluated year's weight in the annualised objective, and the annuity factor ``D``.

    Year ``Y_i`` stands for the calendar years ``Y_i .. Y_{i+1} - 1`` (the last for itself):
    ``weight_i = sum of d_y over them / D``, ``d_y = (1 + r)^-(y - Y_1)``,
    ``D = sum_{y = Y_1}^{Y_n} d_y``. Contiguous years: ``weight_i = d_i / D``.

    Examples
    --------
    Two years at 5 %: ``d = 1, 1/1.05``, ``D = 1.952381``, weights 0.512195 and 0.487805.

    >>> w, D = year_weights([2026, 2027], 0.05)
    >>> round(D, 6), round(w[2026], 6), round(w[2027], 6)
    (1.952381, 0.512195, 0.487805)
    """
    ys = sorted(years)
    d = {y: (1.0 + rate) ** -(y - ys[0]) for y in range(ys[0], ys[-1] + 1)}
    D = sum(d.values())
    out = {}
    for i, y in enumerate(ys):
        end = ys[i + 1] if i + 1 < len(ys) else y + 1
        out[y] = sum(d[k] for k in range(y, end)) / D
    return out, D


def _check_stages(stages: list[int] | None, years: list[int], site: Site) -> list[int]:
    if not stages:
        return [years[0]]
    st = sorted(set(int(y) for y in stages))
    bad = [y for y in st if y not in years]
    if bad:
        raise InputError(f"stage year{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} not in the sized years "
                         f"{years[0]}-{years[-1]}", file=site.path, field="stages",
                         fix="give stage years that are among --years (an addition is in service from its stage year)")
    if st[0] != years[0]:
        st = [years[0]] + st  # the initial build
    return st


def prepare_horizon(site: Site, years: list[int], weathers: list[str | None] | None = None,
                    stages: list[int] | None = None) -> HorizonInputs:
    """Read every block's profiles, rule set and prices once (what :func:`size_horizon` needs).

    Parameters
    ----------
    site : Site
        A site with capacity bounds (the sizing site).
    years : list of int
        Calendar years to size for (:func:`gdc.profiles.life.parse_years`).
    weathers : list of str or None, optional
        Weather-year names; default every weather year of the site (``[None]`` without them).
    stages : list of int, optional
        Stage years (default the site's ``stages:``, else one build in the first year).

    Returns
    -------
    HorizonInputs
    """
    t0 = time.perf_counter()
    if not years:
        raise InputError("no years to size for", field="--years", fix="give e.g. --years 2026-2035 or --years all")
    years = sorted(set(int(y) for y in years))
    weathers = list(weathers) if weathers else site_weathers(site)
    stage_years = _check_stages(stages if stages is not None else site_stages(site), years, site)
    rate = discount_rate(site)
    yw, D = year_weights(years, rate)
    blocks = []
    for y in years:
        site_y = year_site(site, y)
        rule_set, _ = get_rule_set(site_y)
        for w in weathers:
            prof = _profiles(site_y, y, w)
            blocks.append(Block(year=y, weather=w, site=site_y, profiles=prof, rule_set=rule_set,
                                costs=get_costs(site_y, prof), weight=yw[y] / len(weathers)))
    bounds = CapacityBounds.from_site(site)
    inp = HorizonInputs(site=site, years=years, weathers=weathers, stages=stage_years, blocks=blocks, rate=rate,
                        annuity_factor=D, bounds=bounds)
    inp.plan = _plan(inp)
    inp.seconds = time.perf_counter() - t0
    return inp


def _free_bounds(bounds: CapacityBounds) -> dict[str, tuple[float, float]]:
    out = {k: v for k, v in bounds.sources.items() if v[1] > v[0]}
    if bounds.storage_power[1] > bounds.storage_power[0]:
        out[STORAGE_P] = bounds.storage_power
    if bounds.storage_energy[1] > bounds.storage_energy[0]:
        out[STORAGE_E] = bounds.storage_energy
    return out


def _unit_costs(costs: Costs) -> dict[str, float]:
    """Annual cost of one unit of each capacity key [CNY/MW/yr, CNY/MWh/yr]."""
    return {**costs.per_mw, STORAGE_P: costs.storage_per_mw, STORAGE_E: costs.storage_per_mwh}


def _plan(inp: HorizonInputs) -> Plan:
    by_year = {b.year: b for b in inp.blocks}
    return Plan(stage_years=inp.stages, block_years=[b.year for b in inp.blocks],
                block_weights=np.asarray([b.weight for b in inp.blocks]),
                stage_costs=[_unit_costs(by_year[y].costs) for y in inp.stages], bounds=_free_bounds(inp.bounds))


# -- designs ---------------------------------------------------------------------------------------

def design_in(inp: HorizonInputs, adds: dict[str, list[float]], year: int) -> Design:
    """The capacities in service in ``year`` [MW, MWh]: fixed ones, plus the additions of every stage up to it."""
    plan = inp.plan
    stages = plan.in_service(year)
    b = inp.bounds

    def cap(key: str, fixed: tuple[float, float]) -> float:
        if key in adds:
            return float(sum(adds[key][s] for s in stages))
        return float(fixed[0])

    return Design(capacities_mw={k: cap(k, v) for k, v in b.sources.items()},
                  storage_power_mw=cap(STORAGE_P, b.storage_power), storage_energy_mwh=cap(STORAGE_E, b.storage_energy))


def build_plan(inp: HorizonInputs, adds: dict[str, list[float]]) -> list[dict[str, Any]]:
    """The additions per stage: ``[{year, add: {key: MW or MWh}, in_service: {...}}]`` (the first
    stage's additions include the fixed capacities)."""
    out = []
    for s, y in enumerate(inp.stages):
        d = design_in(inp, adds, y)
        prev = design_in(inp, adds, inp.stages[s - 1]) if s else None

        def delta(now: float, before: float | None) -> float:
            return now - (before or 0.0)

        add = {k: delta(v, prev.capacities_mw[k] if prev else None) for k, v in d.capacities_mw.items()}
        add[STORAGE_P] = delta(d.storage_power_mw, prev.storage_power_mw if prev else None)
        add[STORAGE_E] = delta(d.storage_energy_mwh, prev.storage_energy_mwh if prev else None)
        out.append({"year": y, "add": {k: round(v, 6) for k, v in add.items()},
                    "in_service": {**{k: round(v, 6) for k, v in d.capacities_mw.items()},
                                   STORAGE_P: round(d.storage_power_mw, 6), STORAGE_E: round(d.storage_energy_mwh, 6)}})
    return out


def _capex_terms(inp: HorizonInputs, adds: dict[str, list[float]]) -> float:
    """``sum_k,s a_k,s W_s x_k,s`` [CNY/yr]: the free capacities' annuities over the horizon, annualised."""
    plan = inp.plan
    return float(sum(plan.stage_costs[s].get(k, 0.0) * plan.stage_weight(s) * v[s]
                     for k, v in adds.items() for s in range(len(v))))


def _free_capex(costs: Costs, design: Design, free: set[str]) -> float:
    """The free capacities' annual cost at one block's costs [CNY/yr]."""
    unit = _unit_costs(costs)
    tot = sum(unit[k] * v for k, v in design.capacities_mw.items() if k in free)
    if STORAGE_P in free:
        tot += unit[STORAGE_P] * design.storage_power_mw
    if STORAGE_E in free:
        tot += unit[STORAGE_E] * design.storage_energy_mwh
    return float(tot)


# -- certificates (gdc.optimise.certify) ---------------------------------------------------------

def certify_all(inp: HorizonInputs, adds: dict[str, list[float]], certificate: str = "lp", workers: int = 1,
                progress: Callable[[str], None] | None = None,
                compiled: list[BlockLP] | None = None) -> list[Certificate]:
    """Certify the design on every block's full year (in ``workers`` processes when above 1);
    from the blocks' ``compiled`` full-year LPs when given (:func:`gdc.optimise.certify.certify_compiled`:
    no Pyomo build)."""
    if compiled is not None:
        jobs = [(b, compiled[i], inp.bounds, design_in(inp, adds, b.year), i == 0) for i, b in enumerate(inp.blocks)]
    else:
        jobs = [(b, inp.bounds, design_in(inp, adds, b.year), certificate, i == 0) for i, b in enumerate(inp.blocks)]
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            out = list(pool.map(certify_job, jobs))
    else:
        out = []
        for job in jobs:
            out.append(certify_job(job))
            if progress is not None:
                c = out[-1]
                progress(f"certify {c.year}{'' if c.weather is None else ' ' + c.weather}: "
                         f"{'pass' if c.certified else 'fails ' + ', '.join(c.failing)}")
    return out


# -- the solve -------------------------------------------------------------------------------------

def compile_blocks(datas: list[Any], workers: int = 1) -> list[BlockLP]:
    """Each block's LP compiled (:func:`gdc.optimise.stack.compile_block`), in ``workers`` processes
    when above 1 (a full year's Pyomo build takes about a second; the blocks are independent)."""
    if workers > 1 and len(datas) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(datas))) as pool:
            return list(pool.map(compile_block, datas))
    return [compile_block(d) for d in datas]


def _reduced(block: Block, td: Any) -> tuple[Profiles, Costs]:
    from gdc.optimise.aggregate import reduce

    p, c = reduce(block.profiles, block.costs, td)
    life = getattr(block.profiles, "life", None)
    if life is not None:  # the year's factors (storage fade in lp_data) stay with its typical days
        p = replace(p, life=life)
    return p, c


def _typical_margins(inp: HorizonInputs, stack: StackedLP, x: np.ndarray, adds: dict[str, list[float]], i: int,
                     td: Any, j: int | None = None) -> dict[str, float]:
    """Block ``i``'s percentage-rule margins on its own typical days at the stacked solution [pp]
    (:func:`gdc.optimise.typical.typical_margins`), for the repair's tightening (``j``: its place in
    the stack, default ``i``)."""
    from types import SimpleNamespace

    from gdc.optimise.size import _storage_template
    from gdc.optimise.typical import typical_margins

    b = inp.blocks[i]
    d = design_in(inp, adds, b.year)
    prof = _reduced(b, td)[0] if td is not None else b.profiles
    caps = {**d.capacities_mw, STORAGE_P: d.storage_power_mw, STORAGE_E: d.storage_energy_mwh}
    bal = block_balance(stack, i if j is None else j, x, caps, prof.export_forbidden, _storage_template(b.site))
    return typical_margins(b.site, prof, SimpleNamespace(design=d, balance=bal))


def _required(n_w: int, share: float) -> int:
    """Weather years of ``n_w`` a year must pass in: ``ceil(share n_w)`` (at least 1)."""
    return max(1, math.ceil(share * n_w - 1e-9))


def _drop_greedy(stack: StackedLP, inp: HorizonInputs, share: float, sol: Any,
                 progress: Callable[[str], None] | None) -> tuple[Any, list[int]]:
    """Drop the rule rows of the costliest weather years while each year has some to spare."""
    n_w = len(inp.weathers)
    spare = {y: n_w - _required(n_w, share) for y in inp.years}
    dropped: list[int] = []
    while True:
        cands = [(stack.rule_duals(i, sol), i) for i, b in enumerate(inp.blocks)
                 if spare[b.year] > 0 and i not in stack.dropped]
        cands = [c for c in cands if c[0] > 1e-9]
        if not cands:
            return sol, dropped
        _, i = max(cands)
        b = inp.blocks[i]
        stack.drop(i)
        spare[b.year] -= 1
        dropped.append(i)
        new = stack.solve()
        if progress is not None:
            progress(f"weather-pass: rules of {b.year} {b.weather} dropped: {new.objective:,.0f} CNY/yr")
        if not new.optimal:
            return sol, dropped
        sol = new


def _binding(certs: list[Certificate], dropped: set[int]) -> dict[str, Any] | None:
    """The (year, weather, rule) with the least margin among the hard percentage rules."""
    best = None
    for i, c in enumerate(certs):
        if i in dropped:
            continue
        for v in c.verdicts:
            if v["margin"] is None or v["unit"] != "%":
                continue
            if best is None or v["margin"] < best["margin_pp"]:
                best = {"year": c.year, "weather": c.weather, "rule": v["rule"], "name": v["name"],
                        "name_zh": v["name_zh"], "value": v["value"], "threshold": v["threshold"], "op": v["op"],
                        "margin_pp": v["margin"]}
    return best


def _pass_shares(inp: HorizonInputs, certs: list[Certificate]) -> dict[int, float]:
    n_w = len(inp.weathers)
    out: dict[int, float] = {}
    for c in certs:
        out[c.year] = out.get(c.year, 0.0) + (1.0 / n_w if c.certified else 0.0)
    return out


def _short_years(inp: HorizonInputs, certs: list[Certificate], share: float) -> list[int]:
    n_w = len(inp.weathers)
    need = _required(n_w, share)
    got: dict[int, int] = {}
    for c in certs:
        got[c.year] = got.get(c.year, 0) + int(c.certified)
    return [y for y in inp.years if got.get(y, 0) < need]


def size_horizon(site: Site, years: list[int], weathers: list[str | None] | None = None, n_days: int = N_DAYS,
                 exact: bool = False, weather_pass: float = 1.0, progress: Callable[[str], None] | None = None, *,
                 stages: list[int] | None = None, certificate: str = "lp", max_rounds: int = 5, workers: int = 1,
                 inputs: HorizonInputs | None = None) -> CheckResult:
    """The least-cost design that complies in every year of ``years`` (and weather year).

    Parameters
    ----------
    site : Site
        The sizing site (capacities as ``{min, max}`` bounds are decisions).
    years : list of int
        Calendar years of the horizon.
    weathers : list of str or None, optional
        Weather years (default all the site's).
    n_days : int
        Typical days per weather year (fast path; default :data:`N_DAYS`).
    exact : bool
        Solve the stacked full-year LP instead of typical days.
    weather_pass : float [-]
        Share of weather years a design must pass in, in every year (0 < share <= 1).
    progress : callable, optional
        Called with one line of text per step.
    stages : list of int, optional
        Years at which capacity may be added (default the site's ``stages:``, else one build).
    certificate : {'lp', 'dispatch'}
        The full-year certificate of the fast path (:func:`certify_block`).
    max_rounds : int
        Repair rounds of the fast path before the exact path decides.
    workers : int
        Processes certifying blocks in parallel (1: in this process).
    inputs : HorizonInputs, optional
        Prepared inputs (:func:`prepare_horizon`); ``site``, ``years``, ``weathers``, ``stages`` are
        then ignored.

    Returns
    -------
    CheckResult
        The first year's (first weather year's) certified full-year result, with
        ``extra["horizon"]``: ``years``, ``weathers``, ``cost_basis``, ``objective_cny_per_yr``,
        ``present_value_cny``, ``build_plan``, ``binding``, ``certified``, ``rounds``, ``seconds``,
        ``path`` (per block: year, weather, status, verdicts, cost) and ``weather_pass``.

    Raises
    ------
    InfeasibleError
        When no design within the bounds complies in every year; the explanation is the first
        (latest) year that cannot comply on its own, when there is one.
    InputError
        Bad years, stages or share.
    """
    t0 = time.perf_counter()
    if not 0.0 < weather_pass <= 1.0:
        raise InputError(f"--weather-pass {weather_pass:g} is not a share", field="--weather-pass",
                         fix="give a share in (0, 1], e.g. 0.9 (the design passes in 90 % of the weather years)")
    if certificate not in ("lp", "dispatch"):
        raise ValueError(f"certificate must be 'lp' or 'dispatch', not {certificate!r}")
    inp = inputs if inputs is not None else prepare_horizon(site, years, weathers, stages)
    if exact:
        return _exact(inp, weather_pass, progress, t0, workers)
    return _fast(inp, n_days, weather_pass, progress, certificate, max_rounds, workers, t0)


def _fast(inp: HorizonInputs, n_days: int, share: float, progress: Callable[[str], None] | None,
          certificate: str, max_rounds: int, workers: int, t0: float) -> CheckResult:
    from gdc.optimise.aggregate import typical_days
    from gdc.optimise.typical import repaired_tightening

    full_year = all(b.profiles.is_full_year for b in inp.blocks)
    first = {w: next(b for b in inp.blocks if b.weather == w) for w in inp.weathers}
    extra: dict[str | None, tuple[int, ...]] = {w: () for w in inp.weathers}
    tighten: list[dict[str, float]] = [{} for _ in inp.blocks]
    cache: dict[tuple[Any, ...], BlockLP] = {}
    td_cache: dict[tuple[Any, ...], Any] = {}
    history: list[dict[str, Any]] = []
    dropped: set[int] = set()
    # weather-pass drops weather years block by block: every year stays in the stack then
    kept = representative_years(inp) if share >= 1.0 else list(inp.years)
    for round_no in range(1, max_rounds + 1):
        members = [i for i, b in enumerate(inp.blocks) if b.year in set(kept)]
        pos = {i: j for j, i in enumerate(members)}
        for w in inp.weathers:  # clustered once per weather year and set of extra days
            if full_year and (w, extra[w]) not in td_cache:
                td_cache[(w, extra[w])] = typical_days(first[w].profiles, n_days, first[w].costs, extra[w])
        tds = {w: td_cache[(w, extra[w])] if full_year else None for w in inp.weathers}
        blocks_lp = []
        for i in members:
            b = inp.blocks[i]
            td = tds[b.weather]
            key = (i, tuple(sorted(tighten[i].items())), None if td is None else tuple(td.days.tolist()),
                   None if td is None else tuple(td.weights.tolist()))
            if key not in cache:
                prof, costs = _reduced(b, td) if td is not None else (b.profiles, b.costs)
                cache[key] = compile_block(lp_data(b.site, prof, costs, b.rule_set, inp.bounds, tighten=tighten[i]))
            blocks_lp.append(cache[key])
        plan = inp.plan if len(members) == len(inp.blocks) else \
            reduced_plan(inp, members, representative_weights(inp, kept))
        stack = StackedLP(blocks_lp, plan)
        if stack.n_cols >= SMALL_LP_COLUMNS:
            stack.options = dict(STACK_OPTIONS)
        for i in dropped:
            stack.drop(pos[i])
        sol = stack.solve()
        if progress is not None:
            some = "" if len(kept) == len(inp.years) else f" ({len(kept)} of {len(inp.years)} years)"
            progress(f"round {round_no}: stacked LP of {len(blocks_lp)} blocks{some} x "
                     f"{len(blocks_lp[0].data.load)} h: {sol.status}"
                     + (f", {sol.objective:,.0f} CNY/yr" if sol.optimal else ""))
        if not sol.optimal:
            break
        if share < 1.0 and round_no == 1 and len(inp.weathers) > 1:
            sol, new = _drop_greedy(stack, inp, share, sol, progress)
            dropped |= set(new)
        adds = stack.additions(sol.x)
        certs = certify_all(inp, adds, certificate, workers, progress)
        short = _short_years(inp, certs, share)
        history.append({"round": round_no, "typical_objective_cny_per_yr": sol.objective, "stack_years": list(kept),
                        "failing": [{"year": c.year, "weather": c.weather, "rules": c.failing}
                                    for c in certs if not c.certified],
                        "tighten_pp": {f"{inp.blocks[i].year}/{inp.blocks[i].weather}": dict(t)
                                       for i, t in enumerate(tighten) if t}})
        if not short:
            res = _result(inp, adds, certs, dropped, history, t0, share,
                          how=(f"typical days ({n_days} per weather year), certified on every full year"
                               if full_year else "the site's own days, certified on them block by block"),
                          lower_bound=None)
            res.extra["optimiser"] = _optimiser("size --years (typical days, certified on every full year)",
                                                stack, sol, blocks_lp)
            res.extra["horizon"]["stack_years"] = list(kept)  # the years in the stack; every year certified
            return res
        joining = set()
        for i, (b, c) in enumerate(zip(inp.blocks, certs, strict=True)):
            if b.year in short and not c.certified:
                if i in pos:
                    typical = _typical_margins(inp, stack, sol.x, adds, i, tds[b.weather], pos[i]) if c.failing else {}
                    tighten[i] = repaired_tightening(tighten[i], c.failing, typical)
                else:  # a skipped year that fails joins the stack with its own rule rows
                    joining.add(b.year)
                extra[b.weather] = tuple(dict.fromkeys(extra[b.weather] + tuple(c.worst_days)))
        kept = sorted(set(kept) | joining)
        if not any(c.failing for b, c in zip(inp.blocks, certs, strict=True) if b.year in short and not c.certified):
            break  # a failure the tightening cannot reach (unserved load): the exact path decides
    if progress is not None:
        progress("typical days not certified: the stacked full-year LP decides")
    res = _exact(inp, share, progress, t0, workers)
    res.extra["horizon"]["rounds"] = len(history) + 1
    res.extra["horizon"]["fallback"] = "stacked full-year LP"
    return res


def _exact(inp: HorizonInputs, share: float, progress: Callable[[str], None] | None, t0: float,
           workers: int = 1) -> CheckResult:
    from gdc.optimise.size import FLOW_TOL, _storage_template, self_use_first_shortfall

    blocks_lp = compile_blocks([lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds) for b in inp.blocks],
                               workers)
    if progress is not None:
        progress(f"LPs of {len(blocks_lp)} block(s) built ({sum(bl.seconds for bl in blocks_lp):.1f} s"
                 + (f" in {workers} processes)" if workers > 1 and len(blocks_lp) > 1 else ")"))
    stack = StackedLP(blocks_lp, inp.plan)
    if stack.n_cols >= SMALL_LP_COLUMNS:
        stack.options = dict(STACK_OPTIONS)
    sol = stack.solve()
    if progress is not None:
        progress(f"stacked LP of {len(blocks_lp)} blocks: {sol.status}"
                 + (f", {sol.objective:,.0f} CNY/yr" if sol.optimal else ""))
    if not sol.optimal:
        _raise_infeasible(inp, sol.status)
    dropped: set[int] = set()
    if share < 1.0 and len(inp.weathers) > 1:
        sol, new = _drop_greedy(stack, inp, share, sol, progress)
        dropped = set(new)
    lower = sol.objective
    adds = stack.additions(sol.x)
    tmpl = _storage_template(inp.site)
    free_src = [k for k in stack.keys if k not in (STORAGE_P, STORAGE_E)]

    def balances(x: np.ndarray, adds: dict[str, list[float]]) -> list[Any]:
        out = []
        for i, b in enumerate(inp.blocks):
            d = design_in(inp, adds, b.year)
            caps = {**d.capacities_mw, STORAGE_P: d.storage_power_mw, STORAGE_E: d.storage_energy_mwh}
            out.append(block_balance(stack, i, x, caps, b.profiles.export_forbidden, tmpl))
        return out

    bals = balances(sol.x, adds)
    short = max((float(self_use_first_shortfall(bl).max()) for bl in bals), default=0.0)
    status = "exact"
    if short > FLOW_TOL and free_src:
        # first the relaxation's whole design, certified year by year (fixed capacities: the
        # self-use-first rows are exact); when a year fails, the stack with the renewables fixed
        certs = certify_all(inp, adds, "lp", workers, progress, compiled=blocks_lp)
        if not _short_years(inp, certs, share):
            res = _result(inp, adds, certs, dropped, [{"round": 1, "relaxation_cny_per_yr": lower}], t0, share,
                          how="stacked full-year LP, its design certified on every full year", lower_bound=lower)
            h = res.extra["horizon"]
            gap = max(0.0, (h["objective_cny_per_yr"] - lower) / max(1.0, abs(h["objective_cny_per_yr"])))
            h["self_use_first"] = {"status": "the relaxation's design, certified on every full year",
                                   "lower_bound_cny_per_yr": lower, "gap": gap}
            res.extra["optimiser"] = _optimiser("size --years --exact (stacked full-year LP)", stack, sol, blocks_lp)
            if progress is not None:
                progress(f"the relaxation's design certified on every year: {h['objective_cny_per_yr']:,.0f} CNY/yr, "
                         f"gap {100 * gap:.2f} %")
            return res
        stack.fix_renewables({k: adds[k] for k in free_src})
        sol2 = stack.solve()
        if not sol2.optimal:
            raise RuntimeError(f"HiGHS stopped with status '{sol2.status}' on the design with the renewables fixed")
        sol = sol2
        adds = stack.additions(sol.x)
        bals = balances(sol.x, adds)
        status = "renewables fixed at the relaxation's values"
        if progress is not None:
            progress(f"renewables fixed (self-use first exact): {sol.objective:,.0f} CNY/yr, "
                     f"gap {100 * (sol.objective - lower) / max(1.0, abs(sol.objective)):.2f} %")
    certs = []
    for i, b in enumerate(inp.blocks):
        d = design_in(inp, adds, b.year)
        full = blocks_lp[i].data
        constrained = {rc.rule.id for rc in full.rules}
        chk = check_site(b.site, design=d, balance=bals[i], profiles=b.profiles)
        ok, failing = judge(chk, constrained)
        total = cost_breakdown(b.costs, d, bals[i], b.site)["total_cny_per_year"]
        keep = chk if i == 0 else None
        if keep is not None:
            keep.extra["cost"] = cost_breakdown(b.costs, d, bals[i], b.site)
        certs.append(Certificate(b.year, b.weather, ok, failing, total, verdict_rows(chk, constrained),
                                 by="stacked full-year LP", result=keep, status=chk.status))
    gap = max(0.0, (sol.objective - lower) / max(1.0, abs(sol.objective)))
    res = _result(inp, adds, certs, dropped, [{"round": 1, "objective_cny_per_yr": sol.objective}], t0, share,
                  how="stacked full-year LP", lower_bound=lower)
    res.extra["horizon"]["self_use_first"] = {"status": status, "lower_bound_cny_per_yr": lower, "gap": gap}
    res.extra["optimiser"] = _optimiser("size --years --exact (stacked full-year LP)", stack, sol, blocks_lp)
    return res


def _optimiser(mode: str, stack: StackedLP, sol: Any, blocks_lp: list[BlockLP]) -> dict[str, Any]:
    """The stacked LP's size, status and timings (the terminal's LP line)."""
    return {"mode": mode, "status": sol.status, "objective_cny_per_year": sol.objective,
            "columns": int(stack.n_cols), "rows": int(stack.lp.A.shape[0]), "iterations": sol.iterations,
            "solver": sol.info.get("solver", ""), "build_s": round(sum(b.seconds for b in blocks_lp), 4),
            "translate_s": round(stack.assemble_seconds, 4), "solve_s": round(sol.seconds, 4)}


def _raise_infeasible(inp: HorizonInputs, status: str) -> None:
    """No design complies in every year: explain with the latest year that cannot comply alone."""
    from gdc.optimise.size import explain_infeasible, solve_data

    if status not in ("Infeasible", "Primal infeasible or unbounded"):
        raise RuntimeError(f"HiGHS stopped with status '{status}' on the stacked LP")
    for b in sorted(inp.blocks, key=lambda b: -b.year):
        data = lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds)
        if not solve_data(data, b.profiles.export_forbidden).solution.optimal:
            exp = explain_infeasible(b.site, b.profiles, data, b.rule_set)
            tag = f"{b.year}" + ("" if b.weather is None else f", weather year {b.weather}")
            raise InfeasibleError(f"no design within the bounds complies with {b.rule_set.key} in {tag}\n"
                                  + exp.text(), exp)
    raise InfeasibleError(f"no design within the bounds complies in every year {inp.years[0]}-{inp.years[-1]} "
                          "together (each year alone can comply: the years need different capacities; "
                          "stages may help)")


def _result(inp: HorizonInputs, adds: dict[str, list[float]], certs: list[Certificate], dropped: set[int],
            history: list[dict[str, Any]], t0: float, share: float, how: str,
            lower_bound: float | None) -> CheckResult:
    """The first block's result with ``extra["horizon"]``."""
    free = set(adds)
    objective = _capex_terms(inp, adds) + sum(
        b.weight * (c.total_cny - _free_capex(b.costs, design_in(inp, adds, b.year), free))
        for b, c in zip(inp.blocks, certs, strict=True))
    res = certs[0].result
    assert res is not None
    path = [{"year": c.year, "weather": c.weather, "status": c.status, "certified": c.certified,
             "rules_dropped": i in dropped, "by": c.by, "cost_cny_per_yr": c.total_cny, "verdicts": c.verdicts,
             "design": asdict(design_in(inp, adds, c.year))}
            for i, c in enumerate(certs)]
    shares = _pass_shares(inp, certs)
    certified = not _short_years(inp, certs, share)
    res.extra["horizon"] = {
        "years": inp.years, "weathers": inp.weathers, "stages": inp.stages,
        "cost_basis": COST_BASIS, "cost_basis_zh": COST_BASIS_ZH, "discount_rate": inp.rate,
        "annuity_factor": inp.annuity_factor, "objective_cny_per_yr": objective,
        "present_value_cny": objective * inp.annuity_factor,
        "lower_bound_cny_per_yr": lower_bound,
        "build_plan": build_plan(inp, adds), "binding": _binding(certs, dropped), "certified": certified,
        "method": how, "rounds": len(history), "history": history,
        "weather_pass": {"required_share": share, "required_per_year": _required(len(inp.weathers), share),
                         "share_by_year": {str(y): v for y, v in shares.items()},
                         "rules_dropped": [{"year": inp.blocks[i].year, "weather": inp.blocks[i].weather}
                                           for i in sorted(dropped)]},
        "path": path, "seconds": time.perf_counter() - t0, "prepare_seconds": inp.seconds,
    }
    return res


__all__ = ["size_horizon", "prepare_horizon", "HorizonInputs", "certify_block", "year_weights", "COST_BASIS"]
