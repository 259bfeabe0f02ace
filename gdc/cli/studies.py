"""``gdc size --sensitivity`` and ``gdc size --pareto``: many sizings of one site, and what the CLI prints.

The options are declared here (:func:`study_options`, applied to ``gdc size``) and the run is
:func:`run_study`: it checks the options and outputs before anything runs, runs the points on
the screen machinery (:mod:`gdc.screen.sensitivity`, :mod:`gdc.screen.pareto`: a local process
pool, or Dask), prints the table on stdout and writes the outputs: ``--json`` (the study's data),
``--report`` (the base design's HTML report with the study's section: tornado chart or trade-off
plot; a page of its own when the base site has no compliant design), ``--xlsx`` and ``--csv``
(the table). Only click is imported at module level.

Exit codes: 0 when the study ran to the end (whatever each point's status: an infeasible or
failing point is a row of the table), 1 when ``--fixed-design`` finds no base design to
re-evaluate, 2 for bad input, 130 when interrupted (the finished points are printed).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gdc.site.errors import InputError

#: Exit code of an interrupted study (128 + SIGINT), as ``gdc screen``.
EXIT_INTERRUPTED = 130

_SENSITIVITY_HELP = (
    "Re-size with each parameter alone changed from -RANGE to +RANGE percent in STEP steps "
    "(comma-separated; 'all'). Each multiplies: capex_pv: economics.pv.capex_cny_per_kw; capex_wind: "
    "economics.wind and offshore_wind capex_cny_per_kw; capex_storage: economics.storage.capex_cny_per_kw and "
    "capex_cny_per_kwh (not the replacement); import_price: every hour's import price (energy x time-of-use + "
    "fees); export_price: every hour's export price; discount_rate: economics.discount_rate and the finance "
    "discount rate (5 % at +20 % is 6 %). The site's value, else the preset's; fixed O&M follows the capex.")


def study_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options of ``gdc size`` for studies (they reach the command as keyword arguments)."""
    for deco in reversed([
        click.option("--sensitivity", metavar="PARAMS", default=None, help=_SENSITIVITY_HELP),
        click.option("--range", "range_pct", type=click.FloatRange(min=0.0, min_open=True, max=100.0), default=25.0,
                     show_default=True, metavar="PCT", help="With --sensitivity: each parameter's range [±%]."),
        click.option("--step", "step_pct", type=click.FloatRange(min=0.0, min_open=True), default=5.0,
                     show_default=True, metavar="PCT", help="With --sensitivity: the step [%]."),
        click.option("--fixed-design", is_flag=True,
                     help="With --sensitivity: re-evaluate the base design (sized first when the site has bounds) "
                          "by its least-cost full-year dispatch instead of re-sizing."),
        click.option("--pareto", metavar="RULE=START:STOP:STEP", default=None,
                     help="The least cost at each level of one rule's threshold (a rule id or the metric it "
                          "tests; levels in the rule's unit, or RULE=L1,L2,...), e.g. load_share=30:60:5."),
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="Studies: local worker processes (default: the cores available); with --years: "
                          "processes certifying the years' full-year dispatch (default: the cores, from 4 years)."),
        click.option("--scheduler", metavar="ADDRESS", default=None,
                     help="Studies: run the points on a Dask cluster (tcp://host:8786), as gdc screen does."),
        click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Studies: run the points on a Dask LocalCluster of N worker processes."),
        click.option("--csv", "csv_out", metavar="CSV", default=None, help="Studies: write the points' table as CSV."),
    ]):
        fn = deco(fn)
    return fn


def study_requested(options: dict[str, Any]) -> bool:
    """True when ``gdc size`` was asked for a study; the study-only options are refused without one."""
    if options.get("sensitivity") or options.get("pareto"):
        return True
    for key, name in (("fixed_design", "--fixed-design"), ("workers", "--workers"), ("scheduler", "--scheduler"),
                      ("dask_local", "--dask-local"), ("csv_out", "--csv")):
        if options.get(key):
            raise InputError(f"{name} is an option of a study", field=name,
                             fix="add --sensitivity PARAMS or --pareto RULE=START:STOP:STEP, or drop it")
    return False


def _quiet_workers(debug: bool) -> Callable[[], None]:
    """Worker processes are fresh interpreters: they ignore warnings too, unless --debug. Returns the undo."""
    saved = os.environ.get("PYTHONWARNINGS")
    if not debug:
        os.environ["PYTHONWARNINGS"] = "ignore"

    def undo() -> None:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved
    return undo


def render_study(study: dict[str, Any], lang: str = "en") -> str:
    """The terminal text of a study: a title line, the table, the base design and the run."""
    from gdc.report.text import table
    from gdc.report.tradeoff import study_table

    zh = lang == "zh"
    headers, rows, right = study_table(study, lang)
    if study["study"] == "sensitivity":
        title = (f"敏感性分析：{study['site']}（±{study['range_pct']:g} %，步长 {study['step_pct']:g} %；"
                 f"{study['evaluation']}）" if zh else
                 f"Sensitivity: {study['site']} (±{study['range_pct']:g} % in {study['step_pct']:g} % steps; "
                 f"{study['evaluation']})")
    else:
        name = study.get("rule_name_zh" if zh else "rule_name_en") or study["rule"]
        title = (f"规则取值的代价：{study['site']}，{name}（{study['evaluation']}）" if zh else
                 f"Trade-off: {study['site']}, {name} ({study['evaluation']})")
    lines = [title, table(headers, rows, right=right)]
    if study["study"] == "pareto":
        thr, base = study.get("site_threshold"), study.get("base")
        if thr is not None:
            cost = base.get("cost_cny_per_year") if base else None
            tail = f": {cost / 1e4:,.1f} x10^4 CNY/yr" if cost is not None else ""
            lines.append(f"  site's own threshold: {thr:g} {study.get('unit') or ''}{tail}" if not zh else
                         f"  场址自身限值：{thr:g} {study.get('unit') or ''}" + (f"：{cost / 1e4:,.1f} 万元/年" if cost else ""))
    run = study.get("run", {})
    bad = sum(r.get("status") in ("error", "infeasible") for r in study["points"])
    lines.append(("" if not bad else (f"  {bad} 个点不可行或出错（见说明列）\n" if zh else
                                      f"  {bad} point(s) infeasible or failed (see the note column)\n"))
                 + (f"{run.get('points')} 个点，用时 {run.get('elapsed_s', 0):.1f} s（{run.get('backend')}，"
                    f"{run.get('workers')} 个进程）" if zh else
                    f"{run.get('points')} points in {run.get('elapsed_s', 0):.1f} s ({run.get('backend')}, "
                    f"{run.get('workers')} worker(s))"))
    return "\n".join(lines)


