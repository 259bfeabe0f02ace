"""Finance over the project's life: each year's energy from the year model, replacements from the life model.

Cash-flow year t (1 .. N, ``finance.evaluation_years``) is calendar year ``start_year + t - 1`` of
the life (``life:``, :func:`gdc.profiles.life.life_span`). Its :class:`~gdc.finance.cashflow.YearEnergy`
is the check of the design in that year, ``check_site(with_year(site, Y), design,
profiles=year_profiles(site_Y, Y, weather))``: the same model as the row of year Y of
:func:`gdc.life.path.check_path` and of ``gdc check --year Y``, so PV and wind degradation, load
growth and the storage fade flow into the money (the rule set's thresholds do not enter the money).
Years after the last year of the life (N larger than the life) hold the last year's energy.
The battery is replaced in the years of life the life model flags
(:func:`gdc.profiles.life.storage_schedule`, ``degradation.storage_replacement_year`` and the
end-of-life rule), each at ``finance.storage_replacement_cny_per_kwh``; without storage, none.
With several weather years the energy is the mean over the weather years given (default the
site's own profiles, ``[None]``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from gdc.finance.cashflow import (
    FinanceResult,
    YearEnergy,
    cash_flows,
    investment_of,
    summarise,
    year_energy,
)
from gdc.finance.params import finance_params
from gdc.operation.dispatch import Design
from gdc.site.schema import Site


def _mean(energies: list[YearEnergy]) -> YearEnergy:
    if len(energies) == 1:
        return energies[0]
    return YearEnergy(**{f.name: float(np.mean([getattr(e, f.name) for e in energies])) for f in fields(YearEnergy)})


def life_energy(site: Site, design: Design, weathers: Sequence[str | None] | None = None,
                progress: Callable[[int, int, str], None] | None = None
                ) -> tuple[list[YearEnergy], list[int], list[int]]:
    """The energy of every cash-flow year and the battery replacements, from the year model.

    Parameters
    ----------
    site : Site
    design : Design
        The capacities, the same every year.
    weathers : sequence of str or None, optional
        Weather years to average; default ``[None]`` (the site's own profiles).
    progress : callable, optional
        ``progress(done, total, label)`` after each year.

    Returns
    -------
    energies : list of YearEnergy
        One per cash-flow year t = 1 .. N.
    calendar_years : list of int
        The calendar year each entry came from (the last year of the life repeated beyond it).
    replacement_years : list of int
        Cash-flow years (years of life) in which the battery is replaced.
    """
    from gdc.check import check_site
    from gdc.profiles.life import life_span, storage_schedule, year_profiles
    from gdc.site.schema import with_year

    params = finance_params(site)
    n = params.evaluation_years
    start, span = life_span(site)
    names = list(weathers) if weathers is not None else [None]
    cal = [start + min(t, span) - 1 for t in range(1, n + 1)]
    cache: dict[int, YearEnergy] = {}
    todo = sorted(set(cal))
    for i, year in enumerate(todo):
        site_y = with_year(site, year)
        cache[year] = _mean([year_energy(check_site(site_y, design, profiles=year_profiles(site_y, year, w)))
                             for w in names])
        if progress is not None:
            progress(i + 1, len(todo), str(year))
    replaced = []
    if design.storage_energy_mwh > 0:
        replaced = [t for t, (_, flag) in enumerate(storage_schedule(site), start=1) if flag and t <= n]
    return [cache[y] for y in cal], cal, replaced


def life_finance(site: Site, design: Design, weathers: Sequence[str | None] | None = None,
                 progress: Callable[[int, int, str], None] | None = None, **overrides: Any) -> FinanceResult:
    """The finance of a design over its life: :func:`life_energy`'s years and replacements in the cash flows.

    ``notes`` say where the years came from; ``as_dict()["life"]`` gives
    ``{calendar_years, replacement_years, weathers}``.
    """
    energies, cal, replaced = life_energy(site, design, weathers, progress)
    params = finance_params(site, **overrides)
    inv = investment_of(site, design, params)
    fin = summarise(cash_flows(params, inv, energies, replacement_years=replaced))
    fin.notes.append(f"years 1-{len(energies)}: the year model of {cal[0]}-{cal[-1]} (degradation, load growth, "
                     f"storage fade)" + (f"; the battery replaced in years {', '.join(map(str, replaced))} of life"
                                         if replaced else ""))
    fin.life.update({"calendar_years": cal, "replacement_years": replaced,
                     "weathers": [w for w in (weathers or [None])]})
    return fin


def finance_of_path(result: Any, path: Any = None) -> FinanceResult:
    """:func:`life_finance` of a checked design (``path``, a :class:`gdc.life.path.LifePath`, gives the
    weather years: their mean energy)."""
    weathers = path.weathers if path is not None else None
    site = path.site if path is not None else result.site
    design = path.design if path is not None else result.design
    return life_finance(site, design, weathers)


__all__ = ["finance_of_path", "life_energy", "life_finance"]
