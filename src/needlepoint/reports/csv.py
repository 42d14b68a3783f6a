"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads the accents), ISO dates,
and no cell a spreadsheet would run as a formula; streamed a line at a time."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe (CSV injection); numbers stay
    numbers, booleans read yes or no, None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A time as the clinic reads it: in its time zone, to the second, with the offset."""
    return moment.astimezone(zone).replace(microsecond=0) if moment else None


class _Line:
    """What `csv.writer` writes to: it hands each formatted line back."""

    def write(self, line: str) -> str:
        return line


@dataclass(frozen=True)
class Table:
    """A CSV file to be: its name, its header and its rows, read as they are written."""

    filename: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]

    def lines(self) -> Iterator[str]:
        writer = csv.writer(_Line())
        yield BOM + writer.writerow(self.header)
        for row in self.rows:
            yield writer.writerow([csv_cell(value) for value in row])
