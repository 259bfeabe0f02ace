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

A staged build (:func:`staged_finance`, ``gdc size --years`` with ``stages:``): the design in
service in calendar year Y is the last stage at or before Y (the first before the first stage);
year t's energy is the check of that design in year ``start_year + t - 1``. The first stage is
the investment at t = 0; a later stage in year ``Y_s`` is invested at the end of the year before
it enters service, ``t_a = Y_s - start_year``, at the unit costs of ``with_year(site, Y_s)``
(:func:`gdc.finance.cashflow.addition_investment`). The battery is replaced in the years of life
the life model flags for the storage in service then (its fade is that of the whole fleet in
service, as in the sizing over the life).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from gdc.finance.cashflow import (
    FinanceResult,
    Investment,
    YearEnergy,
    addition_investment,
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
    energies, cal, replaced, _ = _energy(site, [(None, design)], weathers, progress)
    return energies, cal, replaced


def _in_service(stages: Sequence[tuple[int | None, Design]], year: int) -> int:
    """Index of the stage in service in calendar ``year``: the last at or before it (the first before any)."""
    k = 0
    for i, (y, _) in enumerate(stages):
        if y is not None and y <= year:
            k = i
    return k


def _energy(site: Site, stages: Sequence[tuple[int | None, Design]], weathers: Sequence[str | None] | None,
            progress: Callable[[int, int, str], None] | None, years: int | None = None
            ) -> tuple[list[YearEnergy], list[int], list[int], list[int]]:
    """:func:`life_energy` for the design in service each year (``stages``: (stage year, design)) over
    ``years`` cash-flow years (default the site's evaluation); also the stage in service each year."""
    from gdc.check import check_site
    from gdc.profiles.life import life_span, storage_schedule, year_profiles
    from gdc.site.schema import with_year

    n = years if years is not None else finance_params(site).evaluation_years
    start, span = life_span(site)
    names = list(weathers) if weathers is not None else [None]
    cal = [start + min(t, span) - 1 for t in range(1, n + 1)]
    cache: dict[int, YearEnergy] = {}
    todo = sorted(set(cal))
    for i, year in enumerate(todo):
        site_y = with_year(site, year)
        design = stages[_in_service(stages, year)][1]
        cache[year] = _mean([year_energy(check_site(site_y, design, profiles=year_profiles(site_y, year, w)))
                             for w in names])
        if progress is not None:
            progress(i + 1, len(todo), str(year))
    replaced = []
    if max(d.storage_energy_mwh for _, d in stages) > 0:
        replaced = [t for t, (_, flag) in enumerate(storage_schedule(site), start=1) if flag and t <= n]
    return [cache[y] for y in cal], cal, replaced, [_in_service(stages, y) for y in cal]


def life_finance(site: Site, design: Design, weathers: Sequence[str | None] | None = None,
                 progress: Callable[[int, int, str], None] | None = None, **overrides: Any) -> FinanceResult:
    """The finance of a design over its life: :func:`life_energy`'s years and replacements in the cash flows.

    ``notes`` say where the years came from; ``as_dict()["life"]`` gives
    ``{calendar_years, replacement_years, weathers}``.
    """
    params = finance_params(site, **overrides)
    energies, cal, replaced, _ = _energy(site, [(None, design)], weathers, progress, params.evaluation_years)
    inv = investment_of(site, design, params)
    fin = summarise(cash_flows(params, inv, energies, replacement_years=replaced))
    fin.notes.append(f"years 1-{len(energies)}: the year model of {cal[0]}-{cal[-1]} (degradation, load growth, "
                     f"storage fade)" + (f"; the battery replaced in years {', '.join(map(str, replaced))} of life"
                                         if replaced else ""))
    fin.life.update({"calendar_years": cal, "replacement_years": replaced,
                     "weathers": [w for w in (weathers or [None])]})
    return fin


def staged_finance(site: Site, stages: Sequence[tuple[int, Design]], weathers: Sequence[str | None] | None = None,
                   progress: Callable[[int, int, str], None] | None = None, **overrides: Any) -> FinanceResult:
    """The finance of a staged build over its life (module docstring; one stage: :func:`life_finance`'s result).

    Parameters
    ----------
    site : Site
    stages : sequence of (int, Design)
        Each stage's calendar year and the design in service from it [MW, MWh], ascending; the
        first is the initial investment (t = 0), whatever its year.
    weathers : sequence of str or None, optional
        Weather years to average; default ``[None]``.
    progress : callable, optional
        ``progress(done, total, label)`` after each year.
    **overrides
        :class:`~gdc.finance.params.FinanceParams` fields that win over the site file.

    Returns
    -------
    FinanceResult
        ``as_dict()["additions"]``: ``[{year (t_a), investment_cny, investment_items_cny,
        om_cny_per_year}]``; ``life["stages"]``: ``[{stage_year, t, investment_cny}]`` (every
        stage, the first at t = 0) and ``life["design_stage"]``, the stage year of the design in
        service in each cash-flow year 1 .. N. A stage at or after the end of the evaluation
        (``t_a >= N``) is left out, with a note.

    Raises
    ------
    InputError
        No stage, or stage years not ascending.
    """
    from gdc.profiles.life import life_span
    from gdc.site.errors import InputError
    from gdc.site.schema import with_year

    stages = [(int(y), d) for y, d in stages]
    years = [y for y, _ in stages]
    if not stages or years != sorted(set(years)):
        raise InputError(f"stage years must be distinct and ascending: {years}", file=site.path, field="stages",
                         fix="e.g. stages: [2026, 2029]")
    if len(stages) == 1:
        fin = life_finance(site, stages[0][1], weathers, progress, **overrides)
        fin.life["stages"] = [{"stage_year": years[0], "t": 0, "investment_cny": fin.flows.investment.total_cny}]
        return fin
    params = finance_params(site, **overrides)
    n = params.evaluation_years
    start, _ = life_span(site)
    inv0 = investment_of(site, stages[0][1], params)
    adds: list[tuple[int, Investment]] = []
    table = [{"stage_year": years[0], "t": 0, "investment_cny": inv0.total_cny}]
    late = []
    for (y, d), (_, before) in zip(stages[1:], stages[:-1], strict=True):
        ta = y - start
        if not 1 <= ta < n:
            late.append(y)
            continue
        inv = addition_investment(with_year(site, y), before, d, params)
        adds.append((ta, inv))
        table.append({"stage_year": y, "t": ta, "investment_cny": inv.total_cny})
    energies, cal, replaced, idx = _energy(site, stages, weathers, progress, n)
    fin = summarise(cash_flows(params, inv0, energies, replacement_years=replaced, additions=adds))
    fin.notes.append("staged build: additions in " + ", ".join(f"{r['stage_year']}" for r in table[1:])
                     + " (each invested at the end of the year before it enters service, t = "
                     + ", ".join(str(r["t"]) for r in table[1:]) + "; its own depreciation, loan, O&M and input VAT)")
    if late:
        fin.notes.append(f"stage(s) {', '.join(map(str, late))} after the evaluation's {n} years: not in the cash flows")
    fin.notes.append(f"years 1-{len(energies)}: the year model of {cal[0]}-{cal[-1]} with the design in service "
                     f"each year (degradation, load growth, storage fade)" +
                     (f"; the storage in service replaced in years {', '.join(map(str, replaced))} of life"
                      if replaced else ""))
    fin.life.update({"calendar_years": cal, "replacement_years": replaced,
                     "weathers": [w for w in (weathers or [None])], "stages": table,
                     "design_stage": [years[i] for i in idx]})
    return fin


def stage_lines(finance: dict[str, Any], lang: str = "en") -> list[str]:
    """The line naming a staged build's additions (:func:`staged_finance`); none for one build.

    Examples
    --------
    >>> f = {"life": {"stages": [{"stage_year": 2026, "t": 0, "investment_cny": 1.5e8},
    ...                          {"stage_year": 2028, "t": 2, "investment_cny": 3.0e7}]}}
    >>> stage_lines(f)
    ['  staged build: additions in 2028 (3,000.0 x10^4 CNY at the end of cash-flow year 2)']
    >>> stage_lines(f, "zh")
    ['  分期建设：2028年新增（3,000.0 万元，第2年末投入）']
    """
    st = (finance.get("life") or {}).get("stages") or []
    if len(st) < 2:
        return []
    if lang == "zh":
        return ["  分期建设：" + "、".join(f"{r['stage_year']}" for r in st[1:]) + "年新增（"
                + "；".join(f"{r['investment_cny'] / 1e4:,.1f} 万元，第{r['t']}年末投入" for r in st[1:]) + "）"]
    return ["  staged build: additions in " + ", ".join(f"{r['stage_year']}" for r in st[1:]) + " ("
            + "; ".join(f"{r['investment_cny'] / 1e4:,.1f} x10^4 CNY at the end of cash-flow year {r['t']}"
                        for r in st[1:]) + ")"]


def finance_of_path(result: Any, path: Any = None) -> FinanceResult:
    """:func:`life_finance` of a checked design (``path``, a :class:`gdc.life.path.LifePath`, gives the
    weather years: their mean energy)."""
    weathers = path.weathers if path is not None else None
    site = path.site if path is not None else result.site
    design = path.design if path is not None else result.design
    return life_finance(site, design, weathers)


__all__ = ["finance_of_path", "life_energy", "life_finance", "stage_lines", "staged_finance"]
