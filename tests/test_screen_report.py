"""gdc screen --report / --xlsx: the batch summary as HTML and as a workbook."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner
from conftest import SAMPLES

from gdc.cli.main import main


def test_batch_html_and_workbook(tmp_path):
    html, xlsx = tmp_path / "batch.html", tmp_path / "batch.xlsx"
    res = CliRunner().invoke(main, ["screen", str(SAMPLES), "-o", str(tmp_path / "out"), "-q", "--workers", "1",
                                    "--report", str(html), "--xlsx", str(xlsx)])
    assert res.exit_code == 0, res.output
    text = html.read_text(encoding="utf-8")
    assert "Ranked results" in text and "data:image/png;base64," in text and "<NA>" not in text
    assert "ningxia-datacentre-110kv" in text and "line_distance" in text
    book = pd.read_excel(xlsx, sheet_name=None)
    results = book["results"]
    assert set(book) == {"results", "batch"}
    assert results["rank"].tolist() == list(range(1, len(results) + 1))
    row = results.set_index("id").loc["ningxia-datacentre-110kv"]
    assert row["status"] == "fail" and row["binding_rule"] == "line_distance"
    assert abs(row["binding_margin"] - (-5.0)) < 1e-9  # 55 km against 50 km
