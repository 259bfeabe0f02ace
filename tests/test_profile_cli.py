"""``gdc profile`` commands: CSV format, summaries, errors, offline operation, speed."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from gdc.cli.profile import profile
from gdc.site.errors import InputError


def _tmy3() -> str:
    import pvlib

    return str(Path(os.path.dirname(pvlib.__file__)) / "data" / "723170TYA.CSV")


def _run(args: list[str]):
    return CliRunner().invoke(profile, args, catch_exceptions=True)


def _read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, comment="#")
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def test_synth_writes_csv_with_header_and_summary(tmp_path):
    out = tmp_path / "profiles.csv"
    res = _run(["synth", "--lat", "37.4", "--lon", "118.6", "--year", "2026", "--seed", "1",
                "--region", "shandong", "--pv-flh", "1250", "--wind-flh", "2100", "-o", str(out)])
    assert res.exit_code == 0, res.output
    header = [ln for ln in out.read_text().splitlines() if ln.startswith("#")]
    text = "\n".join(header)
    assert header[0].startswith("# gdc ") and "profile synth" in header[0]
    for needle in ("# seed: 1", "# region: shandong", "# latitude: 37.4", "# year: 2026",
                   "pv_target_flh: 1250", "wind_target_flh: 2100", "turbine: GDC-6.25-200"):
        assert needle in text
    df = _read(out)
    assert list(df.columns) == ["timestamp", "pv_pu", "wind_pu"]
    assert len(df) == 8760
    assert str(df["timestamp"].iloc[0]) == "2026-01-01 00:00:00+08:00"
    assert df["pv_pu"].sum() == pytest.approx(1250, rel=0.02)
    assert df["wind_pu"].sum() == pytest.approx(2100, rel=0.02)
    assert df[["pv_pu", "wind_pu"]].min().min() >= 0 and df[["pv_pu", "wind_pu"]].max().max() <= 1
    flh = [float(x) for x in re.findall(r"full-load hours ([0-9.]+) h", res.output)]
    assert flh == [pytest.approx(df["pv_pu"].sum(), abs=0.05),
                   pytest.approx(df["wind_pu"].sum(), abs=0.05)]
    assert "monthly energy" in res.output and "Dec" in res.output


def test_synth_is_reproducible(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        assert _run(["synth", "--lat", "38.5", "--lon", "106.3", "--year", "2026",
                     "--seed", "3", "--region", "ningxia", "-o", str(p)]).exit_code == 0
    assert a.read_text() == b.read_text()


def test_load_command(tmp_path):
    out = tmp_path / "load.csv"
    res = _run(["load", "--archetype", "two-shift", "--peak", "50", "--year", "2026",
                "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = _read(out)
    assert list(df.columns) == ["timestamp", "load_mw"]
    assert df["load_mw"].max() == pytest.approx(50.0, abs=1e-6)
    assert "# archetype: two-shift" in out.read_text()
    assert "peak 50.00 MW" in res.output


def test_pv_command_on_tmy3(tmp_path):
    out = tmp_path / "pv.csv"
    res = _run(["pv", "--weather", _tmy3(), "--tilt", "25", "--dc-ac", "1.3", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = _read(out)
    assert list(df.columns) == ["timestamp", "pv_pu"] and len(df) == 8760
    assert df["pv_pu"].max() <= 1 / 1.3 + 1e-6
    assert 1200 < df["pv_pu"].sum() < 1500
    text = out.read_text()
    assert "# latitude: 36.1" in text and "pv_tilt_deg_used: 25.0" in text


def test_wind_command_on_tmy3(tmp_path):
    out = tmp_path / "wind.csv"
    res = _run(["wind", "--weather", _tmy3(), "--hub-height", "120", "--turbine",
                "GDC-5.0-190", "--losses", "10", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = _read(out)
    assert list(df.columns) == ["timestamp", "wind_pu"]
    assert df["wind_pu"].max() <= 0.9 + 1e-9
    assert "measurement_height_m: 10.0" in out.read_text()


@pytest.mark.parametrize("args,match", [
    (["synth", "--lat", "37", "--lon", "118", "--year", "2026", "--region", "mars"],
     "unknown region"),
    (["load", "--archetype", "bakery", "--peak", "5", "--year", "2026"], "archetype"),
    (["pv", "--weather", "/nonexistent/file.epw"], "not found"),
    (["wind", "--weather", "WEATHER", "--turbine", "NoSuch/1"], "unknown turbine"),
    (["pv", "--weather", "WEATHER", "--dc-ac", "9"], "DC/AC"),
])
def test_bad_input_raises_input_error(tmp_path, args, match):
    args = [a.replace("WEATHER", _tmy3()) for a in args] + ["-o", str(tmp_path / "x.csv")]
    res = _run(args)
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError)
    assert match in str(res.exception)


def test_output_folder_is_created_and_a_folder_is_refused(tmp_path):
    """-o into a missing folder creates it (as every output option); -o at a folder is bad input."""
    res = _run(["load", "--archetype", "continuous", "--peak", "5", "--year", "2026",
                "-o", str(tmp_path / "no" / "x.csv")])
    assert res.exit_code == 0 and (tmp_path / "no" / "x.csv").is_file()
    res = _run(["load", "--archetype", "continuous", "--peak", "5", "--year", "2026", "-o", str(tmp_path)])
    assert isinstance(res.exception, InputError) and "folder" in str(res.exception)


def test_commands_run_without_network(tmp_path, monkeypatch):
    """Every profile command works with all sockets refusing to connect."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network disabled in test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for args in (
        ["synth", "--lat", "36.65", "--lon", "117.0", "--year", "2026", "--region", "shandong"],
        ["load", "--archetype", "data-centre", "--peak", "20", "--year", "2026"],
        ["pv", "--weather", _tmy3(), "--tracking", "single-axis"],
        ["wind", "--weather", _tmy3(), "--turbine", "E-141/4200"],
    ):
        out = tmp_path / f"{args[0]}.csv"
        res = _run(args + ["-o", str(out)])
        assert res.exit_code == 0, (args, res.output, res.exception)
        assert len(pd.read_csv(out, comment="#")) == 8760
    assert calls == []


def test_synth_one_year_under_3_seconds(tmp_path):
    _run(["synth", "--lat", "37", "--lon", "118", "--year", "2025", "-o",
          str(tmp_path / "warm.csv")])  # imports
    t = time.perf_counter()
    res = _run(["synth", "--lat", "37.4", "--lon", "118.6", "--year", "2026", "--seed", "7",
                "--region", "shandong", "-o", str(tmp_path / "p.csv")])
    assert res.exit_code == 0
    assert time.perf_counter() - t < 3.0
