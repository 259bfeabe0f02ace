"""User text in spreadsheets and CSV files: stored as text, never run as a formula.

A site named ``=HYPERLINK("http://x","y")`` must not become a live formula in a workbook
or in a CSV opened by a spreadsheet (CSV or formula injection). Two helpers:

* :func:`text_only` for openpyxl workbooks: every string cell is stored as a string
  (openpyxl makes any string that starts with ``=`` a formula when it is assigned).
  The value is unchanged: Excel shows ``=HYPERLINK(...)`` as text.
* :func:`csv_text` / :func:`csv_safe_frame` / :func:`write_csv` for CSV, as OWASP's
  CSV-injection guidance says: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return gets a leading single quote. A genuine number written as text
  (``-12.5``) is left alone. :func:`write_csv` ends lines with CRLF (RFC 4180), so that a
  text cell holding a carriage return is quoted and stays one cell.

gdc never writes formulas on purpose, so both apply to every text cell.
"""

from __future__ import annotations

from typing import Any

#: First characters a spreadsheet may read as the start of a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_only(workbook: Any) -> Any:
    """Store every string cell of an openpyxl workbook as a string (never a formula).

    Parameters
    ----------
    workbook : openpyxl.Workbook
        Changed in place, before it is saved.

    Returns
    -------
    openpyxl.Workbook
        The same workbook.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
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
