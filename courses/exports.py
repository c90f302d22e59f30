"""Downloads: CSV streamed, and safe to open in a spreadsheet; PDF as a file to save."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value):
        return value


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """Stream rows as CSV, one line at a time, so a large export never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # BOM, so Excel reads the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
