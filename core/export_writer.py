"""One writer for every spreadsheet the project hands out (CSV with a BOM, XLSX).

Every cell goes through ``safe_cell``: a text starting with ``= + - @`` (or a tab or carriage
return) is a formula to Excel and WPS, so it is prefixed with ``'`` and shown as text (OWASP
"CSV injection"). The complaints export, the workspace exports and the dashboard tables all
write through here, so none of them can forget it.

>>> safe_cell('=HYPERLINK("http://evil.example","x")')
'\\'=HYPERLINK("http://evil.example","x")'
>>> safe_cell("张三"), safe_cell(-3)
('张三', -3)
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return ("\ufeff" + csv_text(rows)).encode("utf-8")


def xlsx_bytes(rows: Iterable[Iterable], *, sheet: str = "export") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
