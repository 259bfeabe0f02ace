"""The ``gdc`` command line (click).

Exit codes: 0 = nothing fails, 1 = a rule fails (or no compliant design), 2 = bad input,
3 = an internal error (a bug: run again with ``--debug`` and report the traceback).
Heavy libraries (pvlib, Pyomo, Dask) are imported inside the commands that use them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from gdc import __version__
from gdc.site.errors import InfeasibleError, InputError

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3

LANG = click.option("--lang", type=click.Choice(["en", "zh"]), default=lambda: os.environ.get("GDC_LANG", "en"),
                    show_default="en, or $GDC_LANG", help="Report language.")


_STATE = {"debug": False}


def _debug_enabled() -> bool:
    return _STATE["debug"] or os.environ.get("GDC_DEBUG") == "1"


def _show_note(message: Warning | str, category: type[Warning], filename: str, lineno: int,
               file: Any = None, line: str | None = None) -> None:
    """Show one of gdc's own warnings as a one-line note (no file name, no 'UserWarning')."""
    click.echo(f"note: {message}", err=True)


def configure_warnings(debug: bool | None = None) -> None:
    """No Python warning reaches the terminal in normal use; under ``--debug`` all are shown.

    Normal use: warnings of libraries (RuntimeWarning, FutureWarning, DeprecationWarning,
    ...) are ignored; gdc's own (a UserWarning raised in ``gdc.*``, e.g. "plots in
    English") are shown as one ``note:`` line. ``--debug`` (or ``GDC_DEBUG=1``): Python's
    usual display, every warning once per place.
    """
    debug = _debug_enabled() if debug is None else debug
    warnings.resetwarnings()
    if debug:
        warnings.simplefilter("default")
        warnings.showwarning = _ORIGINAL_SHOWWARNING
    else:
        warnings.simplefilter("ignore")
        warnings.filterwarnings("default", category=UserWarning, module=r"gdc(\.|$)")
        warnings.showwarning = _show_note


_ORIGINAL_SHOWWARNING = warnings.showwarning


# ----------------------------------------------------------------------------- output paths


def output_path(value: str | Path | None, option: str, *, folder: bool = False) -> Path | None:
    """Check an output path before any work is done; ``None`` for no output or ``-`` (stdout).

    A path into a missing folder is fine (the folder is created when the file is written,
    as for every output option). A path that is an existing folder (for a file), an existing
    file (for a folder), under a file, or not writable is bad input.

    Parameters
    ----------
    value : str or Path or None
        The option's value.
    option : str
        The option's name (``--json``), for the message.
    folder : bool
        The option names a folder (``gdc screen -o``), not a file.

    Raises
    ------
    InputError
        Naming the option and the fix.
    """
    if value is None or str(value) == "-":
        return None
    path = Path(value)
    if str(value).strip() == "":
        raise InputError("an empty path", field=option, fix=f"give a file name after {option}")
    if folder:
        if path.exists() and not path.is_dir():
            raise InputError("this is a file, not a folder", file=path, field=option,
                             fix=f"give a folder name after {option} (it is created when missing)")
    elif path.is_dir():
        raise InputError("this is a folder, not a file", file=path, field=option,
                         fix=f"give a file name, e.g. {option} {path / _example_name(option)}")
    parent = path if folder and path.is_dir() else path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"'{parent}' is a file, so no folder can be made there", file=path, field=option,
                         fix="write into a folder, or choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"the folder '{parent}' is not writable", file=path, field=option,
                         fix="choose a folder you may write to")
    if not folder and path.exists() and not os.access(path, os.W_OK):
        raise InputError("the file is not writable", file=path, field=option,
                         fix="choose another file name, or make the file writable")
    return path


def _example_name(option: str) -> str:
    return {"--json": "result.json", "--hourly": "hourly.csv", "--report": "report.html", "--xlsx": "result.xlsx",
            "--write-site": "site.yaml", "--profiles": "profiles.csv"}.get(option, "a-file-name")


