"""A design's full-year certificate in one block (a year in a weather year) of a horizon.

:func:`certify_block` certifies the capacities in service in a block's year on that year's full
hourly year, with the certificates of :mod:`gdc.optimise.typical`: the least-cost full-year dispatch
of the fixed design under the year's rules (its cost is the design's exact full-year cost), or
first the plain check's renewable-first dispatch. :mod:`gdc.optimise.horizon` certifies every block
of a horizon with it, in parallel processes when asked (:func:`certify_job`). Where the block's
full-year sizing LP is already compiled (``size --years --exact``), :func:`certify_compiled` gives the
same certificate from those arrays, without building the fixed design's LP with Pyomo again (V3,
one year: 1.3 s against 1.7 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gdc.check import CheckResult
from gdc.operation.dispatch import Design
from gdc.operation.prices import Costs
from gdc.optimise.model import CapacityBounds, lp_data
from gdc.profiles.series import Profiles
from gdc.rules.ruleset import RuleSet
from gdc.site.schema import Site

if TYPE_CHECKING:
    from gdc.optimise.stack import BlockLP


@dataclass
class Block:
    """One year of the horizon in one weather year, with everything its LP and check need."""

    year: int
    weather: str | None
    site: Site
    profiles: Profiles
    rule_set: RuleSet
    costs: Costs
    weight: float = 0.0


@dataclass
class Certificate:
    """One block's full-year certificate of a design.

    Attributes
    ----------
    year, weather : int, str or None
    certified : bool
        Every hard energy rule of the year holds on the full year (and no load is unserved).
    failing : dict of str to float
        Shortfall [pp] of each failing percentage rule.
    total_cny : float
        The design's full-year cost in that block [CNY/yr] (:func:`gdc.operation.prices.cost_breakdown`).
    verdicts : list of dict
        ``{rule, value, threshold, op, unit, status, margin}`` of the hard metric rules.
    worst_days : list of int
        Days to add to the typical days when it fails.
    by : str
        ``least-cost full-year LP``, ``constructive dispatch``, or ``stacked LP``.
    result : CheckResult or None
        The full check (kept for the first block only).
    """

    year: int
    weather: str | None
    certified: bool
    failing: dict[str, float]
    total_cny: float
    verdicts: list[dict[str, Any]]
    worst_days: list[int] = field(default_factory=list)
    by: str = ""
    result: CheckResult | None = None
    status: str = ""


def verdict_rows(chk: CheckResult, constrained: set[str]) -> list[dict[str, Any]]:
    """The hard metric rules the sizing constrains, as the rows a certificate reports."""
    rows = []
    for v in chk.verdicts:
        if v.rule.id not in constrained or v.rule.kind not in ("hard", "param"):
            continue
        rows.append({"rule": v.rule.id, "name": v.rule.name_en, "name_zh": v.rule.name_zh,
                     "value": None if v.value is None else float(v.value),
                     "threshold": float(v.threshold) if isinstance(v.threshold, (int, float)) else v.threshold,
                     "op": v.rule.op, "unit": v.unit, "status": v.status,
                     "margin": None if v.margin is None else float(v.margin)})
    return rows


def judge(chk: CheckResult, constrained: set[str]) -> tuple[bool, dict[str, float]]:
    """Whether a full-year check certifies the design, and each failing percentage rule's shortfall [pp]."""
    failing = {v.rule.id: -float(v.margin) for v in chk.verdicts
               if v.status == "fail" and v.margin is not None and v.unit == "%" and v.rule.id in constrained}
    ok = chk.metrics.unserved <= 1e-6 and not any(
        v.status == "fail" for v in chk.verdicts if v.rule.metric and v.rule.kind in ("hard", "param")
        and v.rule.id in constrained)
    return ok, failing


