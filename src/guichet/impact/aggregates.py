"""Aggregates the database computes over a queryset's rows, where the ORM cannot say them itself.

`aggregate()` refuses a `distinct(fields)` queryset (PostgreSQL's DISTINCT ON, the one fast read of "the latest row
per organization"), and summing its rows in Python read 20,000 of them per KPI (bench/impact_bench.py). `over`
wraps the queryset's own SQL as a subquery, so the filters are written once, in the ORM, and only the totals
travel.
"""

from django.db import connection


def over(queryset, select: str, params: tuple = ()) -> tuple:
    """One row: `SELECT <select> FROM (<queryset>) AS rows`; `select` names the queryset's `values()` columns,
    with `%s` placeholders for `params`."""
    sql, inner = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({sql}) AS rows", (*params, *inner))
        return cursor.fetchone()


def grouped(queryset, select: str, group: str) -> list[tuple]:
    """Every row of `SELECT <select> FROM (<queryset>) AS rows GROUP BY <group>`: the database counts the groups,
    only the groups travel."""
    sql, inner = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({sql}) AS rows GROUP BY {group}", inner)
        return cursor.fetchall()