@contextlib.contextmanager
def writing(path: str | Path, option: str) -> Iterator[Path]:
    """Create the file's folder, and turn an operating-system error on writing into bad input.

    Yields
    ------
    Path
        The path, its folder now existing.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as exc:
        name = getattr(exc, "filename", None)
        if name is not None and Path(name).resolve() not in (path.resolve(), path.resolve().parent):
            raise
        raise InputError(f"cannot write: {exc.strerror or exc}", file=path, field=option,
                         fix="choose another path (an existing folder you may write to)") from exc


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
        except BrokenPipeError:  # the reader went away (gdc ... | head): not an error of gdc's
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no flush error at exit
            sys.exit(EXIT_OK)
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
        configure_warnings(True)


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
    configure_warnings()
    ctx.obj = {"debug": debug}


def write_json(data: dict[str, Any], target: str, option: str = "--json") -> None:
    """Write JSON to a file (its folder created), or to stdout for ``-``."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    if target == "-":
        click.echo(text)
    else:
        with writing(target, option) as path:
            path.write_text(text + "\n", encoding="utf-8")


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
    """Write the hourly balance as CSV (text cells guarded against formula injection)."""
    from gdc.exchange.cells import write_csv

    df = result.balance.hourly_table(index=result.profiles.index, lang=lang)
    if df.index.name is None and result.profiles.index is not None:
        df.index.name = "时间" if lang == "zh" else "timestamp"
    with writing(path, "--hourly") as target:
        write_csv(df.round(6), target, encoding="utf-8-sig", index=result.profiles.index is not None)


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


#: ``--json`` alone prints JSON to stdout (and nothing else); ``--json FILE`` writes a file.
JSON_OPTION = click.option(
    "--json", "json_out", metavar="[FILE]", is_flag=False, flag_value="-", default=None,
    help="The result as JSON: alone, on stdout (instead of the report); with FILE, written to FILE. "
         "Put it after the other arguments, or write --json=FILE.")

#: Output options of check and size: (parameter, option name).
OUTPUT_OPTIONS = (("json_out", "--json"), ("hourly", "--hourly"), ("write_site", "--write-site"),
                  ("report", "--report"), ("xlsx_out", "--xlsx"))


def check_outputs(**values: str | None) -> None:
    """Check every output path of a command before the work starts (see :func:`output_path`)."""
    names = dict(OUTPUT_OPTIONS)
    for key, value in values.items():
        output_path(value, names.get(key, key))


def common_outputs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options check and size share."""
    for deco in reversed([
        click.argument("site_file", type=click.Path(dir_okay=False, path_type=Path)),
        JSON_OPTION,
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


def check_year(value: int, field: str, option: str) -> int:
    """Refuse a year outside the site schema's bounds for ``field`` (as ``gdc check`` does).

    The bounds are the site schema's (:class:`gdc.site.schema.Site`), so ``gdc rules --year`` and
    ``gdc check --year`` accept the same years with the same message.

    Raises
    ------
    InputError
        Naming the option, with the accepted range.
    """
    from typing import Annotated

    from pydantic import TypeAdapter, ValidationError

    from gdc.site.schema import Site

    info = Site.model_fields[field]
    kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
        prop = Site.model_json_schema(by_alias=True)["properties"][field]
        prop = next((p for p in prop.get("anyOf", [prop]) if "minimum" in p), prop)
        span = (f"a year from {prop['minimum']} to {prop['maximum']}" if "minimum" in prop and "maximum" in prop
                else "another year")
        raise InputError(f"{msg} (got {value!r})", field=option, fix=f"give {span}") from exc
    return value


def _read(site_file: Path, year: int | None):
    from gdc.site.schema import read_site, with_year

    site = read_site(site_file)
    return with_year(site, year) if year is not None else site


def _write_reports(result: Any, report: str | None, xlsx_out: str | None, lang: str) -> None:
    if report:
        from gdc.report.html import write_html_report

        with writing(report, "--report") as target:
            write_html_report(result, target, lang)
        click.echo(f"HTML report written to {report}", err=True)
    if xlsx_out:
        from gdc.report.xlsx import write_xlsx

        with writing(xlsx_out, "--xlsx") as target:
            write_xlsx(result, target, lang)
        click.echo(f"workbook written to {xlsx_out}", err=True)


def _write_site(result: Any, path: str | None) -> None:
    if path:
        from gdc.exchange.write_site import write_sized_site

        with writing(path, "--write-site") as target:
            write_sized_site(result.site, result.design, target)
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

    \b
    Examples:
      gdc check sample_sites/shandong-export-battery/site.yaml
      gdc check site.yaml --year 2030 --lang zh
      gdc check site.yaml --json                 # the result as JSON on stdout
      gdc check site.yaml --json out/result.json --report out/report.html --xlsx out/result.xlsx
      gdc check site.yaml --dispatch optimal --hourly hourly.csv
    """
    from gdc.check import check_site

    check_outputs(json_out=json_out, hourly=hourly, write_site=write_site, report=report, xlsx_out=xlsx_out)
    site = _read(site_file, year)
    title = "check"
    if site.needs_sizing():
        from gdc.optimise.size import size_site

        result = size_site(site)
        title = "check (sized first: capacities were bounds)"
    elif dispatch == "optimal":
        from gdc.optimise.size import optimal_dispatch

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
@click.option("--save-lp", metavar="FILE", default=None,
              help="Write the full-year sizing LP, as handed to HiGHS, to FILE (.lp or .mps) for another "
                   "solver (the first LP when the self-use-first search runs).")
