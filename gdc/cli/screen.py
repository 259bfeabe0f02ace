"""``gdc screen``: batch screening of many candidate sites, in parallel, resumable, on Dask.

Imported when the ``gdc`` command starts: only click here; the batch machinery
(:mod:`gdc.screen`), pandas, Dask and matplotlib are imported inside the command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

#: Exit code of an interrupted batch (128 + SIGINT), as shells report Ctrl-C.
EXIT_INTERRUPTED = 130


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from gdc.cli.main import _STATE  # imported when called: gdc.cli.main imports this module

        _STATE["debug"] = True


#: ``--debug`` after the command name, as for the other commands.
_debug_option = click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                             help="Show tracebacks instead of one-line errors.")


@click.command("screen")
@click.argument("candidates", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder: results.parquet, results.csv, summary.png, journal.jsonl.")
@click.option("--mode", type=click.Choice(["check", "size"]), default="check", show_default=True,
              help="check: the candidates' own capacities; size: pre-screen, then the sizing optimiser.")
@click.option("--typical-days", type=click.IntRange(min=0), default=0, show_default=True,
              help="Size mode: size on N typical days and certify on the full year (0: the exact LP).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: the cores available).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on a Dask cluster, e.g. tcp://host:8786 (see docs/screen.md).")
@click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
              help="Run on a Dask LocalCluster of N single-threaded worker processes.")
@click.option("--resume", is_flag=True, help="Complete an interrupted batch in the output folder.")
@click.option("--overwrite", is_flag=True, help="Delete a previous batch in the output folder first.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Candidates per task (default: about 8 tasks per worker, at most 32 each).")
@click.option("--top", type=click.IntRange(min=0), default=15, show_default=True,
              help="Candidates shown in the ranked summary.")
@click.option("--no-plot", is_flag=True, help="Do not draw summary.png.")
@click.option("--report", metavar="HTML", default=None, help="Also write a self-contained HTML summary.")
@click.option("--xlsx", "xlsx_out", metavar="XLSX", default=None, help="Also write the ranked table as a workbook.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--years", metavar="YEARS", default=None,
              help="Check each candidate in every year of YEARS (2026-2040, all, 2029, 2026,2030): the first "
                   "failing year, its binding rule and the number of failing years as columns.")
@_debug_option
def screen(candidates: Path, out_dir: Path, mode: str, typical_days: int, workers: int | None,
           scheduler: str | None,
           dask_local: int | None, resume: bool, overwrite: bool, chunk_size: int | None, top: int,
           no_plot: bool, report: str | None, xlsx_out: str | None, quiet: bool, years: str | None) -> None:
    """Screen many candidate sites: one row of results per candidate.

    CANDIDATES is a folder of site files (every *.yaml below it; a site.yaml takes its
    folder's name as id) or a CSV with one row per candidate: 'id', 'base' (a site
    file, relative to the CSV) and overrides named by their dotted path in the site
    file, e.g. 'sources[0].capacity_mw', 'connection.voltage_kv', 'storage.energy_mwh'.

    Results go to OUTPUT as they come (journal.jsonl; results.parquet and
    results.csv are rebuilt from it every few seconds and at the end), then a
    ranked summary is printed and summary.png drawn. A bad candidate never stops
    the batch: its row has status 'error' and the message. After Ctrl-C, a kill
    or a crash, run the same command with --resume: finished candidates are not
    recomputed. More in docs/screen.md.

    Exit code 0 when the batch is complete (whatever the candidates' verdicts), 2 for a
    bad list or options, 130 when interrupted.

    \b
    Examples:
      gdc screen sample_sites/ -o results/              # every site file in a folder
      gdc screen candidates.csv -o results/ --workers 2 --xlsx results.xlsx
      gdc screen candidates.csv -o results/ --mode size --typical-days 8
      gdc screen candidates.csv -o results/ --resume    # complete an interrupted batch
      gdc screen sample_sites/ -o results/ --years 2026-2035   # each design over ten years
    """
    from gdc.cli.main import _debug_enabled
    from gdc.cli.outputs import output_path, writing
    from gdc.screen.runner import screen as run_screen
    from gdc.screen.summary import plot, render_summary

    if resume and overwrite:
        from gdc.site.errors import InputError

        raise InputError("give --resume or --overwrite, not both", field="--resume")
    output_path(out_dir, "--output", folder=True)
    output_path(report, "--report")
    output_path(xlsx_out, "--xlsx")
    if mode == "size" and typical_days:
        mode = f"size:{typical_days}"
    if years is not None:  # the years ride in the mode string (gdc.screen.life)
        from gdc.screen.life import check_years_mode, life_mode

        check_years_mode(mode, years)
        mode = life_mode(mode, years)
    # worker processes are fresh interpreters: they ignore warnings too, unless --debug
    saved = os.environ.get("PYTHONWARNINGS")
    if not _debug_enabled():
        os.environ["PYTHONWARNINGS"] = "ignore"
    try:
        res = run_screen(candidates, out_dir, mode=mode, workers=workers, scheduler=scheduler, dask_local=dask_local,
                         resume=resume, overwrite=overwrite, chunk_size=chunk_size, progress=not quiet)
    finally:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved
    if len(res.table):
        click.echo(render_summary(res.table, top=top, total=res.total))
        if years is not None:
            from gdc.screen.life import years_summary

            click.echo("\n" + years_summary(res.table, top=top))
    png = None
    if not no_plot and len(res.table):
        try:
            png = plot(res.table, out_dir / "summary.png")
        except ImportError:
            click.echo("no plot: matplotlib is not installed", err=True)
    if len(res.table) and (report or xlsx_out):
        from gdc.screen.report import write_batch_html, write_batch_xlsx

        if report:
            with writing(report, "--report") as target:
                write_batch_html(res.table, target, png, title=f"gdc screen: {candidates.name}")
            click.echo(f"HTML summary written to {report}", err=True)
        if xlsx_out:
            with writing(xlsx_out, "--xlsx") as target:
                write_batch_xlsx(res.table, target, {"input": str(candidates), "mode": mode, "candidates": res.total})
            click.echo(f"workbook written to {xlsx_out}", err=True)
    how = f"{res.backend}, {res.workers} worker(s)" if res.computed else "nothing to compute"
    pq, csv = res.files["parquet"], res.files["csv"]
    click.echo(f"\n{res.computed} computed in {res.elapsed_s:.1f} s ({how})"
               + (f", {res.skipped} already done" if res.skipped else "")
               + (f"; table: {pq} and {csv.name}" if pq else f"; table: {csv} (no Parquet: pyarrow is not installed)")
               + (f"; plot: {png.name}" if png else ""))
    if res.interrupted:
        click.echo(f"interrupted: {len(res.table)} of {res.total} candidates done; run the same command with "
                   "--resume to complete the batch", err=True)
        sys.exit(EXIT_INTERRUPTED)
