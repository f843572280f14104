"""No two live bookings (or blackouts) of one instrument overlap: enforced by PostgreSQL itself.

An exclusion constraint on (instrument_id WITH =, tstzrange(start, blocked_until) WITH &&) for rows that
are requested or confirmed; btree_gist lets the integer column join the GiST index. SQLite has no such
constraint: there, booking_create checks inside a transaction that holds the database's write lock.
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE bookings_booking ADD CONSTRAINT bookings_booking_no_overlap EXCLUDE USING gist "
    "(instrument_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&) "
    "WHERE (status IN ('requested', 'confirmed'))",
]
DOWN = ["ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS bookings_booking_no_overlap"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(run(UP), run(DOWN))]
