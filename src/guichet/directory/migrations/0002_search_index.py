"""The full-text index behind SearchEntry: FTS5 on SQLite, GIN on PostgreSQL.

On SQLite, a later migration that alters directory_searchentry makes Django rebuild the table, which drops
these triggers: such a migration must run SQLITE_DOWN/SQLITE_UP again and rebuild the FTS table.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE directory_searchentry_fts USING fts5("
    "document, content='directory_searchentry', content_rowid='id')",
    """CREATE TRIGGER directory_searchentry_ai AFTER INSERT ON directory_searchentry BEGIN
         INSERT INTO directory_searchentry_fts(rowid, document) VALUES (new.id, new.document); END""",
    """CREATE TRIGGER directory_searchentry_ad AFTER DELETE ON directory_searchentry BEGIN
         INSERT INTO directory_searchentry_fts(directory_searchentry_fts, rowid, document)
         VALUES ('delete', old.id, old.document); END""",
    """CREATE TRIGGER directory_searchentry_au AFTER UPDATE OF document ON directory_searchentry BEGIN
         INSERT INTO directory_searchentry_fts(directory_searchentry_fts, rowid, document)
         VALUES ('delete', old.id, old.document);
         INSERT INTO directory_searchentry_fts(rowid, document) VALUES (new.id, new.document); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS directory_searchentry_au",
    "DROP TRIGGER IF EXISTS directory_searchentry_ad",
    "DROP TRIGGER IF EXISTS directory_searchentry_ai",
    "DROP TABLE IF EXISTS directory_searchentry_fts",
]
# A stored, generated tsvector: matching uses its GIN index and ranking reads it without re-parsing.
PG_UP = [
    "ALTER TABLE directory_searchentry ADD COLUMN document_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED",
    "CREATE INDEX directory_searchentry_document_gin ON directory_searchentry USING gin (document_tsv)",
]
PG_DOWN = ["DROP INDEX IF EXISTS directory_searchentry_document_gin",
           "ALTER TABLE directory_searchentry DROP COLUMN IF EXISTS document_tsv"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [
        migrations.RunPython(run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
