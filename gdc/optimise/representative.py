"""The representative years of ``gdc size --years``'s fast path (:mod:`gdc.optimise.horizon`).

From :data:`YEAR_REDUCTION_FROM` evaluated years the stacked LP of typical days holds some years
only (:func:`representative_years`); a skipped year's weight goes to its neighbours
(:func:`representative_weights`), so its energy cost is interpolated, while the capacities' stage
weights stay the whole horizon's (:func:`reduced_plan`). Every year, kept or not, is still
certified on its full year, and a skipped year that fails joins the stack.

V3 case over 25 years (2026-12-02): 11 of 25 years (2026, 2029, 2032, 2034, 2035, 2038, 2041, 2044,
2046, 2047, 2050), the stack solve 16.3 s instead of 51.5 s, the whole sizing 41.6 s instead of
78.6 s, the certified design 0.008 % cheaper (bench/README.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gdc.optimise.certify import Block
from gdc.optimise.stack import Plan

if TYPE_CHECKING:
    from gdc.optimise.horizon import HorizonInputs

#: From this many evaluated years the fast path's stack holds representative years only
#: (:func:`representative_years`); every year is still certified on its full year. Below it
#: every year is in the stack (V3: a 25-year stack of 32 typical days took 51.5 s of 78.6 s with every year).
YEAR_REDUCTION_FROM = 12
#: At most this many years from one representative year to the next [years].
YEAR_STRIDE = 3


def _threshold_signature(block: Block) -> tuple[Any, ...]:
    """The block's hard energy rules as ``(rule, op, threshold)`` [%]: equal in years of one plateau."""
    from gdc.rules.linear import rule_constraints

    return tuple((rc.rule.id, rc.op, round(float(rc.threshold), 9))
                 for rc in rule_constraints(block.rule_set, block.site)[0])


def representative_years(inp: HorizonInputs) -> list[int]:
    """The evaluated years the fast path's stack holds, ascending (every year below
    :data:`YEAR_REDUCTION_FROM` evaluated years).

    Kept: the first and last years, the stage years, both sides of every step of a rule threshold
    (a plateau's last year has the least output at its threshold; the step changes the dispatch, so
    the cost is interpolated within plateaus only), both sides of a storage replacement (the fade
    jumps back), and enough
    years that no two kept years lie more than :data:`YEAR_STRIDE` apart. Between two kept years the
    factors (degradation, load growth, fade) change smoothly, so a skipped year's cost is
    interpolated (:func:`representative_weights`) and its rules are certified on its full year
    with the others: a skipped year that fails joins the stack in the next round.
    """
    years = list(inp.years)
    if len(years) < YEAR_REDUCTION_FROM:
        return years
    keep = {years[0], years[-1], *inp.stages}
    lead = {b.year: b for b in inp.blocks if b.weather == inp.weathers[0]}
    previous = None
    for k, y in enumerate(years):
        b = lead[y]
        sig = _threshold_signature(b)
        life = getattr(b.profiles, "life", None)
        if k and (sig != previous or (life is not None and life.storage_replaced)):
            keep |= {years[k - 1], y}
        previous = sig
    last = years[0]
    for y in years:
        if y in keep or y - last >= YEAR_STRIDE:
            keep.add(y)
            last = y
    return sorted(keep)


def representative_weights(inp: HorizonInputs, kept: list[int]) -> dict[int, float]:
    """Each kept block's weight [-] (block index -> weight): its own plus the skipped years' shares.

    A skipped year ``y`` between kept years ``y0 < y < y1`` gives ``(y1 - y) / (y1 - y0)`` of its
    weight to ``y0`` and the rest to ``y1`` (its energy cost interpolated linearly), all of it to ``y0``
    when ``y1`` is a stage year (``y`` has the capacity in service at ``y0``), per weather year. The
    weights still sum to 1.
    """
    kept_set = set(kept)
    index = {(b.year, b.weather): i for i, b in enumerate(inp.blocks)}
    out = {i: b.weight for i, b in enumerate(inp.blocks) if b.year in kept_set}
    stages = set(inp.stages)
    for b in inp.blocks:
        if b.year in kept_set:
            continue
        y0 = max(k for k in kept if k < b.year)
        y1 = min(k for k in kept if k > b.year)
        upper = 0.0 if y1 in stages else (b.year - y0) / (y1 - y0)
        out[index[(y0, b.weather)]] += b.weight * (1.0 - upper)
        out[index[(y1, b.weather)]] += b.weight * upper
    return out


def reduced_plan(inp: HorizonInputs, members: list[int], weights: dict[int, float]) -> Plan:
    """The plan of a stack of ``members`` (block indices): their weights, the whole horizon's stage weights."""
    plan = inp.plan
    return Plan(stage_years=plan.stage_years, block_years=[inp.blocks[i].year for i in members],
                block_weights=np.asarray([weights[i] for i in members]), stage_costs=plan.stage_costs,
                bounds=plan.bounds, stage_weights=tuple(plan.stage_weight(s) for s in range(len(plan.stage_years))))
