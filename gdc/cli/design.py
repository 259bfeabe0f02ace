"""``gdc check`` and ``gdc size``: one design's verdicts, and the least-cost design that complies.

Registered by :mod:`gdc.cli.main`. The pipeline (:mod:`gdc.check`) and the optimiser
(:mod:`gdc.optimise`, Pyomo and HiGHS) are imported inside the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gdc.cli.options import common_outputs
from gdc.cli.outputs import (
    EXIT_FAIL,
    check_outputs,
    emit_check,
    emit_infeasible,
    write_reports,
    write_site_file,
)
from gdc.cli.studies import study_options, study_requested
from gdc.site.errors import InfeasibleError, InputError


def _read(site_file: Path, year: int | None) -> Any:
    from gdc.site.schema import read_site, with_year

    site = read_site(site_file)
    return with_year(site, year) if year is not None else site


def _solve(run: Callable[[], Any], site: Any, json_out: str | None, lang: str) -> Any:
    """``run()``; when no design complies, the explanation in ``lang`` (and as JSON), exit code 1."""
    try:
        return run()
    except InfeasibleError as exc:
        from gdc.cli.main import _debug_enabled

        emit_infeasible(exc, site, json_out=json_out, lang=lang)
        if _debug_enabled():
            raise
        sys.exit(EXIT_FAIL)


def _finance(result: Any) -> None:
    """The design's finance (:mod:`gdc.finance`: cash flows, NPV, IRRs, composite price) as ``finance`` in its JSON."""
    from gdc.finance.cashflow import finance_of

    result.extra["finance"] = finance_of(result).as_dict()


def _echo_finance(result: Any, json_out: str | None, lang: str) -> None:
    if json_out != "-":
        from gdc.finance.text import finance_lines

        click.echo("\n".join(finance_lines(result.extra["finance"], lang)))


@click.command()
@common_outputs
@click.option("--dispatch", type=click.Choice(["rule", "optimal"]), default="rule", show_default=True,
              help="'rule': renewable-first dispatch; 'optimal': the least-cost dispatch that satisfies the rules.")
@click.option("--years", metavar="YEARS", default=None,
              help="Check every year of the life: 2026-2040, all, 2029 or 2026,2030 (one row per year and "
                   "weather year; exit 1 if any year fails).")
def check(site_file: Path, json_out: str | None, hourly: str | None, lang: str, definitions: str,
          year: int | None, write_site: str | None, report: str | None, xlsx_out: str | None,
          dispatch: str, years: str | None) -> None:
    """Check a design against its jurisdiction's rules.

    A site whose capacities are {min, max} bounds is sized first, then checked.
    Exit code 0 when nothing fails, 1 when a rule fails, 2 for bad input.

    \b
    Examples:
      gdc check sample_sites/shandong-export-battery/site.yaml
      gdc check site.yaml --year 2030 --lang zh
      gdc check site.yaml --json                 # the result as JSON on stdout
      gdc check site.yaml --json out/result.json --report out/report.html --xlsx out/result.xlsx
      gdc check site.yaml --dispatch optimal --hourly hourly.csv
      gdc check site.yaml --years 2026-2040      # every year of the life
    """
    from gdc.check import check_site

    check_outputs(json_out=json_out, hourly=hourly, write_site=write_site, report=report, xlsx_out=xlsx_out)
    if years is not None:
        from gdc.cli.life import check_years, refuse_with_years

        refuse_with_years(year=year, hourly=hourly, write_site=write_site, dispatch=dispatch)
        check_years(site_file, years, json_out=json_out, lang=lang, report=report, xlsx_out=xlsx_out)
    site = _read(site_file, year)
    title = "check"
    if site.needs_sizing():
        from gdc.optimise.size import size_site

        result = _solve(lambda: size_site(site), site, json_out, lang)
        title = "check (sized first: capacities were bounds)"
    elif dispatch == "optimal":
        from gdc.optimise.size import optimal_dispatch

        result = _solve(lambda: optimal_dispatch(site), site, json_out, lang)
        title = "check (optimal dispatch)"
    else:
        result = check_site(site)
    _finance(result)
    emit_check(result, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions, title=title)
    _echo_finance(result, json_out, lang)
    write_reports(result, report, xlsx_out, lang)
    write_site_file(result, write_site)
    sys.exit(result.exit_code)


