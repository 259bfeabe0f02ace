"""Batch screening of many candidate sites (``gdc screen``): parallel, resumable, on Dask.

May import gdc.report, gdc.exchange, gdc.optimise, gdc.check and the layers below; not gdc.cli.

One module per stage::

    candidates.py   a directory of site files, or a CSV of overrides on base sites
                    -> a list of small, picklable :class:`~gdc.screen.candidates.Candidate`
    evaluate.py     one candidate -> one result row (check or size mode, with the pre-screen);
                    run in the worker processes
    prescreen.py    bounds from the profiles alone: candidates no capacities can make comply
    runner.py       local process pool or Dask cluster, chunked, fault tolerant
    store.py        the journal (JSON lines, fsync'ed, parent-only) and the Parquet/CSV tables
    summary.py      the ranked summary and the plot
    report.py       the batch's HTML summary and Excel workbook
    progress.py     the progress line (rate, time left) on stderr

Nothing here imports pandas, Dask or matplotlib at module level except where the module
is only used inside the batch (``gdc check`` never imports this package).
"""
