"""``gdc check --years``: the design checked in every year (and weather year) of the project's life.

:func:`check_years` is what ``gdc check site.yaml --years 2026-2040`` runs (registered as an option
of :func:`gdc.cli.design.check`): the path (:func:`gdc.life.path.check_path`), its terminal table
(:func:`gdc.report.life.path_lines`), ``--json`` (:meth:`gdc.life.path.LifePath.as_dict`), and the
``--report`` / ``--xlsx`` of the reported year with the path section and sheet. Exit code 1 when a
rule fails in any year. Only click is imported at the top.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from gdc.site.errors import InputError

__all__ = ["check_years", "path_progress", "refuse_with_years"]

#: Rows from which a path shows its progress on a terminal (stderr).
PROGRESS_FROM = 6


def refuse_with_years(*, year: int | None, hourly: str | None, write_site: str | None, dispatch: str) -> None:
    """Refuse the options of ``gdc check`` that make no sense with ``--years``.

    Raises
    ------
    InputError
        For ``--year``, ``--hourly``, ``--write-site`` and ``--dispatch optimal``, with the fix.
    """
    if year is not None:
        raise InputError("give --year or --years, not both", field="--years",
                         fix="--years 2026-2040 checks every year of the range; --year 2029 checks one")
    if hourly:
        raise InputError("--hourly writes one year's hours; --years checks many years", field="--hourly",
                         fix="write the hours of one year with --year Y --hourly FILE")
    if write_site:
        raise InputError("--write-site writes a sized design; --years checks the site's own design",
                         field="--write-site", fix="drop --write-site (gdc size --write-site writes a design)")
    if dispatch != "rule":
        raise InputError("--years checks the renewable-first dispatch of each year", field="--dispatch",
                         fix="check the optimal dispatch of one year with --year Y --dispatch optimal")


def path_progress() -> Callable[[int, int, str], None] | None:
    """A one-line progress counter on stderr when stderr is a terminal (a log, a pipe and the tests stay clean)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, label: str) -> None:
        if total < PROGRESS_FROM:
            return
        # one line, rewritten in place; cleared after the last row
        text = "\r\x1b[K" if done == total else f"\r  checking {label} ({done}/{total})\x1b[K"
        click.echo(text, err=True, nl=False)

    return show


def _header(path: Any, lang: str) -> list[str]:
    from gdc import __version__
    from gdc.report.terminal import design_line

    result = path.result
    rs = result.rule_set
    chain = f" ({'继承' if lang == 'zh' else 'extends'} {', '.join(rs.chain[:-1])})" if len(rs.chain) > 1 else ""
    lines = [f"gdc {__version__} check --years: {path.site.name}"]
    if path.site.path:
        lines.append(f"  {'项目文件' if lang == 'zh' else 'site file'}: {path.site.path}")
    lines += [f"  {'规则集' if lang == 'zh' else 'rule set'}: {rs.key}{chain}  {rs.title(lang)}",
              f"  {'配置' if lang == 'zh' else 'design'}: {design_line(result, lang)}"]
    return lines


def check_years(site_file: Path, years_text: str, *, json_out: str | None, lang: str, report: str | None,
                xlsx_out: str | None) -> NoReturn:
    """Check the site's design in every year of ``years_text`` and exit (0 pass/review, 1 a year fails).

    Parameters
    ----------
    site_file : Path
    years_text : str
        ``2026-2040``, ``all`` (the project's life), ``2029`` or ``2026,2030``
        (:func:`gdc.profiles.life.parse_years`).
    json_out : str or None
        ``-``: the path's JSON on stdout instead of the table; a file: written there too.
    lang : {'en', 'zh'}
    report, xlsx_out : str or None
        The HTML report and the workbook of the reported year (the first failing year, else the first
        year), each with the path's section (table, figure) and its "Life path" sheet.
    """
    from gdc.cli.outputs import write_json, write_reports
    from gdc.life.path import check_path
    from gdc.profiles.life import parse_years
    from gdc.report.life import path_lines
    from gdc.site.schema import read_site

    site = read_site(site_file)
    years = parse_years(years_text, site)
    path = check_path(site, years, progress=path_progress())
    data = path.as_dict()
    from gdc.finance.life import finance_of_path  # the cash flows over the life (issue 14)
    from gdc.finance.text import finance_lines, life_line

    data["finance"] = finance_of_path(path.result, path).as_dict()
    if json_out != "-":
        click.echo("\n".join([*_header(path, lang), "", *path_lines(data, lang, colour=sys.stdout.isatty())]))
        click.echo("\n".join(["", *finance_lines(data["finance"], lang), *life_line(data["finance"], lang)]))
    if json_out:
        write_json(data, json_out)
    if report or xlsx_out:
        result = path.result
        result.extra["life_path"] = data
        result.extra["finance"] = data["finance"]
        write_reports(result, report, xlsx_out, lang)
    sys.exit(path.exit_code)
