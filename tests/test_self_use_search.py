"""The self-use-first search's box LPs (gdc.optimise.size._BoxLP): one HiGHS model changed in
place per box must be the same LP as the model built afresh for that box."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from gdc.check import get_rule_set
from gdc.operation.prices import get_costs
from gdc.optimise.model import lp_data
from gdc.optimise.size import (
    _BoxLP,
    _storage_template,
    _with_sources,
    self_use_first_design,
    self_use_first_shortfall,
    solve_data,
)
from gdc.profiles.series import get_profiles
from gdc.site.schema import read_site


@pytest.fixture(scope="module")
def park():
    site = read_site(SAMPLES / "park-2026-day-types" / "size.yaml")
    profiles = get_profiles(site)
    rule_set, _ = get_rule_set(site)
    data = lp_data(site, profiles, get_costs(site, profiles), rule_set)
    tmpl = _storage_template(site)  # the storage's losses: the check allows its standing loss
    return data, profiles.export_forbidden, tmpl, solve_data(data, profiles.export_forbidden, tmpl)


def test_box_lp_in_place_equals_fresh_model(park):
    """A sub-box (each free capacity's interval cut at a third and two thirds) and a point
    (the search's design). At the point the root model changed in place is the exact
    fixed-capacity LP built afresh (same optimum within HiGHS's tolerance) and its dispatch
    serves the load first in every hour. On the sub-box its bound is at least the fresh
    model's (31,776,380.82 CNY/yr, the secant along a_t), never below it."""
    data, forbidden, tmpl, root = park
    boxes = _BoxLP(data, root, forbidden, tmpl)
    free = {k: b for k, b in data.bounds.sources.items() if b[1] > b[0]}
    assert free, "the sample must size at least one renewable capacity"
    sub = {k: (lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3) for k, (lo, hi) in free.items()}
    design = self_use_first_design(data, root, forbidden, tmpl).design.capacities_mw
    point = {k: (design[k], design[k]) for k in free}
    for box, crossover in ((sub, True), (point, True), (sub, False)):
        got = boxes.solve(box, crossover=crossover)
        want = solve_data(_with_sources(data, {**data.bounds.sources, **box}), forbidden, tmpl)
        assert got.solution.optimal and want.solution.optimal
        if box is point:
            assert got.objective == pytest.approx(want.objective, rel=1e-6)
        else:
            # two free capacities: the box rows are the convex envelope over the box (exact at
            # its four corners), at least as tight as the fresh model's secant along a_t
            assert got.objective >= want.objective * (1 - 1e-6)
    fixed = boxes.solve(point, crossover=True)
    assert self_use_first_shortfall(fixed.balance).max() < 1e-6
    assert fixed.design.capacities_mw == pytest.approx(design)
