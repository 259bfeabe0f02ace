"""Reports of a batch: a self-contained HTML summary and an Excel workbook.

The HTML reuses the single-site report's page, tables and badges (:mod:`gdc.report.html`):
the counts by status, the summary plot inline, and the ranked table. The workbook has the
ranked table (numbers as numbers) and the batch's manifest; ids, names, errors and file names
are stored as text, never as formulas (:func:`gdc.exchange.cells.text_only`).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from gdc.screen.summary import rank

#: Columns shown in the HTML table, when present, in this order.
SHOWN = ("rank", "id", "status", "binding_rule", "binding_margin", "self_use_share", "load_share",
         "export_share", "cost_cny_per_mwh", "cost_cny_per_year", "sizing", "certified_full_year", "error")


def _fmt(x: Any) -> str:
    import pandas as pd

    if x is None or (not isinstance(x, str) and bool(pd.isna(x))):
        return ""
    if isinstance(x, float):
        return f"{x:,.2f}"
    return str(x)


def write_batch_html(table: Any, path: str | Path, png: Path | None = None, title: str = "gdc screen",
                     lang: str = "en") -> Path:
    """Write the batch summary as one self-contained HTML file."""
    from gdc.report.html import esc, html_table, page, status_badge

    ranked = rank(table)
    counts = ranked["status"].value_counts().to_dict()
    badges = " ".join(status_badge(s, lang, text=f"{s}: {n}") for s, n in counts.items())
    cols = [c for c in SHOWN if c in ranked.columns]
    rows = []
    for _, r in ranked.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            cells.append(status_badge(str(v), lang) if c == "status" else esc(_fmt(v)))
        rows.append(cells)
    numeric = {i for i, c in enumerate(cols) if c in ("rank", "binding_margin", "self_use_share", "load_share",
                                                      "export_share", "cost_cny_per_mwh", "cost_cny_per_year")}
    figure = ""
    if png is not None and Path(png).is_file():
        uri = "data:image/png;base64," + base64.b64encode(Path(png).read_bytes()).decode()
        figure = f'<section class="plot"><h2>Candidates</h2><figure><img src="{uri}" alt="summary plot"></figure></section>'
    body = (f"<h1>{esc(title)}</h1><p>{len(ranked)} candidates {badges}</p>{figure}"
            f"<h2>Ranked results</h2>{html_table(cols, rows, numeric=numeric, escape=False)}")
    path = Path(path)
    path.write_text(page(title, body, lang), encoding="utf-8")
    return path


def write_batch_xlsx(table: Any, path: str | Path, manifest: dict[str, Any] | None = None) -> Path:
    """Write the ranked batch table (and the manifest) as an Excel workbook."""
    ranked = rank(table)
    path = Path(path)
    import pandas as pd

    from gdc.exchange.cells import text_only

    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        ranked.to_excel(xl, sheet_name="results", index=False)
        ws = xl.sheets["results"]
        ws.freeze_panes = "C2"
        for col in ws.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in col[:200])
            ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
        if manifest:
            pd.DataFrame({"item": list(manifest), "value": [str(v) for v in manifest.values()]}).to_excel(
                xl, sheet_name="batch", index=False)
        text_only(xl.book)
    return path