def run_study(site_file: Path, *, year: int | None, lang: str, json_out: str | None, report: str | None,
              xlsx_out: str | None, hourly: str | None, write_site: str | None, save_lp: str | None,
              typical_days: int, certify: str, gap: float | None, objective: str = "cost",
              sensitivity: str | None = None, range_pct: float = 25.0, step_pct: float = 5.0,
              fixed_design: bool = False, pareto: str | None = None, workers: int | None = None,
              scheduler: str | None = None, dask_local: int | None = None, csv_out: str | None = None) -> None:
    """Run ``gdc size --sensitivity`` or ``--pareto``, print the table, write the outputs, exit."""
    from gdc.cli.main import _debug_enabled
    from gdc.cli.outputs import output_path, write_json, writing
    from gdc.screen.points import HowToSize

    if sensitivity and pareto:
        raise InputError("give --sensitivity or --pareto, not both", field="--pareto",
                         fix="run them one after the other")
    for value, name, why in ((hourly, "--hourly", "one design's hours"), (write_site, "--write-site", "one design"),
                             (save_lp, "--save-lp", "one LP")):
        if value:
            raise InputError(f"{name} writes {why}; a study sizes many", field=name,
                             fix=f"drop {name}, or run gdc size without --sensitivity / --pareto")
    if fixed_design and pareto:
        raise InputError("--fixed-design is for --sensitivity", field="--fixed-design",
                         fix="a Pareto level is a new sizing: drop --fixed-design")
    if gap is not None and typical_days:
        raise InputError("--gap sets the exact LP's self-use-first search", field="--gap",
                         fix="drop --typical-days to size with that gap, or drop --gap")
    if scheduler and dask_local:
        raise InputError("give --scheduler or --dask-local, not both", field="--scheduler")
    output_path(csv_out, "--csv")
    from gdc.site.schema import read_site, with_year

    site = read_site(site_file)
    if year is not None:
        site = with_year(site, year)
    how = HowToSize("size", typical_days=typical_days, certificate=certify, gap=gap, objective=objective)
    keep = bool(report)
    show = sys.stderr.isatty()
    undo = _quiet_workers(_debug_enabled())
    try:
        if sensitivity:
            from gdc.screen.sensitivity import parse_parameters, run_sensitivity

            names = parse_parameters(sensitivity)
            from gdc.screen.sensitivity import changes

            k = len(changes(range_pct, step_pct))
            if json_out != "-":
                each = "the base design re-dispatched" if fixed_design else how.describe()
                click.echo(f"sensitivity: {len(names) * k + 1} points ({len(names)} parameter(s) x {k} changes "
                           f"+ the base), each {each} ...", err=True)
            study = run_sensitivity(site, names, range_pct, step_pct, how=how, fixed_design=fixed_design, year=year,
                                    workers=workers, scheduler=scheduler, dask_local=dask_local, progress=show,
                                    keep_base=keep)
        else:
            from gdc.screen.pareto import parse_pareto, run_pareto

            _, levels = parse_pareto(pareto or "")
            if json_out != "-":
                click.echo(f"pareto: {len(levels)} level(s), each {how.describe()} ...", err=True)
            study = run_pareto(site, pareto or "", how=how, year=year, workers=workers, scheduler=scheduler,
                               dask_local=dask_local, progress=show, keep_base=keep)
    finally:
        undo()
    data = study.as_dict()
    if json_out != "-":
        click.echo(render_study(data, lang))
    if json_out:
        write_json(data, json_out)
    if report:
        from gdc.report.html import write_html_report
        from gdc.report.tradeoff import study_page

        with writing(report, "--report") as target:
            if study.base_result is not None:
                from gdc.finance.cashflow import finance_of

                res = study.base_result
                if "finance" not in res.extra:
                    res.extra["finance"] = finance_of(res).as_dict()
                res.extra["study"] = data
                write_html_report(res, target, lang)
            else:
                target.write_text(study_page(data, lang), encoding="utf-8")
        click.echo(f"HTML report written to {report}", err=True)
    if xlsx_out:
        from gdc.report.tradeoff import write_study_xlsx

        with writing(xlsx_out, "--xlsx") as target:
            write_study_xlsx(data, target, lang)
        click.echo(f"workbook written to {xlsx_out}", err=True)
    if csv_out:
        from gdc.report.tradeoff import write_study_csv

        with writing(csv_out, "--csv") as target:
            write_study_csv(data, target)
        click.echo(f"table written to {csv_out}", err=True)
    if study.run.get("interrupted"):
        click.echo(f"interrupted: {len(study.rows)} point(s) done", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(0)


__all__ = ["EXIT_INTERRUPTED", "render_study", "run_study", "study_options", "study_requested"]
