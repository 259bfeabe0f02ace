"""``gdc screen --scheduler``: the same batch on a Dask LocalCluster gives the same table as locally."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from gdc.cli.main import main
from gdc.screen.runner import screen
from gdc.screen.store import read_table

distributed = pytest.importorskip("distributed")
#: two LocalClusters at once: the second one's HTTP endpoint moves off the busy port 8787
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1", silence_logs=logging.ERROR) as c:
        yield c


def mixed_csv(path):
    base = SAMPLES / "shandong-export-battery" / "site.yaml"
    rows = ["id,base,sources[0].capacity_mw,sources[1].distance_km,connection.voltage_kv,jurisdiction"]
    for i in range(24):
        rows.append(f"s{i},{base},{40 + 5 * i},{5 + 2 * i},{[35, 110, 220][i % 3]},")
    rows += [f"nx,{SAMPLES / 'ningxia-ramp' / 'site.yaml'},,,,",
             f"missing,{path.parent / 'missing.yaml'},,,,",
             f"badjur,{base},,,,narnia",
             f"badvolt,{base},,,-5,"]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_dask_results_identical_to_local(cluster, tmp_path):
    csv = mixed_csv(tmp_path / "c.csv")
    local = screen(csv, tmp_path / "local", workers=2, chunk_size=5, progress=False)
    r = CliRunner().invoke(main, ["screen", str(csv), "-o", str(tmp_path / "dask"), "--scheduler",
                                  cluster.scheduler_address, "--chunk-size", "3", "-q", "--no-plot"])
    assert r.exit_code == 0, r.output
    assert "dask, 2 worker(s)" in r.output
    remote = read_table(tmp_path / "dask")
    pd.testing.assert_frame_equal(remote.drop(columns="run_time_s"), local.table.drop(columns="run_time_s"))
    df = remote.set_index("id")
    assert set(df[df["status"] == "error"].index) == {"missing", "badjur", "badvolt"}
    assert df.loc["s2", "status"] == "review"  # exactly 220 kV in Shandong: special assessment
    assert df.loc["s0", "margin_voltage_level"] == pytest.approx(220 - 35)


def test_unreachable_scheduler_is_an_input_error(tmp_path):
    import dask

    csv = mixed_csv(tmp_path / "c.csv")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        r = CliRunner().invoke(main, ["screen", str(csv), "-o", str(tmp_path / "o"), "-q", "--scheduler",
                                      "tcp://127.0.0.1:9"])
    assert r.exit_code == 2 and "Dask scheduler" in r.output


def test_dask_local_cluster_option(tmp_path):
    csv = mixed_csv(tmp_path / "c.csv")
    res = screen(csv, tmp_path / "dl", dask_local=2, progress=False)
    assert res.backend == "dask" and res.workers == 2
    local = screen(csv, tmp_path / "local", workers=1, progress=False)
    pd.testing.assert_frame_equal(res.table.drop(columns="run_time_s"), local.table.drop(columns="run_time_s"))
