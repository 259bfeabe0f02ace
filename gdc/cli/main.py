"""The ``gdc`` command line (click): the group, its error handling and warnings, its commands.

Exit codes: 0 = nothing fails, 1 = a rule fails (or no compliant design), 2 = bad input,
3 = an internal error (a bug: run again with ``--debug`` and report the traceback).

The commands live in one module per group and are registered here: :mod:`gdc.cli.design`
(check, size), :mod:`gdc.cli.info` (rules, schema), and :data:`PLUGIN_COMMANDS` (profile,
screen, import-xlsx). Their shared options are in :mod:`gdc.cli.options`, what they write in
:mod:`gdc.cli.outputs`. Heavy libraries (pvlib, Pyomo, Dask) are imported inside the commands
that use them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click

from gdc import __version__
from gdc.cli.design import check, size
from gdc.cli.info import rules, schema
from gdc.cli.outputs import EXIT_BUG, EXIT_FAIL, EXIT_INPUT, EXIT_OK
from gdc.site.errors import InfeasibleError, InputError

__all__ = ["EXIT_BUG", "EXIT_FAIL", "EXIT_INPUT", "EXIT_OK", "configure_warnings", "handle_errors", "main"]

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


for _command in (check, size, rules, schema):
    main.add_command(_command)

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