def _progress() -> Callable[[str], None] | None:
    """The self-use-first search's lines on stderr, only when stderr is a terminal (a log or a
    pipe, and the tests, stay clean)."""
    if not sys.stderr.isatty():
        return None
    return lambda line: click.echo(f"  {line}", err=True)


@click.command()
@common_outputs
@click.option("--typical-days", type=click.IntRange(min=0), default=0, show_default=True,
              help="Size on N typical days (tsam) and certify the design on the full year; 0: the exact "
                   "full-year LP (with --years: N per weather year, 0 for the default 32).")
@click.option("--certify", type=click.Choice(["lp", "dispatch"]), default="lp", show_default=True,
              help="With --typical-days: certify on the full year by the least-cost dispatch LP (exact cost), "
                   "or first by a constructive dispatch (faster; its cost is an upper bound).")
@click.option("--save-lp", metavar="FILE", default=None,
              help="Write the full-year sizing LP, as handed to HiGHS, to FILE (.lp or .mps) for another "
                   "solver (the first LP when the self-use-first search runs).")
@click.option("--gap", type=click.FloatRange(min=0.0, max=1.0), default=None, metavar="FRACTION",
              help="Relative gap at which the self-use-first search stops (default 0.005: the design is "
                   "certified within 0.5 % of the least cost; 1e-6 for the exact optimum, more LPs).")
@click.option("--objective", type=click.Choice(["cost", "composite-price", "initial-investment", "npv"]),
              default="cost", show_default=True,
              help="What the sizing minimises: the annual cost; the composite price of the supplied energy "
                   "(综合电价); the initial investment; or the NPV, maximised (gdc.optimise.objectives).")
@click.option("--years", metavar="YEARS", default=None,
              help="Size for every year of 2026-2035, all (the life), 2029 or 2026,2030: the least-cost design "
                   "that complies in each year and weather year (annualised equivalent of the present value; "
                   "gdc.optimise.horizon).")
@click.option("--weather-pass", type=click.FloatRange(min=0.0, max=1.0, min_open=True), default=1.0,
              show_default=True, metavar="SHARE",
              help="With --years: the share of weather years the design must pass in, in every year.")
@click.option("--exact", is_flag=True, help="With --years: solve the stacked full-year LP instead of typical days.")
@click.option("--stages", metavar="YEARS", default=None,
              help="With --years: years at which PV, wind and storage may be added, e.g. 2026,2029 "
                   "(default the site's stages:).")
