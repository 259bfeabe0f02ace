"""The ``gdc`` command line (click).

Exit codes: 0 = nothing fails, 1 = a rule fails (or no compliant design), 2 = bad input,
3 = an internal error (a bug: run again with ``--debug`` and report the traceback).
Heavy libraries (pvlib, Pyomo, Dask) are imported inside the commands that use them.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gdc import __version__
from gdc.errors import InfeasibleError, InputError

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3

LANG = click.option("--lang", type=click.Choice(["en", "zh"]), default=lambda: os.environ.get("GDC_LANG", "en"),
                    show_default="en, or $GDC_LANG", help="Report language.")


_STATE = {"debug": False}


def _debug_enabled() -> bool:
    return _STATE["debug"] or os.environ.get("GDC_DEBUG") == "1"


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn user errors into one message and exit code 2; bugs into exit code 3."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            if _debug_enabled():
                raise
            click.echo(click.style("error: ", fg="red", bold=True) + str(exc), err=True)
            sys.exit(EXIT_INPUT)
        except InfeasibleError as exc:
            if _debug_enabled():
                raise
            click.echo(click.style("no compliant design: ", fg="red", bold=True) + str(exc), err=True)
            sys.exit(EXIT_FAIL)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _debug_enabled():
                raise
            click.echo(click.style("internal error: ", fg="red", bold=True)
                       + f"{type(exc).__name__}: {exc}\n  run again with 'gdc --debug ...' for the traceback "
                       "and report it", err=True)
            sys.exit(EXIT_BUG)

    return wrapper


class GdcGroup(click.Group):
    """A click group whose every command reports user errors the same way."""

    def invoke(self, ctx: click.Context) -> Any:
        return handle_errors(super().invoke)(ctx)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _STATE["debug"] = True


#: ``--debug`` accepted after the command name too (``gdc check site.yaml --debug``).
DEBUG = click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                     help="Show tracebacks instead of one-line errors.")


@click.group(cls=GdcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gdc")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """gdc: compliance, sizing and screening of green-power direct-connection (绿电直连) projects.

    \b
    Exit codes: 0 nothing fails, 1 a rule fails, 2 bad input, 3 internal error.
    """
    _STATE["debug"] = debug
    ctx.obj = {"debug": debug}


def write_json(data: dict[str, Any], target: str) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    if target == "-":
        click.echo(text)
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj).__name__)


def write_hourly(result: Any, path: str, lang: str) -> None:
    df = result.balance.hourly_table(index=result.profiles.index, lang=lang)
    if df.index.name is None and result.profiles.index is not None:
        df.index.name = "时间" if lang == "zh" else "timestamp"
    df.round(6).to_csv(path, encoding="utf-8-sig", index=result.profiles.index is not None)


def emit_check(result: Any, *, json_out: str | None, hourly: str | None, lang: str, definitions: str,
               title: str = "check") -> None:
    """Print a check's report and write its optional outputs."""
    from gdc.report.terminal import render_check

    if json_out != "-":
        click.echo(render_check(result, lang=lang, colour=sys.stdout.isatty(), definitions=definitions,
                                title=title))
    if json_out:
        write_json(result.as_dict(), json_out)
    if hourly:
        write_hourly(result, hourly, lang)
        if json_out != "-":
            click.echo(f"hourly balance written to {hourly}")


