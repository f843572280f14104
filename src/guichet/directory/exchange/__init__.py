"""The directory-v1 exchange format, one module per step of its path through Guichet.

- `read`: the format's constants and schema, the issues an import is refused with, `parse_json`;
- `xlsx`: the workbook form (`parse_xlsx`, `export_xlsx`), the same payload sheet by sheet;
- `check`: every problem of a payload, each naming record and field (reads the database, never writes);
- `records`: the canonical record of each stored row, `export_payload`, `canonical_json`;
- `plan`: what importing a checked payload would do, record by record.

`guichet.directory.services.directory_import` applies a checked payload in one transaction.
"""