def certify_block(block: Block, bounds: CapacityBounds, design: Design, certificate: str = "lp",
                  keep: bool = False) -> Certificate:
    """Certify ``design`` on one block's full year (:mod:`gdc.optimise.typical`'s certificates).

    Parameters
    ----------
    block : Block
    bounds : CapacityBounds
        The sizing bounds (for the LP data).
    design : Design
        The capacities in service in the block's year [MW, MWh].
    certificate : {'lp', 'dispatch'}
        ``lp``: the least-cost full-year dispatch of the fixed design under the year's rules (its
        cost is the design's exact full-year cost); ``dispatch``: first the plain check
        (renewable-first dispatch, exports within the annual caps; no LP), the LP when it fails.
    keep : bool
        Keep the full :class:`~gdc.check.CheckResult` (with its balance).

    Returns
    -------
    Certificate
    """
    from gdc.optimise.size import _finish, _storage_template, solve_data
    from gdc.optimise.typical import (
        CERTIFY_OPTIONS,
        ELASTIC_CERTIFY_OPTIONS,
        _fixed,
        _worst_days,
        certify_constructive,
    )

    site, prof, costs = block.site, block.profiles, block.costs
    full = lp_data(site, prof, costs, block.rule_set, bounds)
    constrained = {rc.rule.id for rc in full.rules}
    if certificate == "dispatch":
        quick = certify_constructive(site, prof, design, full, costs)
        if quick is not None:
            return Certificate(block.year, block.weather, True, {}, quick.extra["cost"]["total_cny_per_year"],
                               verdict_rows(quick, constrained), by="constructive dispatch",
                               result=quick if keep else None, status=quick.status)
    tmpl = _storage_template(site)
    fixed = replace(full, bounds=_fixed(design))
    el = solve_data(fixed, prof.export_forbidden, tmpl, options=CERTIFY_OPTIONS, confirm_infeasible=False)
    if not el.solution.optimal:
        el = solve_data(fixed, prof.export_forbidden, tmpl, elastic=True, options=ELASTIC_CERTIFY_OPTIONS)
        if not el.solution.optimal:
            el = solve_data(fixed, prof.export_forbidden, tmpl, elastic=True)
    if not el.solution.optimal:
        return Certificate(block.year, block.weather, False, {}, float("nan"), [], by="least-cost full-year LP",
                           status="fail")
    el.design = design
    chk = _finish(site, prof, el, costs, "size (horizon, certified on the full year)")
    ok, failing = judge(chk, constrained)
    worst = [] if ok else _worst_days(site, prof, el, set(failing))
    return Certificate(block.year, block.weather, ok, failing, chk.extra["cost"]["total_cny_per_year"],
                       verdict_rows(chk, constrained), worst, by="least-cost full-year LP",
                       result=chk if keep else None, status=chk.status)


def certify_compiled(block: Block, compiled: BlockLP, bounds: CapacityBounds, design: Design,
                     keep: bool = False) -> Certificate:
    """Certify ``design`` on one block's full year from the block's compiled sizing LP (no Pyomo build).

    The same certificate as :func:`certify_block` with ``certificate="lp"``: every capacity
    column of ``compiled`` (the block's full-year sizing LP, :func:`gdc.optimise.stack.compile_block`)
    is fixed at ``design``, and its self-use-first rows are exact at those capacities
    (:meth:`gdc.optimise.stack.StackedLP.fix_renewables`), so the LP is the least-cost full-year
    dispatch of the fixed design under the year's rule rows. When that LP has no optimum (the
    design cannot meet a rule), :func:`certify_block` decides with its elastic LP (the shortfalls
    and the worst days).

    Parameters
    ----------
    block : Block
    compiled : BlockLP
        The block's full-year sizing LP (free capacities within the sizing bounds).
    bounds : CapacityBounds
        The sizing bounds (for the fallback).
    design : Design
        The capacities in service in the block's year [MW, MWh].
    keep : bool
        Keep the full :class:`~gdc.check.CheckResult` (with its balance).

    Returns
    -------
    Certificate
    """
    import numpy as np

    from gdc.check import check_site
    from gdc.operation.prices import cost_breakdown
    from gdc.optimise.size import _storage_template
    from gdc.optimise.stack import STORAGE_E, STORAGE_P, Plan, StackedLP, block_balance
    from gdc.optimise.typical import CERTIFY_OPTIONS

    caps = {**design.capacities_mw, STORAGE_P: design.storage_power_mw, STORAGE_E: design.storage_energy_mwh}
    keys = list(compiled.cap_cols)
    plan = Plan(stage_years=[block.year], block_years=[block.year], block_weights=np.ones(1),
                stage_costs=[{}], bounds={k: (caps[k], caps[k]) for k in keys})
    stack = StackedLP([compiled], plan, options=dict(CERTIFY_OPTIONS))
    renewables = {k: [caps[k]] for k in keys if k not in (STORAGE_P, STORAGE_E)}
    if renewables:
        stack.fix_renewables(renewables)
    sol = stack.solve()
    if not sol.optimal:
        return certify_block(block, bounds, design, "lp", keep)
    bal = block_balance(stack, 0, sol.x, caps, block.profiles.export_forbidden, _storage_template(block.site))
    constrained = {rc.rule.id for rc in compiled.data.rules}
    chk = check_site(block.site, design=design, balance=bal, profiles=block.profiles)
    ok, failing = judge(chk, constrained)
    if not ok:  # the LP met its rule rows, the check did not (tolerances): the elastic LP's shortfalls
        return certify_block(block, bounds, design, "lp", keep)
    chk.extra["cost"] = cost_breakdown(block.costs, design, bal, block.site)
    return Certificate(block.year, block.weather, ok, failing, chk.extra["cost"]["total_cny_per_year"],
                       verdict_rows(chk, constrained), by="least-cost full-year LP (compiled)",
                       result=chk if keep else None, status=chk.status)


def certify_job(args: tuple[Any, ...]) -> Certificate:
    """:func:`certify_block` of one tuple of arguments (a process pool's task); with a
    :class:`~gdc.optimise.stack.BlockLP` second, :func:`certify_compiled`."""
    from gdc.optimise.stack import BlockLP

    if len(args) > 1 and isinstance(args[1], BlockLP):
        return certify_compiled(*args)
    return certify_block(*args)
