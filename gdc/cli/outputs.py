"""What the commands write: checked output paths, JSON, the hourly CSV, reports, sized sites.

Every output option (``--json FILE``, ``--hourly``, ``--report``, ``--xlsx``, ``--write-site``,
``-o``) is checked by :func:`output_path` before any work starts and written inside
:func:`writing`, which creates a missing folder and turns an operating-system error into bad
input. Only click is imported here; the writers import their libraries when called.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from gdc.site.errors import InfeasibleError, InputError

#: Exit codes of every command: nothing fails, a rule fails (or no compliant design), bad input, a bug.
EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3


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

    Returns
    -------
    Path or None
        The path, or None for no output or stdout.

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


#: Output options of check and size: (parameter, option name).
OUTPUT_OPTIONS = (("json_out", "--json"), ("hourly", "--hourly"), ("write_site", "--write-site"),
                  ("report", "--report"), ("xlsx_out", "--xlsx"))


def check_outputs(**values: str | None) -> None:
    """Check every output path of a command before the work starts (see :func:`output_path`)."""
    names = dict(OUTPUT_OPTIONS)
    for key, value in values.items():
        output_path(value, names.get(key, key))


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
    alloc = getattr(result, "allocation", None)
    for name, values in (alloc.self_use_mw.items() if alloc is not None else ()):  # 688号: one column per user
        df[f"自发自用 {name} [MW]" if lang == "zh" else f"self-use {name} [MW]"] = values
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


def write_reports(result: Any, report: str | None, xlsx_out: str | None, lang: str) -> None:
    """Write the ``--report`` HTML and the ``--xlsx`` workbook of a result, where asked."""
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


def write_site_file(result: Any, path: str | None) -> None:
    """Write the site with the result's capacities (``--write-site``), where asked."""
    if path:
        from gdc.exchange.write_site import write_sized_site

        with writing(path, "--write-site") as target:
            write_sized_site(result.site, result.design, target)
        click.echo(f"site with these capacities written to {path}", err=True)


def infeasible_as_dict(exc: InfeasibleError, site: Any) -> dict[str, Any]:
    """The JSON of a sizing (or optimal dispatch) with no compliant design.

    ``status`` is ``"infeasible"``; ``explanation`` is the explanation's own data
    (:meth:`gdc.optimise.size.Explanation.as_dict`: the rules that cannot be met together and
    the least change of each capacity bound), or None when the solver gave none.
    """
    from gdc import __version__
    from gdc.check import get_rule_set

    exp = exc.explanation
    rule_set, _ = get_rule_set(site)
    return {
        "gdc_version": __version__,
        "site": site.name,
        "site_file": str(site.path) if site.path else None,
        "jurisdiction": site.jurisdiction,
        "rule_set": rule_set.key,
        "year": site.year,
        "status": "infeasible",
        "message": str(exc).split("\n", 1)[0],
        "explanation": exp.as_dict() if hasattr(exp, "as_dict") else None,
    }


def emit_infeasible(exc: InfeasibleError, site: Any, *, json_out: str | None, lang: str) -> None:
    """Report that no design complies: the explanation in ``lang`` on stderr, the JSON where asked.

    The exit code stays :data:`EXIT_FAIL` (1), as for a design that fails a rule; the caller
    exits (or re-raises under ``--debug``).
    """
    from gdc.report.text import phrase

    head, _, rest = str(exc).partition("\n")
    exp = exc.explanation
    body = exp.text(lang) if hasattr(exp, "text") else rest
    message = phrase(head, lang) + ("\n" + body if body else "")
    label = "没有符合规则的设计：" if lang == "zh" else "no compliant design: "
    click.echo(click.style(label, fg="red", bold=True) + message, err=True)
    if json_out:
        write_json(infeasible_as_dict(exc, site), json_out)
