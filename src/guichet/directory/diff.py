"""The field diff of two canonical directory records: what the import plan shows and the audit keeps."""

from typing import Any

from guichet.core.audit import diff_fields


def record_diff(old: dict | None, new: dict | None) -> dict[str, list[Any]]:
    """Changed fields between two canonical records; the internal parent link shows as `platform`."""
    def public(record):
        if record is None:
            return None
        return {("platform" if k == "_platform" else k): v for k, v in record.items() if k != "key"}
    return diff_fields(public(old), public(new))
