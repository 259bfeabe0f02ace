"""Results of a batch on disk: the journal, the manifest and the tables.

The output folder holds

``journal.jsonl``
    one JSON line per finished candidate, appended and fsync'ed by the parent process only
    (workers return rows; they never write). It is the batch's record: ``--resume`` skips
    every id in it. A kill in the middle of a write leaves a torn last line: reading
    ignores it, and :meth:`Journal.open_for_append` cuts it off before appending.
``batch.json``
    the manifest: input, mode, number of candidates (``--resume`` refuses another mode or
    input).
``results.parquet``, ``results.csv``
    the table, one row per candidate in input order, rebuilt from the journal
    periodically while the batch runs and at the end (written to a temporary file and
    renamed, so a reader never sees half a table). In the CSV, a text cell that a spreadsheet
    would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) starts with ``'``
    (:func:`gdc.exchange.cells.csv_safe_frame`); the Parquet table keeps the values as they are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gdc.site.errors import InputError

JOURNAL = "journal.jsonl"
MANIFEST = "batch.json"
PARQUET = "results.parquet"
CSV = "results.csv"

#: Leading columns of the table, in this order; then cost columns, then margin_<rule>, then the rest.
FIRST = ("id", "status", "binding_rule", "binding_margin", "failing", "to_review",
         "self_use_share", "load_share", "export_share", "utilisation")
MIDDLE = ("pv_mw", "wind_mw", "storage_power_mw", "storage_energy_mwh", "connection_mw", "voltage_kv",
          "max_distance_km", "A_mwh", "S_mwh", "L_mwh", "E_mwh", "I_mwh", "C_mwh", "max_exchange_mw",
          "name", "jurisdiction", "rule_set", "year", "run_time_s", "error", "base")
TEXT = ("id", "status", "binding_rule", "failing", "to_review", "name", "jurisdiction", "rule_set", "error", "base",
        "years", "path_binding_rule", "failing_year_list")  # the last three: gdc screen --years (gdc.screen.life)


class Journal:
    """The append-only record of finished candidates (JSON lines)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh: Any = None

    def read(self) -> list[dict[str, Any]]:
        """Every complete row, first occurrence of each id; a torn or garbled line is skipped."""
        if not self.path.is_file():
            return []
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        for line in lines[:-1]:  # the part after the last newline is torn (or empty)
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and "id" in row and row["id"] not in seen:
                seen.add(row["id"])
                rows.append(row)
        return rows

    def done_ids(self) -> set[str]:
        return {r["id"] for r in self.read()}

    def open_for_append(self) -> None:
        """Open for appending, after cutting off a torn last line."""
        if self.path.is_file():
            data = self.path.read_bytes()
            end = data.rfind(b"\n") + 1
            if end != len(data):
                with open(self.path, "r+b") as fh:
                    fh.truncate(end)
                    fh.flush()
                    os.fsync(fh.fileno())
        self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in close()

    def append(self, rows: Iterable[dict[str, Any]]) -> None:
        """Write rows (one line each) and fsync: they survive a kill from now on."""
        payload = b"".join(json.dumps(r, ensure_ascii=False, allow_nan=False, default=_json_default)
                           .encode("utf-8") + b"\n" for r in rows)
        self._fh.write(payload)
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    return str(obj)


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """NaN and infinities as None (the journal is strict JSON)."""
    return {k: (None if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))) else v)
            for k, v in row.items()}


def ordered_columns(columns: Iterable[str]) -> list[str]:
    cols = set(columns)
    first = [c for c in FIRST if c in cols]
    costs = sorted(c for c in cols if c.startswith("cost_"))
    middle = [c for c in MIDDLE if c in cols]
    margins = sorted(c for c in cols if c.startswith("margin_"))
    rest = sorted(cols - set(first) - set(costs) - set(middle) - set(margins))
    return first + costs + middle + margins + rest


def build_table(rows: list[dict[str, Any]], order: dict[str, int] | None = None) -> Any:
    """The results table (a pandas DataFrame), one row per candidate, in input order."""
    import pandas as pd

    if order is not None:
        rows = sorted(rows, key=lambda r: (order.get(r["id"], len(order)), r["id"]))
    cols = ordered_columns({k for r in rows for k in r} | {"id", "status", "error"})
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in cols:
        if c in TEXT:
            df[c] = df[c].astype("string")  # nullable text: the same dtype after a Parquet round trip
        elif c == "year":
            df[c] = df[c].astype("Int64")
        else:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def write_tables(df: Any, out_dir: str | Path) -> tuple[Path | None, Path]:
    """Write the table as Parquet and CSV (atomically: temporary file, then rename).

    Returns the paths; the Parquet path is None when pyarrow is not installed (CSV only).
    """
    out_dir = Path(out_dir)
    pq: Path | None = out_dir / PARQUET
    csv = out_dir / CSV
    tmp = out_dir / (PARQUET + ".tmp")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, pq)
    except ImportError:  # no pyarrow: the CSV still has everything
        pq = None
    from gdc.exchange.cells import write_csv

    tmp = out_dir / (CSV + ".tmp")
    write_csv(df, tmp, index=False, encoding="utf-8-sig")
    os.replace(tmp, csv)
    return pq, csv


def read_table(out_dir: str | Path) -> Any:
    """The results table of a finished batch (Parquet)."""
    import pandas as pd

    return pd.read_parquet(Path(out_dir) / PARQUET)


def prepare_output(out_dir: Path, manifest: dict[str, Any], resume: bool, overwrite: bool) -> Journal:
    """Create or check the output folder; the journal to append to.

    Raises
    ------
    InputError
        When the folder holds another batch and neither ``--resume`` nor ``--overwrite``
        is given, or ``--resume`` meets a batch of another input or mode.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(out_dir / JOURNAL)
    man_path = out_dir / MANIFEST
    existing = journal.read()
    if overwrite:
        for name in (JOURNAL, PARQUET, CSV, MANIFEST):
            (out_dir / name).unlink(missing_ok=True)
        existing = []
    elif resume:
        if man_path.is_file():
            old = json.loads(man_path.read_text(encoding="utf-8"))
            for key in ("input", "mode"):
                if old.get(key) != manifest[key]:
                    raise InputError(
                        f"--resume: this folder holds a batch with {key} '{old.get(key)}', not '{manifest[key]}'",
                        file=out_dir, fix="resume with the same input and mode, or write to another folder (-o)")
    elif existing or man_path.is_file():
        raise InputError(f"the folder already holds a batch ({len(existing)} result(s))", file=out_dir,
                         fix="add --resume to complete it, --overwrite to start again, or choose another -o")
    tmp = man_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, man_path)
    return journal