def common_outputs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options check and size share."""
    for deco in reversed([
        click.argument("site_file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--json", "json_out", metavar="PATH", help="Write the result as JSON ('-' for stdout only)."),
        click.option("--hourly", metavar="CSV", help="Write the hourly balance, one row per hour."),
        LANG,
        DEBUG,
        click.option("--definitions", type=click.Choice(["default", "all"]), default="default",
                     help="'all' shows other definitions of the ratios side by side."),
        click.option("--year", type=int, default=None, help="Evaluate in this year instead of the site file's."),
        click.option("--write-site", metavar="YAML", help="Write the site with the (sized) capacities."),
        click.option("--report", metavar="HTML", help="Write a self-contained HTML report with plots."),
        click.option("--xlsx", "xlsx_out", metavar="XLSX", help="Write an Excel workbook (summary, verdicts, hourly)."),
    ]):
        fn = deco(fn)
    return fn


def _read(site_file: Path, year: int | None):
    from gdc.site import read_site, with_year

    site = read_site(site_file)
    return with_year(site, year) if year is not None else site


def _write_reports(result: Any, report: str | None, xlsx_out: str | None, lang: str) -> None:
    if report:
        from gdc.report.html import write_html_report

        write_html_report(result, report, lang)
        click.echo(f"HTML report written to {report}", err=True)
    if xlsx_out:
        from gdc.report.xlsx import write_xlsx

        write_xlsx(result, xlsx_out, lang)
        click.echo(f"workbook written to {xlsx_out}", err=True)


def _write_site(result: Any, path: str | None) -> None:
    if path:
        from gdc.write_site import write_sized_site

        write_sized_site(result.site, result.design, path)
        click.echo(f"site with these capacities written to {path}", err=True)


@main.command()
@common_outputs
@click.option("--dispatch", type=click.Choice(["rule", "optimal"]), default="rule", show_default=True,
              help="'rule': renewable-first dispatch; 'optimal': the least-cost dispatch that satisfies the rules.")
def check(site_file: Path, json_out: str | None, hourly: str | None, lang: str, definitions: str,
          year: int | None, write_site: str | None, report: str | None, xlsx_out: str | None,
          dispatch: str) -> None:
    """Check a design against its jurisdiction's rules.

    A site whose capacities are {min, max} bounds is sized first, then checked.
    Exit code 0 when nothing fails, 1 when a rule fails, 2 for bad input.
    """
    from gdc.check import check_site

    site = _read(site_file, year)
    title = "check"
    if site.needs_sizing():
        from gdc.size import size_site

        result = size_site(site)
        title = "check (sized first: capacities were bounds)"
    elif dispatch == "optimal":
        from gdc.size import optimal_dispatch

        result = optimal_dispatch(site)
        title = "check (optimal dispatch)"
    else:
        result = check_site(site)
    emit_check(result, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions, title=title)
    _write_reports(result, report, xlsx_out, lang)
    _write_site(result, write_site)
    sys.exit(result.exit_code)


@main.command()
@common_outputs
@click.option("--typical-days", type=click.IntRange(min=0), default=0, show_default=True,
              help="Size on N typical days (tsam) and certify the design on the full year; 0: the exact "
                   "full-year LP.")
@click.option("--certify", type=click.Choice(["lp", "dispatch"]), default="lp", show_default=True,
              help="With --typical-days: certify on the full year by the least-cost dispatch LP (exact cost), "
                   "or first by a constructive dispatch (faster; its cost is an upper bound).")
def size(site_file: Path, json_out: str | None, hourly: str | None, lang: str, definitions: str,
         year: int | None, write_site: str | None, report: str | None, xlsx_out: str | None,
         typical_days: int, certify: str) -> None:
    """Least-cost PV, wind and storage capacities that comply (Pyomo LP, HiGHS).

    Capacities given as {min, max} in the site file are chosen; numbers stay fixed.
    Exit code 0 for a compliant design, 1 when none exists (with the reasons), 2 for bad input.
    """
    site = _read(site_file, year)
    if json_out != "-":
        how = f"on {typical_days} typical days, then certifying on the full year" if typical_days else \
            "building the LP and solving it with HiGHS"
        click.echo(f"sizing: {how} ...", err=True)
    if typical_days:
        from gdc.size_typical import size_site_typical

        result = size_site_typical(site, n_days=typical_days, certificate=certify)
    else:
        from gdc.size import size_site

        result = size_site(site)
    emit_check(result, json_out=json_out, hourly=hourly, lang=lang, definitions=definitions, title="size")
    _write_reports(result, report, xlsx_out, lang)
    _write_site(result, write_site)
    sys.exit(result.exit_code)


@main.command()
@click.argument("jurisdiction", required=False, default="national")
@click.option("--year", type=int, default=None, help="Evaluation year (default: this year).")
@click.option("--start-year", type=int, default=None, help="Project start year (default: the year).")
@LANG
@DEBUG
@click.option("--json", "json_out", metavar="PATH", help="Write the rules as JSON ('-' for stdout).")
def rules(jurisdiction: str, year: int | None, start_year: int | None, lang: str, json_out: str | None) -> None:
    """List the rules and thresholds of a jurisdiction in a year."""
    import datetime

    from gdc.report.rules_listing import render_rules, rules_as_dict
    from gdc.rules import load_rule_set

    year = year or datetime.date.today().year
    rs = load_rule_set(jurisdiction)
    if json_out:
        write_json(rules_as_dict(rs, year, start_year or year), json_out)
    if json_out != "-":
        click.echo(render_rules(rs, year, start_year or year, lang))


@main.command()
@click.option("-o", "--output", default="-", help="Where to write the JSON Schema ('-' for stdout).")
def schema(output: str) -> None:
    """Print the JSON Schema of site files (for editors' autocompletion)."""
    from gdc.site import site_json_schema

    write_json(site_json_schema(), output)


#: Commands living in their own modules: (module, click command attribute).
PLUGIN_COMMANDS = (
    ("gdc.cli_profile", "profile"),
    ("gdc.cli_screen", "screen"),
    ("gdc.cli_reports", "import_xlsx"),
)


def _register_optional() -> None:
    """Add the commands of :data:`PLUGIN_COMMANDS` (their modules import lazily themselves)."""
    import importlib

    for module, attr in PLUGIN_COMMANDS:
        try:
            command = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):  # pragma: no cover - module not in this build
            continue
        main.add_command(command)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    main()