@study_options
def size(site_file: Path, json_out: str | None, hourly: str | None, lang: str, definitions: str,
         year: int | None, write_site: str | None, report: str | None, xlsx_out: str | None,
         typical_days: int, certify: str, save_lp: str | None, gap: float | None, objective: str,
         years: str | None, weather_pass: float, exact: bool, stages: str | None, **study: Any) -> None:
    """Least-cost PV, wind and storage capacities that comply (Pyomo LP, HiGHS).

    Capacities given as {min, max} in the site file are chosen; numbers stay fixed.
    Exit code 0 for a compliant design, 1 when none exists (the reasons and the least change
    of each bound that would make it feasible; with --json, {"status": "infeasible", ...}),
    2 for bad input.

    \b
    Examples:
      gdc size sample_sites/park-2026-day-types/size.yaml
      gdc size size.yaml --write-site sized.yaml && gdc check sized.yaml
      gdc size size.yaml --typical-days 12 --report sizing.html
      gdc size size.yaml --json > sizing.json
      gdc size size.yaml --gap 0.001             # certified within 0.1 % of the least cost
      gdc size size.yaml --objective npv         # the largest NPV instead of the least annual cost
      gdc size size.yaml --typical-days 16 --sensitivity capex_pv,import_price --range 25 --step 5 --report s.html
      gdc size size.yaml --pareto load_share=30:60:5 --xlsx pareto.xlsx   # what a stricter rule costs
      gdc size size.yaml --years 2026-2035 --stages 2026,2029   # every year, with a second build stage
    """
    check_outputs(json_out=json_out, hourly=hourly, write_site=write_site, report=report, xlsx_out=xlsx_out)
    if years is not None:  # sizing over the life (gdc.cli.horizon)
        from gdc.cli.horizon import refuse_with_years, size_years

        refuse_with_years(year=year, save_lp=save_lp, gap=gap, objective=objective, exact=exact,
                          typical_days=typical_days)
        given = [name for key, name in (("sensitivity", "--sensitivity"), ("pareto", "--pareto"),
                                        ("fixed_design", "--fixed-design"), ("csv_out", "--csv"),
                                        ("scheduler", "--scheduler"), ("dask_local", "--dask-local"))
                 if study.get(key)]
        if given:
            raise InputError(f"{', '.join(given)}: a study re-sizes one year; --years sizes the life",
                             field="--years", fix="drop --years for the study, or drop the study's options")
        size_years(site_file, years, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions,
                   write_site=write_site, report=report, xlsx_out=xlsx_out, n_days=typical_days, exact=exact,
                   weather_pass=weather_pass, stages_text=stages, certify=certify, workers=study.get("workers"))
    if exact or stages is not None or weather_pass != 1.0:
        raise InputError("--exact, --stages and --weather-pass size over several years", field="--years",
                         fix="add --years 2026-2035 (or all), or drop those options")
    if study_requested(study):  # --sensitivity / --pareto: many sizings (gdc.cli.studies)
        from gdc.cli.studies import run_study

        run_study(site_file, year=year, lang=lang, json_out=json_out, report=report, xlsx_out=xlsx_out, hourly=hourly,
                  write_site=write_site, save_lp=save_lp, typical_days=typical_days, certify=certify, gap=gap,
                  objective=objective, **study)
    site = _read(site_file, year)
    if json_out != "-":
        how = f"on {typical_days} typical days, then certifying on the full year" if typical_days else \
            "building the LP and solving it with HiGHS"
        click.echo(f"sizing: {how} ...", err=True)
    if typical_days:
        from gdc.optimise.typical import size_site_typical

        if save_lp:
            raise InputError("--save-lp writes the exact full-year LP", field="--save-lp",
                             fix="drop --typical-days to write it, or drop --save-lp")
        if gap is not None:
            raise InputError("--gap sets the exact LP's self-use-first search; --typical-days certifies its "
                             "design on the full year with the capacities fixed (no search)", field="--gap",
                             fix="drop --typical-days to size with that gap, or drop --gap")
        result = _solve(lambda: size_site_typical(site, n_days=typical_days, certificate=certify,
                                                  objective=objective),
                        site, json_out, lang)
    else:
        from gdc.optimise.size import SELF_USE_GAP, size_site

        result = _solve(lambda: size_site(site, save_lp=save_lp, gap=SELF_USE_GAP if gap is None else gap,
                                          objective=objective,
                                          progress=_progress()), site, json_out, lang)
    _finance(result)
    emit_check(result, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions, title="size")
    _echo_finance(result, json_out, lang)
    if json_out != "-" and "objective" in result.extra:
        from gdc.optimise.objectives import objective_line

        click.echo(objective_line(result.extra["objective"], lang))
    write_reports(result, report, xlsx_out, lang)
    write_site_file(result, write_site)
    sys.exit(result.exit_code)
