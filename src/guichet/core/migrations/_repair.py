"""What the data migrations share, kept with them and frozen: a migration must run the same whenever it is
applied, so it imports nothing from the live code (tests/test_settings_migrations.py). The leading "_"
keeps Django's migration loader from taking this module for a migration."""


def repair_out_of_bounds(apps, schema_editor, *, table: str, column: str, low, high, replacement) -> int:
    """Before a CHECK constraint is added, set each stored value outside [low, high] to `replacement`, and
    write the old value to the audit log (staff find it at /staff/audit/, action bounds.repair, and put the
    right figure in through the admin). Raw SQL: on SQLite the old value may not even read as a Decimal."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, CAST({quote(column)} AS TEXT) FROM {quote(table)} "  # noqa: S608 (names are ours)
                       f"WHERE NOT ({quote(column)} >= %s AND {quote(column)} <= %s)", [low, high])
        rows = cursor.fetchall()
        for pk, old in rows:
            cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                           [replacement, pk])
            AuditEvent.objects.create(actor=None, actor_label="system", action="bounds.repair", entity_type=table,
                                      entity_key=str(pk), entity_label=column,
                                      changes={column: [old, str(replacement)]})
    return len(rows)
