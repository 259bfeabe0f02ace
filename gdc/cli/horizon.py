"""``gdc size --years``: what the command prints for a design sized over the project's life.

:func:`size_years` runs :func:`gdc.optimise.horizon.size_horizon` and prints the first year's
sized report, then the horizon: the cost basis and objective, the build plan by stage, the
binding (year, weather year, rule), the certified path (each year's least-cost full-year dispatch
of the design) and the path of the sized design as ``gdc check --years`` reports it
(:func:`gdc.life.path.check_path`, the renewable-first dispatch), and the finance over the life:
one build's (:func:`gdc.finance.life.life_finance`) or, with stages, the staged build's, each
addition invested in its stage year (:func:`gdc.finance.life.staged_finance`). Only click is
imported at the top.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from gdc.site.errors import InputError

if TYPE_CHECKING:
    from gdc.site.schema import Site

__all__ = ["horizon_lines", "parse_stages", "size_years"]

_WORDS = {
    "title": ("sizing over the life", "全生命期配置"),
    "years": ("years", "年份"),
    "weathers": ("weather year(s)", "个气象年"),
    "year": ("year", "年份"),
    "weather": ("weather", "气象年"),
    "basis": ("cost basis", "成本口径"),
    "objective": ("objective", "目标值"),
    "annualised": ("CNY/yr annualised equivalent", "元/年（年化等值）"),
    "pv": ("present value", "现值"),
    "rate": ("discount rate", "折现率"),
    "plan": ("build plan (additions by stage year)", "分期建设计划（各期新增）"),
    "binding": ("binding", "约束最紧"),
    "certified": ("certified on every full year", "已在每个完整年份上核验"),
    "not_certified": ("NOT certified in every year", "并非每年都通过核验"),
    "path": ("certified path (least-cost full-year dispatch of the design in each year)",
             "核验路径（各年设计的全年最低成本调度）"),
    "cost": ("cost CNY/yr", "成本 元/年"),
    "dropped": ("rules waived (--weather-pass)", "不要求通过（--weather-pass）"),
    "check_path": ("the sized design year by year as gdc check --years reports it (renewable-first dispatch)",
                   "按 gdc check --years 逐年检查所配置方案（可再生能源优先调度）"),
    "stage": ("stage", "分期"),
    "storage": ("storage", "储能"),
    "nothing": ("nothing", "无"),
    "rounds": ("rounds", "轮"),
    "lower": ("lower bound", "下界"),
    "stacked": ("stacked LP over representative years", "堆叠线性规划所含代表年份"),
    "all_certified": ("every year certified", "每年均经核验"),
}


def _w(key: str, lang: str) -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en


def parse_stages(text: str | None, site: Any) -> list[int] | None:
    """``--stages 2026,2029`` as years (None when not given).

    Raises
    ------
    InputError
        A part that is not a year; years not in increasing order, or one given twice.
    """
    if text is None:
        return None
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise InputError(f"'{part}' is not a year", file=site.path, field="--stages",
                             fix="give stage years separated by commas, e.g. --stages 2026,2029")
        out.append(int(part))
    if not out:
        raise InputError("no stage year given", field="--stages", fix="e.g. --stages 2026,2029")
    if out != sorted(set(out)):  # as stages: in the site file
        raise InputError(f"stage years {','.join(map(str, out))} are not in increasing order, each once",
                         field="--stages", fix=f"give e.g. --stages {','.join(map(str, sorted(set(out))))}")
    return out


def _add_text(plan_row: dict[str, Any], lang: str) -> str:
    add = plan_row["add"]
    parts = [f"{k} +{v:,.2f} MW" for k, v in add.items() if k not in ("storage_power", "storage_energy") and v > 1e-6]
    p, e = add.get("storage_power", 0.0), add.get("storage_energy", 0.0)
    if p > 1e-6 or e > 1e-6:
        parts.append(f"{_w('storage', lang)} +{p:,.2f} MW / +{e:,.2f} MWh")
    return ", ".join(parts) or _w("nothing", lang)


def horizon_lines(h: dict[str, Any], lang: str = "en") -> list[str]:
    """The terminal text of ``extra["horizon"]``."""
    from gdc.report.text import table

    years = h["years"]
    weathers = [w or "-" for w in h["weathers"]]
    zh = lang == "zh"
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    out = [f"{_w('title', lang)}: {span} ({len(years)} {_w('years', lang)}) x {len(weathers)} "
           f"{_w('weathers', lang)}, {h['method']}, {h['rounds']} {_w('rounds', lang)}, {h['seconds']:.1f} s"]
    stacked = h.get("stack_years")
    if stacked and len(stacked) < len(years):
        out.append(f"  {_w('stacked', lang)}: {', '.join(map(str, stacked))} ({len(stacked)}/{len(years)}; "
                   f"{_w('all_certified', lang)})")
    out.append(f"  {_w('basis', lang)}: {h['cost_basis_zh'] if zh else h['cost_basis']} "
               f"({_w('rate', lang)} {100 * h['discount_rate']:g} %)")
    line = (f"  {_w('objective', lang)}: {h['objective_cny_per_yr']:,.0f} {_w('annualised', lang)}; "
            f"{_w('pv', lang)} {h['present_value_cny']:,.0f} CNY")
    su = h.get("self_use_first")
    if su and su.get("gap", 0.0) > 1e-9:
        line += f" ({_w('lower', lang)} {su['lower_bound_cny_per_yr']:,.0f}, gap {100 * su['gap']:.2f} %)"
    out.append(line)
    out.append(f"  {_w('plan', lang)}:")
    for row in h["build_plan"]:
        out.append(f"    {row['year']}: {_add_text(row, lang)}")
    b = h.get("binding")
    if b:
        name = b["name_zh"] if zh else b["name"]
        wtxt = "" if b["weather"] is None else f", {b['weather']}"
        out.append(f"  {_w('binding', lang)}: {b['year']}{wtxt}, {name} ({b['rule']}) {b['value']:.2f} % "
                   f"{b['op']} {b['threshold']:.2f} % ({b['margin_pp']:.2f} pp)")
    out.append("  " + (_w("certified", lang) if h["certified"] else _w("not_certified", lang)))
    wp = h.get("weather_pass") or {}
    if wp.get("rules_dropped"):
        out.append(f"  {_w('dropped', lang)}: " + ", ".join(f"{d['year']} {d['weather']}" for d in wp["rules_dropped"]))
    rules = []
    for row in h["path"]:
        for v in row["verdicts"]:
            if v["unit"] == "%" and v["rule"] not in rules:
                rules.append(v["rule"])
    heads = [_w("year", lang), _w("weather", lang), "status", *rules, _w("cost", lang)]
    rows = []
    for row in h["path"]:
        by = {v["rule"]: v for v in row["verdicts"]}
        cells = [str(row["year"]), row["weather"] or "-", row["status"] + (" *" if row["rules_dropped"] else "")]
        for r in rules:
            v = by.get(r)
            cells.append("" if v is None or v["value"] is None else f"{v['value']:.2f} {v['op']} {v['threshold']:g}")
        cells.append(f"{row['cost_cny_per_yr']:,.0f}")
        rows.append(cells)
    out += ["", _w("path", lang) + ":", table(heads, rows, right=set(range(3, len(heads))))]
    return out


def _stage_design(h: dict[str, Any], result: Any, year: int) -> Any:
    from gdc.operation.dispatch import Design

    row = [r for r in h["build_plan"] if r["year"] <= year][-1]["in_service"]
    caps = {k: v for k, v in row.items() if k not in ("storage_power", "storage_energy")}
    return Design(capacities_mw=caps, storage_power_mw=row["storage_power"], storage_energy_mwh=row["storage_energy"])


def _exact_stage_design(h: dict[str, Any], result: Any, year: int) -> Any:
    """The design in service from stage ``year`` as the horizon certified it (its path row, not
    rounded as the build plan's table is); the build plan's when the year has no row."""
    from gdc.operation.dispatch import Design

    for row in h["path"]:
        if row["year"] == year and row.get("design"):
            d = row["design"]
            return Design(capacities_mw=dict(d["capacities_mw"]), storage_power_mw=d["storage_power_mw"],
                          storage_energy_mwh=d["storage_energy_mwh"])
    return _stage_design(h, result, year)


def _check_path(site: Any, h: dict[str, Any], result: Any, lang: str) -> tuple[list[str], dict[str, Any] | None]:
    """The path of the sized design (one table per stage), and the path data of the first stage."""
    from gdc.life.path import check_path
    from gdc.report.life import path_lines

    stages = [r["year"] for r in h["build_plan"]]
    lines = ["", _w("check_path", lang) + ":"]
    first = None
    for i, y in enumerate(stages):
        end = stages[i + 1] if i + 1 < len(stages) else h["years"][-1] + 1
        years = [x for x in h["years"] if y <= x < end]
        if not years:
            continue
        path = check_path(site, years, h["weathers"], design=_stage_design(h, result, y))
        data = path.as_dict()
        first = first or data
        if len(stages) > 1:
            lines.append(f"  {_w('stage', lang)} {y}:")
        lines += path_lines(data, lang, colour=sys.stdout.isatty())
    return lines, first


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    return lambda line: click.echo(f"  {line}", err=True)


#: From this many full-year blocks (years x weather years) ``gdc size --years`` certifies them in parallel
#: processes by default: each certificate is a full-year LP of seconds, a worker's start-up about one second
#: (a site of representative days certifies in milliseconds: one process).
PARALLEL_FROM = 4


def default_horizon_workers(site: Site, years: list[int]) -> int:
    """``gdc size --years``'s default ``--workers``: the machine's workers (at most one per block)
    from :data:`PARALLEL_FROM` full-year blocks (years x weather years), else 1 (a full-year
    block's build and certificate take about a second each; a few days' far less)."""
    from gdc.profiles.life import weather_names
    from gdc.screen.runner import default_workers

    blocks = len(years) * len(weather_names(site))
    full_year = site.days is None
    return min(default_workers(), blocks) if blocks >= PARALLEL_FROM and full_year else 1


def size_years(site_file: Path, years_text: str, *, json_out: str | None, hourly: str | None, lang: str,
               definitions: str, write_site: str | None, report: str | None, xlsx_out: str | None,
               n_days: int, exact: bool, weather_pass: float, stages_text: str | None, certify: str,
               workers: int | None = None) -> NoReturn:
    """Size over the years of ``years_text`` and exit (0 certified in every year, 1 otherwise or infeasible).

    Parameters
    ----------
    site_file : Path
    years_text : str
        ``2026-2035``, ``all``, ``2029`` or ``2026,2030`` (:func:`gdc.profiles.life.parse_years`).
    n_days : int
        Typical days per weather year (0: the default, :data:`gdc.optimise.horizon.N_DAYS`).
    exact : bool
        The stacked full-year LP instead of typical days.
    weather_pass : float
        Share of weather years to pass in, per year.
    stages_text : str or None
        ``--stages 2026,2029`` (default the site's ``stages:``).
    certify : {'lp', 'dispatch'}
    workers : int, optional
        Processes certifying the years (default: :data:`PARALLEL_FROM` full-year blocks or more run
        on the cores available, else this process).
    """
    from gdc.cli.design import _finance, _solve
    from gdc.cli.outputs import emit_check, write_reports, write_site_file
    from gdc.optimise.horizon import N_DAYS, size_horizon
    from gdc.profiles.life import parse_years
    from gdc.site.schema import read_site

    site = read_site(site_file)
    years = parse_years(years_text, site)
    stages = parse_stages(stages_text, site)
    if json_out != "-":
        how = "the stacked full-year LP" if exact else f"{n_days or N_DAYS} typical days per weather year, certified " \
                                                       "on every full year"
        click.echo(f"sizing over {len(years)} year(s): {how} ...", err=True)
    if workers is None:
        workers = default_horizon_workers(site, years)
    result = _solve(lambda: size_horizon(site, years, n_days=n_days or N_DAYS, exact=exact, weather_pass=weather_pass,
                                         progress=_progress(), stages=stages, certificate=certify, workers=workers),
                    site, json_out, lang)
    h = result.extra["horizon"]
    _finance(result)
    if len(h["build_plan"]) == 1:  # one build: the cash flows over the life (gdc.finance.life, issue 14)
        from gdc.finance.life import life_finance

        result.extra["finance"] = life_finance(site, result.design, h["weathers"]).as_dict()
    else:  # stages: each addition invested in its year, the design in service each year (gdc.finance.life)
        from gdc.finance.life import staged_finance

        plan = [(row["year"], _exact_stage_design(h, result, row["year"])) for row in h["build_plan"]]
        result.extra["finance"] = staged_finance(site, plan, h["weathers"]).as_dict()
    path_text, path_data = _check_path(site, h, result, lang) if json_out != "-" or report or xlsx_out else ([], None)
    if path_data is not None:
        result.extra["life_path"] = path_data
    emit_check(result, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions,
               title=f"size --years (the first year, {h['years'][0]})")
    if json_out != "-":
        from gdc.finance.life import stage_lines
        from gdc.finance.text import finance_lines, life_line

        click.echo("\n".join(["", *horizon_lines(h, lang), *path_text, "", *finance_lines(result.extra["finance"], lang),
                               *life_line(result.extra["finance"], lang), *stage_lines(result.extra["finance"], lang)]))
    write_reports(result, report, xlsx_out, lang)
    write_site_file(result, write_site)
    sys.exit(1 if not h["certified"] or _site_rule_fails(h, result) else 0)


def _site_rule_fails(h: dict[str, Any], result: Any) -> bool:
    """A rule the sizing does not constrain (line distance, voltage, same city...) fails in the first year."""
    energy = {v["rule"] for row in h["path"] for v in row["verdicts"]}
    return any(v.status == "fail" and v.rule.id not in energy for v in result.verdicts)


def refuse_with_years(*, year: int | None, save_lp: str | None, gap: float | None, objective: str,
                      exact: bool = False, typical_days: int = 0) -> None:
    """Refuse the options of ``gdc size`` that do not apply with ``--years``.

    Raises
    ------
    InputError
        For ``--year``, ``--save-lp``, ``--gap``, an ``--objective`` other than cost, and ``--exact``
        with ``--typical-days``, with the fix.
    """
    if year is not None:
        raise InputError("give --year or --years, not both", field="--years",
                         fix="--years 2026-2035 sizes for every year of the range; --year 2029 for one")
    if save_lp:
        raise InputError("--save-lp writes one year's LP", field="--save-lp",
                         fix="drop --save-lp, or write one year's LP with --year Y --save-lp FILE")
    if gap is not None:
        raise InputError("--gap sets one year's self-use-first search; --years certifies its design on every "
                         "full year", field="--gap", fix="drop --gap")
    if exact and typical_days:
        raise InputError("--exact solves the stacked full-year LP; --typical-days sets the fast path's days",
                         field="--typical-days", fix="drop one of the two")
    if objective != "cost":
        raise InputError("--years minimises the annualised equivalent of the present value of the costs",
                         field="--objective", fix="drop --objective, or size one year with --year Y --objective ...")