def size(site_file: Path, json_out: str | None, hourly: str | None, lang: str, definitions: str,
         year: int | None, write_site: str | None, report: str | None, xlsx_out: str | None,
         typical_days: int, certify: str, save_lp: str | None) -> None:
    """Least-cost PV, wind and storage capacities that comply (Pyomo LP, HiGHS).

    Capacities given as {min, max} in the site file are chosen; numbers stay fixed.
    Exit code 0 for a compliant design, 1 when none exists (with the reasons), 2 for bad input.

    \b
    Examples:
      gdc size sample_sites/park-2026-day-types/size.yaml
      gdc size size.yaml --write-site sized.yaml && gdc check sized.yaml
      gdc size size.yaml --typical-days 12 --report sizing.html
      gdc size size.yaml --json > sizing.json
    """
    check_outputs(json_out=json_out, hourly=hourly, write_site=write_site, report=report, xlsx_out=xlsx_out)
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
        result = size_site_typical(site, n_days=typical_days, certificate=certify)
    else:
        from gdc.optimise.size import size_site

        result = size_site(site, save_lp=save_lp)
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
@JSON_OPTION
def rules(jurisdiction: str, year: int | None, start_year: int | None, lang: str, json_out: str | None) -> None:
    """List the rules and thresholds of a jurisdiction in a year.

    \b
    Examples:
      gdc rules shandong --year 2027
      gdc rules national --json           # as JSON on stdout
      gdc rules ningxia --json rules.json
    """
    import datetime

    from gdc.report.rules_listing import render_rules, rules_as_dict
    from gdc.rules.ruleset import load_rule_set

    if json_out not in (None, "-") and not Path(json_out).suffix and jurisdiction == "national":
        from gdc.rules.ruleset import NATIONAL_FALLBACK, available_rule_sets

        if json_out.lower() in set(available_rule_sets()) | NATIONAL_FALLBACK:
            raise InputError(f"'--json {json_out}' would write the national rules to a file named '{json_out}'",
                             field="--json", fix=f"gdc rules {json_out} --json (the jurisdiction first)")
    output_path(json_out, "--json")
    year = check_year(year or datetime.date.today().year, "year", "--year")
    if start_year is not None:
        check_year(start_year, "start_year", "--start-year")
    rs = load_rule_set(jurisdiction)
    if json_out:
        write_json(rules_as_dict(rs, year, start_year or year), json_out)
    if json_out != "-":
        click.echo(render_rules(rs, year, start_year or year, lang))


@main.command()
@click.option("-o", "--output", default="-", help="Where to write the JSON Schema ('-' for stdout).")
def schema(output: str) -> None:
    """Print the JSON Schema of site files (for editors' autocompletion)."""
    from gdc.site.schema import site_json_schema

    output_path(output, "--output")
    write_json(site_json_schema(), output, "--output")


#: Commands living in their own modules: (module, click command attribute).
PLUGIN_COMMANDS = (
    ("gdc.cli.profile", "profile"),
    ("gdc.cli.screen", "screen"),
    ("gdc.cli.import_xlsx", "import_xlsx"),
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
