"""Writing generated rows fast: ids taken from the tables' own sequences, then one binary COPY
per table and chunk on PostgreSQL (psycopg 3) or one `executemany` on SQLite, all inside the
caller's transaction. Rows are dicts keyed by field attname, JSON columns holding `Json`;
a column left out takes the field's default, so a column added later does not break the
generator."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format

from needlepoint.cli.synthetic.clinical import Json

MAX_BLOCK = 64_000  # ids reserved at a time, doubling from 1,000


class JsonbDumper(Dumper):
    """`Json` into a binary COPY: serialised once, so written as is."""

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid

    def dump(self, obj: Json) -> bytes:
        return obj.jsonb


def _default(field: models.Field[Any, Any], now: datetime) -> object:
    """What a row that leaves the field out stores; KeyError when it must be given."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default() and (not callable(field.default) or field.default in (dict, list)):
        value = field.get_default()
        return Json(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if field.blank and field.empty_strings_allowed:
        return ""
    raise KeyError(f"generated {field.model.__name__} rows need {field.attname}")


class Table:
    def __init__(self, model: type[models.Model], now: datetime) -> None:
        fields = model._meta.concrete_fields
        self.name = model._meta.db_table
        self.columns = [field.column for field in fields]
        self.attnames = [field.attname for field in fields]
        self.defaults: dict[str, object] = {}
        for field in fields:
            try:
                self.defaults[field.attname] = _default(field, now)
            except KeyError:
                continue
        self.values = itemgetter(*self.attnames)
        self.types: list[int] = []  # PostgreSQL: the columns' type oids, for a binary COPY

    def typed(self) -> Table:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped",
                [self.name],
            )
            oids = dict(cursor.fetchall())
        self.types = [oids[column] for column in self.columns]
        return self

    def row(self, given: dict[str, Any]) -> tuple[Any, ...]:
        try:
            values: tuple[Any, ...] = self.values({**self.defaults, **given})
        except KeyError as missing:
            raise KeyError(f"generated {self.name} rows need {missing}") from None
        return values


class Ids:
    """Integer primary keys reserved from each table's sequence in growing blocks.

    PostgreSQL: one statement moves the sequence past the block (`setval(nextval + n - 1)`),
    so later ORM inserts never collide. Should another writer take an id in the instant
    between the two calls, the COPY fails on the primary key and the run rolls back whole.
    SQLite: above the largest id, while the run's transaction holds the write lock.
    """

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}
        self._stop: dict[type[models.Model], int] = {}
        self._block: dict[type[models.Model], int] = {}
        self._last: dict[type[models.Model], int] = {}
        self.spans: dict[type[models.Model], tuple[int, int]] = {}

    def take(self, model: type[models.Model]) -> int:
        taken = self._next.get(model, 0)
        if taken >= self._stop.get(model, 0):
            size = self._block[model] = min(2 * self._block.get(model, 500), MAX_BLOCK)
            taken = self._refill(model, size)
        self._next[model] = taken + 1
        return taken

    def keep_ahead(self, used: dict[type[models.Model], int]) -> None:
        """Between chunks, the connection idle: twice the ids the last chunk used kept free
        for each table, so that the next chunk seldom waits behind the COPY in flight to
        reserve more."""
        for model, count in used.items():
            if model in self._stop and self._stop[model] - self._next[model] < 2 * count:
                self._next[model] = self._refill(model, 2 * count)

    def _refill(self, model: type[models.Model], count: int) -> int:
        """A new block (what is left of the last one stays unused): its first id."""
        block = self._reserve(model, count)
        low, _ = self.spans.get(model, (block.start, 0))
        self.spans[model] = (min(low, block.start), block.stop - 1)
        self._stop[model] = block.stop
        return block.start

    def _reserve(self, model: type[models.Model], count: int) -> range:
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), "
                    "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [table, pk, table, pk, count],
                )
                last = cursor.fetchone()[0]
                return range(last - count + 1, last + 1)
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
            start = max(cursor.fetchone()[0], self._last.get(model, 0)) + 1
        self._last[model] = start + count - 1
        return range(start, start + count)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, Json):
        return value.text
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class Writer:
    """Buffers rows per model and writes them, parents first, on `flush`. On PostgreSQL a
    chunk's COPYs run in a background thread on the same connection (psycopg connections
    are thread-safe), while the next chunk is generated; `finish` waits for the last."""

    def __init__(self, order: Iterable[type[models.Model]], now: datetime, ids: Ids) -> None:
        self.order, self.ids = tuple(order), ids
        self.rows: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        postgresql = connection.vendor == "postgresql"
        self._tables = {model: Table(model, now) for model in self.order}
        if postgresql:
            self._tables = {model: table.typed() for model, table in self._tables.items()}
        self._copying: Future[None] | None = None
        self._pool = ThreadPoolExecutor(1) if postgresql else None

    def add(self, model: type[models.Model], row: dict[str, Any]) -> None:
        self.rows[model].append(row)

    def flush(self) -> None:
        batch, used = [], {}
        for model in self.order:
            rows = self.rows.pop(model, [])
            if rows:
                table = self._tables[model]
                batch.append((table, [table.row(row) for row in rows]))
                used[model] = len(rows)
                self.written[model._meta.label] += len(rows)
        if self._pool is None:
            for table, values in batch:
                _insert(table, values)
            return
        self.finish()
        self.ids.keep_ahead(used)
        connection.ensure_connection()
        self._copying = self._pool.submit(_copy, connection.connection, batch)

    def finish(self) -> None:
        """Wait for the rows being written (raising what failed)."""
        if self._copying is not None:
            copying, self._copying = self._copying, None
            copying.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _quoted(table: Table) -> str:
    return ", ".join(f'"{name}"' for name in table.columns)


