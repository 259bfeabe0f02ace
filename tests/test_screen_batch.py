"""``gdc screen`` batches: broken candidates never stop a batch, real numbers, the CLI, a crashing worker."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES, base_site

from gdc.check import check_file, check_site
from gdc.cli.main import main
from gdc.screen.evaluate import run_chunk
from gdc.screen.runner import screen
from gdc.screen.store import read_table
from gdc.site.schema import parse_site

HEADER = ["id", "base", "sources[1].capacity_mw", "year", "jurisdiction", "sources[2].capacity_mw", "load.file",
          "storage.power_mw", "storage.energy_mwh", "sources[0].capacity_mw"]


def mixed_csv(make_site, tmp_path):
    """Good and deliberately broken candidates on the hand day site."""
    make_site()
    rows = [
        ["ok", "site.yaml", "", "", "", "", "", "", "", ""],
        ["pv40", "site.yaml", "40", "", "", "", "", "", "", ""],
        ["battery", "site.yaml", "60", "", "", "", "", "5", "20", ""],
        ["missing-file", "nowhere/site.yaml", "", "", "", "", "", "", "", ""],
        ["bad-year", "site.yaml", "", "1999", "", "", "", "", "", ""],
        ["bad-jurisdiction", "site.yaml", "", "", "atlantis", "", "", "", "", ""],
        ["bad-column", "site.yaml", "", "", "", "5", "", "", "", ""],
        ["missing-load", "site.yaml", "", "", "", "", "nope.csv", "", "", ""],
        ["bounds-in-check", "site.yaml", "", "", "", "", "", "", "", "{min: 0, max: 50}"],
        ["shandong", "site.yaml", "", "", "shandong", "", "", "", "", ""],
    ]
    path = tmp_path / "cands.csv"
    path.write_text("\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in [HEADER, *rows]) + "\n")
    return path


def test_mixed_batch_completes_with_errors_in_the_table(make_site, tmp_path):
    csv = mixed_csv(make_site, tmp_path)
    res = screen(csv, tmp_path / "out", workers=2, chunk_size=3, progress=False)
    df = res.table.set_index("id")
    assert res.computed == 10 and len(df) == 10 and not res.interrupted
    assert list(res.table["id"]) == ["ok", "pv40", "battery", "missing-file", "bad-year", "bad-jurisdiction",
                                     "bad-column", "missing-load", "bounds-in-check", "shandong"]
    errors = df[df["status"] == "error"]["error"]
    assert set(errors.index) == {"missing-file", "bad-year", "bad-jurisdiction", "bad-column", "missing-load",
                                 "bounds-in-check"}
    assert "file not found" in errors["missing-file"]
    assert "year" in errors["bad-year"] and "set by column 'year'" in errors["bad-year"]
    assert "unknown jurisdiction 'atlantis'" in errors["bad-jurisdiction"]
    assert "sources[2].capacity_mw" in errors["bad-column"] and "2 item" in errors["bad-column"]
    assert "nope.csv" in errors["missing-load"]
    assert "--mode size" in errors["bounds-in-check"]
    # the good candidates carry the same numbers as gdc check gives for the same site
    for cid, changes in (("ok", {}), ("pv40", {1: 40}), ("battery", {1: 60})):
        data = base_site()
        for i, cap in changes.items():
            data["sources"][i]["capacity_mw"] = cap
        if cid == "battery":
            data["storage"] = {"power_mw": 5, "energy_mwh": 20}
        r = check_site(parse_site(data, tmp_path / "site.yaml"))
        row = df.loc[cid]
        assert row["status"] == r.status
        assert row["load_share"] == pytest.approx(r.metrics.load_share, abs=1e-12)
        assert row["self_use_share"] == pytest.approx(r.metrics.self_use_share, abs=1e-12)
        assert row["binding_rule"] == (r.binding.rule.id if r.binding else None)
        for v in r.verdicts:
            if v.margin is not None:
                assert row[f"margin_{v.rule.id}"] == pytest.approx(v.margin, abs=1e-12)
    # hand day: wind 2 MW all day, PV 10 MW in hours 8-15, load 10 MW: S = 16 h x 2 + 8 h x 10 MWh of 240
    assert df.loc["ok", "load_share"] == pytest.approx(100 * (16 * 2 + 8 * 10) / 240)
    assert df.loc["battery", "storage_energy_mwh"] == 20 and df.loc["pv40", "pv_mw"] == 40
    assert df.loc["shandong", "rule_set"].startswith("shandong/") and pd.notna(df.loc["shandong", "margin_utilisation"])
    # the files on disk are the same table
    disk = read_table(tmp_path / "out")
    pd.testing.assert_frame_equal(disk, res.table)
    csv_back = pd.read_csv(tmp_path / "out" / "results.csv", encoding="utf-8-sig")
    assert list(csv_back["id"]) == list(res.table["id"])


def test_cli_directory_of_samples(tmp_path):
    out = tmp_path / "res"
    r = CliRunner().invoke(main, ["screen", str(SAMPLES), "-o", str(out), "-q", "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert "candidate(s):" in r.output and "shandong-export-battery" in r.output
    assert (out / "results.parquet").is_file() and (out / "results.csv").is_file() and (out / "summary.png").is_file()
    df = read_table(out).set_index("id")
    expected = {"shandong-export-battery": "pass", "shandong-offshore-wind": "review",
                "ningxia-datacentre-110kv": "fail", "ningxia-ramp": "pass"}
    for cid, status in expected.items():
        assert df.loc[cid, "status"] == status
        checked = check_file(SAMPLES / cid / "site.yaml")
        assert df.loc[cid, "load_share"] == pytest.approx(checked.metrics.load_share, abs=1e-12)
        assert df.loc[cid, "export_share"] == pytest.approx(checked.metrics.export_share, abs=1e-12)
    assert df.loc["ningxia-datacentre-110kv", "binding_rule"] == "line_distance"
    assert df.loc["ningxia-datacentre-110kv", "margin_line_distance"] == pytest.approx(-5.0)
    # the summary ranks passes first
    lines = [x for x in r.output.splitlines() if x.strip()[:1].isdigit()]
    assert "pass" in lines[0]
    # a second run into the same folder: refused (exit 2) without --resume; --resume computes nothing
    again = CliRunner().invoke(main, ["screen", str(SAMPLES), "-o", str(out), "-q"])
    assert again.exit_code == 2 and "--resume" in again.output
    resumed = CliRunner().invoke(main, ["screen", str(SAMPLES), "-o", str(out), "-q", "--resume", "--no-plot"])
    assert resumed.exit_code == 0 and "0 computed" in resumed.output
    pd.testing.assert_frame_equal(read_table(out), df.reset_index())


def test_cli_bad_csv_is_exit_2_before_anything_runs(make_site, tmp_path):
    make_site()
    csv = tmp_path / "c.csv"
    csv.write_text("id,base,conection.voltage_kv\na,site.yaml,35\n")
    r = CliRunner().invoke(main, ["screen", str(csv), "-o", str(tmp_path / "out"), "-q"])
    assert r.exit_code == 2
    assert "connection.voltage_kv" in r.output
    assert not (tmp_path / "out" / "journal.jsonl").exists()


def crash_on_boom(chunk, mode):
    """A task whose worker process dies on the candidate 'boom' (a segfault, the OOM killer)."""
    if any(c.id == "boom" for c in chunk):
        os._exit(7)
    return run_chunk(chunk, mode)


def test_a_crashing_worker_does_not_stop_the_batch(make_site, tmp_path):
    make_site()
    ids = [f"c{i}" for i in range(6)] + ["boom"] + [f"d{i}" for i in range(5)]
    csv = tmp_path / "c.csv"
    csv.write_text("id,base,sources[1].capacity_mw\n" + "".join(f"{i},site.yaml,{10 + k}\n" for k, i in enumerate(ids)))
    res = screen(csv, tmp_path / "out", workers=2, chunk_size=4, progress=False, task=crash_on_boom)
    df = res.table.set_index("id")
    assert list(res.table["id"]) == ids and df.index.is_unique
    assert df.loc["boom", "status"] == "error" and "worker process died" in df.loc["boom", "error"]
    assert (df.drop(index="boom")["status"] != "error").all()
    assert df.loc["d4", "pv_mw"] == 21
