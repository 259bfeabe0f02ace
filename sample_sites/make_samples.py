"""Regenerate the sample sites' hourly CSV files, recording how each was made.

Run from the repository root: ``python sample_sites/make_samples.py``. The external cases
are read from ``../shared/cases`` (beside the repository); the synthetic sites use
gdc's own offline synthesis (:mod:`gdc.profiles.synth`) with the seeds and parameters
written below and in each CSV's header comment. The CSV files are committed, so the
samples work without running this script.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "cases"


def _write(df: pd.DataFrame, path: Path, header: list[str], index: bool = False) -> None:
    lines = [f"# {h}" for h in header]
    lines.append("# written by sample_sites/make_samples.py")
    path.write_text("\n".join(lines) + "\n" + df.to_csv(index=index, float_format="%.6g"), encoding="utf-8")


def park_2026() -> None:
    """The 2026 Electrician Cup park (problem A): typical day and 24 weighted day types."""
    src = SHARED / "park-2026"
    day = pd.read_csv(src / "typical_day.csv")
    # load = regular load (peak 6 MW x per-unit) + process load 20.75 MW (README of the case)
    load = 6.0 * day["regular_load_pu"] + 20.75
    out = pd.DataFrame({"hour": day["hour"], "load_mw": load.round(6), "wind_pu": day["wind_pu"],
                        "pv_pu": day["pv_pu"]})
    _write(out, HERE / "park-2026-typical-day" / "typical_day.csv",
           ["2026 Electrician Cup problem A, base-case typical day (../shared/cases/park-2026/typical_day.csv)",
            "load_mw = 6 MW x regular_load_pu + 20.75 MW process load (electrolysers 2 x 10 MW, ammonia 0.75 MW)"])
    wind = pd.read_csv(src / "wind_scenarios.csv")
    pv = pd.read_csv(src / "pv_scenarios.csv")
    rows = []
    days = []
    for wcol in [c for c in wind.columns if c != "hour"]:
        for pcol in [c for c in pv.columns if c != "hour"]:
            days.append({"day": f"{wcol}+{pcol}", "weight_days": 15})
            for h in range(24):
                rows.append({"day": f"{wcol}+{pcol}", "hour": h, "load_mw": round(float(load[h]), 6),
                             "wind_pu": wind.loc[h, wcol], "pv_pu": pv.loc[h, pcol]})
    _write(pd.DataFrame(rows), HERE / "park-2026-day-types" / "day_types.csv",
           ["2026 Electrician Cup problem A: 6 wind days x 4 PV days = 24 day types, 15 days each (360 days)",
            "load_mw: the base-case typical day's load on every day type"])
    _write(pd.DataFrame(days), HERE / "park-2026-day-types" / "weights.csv",
           ["days of the year each day type stands for (the case's 15 days each)"])


def v3_tool() -> None:
    """The Chinese planning tool's 8760-hour input: flat 64 MW load, wind/PV per-unit, prices."""
    df = pd.read_csv(SHARED / "v3-tool" / "curves.csv")
    ts = pd.date_range("2026-01-01", periods=len(df), freq="h")
    out = pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%d %H:%M"), "load_kw": df["load"],
                        "wind_pu": df["windPu"], "pv_pu": df["pvPu"], "price": df["price"],
                        "loss_fee": df["lossFee"], "tdu_fee": df["tduFee"], "system_fee": df["systemFee"],
                        "fund_fee": df["fundFee"]})
    _write(out, HERE / "v3-tool-flat-load" / "curves.csv",
           ["input of the Chinese planning tool '绿电直连新能源优化配置 V3.0' (fixture v3_fixture.json of",
            "drshare/directopt-tauri), values unchanged: ../shared/cases/v3-tool/curves.csv",
            "load_kw [kW]; wind_pu, pv_pu [kW/kW]; price and fees [CNY/kWh]; hour 0 = 1 January 00:00"])


#: The multi-user park (688号): user -> (archetype, peak [MW], seed). Weifang, Shandong.
PARK_688_USERS = {
    "cell_mw": ("battery-cell", 40.0, 11),   # exporting battery-cell plant (needs a high green share)
    "dc_mw": ("data-centre", 25.0, 12),      # data centre
    "chem_mw": ("chemicals", 30.0, 13),      # chemical plant
    "logistics_mw": ("two-shift", 10.0, 14),  # logistics hub (two shifts, quiet at night)
}
PARK_688_LOCATION = (36.7, 119.1, 2026, 15)  # latitude, longitude, year, seed of PV (wind: seed + 100)


def park_688() -> None:
    """A multi-user industrial park (688号): four users' loads and PV/wind per-unit, synthesised offline."""
    from gdc.profiles.load import synth_load
    from gdc.profiles.synth import synth_pv, synth_wind

    lat, lon, year, seed = PARK_688_LOCATION
    cols: dict[str, object] = {}
    header = ["synthetic profiles of the sample site 'park-688-multi-user' (gdc offline synthesis, no measured data)"]
    for col, (arch, peak, s) in PARK_688_USERS.items():
        load = synth_load(arch, peak, year, seed=s)
        if not cols:
            cols["timestamp"] = load.index.strftime("%Y-%m-%d %H:%M")
        cols[col] = load.to_numpy().round(4)
        header.append(f"{col}: gdc.profiles.load.synth_load('{arch}', peak_mw={peak}, year={year}, seed={s})")
    cols["pv_pu"] = synth_pv(lat, lon, year, seed=seed, region="shandong").to_numpy().round(5)
    cols["wind_pu"] = synth_wind(lat, lon, year, seed=seed + 100, region="shandong").to_numpy().round(5)
    header += [f"pv_pu: gdc.profiles.synth.synth_pv({lat}, {lon}, {year}, seed={seed}, region='shandong')",
               f"wind_pu: gdc.profiles.synth.synth_wind({lat}, {lon}, {year}, seed={seed + 100}, region='shandong')",
               "loads [MW]; pv_pu, wind_pu [MW/MW]; timestamps: local China time (UTC+8), start of each hour"]
    folder = HERE / "park-688-multi-user"
    folder.mkdir(exist_ok=True)
    _write(pd.DataFrame(cols), folder / "profiles.csv", header)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="park, v3, synthetic, park688")
    args = parser.parse_args()
    todo = set(args.only or ["park", "v3", "synthetic", "park688"])
    if "park688" in todo:
        park_688()
    if "park" in todo:
        park_2026()
    if "v3" in todo:
        v3_tool()
    if "synthetic" in todo:
        try:
            from synthetic_sites import make_all  # noqa: PLC0415 - sibling script
        except ImportError:
            print("synthetic sites: sample_sites/synthetic_sites.py not found")
        else:
            make_all(HERE)
    _ = np  # numpy is used by the sibling script


if __name__ == "__main__":
    main()