def _copy(raw: Any, batch: list[tuple[Table, list[tuple[Any, ...]]]]) -> None:
    with raw.cursor() as cursor:
        cursor.adapters.register_dumper(Json, JsonbDumper)
        for table, rows in batch:
            statement = f'COPY "{table.name}" ({_quoted(table)}) FROM STDIN (FORMAT BINARY)'
            with cursor.copy(statement) as copy:
                copy.set_types(table.types)
                for row in rows:
                    copy.write_row(row)


def _insert(table: Table, rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(table.columns))
    connection.connection.executemany(  # sqlite3 itself: "?" placeholders, no query rewrite
        f'INSERT INTO "{table.name}" ({_quoted(table)}) VALUES ({marks})',  # noqa: S608
        [tuple(map(_sqlite_value, row)) for row in rows],
    )


def compress_with_lz4() -> None:
    """On PostgreSQL, compress the large values the rest of the transaction writes (a
    course's plan is about 4 KB) with lz4, twice as fast to write as the default pglz, where
    the server has it; reading mixes both transparently."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_toast_compression = lz4")
    except DatabaseError:
        return


def skip_reference_triggers() -> bool:
    """On PostgreSQL, let the rest of the transaction skip the per-row foreign-key triggers
    (`session_replication_role = replica`, as `pg_restore --disable-triggers` does) when
    this role may; `check_references` then checks every generated row's references in one
    set-based query per key instead. False where not allowed (or on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def check_references(
    order: Iterable[type[models.Model]],
    spans: dict[type[models.Model], tuple[int, int]],
    clinic_id: int,
) -> list[str]:
    """The foreign keys of generated rows that point at no row: '<table>.<column>' each (one
    query per table, its keys left-joined to their parents)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        broken = []
        for model in order:
            pk = model._meta.pk.column
            if model in spans:
                where, params = f'c."{pk}" BETWEEN %s AND %s', list(spans[model])
            elif isinstance(model._meta.pk, models.UUIDField):  # not from a sequence
                where, params = 'c."clinic_id" = %s', [clinic_id]
            else:  # none generated
                continue
            keys = [
                (field.column, field.related_model._meta)
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not None
            ]
            table = model._meta.db_table
            dangling = [
                f'bool_or(c."{column}" IS NOT NULL AND p{i}."{parent.pk.column}" IS NULL)'
                for i, (column, parent) in enumerate(keys)
            ]
            joins = [
                f'LEFT JOIN "{parent.db_table}" p{i} ON p{i}."{parent.pk.column}" = c."{column}"'
                for i, (column, parent) in enumerate(keys)
            ]
            cursor.execute(  # one scan of the table for all its keys
                f'SELECT {", ".join(dangling)} FROM "{table}" c {" ".join(joins)} '  # noqa: S608
                f"WHERE {where}",
                params,
            )
            found = cursor.fetchone()
            broken += [f"{table}.{key}" for (key, _), bad in zip(keys, found, strict=True) if bad]
    return broken
