"""Options several commands share: ``--lang``, ``--debug``, ``--json``, check and size's outputs, years.

Only click is imported here (and pydantic inside :func:`check_year`), so that ``gdc --help``
and the start of ``gdc check`` stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gdc.site.errors import InputError

LANG = click.option("--lang", type=click.Choice(["en", "zh"]), default=lambda: os.environ.get("GDC_LANG", "en"),
                    show_default="en, or $GDC_LANG", help="Report language.")


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        # imported when called: gdc.cli.main imports this module
        from gdc.cli.main import _STATE, configure_warnings

        _STATE["debug"] = True
        configure_warnings(True)


#: ``--debug`` accepted after the command name too (``gdc check site.yaml --debug``).
DEBUG = click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                     help="Show tracebacks instead of one-line errors.")

#: ``--json`` alone prints JSON to stdout (and nothing else); ``--json FILE`` writes a file.
JSON_OPTION = click.option(
    "--json", "json_out", metavar="[FILE]", is_flag=False, flag_value="-", default=None,
    help="The result as JSON: alone, on stdout (instead of the report); with FILE, written to FILE. "
         "Put it after the other arguments, or write --json=FILE.")


def common_outputs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The argument and options check and size share."""
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

    Parameters
    ----------
    value : int
        The year given.
    field : str
        The site field whose bounds apply (``year``, ``start_year``).
    option : str
        The option's name, for the message.

    Returns
    -------
    int
        The year, unchanged.

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
