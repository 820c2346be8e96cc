"""The statements of a move, without the ORM's query building.

A move is the hot path of a live room: hundreds a second in a busy one. Building the
same UPDATE and INSERTs through the ORM cost more than running them (tests/perf,
docs/performance.md), so the few statements of a move are written here once, in SQL that
SQLite and PostgreSQL both run. Values still go through each model field's own
``get_db_prep_save`` (JSON, dates), and table and column names come from the models.
Each statement's text is made once per database (``vendor``), not on every move.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.db import connection, models

from game.models import STAND_IN_LEVEL, Player, Table, TableEvent, Workshop


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _columns(
    model: type[models.Model], names: tuple[str, ...], vendor: str = ""
) -> tuple[str, list]:
    """The quoted column list and the fields of ``names``; ``vendor`` keys the cache
    (the quoting is the database's)."""
    fields = [model._meta.get_field(name) for name in names]
    return ", ".join(_quote(field.column) for field in fields), fields


def _prepared(fields: list, values: Sequence[Any]) -> list[Any]:
    return [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values, strict=True)
    ]


@cache
def _insert_sql(model: type[models.Model], names: tuple[str, ...], count: int, vendor: str):
    columns, fields = _columns(model, names, vendor)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * count)
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES {marks}", fields


def insert(model: type[models.Model], names: tuple[str, ...], rows: Iterable[Sequence]) -> None:
    """INSERT ``rows`` (values in the order of ``names``) into ``model``'s table, in one
    statement (psycopg's executemany pipelines, which costs more for a few rows)."""
    rows = list(rows)
    sql, fields = _insert_sql(model, names, len(rows), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in _prepared(fields, row)])


@cache
def _update_sql(
    model: type[models.Model], names: tuple[str, ...], where_names: tuple[str, ...], vendor: str
):
    _, fields = _columns(model, names, vendor)
    _, where_fields = _columns(model, where_names, vendor)
    assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
    conditions = " AND ".join(f"{_quote(field.column)} = %s" for field in where_fields)
    sql = f"UPDATE {_quote(model._meta.db_table)} SET {assignments} WHERE {conditions}"
    return sql, fields, where_fields


def update_where(model: type[models.Model], where: dict[str, Any], values: dict[str, Any]) -> int:
    """UPDATE the rows matching every ``where`` equality to ``values``: the row count."""
    names, where_names = tuple(values), tuple(where)
    sql, fields, where_fields = _update_sql(model, names, where_names, connection.vendor)
    params = _prepared(fields, [values[n] for n in names])
    params += _prepared(where_fields, [where[n] for n in where_names])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@cache
def _table_row_sql(lock: bool, vendor: str) -> tuple[str, list[str], list]:
    """The statement that reads a table with its session's state, the attribute names of
    the table's fields in its order, and per field the converters the ORM would run on its value (this
    database's, then the field's: dates, JSON, booleans)."""
    fields = list(Table._meta.concrete_fields)
    columns = ", ".join(f"t.{_quote(field.column)}" for field in fields)
    converters = []
    for field in fields:
        col = field.get_col(Table._meta.db_table)
        functions = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        converters.append([(function, col) for function in functions])
    sql = (
        f"SELECT {columns}, w.{_quote('status')}, w.{_quote('paused')}, w.{_quote('deck_id')}"
        f" FROM {_quote(Table._meta.db_table)} t JOIN {_quote(Workshop._meta.db_table)} w"
        f" ON w.{_quote('id')} = t.{_quote('workshop_id')} WHERE t.{_quote('id')} = %s"
        + (" FOR UPDATE OF t" if lock else "")
    )
    return sql, [field.attname for field in fields], converters


def table_row(table_id: int, *, lock: bool = False) -> Table | None:
    """The table's row with its session's state: ``session_open``, ``session_paused``
    and ``deck_id``, in one statement. ``lock``: locked for the caller's transaction
    (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction holds the write lock).
    Read with a plain cursor and made into a model as the ORM does (``Model.from_db``),
    without a RawQuerySet's work for one row: the first statement of every move."""
    locking = lock and connection.features.has_select_for_update_of
    sql, attnames, converters = _table_row_sql(locking, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [table_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, field_converters in zip(row, converters, strict=False):
        for converter, col in field_converters:
            value = converter(value, col, connection)
        values.append(value)
    table = Table.from_db(connection.alias, attnames, values)
    status, paused, deck_id = row[len(attnames) :]
    table.session_open = status == Workshop.Status.OPEN
    table.session_paused = bool(paused)
    table.deck_id = deck_id
    return table


def locked_table(table_id: int) -> Table:
    """The table's row with its session's state, locked: what a move reads first."""
    table = table_row(table_id, lock=True)
    if table is None:
        raise Table.DoesNotExist(f"no table {table_id}")
    return table


@cache
def _seated_sql(vendor: str) -> str:
    return (
        f"SELECT {_quote('id')}, {_quote('seat')}, CASE WHEN {_quote('stand_in')} THEN %s"
        f" ELSE {_quote('bot_level')} END, {_quote('stand_in')} FROM"
        f" {_quote(Player._meta.db_table)} WHERE {_quote('table_id')} = %s AND NOT"
        f" {_quote('removed')}"
    )


def seated(table_id: int) -> list[tuple[int, int, str, bool]]:
    """(player id, seat, bot level, stand-in) of everyone seated at the table now. The
    level is the bot's that plays the seat: its own, or STAND_IN_LEVEL while a bot
    stands in for a person who is away."""
    sql = _seated_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [STAND_IN_LEVEL, table_id])
        return [(pk, seat, level, bool(stand_in)) for pk, seat, level, stand_in in cursor]


@cache
def _event_data_sql(vendor: str) -> str:
    return (
        f"SELECT {_quote('data')} FROM {_quote(TableEvent._meta.db_table)} WHERE"
        f" {_quote('table_id')} = %s AND {_quote('seq')} > %s AND {_quote('seq')} <= %s"
        f" ORDER BY {_quote('seq')}"
    )


def event_data(table_id: int, after: int, upto: int) -> list[dict[str, Any]]:
    """The data of the table's events after seq ``after`` up to ``upto``, in order."""
    field = TableEvent._meta.get_field("data")
    sql = _event_data_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [table_id, after, upto])
        return [field.from_db_value(value, None, connection) for (value,) in cursor.fetchall()]
