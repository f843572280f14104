"""The benchmarks' own PostgreSQL databases: created once, kept for later runs."""

import psycopg


def bench_database(name: str, admin_url: str) -> str | None:
    """The URL of database `name` on the server of `admin_url`, created if missing; None when unreachable."""
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL unavailable ({exc}); skipped")
        return None
    return admin_url.rsplit("/", 1)[0] + "/" + name
