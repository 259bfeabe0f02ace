"""Run a batch: chunks of candidates on a local process pool or a Dask cluster.

:func:`screen` reads the candidates, skips those already in the journal (``--resume``),
cuts the rest into chunks (a few tens of candidates: one task each, so the per-candidate
overhead is small and each worker process keeps its file caches warm), keeps about two
chunks per worker in flight, and appends each finished chunk's rows to the journal as
soon as it returns. The parent process alone writes; workers only compute.

Faults: a bad candidate is a row with status ``error`` (the worker catches it). A worker
that dies (a crash, the out-of-memory killer) loses its chunk: the pool is restarted and
the chunk's candidates are resubmitted one by one, each alone in flight; a candidate that kills a worker
:data:`MAX_ATTEMPTS` times is recorded as an error. Ctrl-C stops the workers, writes the
tables of what is finished and returns (``interrupted``); ``--resume`` completes the batch.
A kill of the parent (``kill -9``) loses at most the chunks in flight; ``--resume`` redoes them.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc import __version__
from gdc.screen.candidates import Candidate, read_candidates
from gdc.screen.evaluate import MODES, run_chunk
from gdc.screen.progress import Progress
from gdc.screen.store import build_table, clean_row, prepare_output, write_tables
from gdc.site.errors import InputError

#: A candidate whose evaluation kills its worker this many times is recorded as an error.
MAX_ATTEMPTS = 2
#: Largest chunk (candidates per task).
MAX_CHUNK = 32


@dataclass
class BatchResult:
    """What a batch run produced."""

    out_dir: Path
    table: Any  #: pandas DataFrame, one row per finished candidate, input order
    total: int  #: candidates in the batch
    computed: int  #: evaluated in this run
    skipped: int  #: already in the journal (resume)
    interrupted: bool
    elapsed_s: float
    workers: int
    mode: str
    backend: str
    files: dict[str, Path | None] = field(default_factory=dict)  #: parquet (None without pyarrow), csv
    first_result_s: float | None = None  #: from the start to the first finished chunk (start-up)
    first_rows: int = 0  #: rows in that first chunk
    last_result_s: float | None = None  #: from the start to the last finished chunk

    @property
    def rate(self) -> float:
        """Candidates per second in this run (wall clock, including start-up)."""
        return self.computed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def steady_rate(self) -> float:
        """Candidates per second after the first result (worker start-up excluded)."""
        if self.first_result_s is None or self.last_result_s is None or self.last_result_s <= self.first_result_s:
            return self.rate
        return (self.computed - self.first_rows) / (self.last_result_s - self.first_result_s)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunk_size_for(n: int, workers: int) -> int:
    """About eight chunks per worker, at most :data:`MAX_CHUNK` candidates each."""
    return max(1, min(MAX_CHUNK, math.ceil(n / (8 * max(workers, 1)))))


# ----------------------------------------------------------------------------- backends


class LocalBackend:
    """A pool of worker processes on this machine (spawned: a clean interpreter each)."""

    name = "local"
    in_flight = 2  #: chunks in flight per worker process

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._start()

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from gdc.screen.evaluate import init_local_worker

        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=init_local_worker)

    def submit(self, task: Any, chunk: list[Candidate], mode: str) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(task, chunk, mode)
        except BrokenProcessPool:  # broke since the last check: its futures fail and are retried
            self.restart_if_broken()
            return self.pool.submit(task, chunk, mode)

    def refresh(self) -> int:
        return self.workers

    def wait(self, futures: list[Any], timeout: float) -> list[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def restart_if_broken(self) -> bool:
        """A new pool when a worker died (every future of the old pool has failed)."""
        if getattr(self.pool, "_broken", False):  # set (to a message) when a worker died
            self.pool.shutdown(wait=False, cancel_futures=True)
            self._start()
            return True
        return False

    def close(self, kill: bool = False) -> None:
        if kill:
            procs = list(getattr(self.pool, "_processes", {}).values())  # the processes this pool started
            self.pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                if p.is_alive():
                    p.terminate()
            for p in procs:
                p.join(timeout=5)
        else:
            self.pool.shutdown(wait=True)


class DaskBackend:
    """A Dask distributed cluster: a scheduler address, or a LocalCluster started here."""

    name = "dask"
    #: chunks in flight per worker thread: a Dask task's round trip (scheduler, pickling) is
    #: longer than a local pool's, so more are queued to keep the workers busy
    in_flight = 4

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None) -> None:
        import logging

        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError("Dask is not installed", field="--scheduler" if scheduler else "--dask-local",
                             fix="pip install 'dask[distributed]', or run on local processes (--workers N)") from exc

        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler)  # timeout: dask config distributed.comm.timeouts.connect
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}", field="--scheduler",
                                 fix="start one with 'dask scheduler' and workers with 'dask worker ADDRESS' "
                                     "(see docs/screen.md)") from exc
        else:
            # loopback only; no dashboard (its bare HTTP endpoint takes a free port if 8787 is busy)
            self.cluster = LocalCluster(n_workers=local_workers or default_workers(), threads_per_worker=1,
                                        processes=True, host="127.0.0.1", dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.workers = max(1, self.threads())
        if not self.threads():
            import sys

            print(f"no Dask workers at {self.client.scheduler.address} yet: waiting for them "
                  "(start them with 'dask worker ADDRESS --nthreads 1')", file=sys.stderr)
        self._checked = time.perf_counter()

    def threads(self) -> int:
        info = self.client.scheduler_info()
        return sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())

    def refresh(self) -> int:
        """Worker threads now (workers join and leave a cluster): checked every few seconds."""
        if time.perf_counter() - self._checked > 5.0:
            self.workers = max(1, self.threads())
            self._checked = time.perf_counter()
        return self.workers

    def submit(self, task: Any, chunk: list[Candidate], mode: str) -> Any:
        return self.client.submit(task, chunk, mode, pure=False)

    def wait(self, futures: list[Any], timeout: float) -> list[Any]:
        from distributed import wait

        try:
            done, _ = wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return list(done)

    def restart_if_broken(self) -> bool:
        return False  # Dask reschedules the tasks of a lost worker itself

    def close(self, kill: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# ----------------------------------------------------------------------------- the batch


def _crash_row(cand: Candidate, exc: BaseException) -> dict[str, Any]:
    return {"id": cand.id, "status": "error", "base": cand.base, "run_time_s": None,
            "error": f"the worker process died while evaluating this candidate ({type(exc).__name__}: {exc}); "
                     f"it crashed {MAX_ATTEMPTS} workers"}


def _retry(chunk: list[Candidate], exc: BaseException, attempts: dict[str, int],
           suspects: list[list[Candidate]], isolated: bool) -> list[dict[str, Any]]:
    """Requeue the candidates of a task lost with its worker as suspects; rows of proven culprits.

    Suspects run one at a time with nothing else in flight. A candidate counts an attempt
    only when its task failed while isolated like that: when a pool breaks, every task in
    flight fails with it, and only an isolated task is certainly the one that killed it.
    """
    rows = []
    for cand in chunk:
        attempts[cand.id] = attempts.get(cand.id, 0) + (isolated and len(chunk) == 1)
        if attempts[cand.id] >= MAX_ATTEMPTS:
            rows.append(_crash_row(cand, exc))
        else:
            suspects.append([cand])
    return rows


def run_chunks(backend: Any, task: Any, queue: list[list[Any]], arg: Any,
               on_busy: Any = None) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """Run every chunk of ``queue`` on ``backend`` as ``task(chunk, arg)``; yield their rows as they end.

    Chunks are popped from the end of ``queue``, a few per worker in flight. A task lost with its
    worker (or with a pool restart) does not lose its chunk: its items run again one at a time
    (:func:`_retry`), and an item that kills :data:`MAX_ATTEMPTS` workers on its own becomes an
    error row. ``on_busy()`` is called once, as soon as the first tasks are submitted (the caller's
    own work while the workers run).

    Yields
    ------
    rows : list of dict
        A finished task's rows (``ok`` True), or the error rows of proven culprits (``ok`` False);
        an empty list once per scheduling round, so the caller can do periodic work.
    ok : bool
    """
    attempts: dict[str, int] = {}
    suspects: list[list[Any]] = []  # items of lost tasks, run one at a time
    isolated: set[Any] = set()  # futures of suspects submitted alone
    in_flight: dict[Any, list[Any]] = {}
    while queue or suspects or in_flight:
        limit = backend.in_flight * backend.refresh()  # chunks per worker in flight
        if suspects:
            if not in_flight:
                chunk = suspects.pop()
                fut = backend.submit(task, chunk, arg)
                in_flight[fut] = chunk
                isolated.add(fut)
        else:
            while queue and len(in_flight) < limit:
                chunk = queue.pop()
                in_flight[backend.submit(task, chunk, arg)] = chunk
        if on_busy is not None:
            on_busy()
            on_busy = None
        for fut in backend.wait(list(in_flight), timeout=1.0):
            chunk = in_flight.pop(fut)
            try:
                new, ok = fut.result(), True
            except Exception as exc:  # noqa: BLE001 - a lost worker, not a bad item
                new, ok = _retry(chunk, exc, attempts, suspects, fut in isolated), False
            isolated.discard(fut)
            if new:
                yield new, ok
        if backend.restart_if_broken():
            for fut, chunk in list(in_flight.items()):
                if fut.done():
                    continue  # handled (as failed) in the next round
                fut.cancel()
                del in_flight[fut]
                lost = _retry(chunk, RuntimeError("worker pool restarted"), attempts, suspects, fut in isolated)
                isolated.discard(fut)
                if lost:
                    yield lost, False
        yield [], True


def screen(input_path: str | Path, out_dir: str | Path, *, mode: str = "check", workers: int | None = None,
           scheduler: str | None = None, dask_local: int | None = None, resume: bool = False,
           overwrite: bool = False, chunk_size: int | None = None, progress: bool = True,
           table_every_s: float = 15.0, task: Any = run_chunk) -> BatchResult:
    """Screen a batch of candidates; see :mod:`gdc.screen`.

    Parameters
    ----------
    input_path : path
        A folder of site files, a CSV of candidates, or one site file.
    out_dir : path
        Output folder (journal, tables, manifest).
    mode : {'check', 'size'}
    workers : int, optional
        Local worker processes (default: the cores available).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``): run there instead.
    dask_local : int, optional
        Start a Dask LocalCluster with this many single-threaded worker processes.
    resume : bool
        Complete the batch in ``out_dir``: candidates in its journal are not recomputed.
    overwrite : bool
        Delete a previous batch in ``out_dir`` and start again.
    chunk_size : int, optional
        Candidates per task (default: :func:`chunk_size_for`).
    progress : bool
        Show the progress line on stderr.
    table_every_s : float
        Rebuild the Parquet/CSV tables from the journal at most this often while running.
    task : callable
        ``task(chunk, mode) -> rows`` run in the workers (default :func:`~gdc.screen.evaluate.run_chunk`;
        tests pass one that crashes its worker). Must be importable by the workers.

    Raises
    ------
    InputError
        A problem with the list as a whole, or with the options (nothing has run).
    """
    t0 = time.perf_counter()
    if mode.split(":", 1)[0] not in MODES:
        raise InputError(f"unknown mode '{mode}'", field="--mode", fix=f"one of {', '.join(MODES)}")
    if scheduler and dask_local:
        raise InputError("give --scheduler or --dask-local, not both", field="--scheduler")
    input_path, out_dir = Path(input_path), Path(out_dir)
    candidates = read_candidates(input_path)
    order = {c.id: c.index for c in candidates}
    manifest = {"input": str(input_path.resolve()), "mode": mode, "candidates": len(candidates),
                "gdc_version": __version__}
    journal = prepare_output(out_dir, manifest, resume=resume, overwrite=overwrite)
    rows = [r for r in journal.read() if r["id"] in order]
    done = {r["id"] for r in rows}
    todo = [c for c in candidates if c.id not in done]

    backend: Any = None
    interrupted = False
    computed = 0
    first_result: float | None = None
    last_result: float | None = None
    first_rows = 0
    bar = Progress(len(candidates), done=len(done), enabled=progress)
    journal.open_for_append()
    try:
        if todo:
            if scheduler or dask_local:
                backend = DaskBackend(scheduler, dask_local)
            else:
                backend = LocalBackend(max(1, min(workers or default_workers(), len(todo))))
            k = chunk_size or chunk_size_for(len(todo), backend.workers)
            queue: list[list[Candidate]] = [todo[i:i + k] for i in range(0, len(todo), k)]
            queue.reverse()  # pop() from the end: input order
            last_table = time.perf_counter()
            table_every = table_every_s
            for new, ok in run_chunks(backend, task, queue, mode):
                if new:
                    if ok:
                        new = [clean_row(r) for r in new]
                        now = time.perf_counter() - t0
                        if first_result is None:
                            first_result, first_rows = now, len(new)
                        last_result = now
                    journal.append(new)
                    rows.extend(new)
                    computed += len(new)
                    bar.update(len(new), errors=sum(r["status"] == "error" for r in new))
                if time.perf_counter() - last_table > table_every:
                    tb = time.perf_counter()
                    write_tables(build_table(rows, order), out_dir)
                    last_table = time.perf_counter()
                    # big batches: keep the parent's share of the time small (at most ~10 %)
                    table_every = max(table_every_s, 10 * (last_table - tb))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if backend is not None:
            backend.close(kill=interrupted)
        journal.close()
        bar.close()
    table = build_table(rows, order)
    pq, csv = write_tables(table, out_dir)
    return BatchResult(out_dir=out_dir, table=table, total=len(candidates), computed=computed,
                       skipped=len(done), interrupted=interrupted, elapsed_s=time.perf_counter() - t0,
                       workers=backend.workers if backend else 0, mode=mode,
                       backend=backend.name if backend else "none", files={"parquet": pq, "csv": csv},
                       first_result_s=first_result, first_rows=first_rows, last_result_s=last_result)
