"""User text in spreadsheets and CSV files: stored as text, never run as a formula.

A site named ``=HYPERLINK("http://x","y")`` must not become a live formula in a workbook
or in a CSV opened by a spreadsheet (CSV or formula injection). Two helpers:

* :func:`text_only` for openpyxl workbooks: every string cell is stored as a string
  (openpyxl makes any string that starts with ``=`` a formula when it is assigned).
  The value is unchanged: Excel shows ``=HYPERLINK(...)`` as text. The only formulas left
  are the cells gdc wrote as formulas itself, named by sheet and address (``formulas=``:
  the cash-flow sheet's NPV, IRR and net cells, :func:`gdc.finance.workbook.cash_flow_sheet`).
* :func:`csv_text` / :func:`csv_safe_frame` / :func:`write_csv` for CSV, as OWASP's
  CSV-injection guidance says: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return gets a leading single quote. A genuine number written as text
  (``-12.5``) is left alone. :func:`write_csv` ends lines with CRLF (RFC 4180), so that a
  text cell holding a carriage return is quoted and stays one cell.

User text is never a formula: a formula gdc writes on purpose is kept only at the address it
was written to, so user text that lands anywhere else (even on the cash-flow sheet) is text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: First characters a spreadsheet may read as the start of a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_only(workbook: Any, formulas: Mapping[str, Iterable[str]] | None = None) -> Any:
    """Store every string cell of an openpyxl workbook as a string, except gdc's own formulas.

    Call it last, just before the workbook is saved.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        Changed in place, before it is saved.
    formulas : mapping of str to iterable of str, optional
        The cells gdc wrote as formulas itself: sheet title -> cell addresses (``"B31"``).
        They stay formulas; every other formula-like string cell, on any sheet, becomes text.

    Returns
    -------
    openpyxl.Workbook
        The same workbook.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> wb = Workbook(); ws = wb.active; ws.title = "S"
    >>> ws["A1"] = "=SUM(B1:B2)"; ws["A2"] = '=HYPERLINK("http://x","y")'
    >>> _ = text_only(wb, formulas={"S": ["A1"]})
    >>> ws["A1"].data_type, ws["A2"].data_type
    ('f', 's')
    """
    keep = {(sheet, str(addr).replace("$", "").upper()) for sheet, addrs in (formulas or {}).items()
            for addr in addrs}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if (cell.data_type == "f" and isinstance(cell.value, str)
                        and (ws.title, cell.coordinate) not in keep):
                    cell.data_type = "s"
    return workbook


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text  # ' -1' or '-1\t' is not a plain number


def csv_text(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: ``'`` before a formula-like start.

    Parameters
    ----------
    value : any
        A cell value; only strings are changed.

    Returns
    -------
    any
        ``"'" + value`` when ``value`` is a string that starts with one of
        :data:`FORMULA_START` and is not a plain number such as ``-12.5``; else ``value``.

    Examples
    --------
    >>> csv_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> csv_text("-12.5"), csv_text("wind")
    ('-12.5', 'wind')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def csv_safe_frame(df: Any) -> Any:
    """A copy of a DataFrame whose text cells and column names pass :func:`csv_text`.

    Numeric columns are unchanged (a negative number stays a number).
    """
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(csv_text, na_action="ignore")
    out.columns = [csv_text(c) for c in out.columns]
    if out.index.name is not None:
        out.index.name = csv_text(out.index.name)
    if pd.api.types.is_object_dtype(out.index.dtype):
        out.index = out.index.map(csv_text)
    return out


def write_csv(df: Any, target: Any, **kwargs: Any) -> None:
    """Write a DataFrame as CSV for spreadsheets: :func:`csv_safe_frame`, CRLF line ends.

    Parameters
    ----------
    df : DataFrame
    target : str, Path or file
        Passed to :meth:`pandas.DataFrame.to_csv`.
    **kwargs
        Other arguments of ``to_csv`` (``index``, ``encoding``, ...).
    """
    kwargs.setdefault("lineterminator", "\r\n")
    csv_safe_frame(df).to_csv(target, **kwargs)
