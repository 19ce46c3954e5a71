"""CSV exports of the portal's lists, streamed, with the list's filters (shared by every context).

Each list page adds an export view that builds the same filterset as the page (over
the policy's `visible_to(user)`) and hands it to `filtered_csv` with its columns: the
rows of the list, in its order, or a 400 naming the filters that do not validate. Rows
are read in chunks (`iterator(chunk_size=...)`) and written as they come, so an export
of any size costs a fixed number of queries and little memory.

Every cell is quoted (csv.QUOTE_ALL) and defused: a spreadsheet may split a line on `,`,
`;` or a tab (the list separator of the user's locale), and treats line breaks as rows,
so any part of a cell that starts a field after such a split (the cell's start, or just
after `,`, `;`, a tab, CR or LF) and begins with a formula character (`=`, `+`, `-`, `@`,
a tab or CR, possibly after spaces, quotes or apostrophes) gets an apostrophe in front:
`Semi;=1+2;tail` is written `Semi;'=1+2;tail`. Numbers, dates and booleans are written
as they are. `undefuse` is the exact inverse, used by the CSV import, so an export
imports back to the same values.
"""

import csv
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from crm.platform.list_pages import with_tiebreaker

CHUNK_SIZE = 2_000
# Where a spreadsheet may start a field: the cell's start, or after a list separator or line break.
_FIELD_START = r"(?:^|(?<=[,;\t\r\n]))"
# ...followed by apostrophes, spaces or quotes, then a formula character.
_DANGER = r"(?='*[ \"]*[=+\-@\t\r])"
_DEFUSE = re.compile(_FIELD_START + _DANGER)
_UNDEFUSE = re.compile(_FIELD_START + "'" + _DANGER)


def defuse(text: str) -> str:
    """`text` with an apostrophe before each part a spreadsheet could run as a formula, whatever its separator."""
    return _DEFUSE.sub("'", text)


def undefuse(text: str) -> str:
    """The inverse of `defuse`: the text as it was before an export defused it."""
    return _UNDEFUSE.sub("", text)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def column(header: str, path: str | None = None) -> Column:
    """A column reading `path` ("owner.username") from each row; `path` defaults to the header."""
    names = (path or header).split(".")

    def read(record):
        for name in names:
            record = getattr(record, name, None) if record is not None else None
        return record() if callable(record) else record

    return Column(header, read)


def safe_cell(value) -> str:
    """The value as CSV text; text that a spreadsheet would evaluate is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text, a line at a time: the header, then each row's cells made safe."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield "\ufeff" + writer.writerow([safe_cell(name) for name in header])  # the BOM: it is UTF-8
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_download(lines: Iterator[str], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(*, filename: str, columns: list[Column], rows: QuerySet) -> StreamingHttpResponse:
    """Stream `rows` (an ordered, filtered queryset of visible records) as a CSV download."""
    records = rows.iterator(chunk_size=CHUNK_SIZE)
    lines = csv_lines([c.header for c in columns], ([c.value(record) for c in columns] for record in records))
    return csv_download(lines, filename=f"{filename}-{timezone.localdate().isoformat()}")


def invalid_filters(filterset) -> HttpResponseBadRequest:
    """The 400 answer to an export whose filters do not validate (the list page shows the same errors)."""
    lines = [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def filtered_csv(
    request,
    filterset,
    *,
    filename: str,
    columns: list[Column],
    orderings: Collection[str] = (),
    default_ordering: str | Sequence[str],
) -> HttpResponse:
    """The list's CSV export: the filter's rows in the page's order (an `?ordering=` among `orderings`,
    else the default; then the primary key), or 400 when the filters do not validate."""
    if not filterset.is_valid():
        return invalid_filters(filterset)
    asked = request.GET.get("ordering")
    if asked in orderings:
        ordering = [asked]
    else:
        ordering = [default_ordering] if isinstance(default_ordering, str) else list(default_ordering)
    rows = filterset.qs.order_by(*with_tiebreaker(ordering))
    return csv_response(filename=filename, columns=columns, rows=rows)
