"""``gdc screen --resume`` after a kill -9 mid-batch: completes it, no duplicates, same results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from click.testing import CliRunner
from conftest import REPO, SAMPLES

from gdc.cli.main import main
from gdc.screen.runner import screen
from gdc.screen.store import read_table

N = 160


def batch_csv(path):
    """N candidates on the 8760-h Shandong sample (a few ms each), varying capacities and distances."""
    rng = np.random.default_rng(5)
    base = SAMPLES / "shandong-export-battery" / "site.yaml"
    lines = ["id,base,sources[0].capacity_mw,sources[1].capacity_mw,sources[1].distance_km,storage.energy_mwh"]
    for i in range(N):
        lines.append(f"c{i:04d},{base},{rng.uniform(20, 160):.1f},{rng.uniform(10, 120):.1f},"
                     f"{rng.uniform(2, 60):.1f},{rng.choice([20, 40, 80])}")
    lines.insert(7, "bad,no/such/site.yaml,,,,")
    path.write_text("\n".join(lines) + "\n")
    return path


def journal_lines(out):
    p = out / "journal.jsonl"
    return p.read_bytes().count(b"\n") if p.exists() else 0


def test_resume_after_sigkill_completes_without_duplicates(tmp_path):
    csv = batch_csv(tmp_path / "cands.csv")
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gdc", "screen", str(csv), "-o", str(out), "--workers", "2", "--chunk-size", "4",
         "-q", "--no-plot"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)  # its own process group: the kill takes the workers too
    try:
        deadline = time.monotonic() + 60
        while journal_lines(out) < 30 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    done_before = journal_lines(out)
    assert 30 <= done_before < N + 1, "the batch was not interrupted mid-way"
    with open(out / "journal.jsonl", "ab") as fh:  # and a torn last line, as a kill mid-write leaves
        fh.write(b'{"id": "c0999", "status": "pa')

    # the same command with --resume
    r = CliRunner().invoke(main, ["screen", str(csv), "-o", str(out), "--workers", "2", "-q", "--resume",
                                  "--no-plot"])
    assert r.exit_code == 0, r.output
    assert f"{N + 1 - done_before} computed" in r.output and f"{done_before} already done" in r.output

    ids = [json.loads(x)["id"] for x in (out / "journal.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == N + 1  # every candidate once, the torn line gone
    resumed = read_table(out)

    reference = screen(csv, tmp_path / "straight", workers=2, progress=False).table
    assert list(resumed["id"]) == list(reference["id"])
    pd.testing.assert_frame_equal(resumed.drop(columns="run_time_s"), reference.drop(columns="run_time_s"))
    assert resumed.set_index("id").loc["bad", "status"] == "error"
    assert (resumed["status"] != "error").sum() == N
