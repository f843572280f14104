"""What each app holds about a person: one exporter and one eraser per app, registered by its privacy.py.

An exporter returns JSON-ready data about one user and nothing about anybody else (other people appear
as an organization or record key at most). An eraser anonymises or removes that user's personal data
inside the erasure's transaction and returns counts of what it changed; it keeps bookings, orders and
anything the figures are computed from, only detached from the person.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[..., dict[str, int]]

exporters: dict[str, Exporter] = {}
erasers: dict[str, Eraser] = {}


def exporter(part: str):
    def register(func: Exporter) -> Exporter:
        exporters[part] = func
        return func
    return register


def eraser(part: str):
    def register(func: Eraser) -> Eraser:
        erasers[part] = func
        return func
    return register


def when(value):
    """Datetimes and dates as ISO 8601 (UTC as stored), None as is."""
    return value.isoformat() if value is not None else None
