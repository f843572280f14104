"""The one base of every refusal a service raises: a translated message, and the field at fault when there is
one. Each app names its own subclass (`BookingError`, `DeskError`...); `config/api.py` maps them to statuses
and `core.actions.attempt` shows them on a page. `visible_or_404`: the one "found and visible, or 404" of
pages and API operations."""

from django.http import Http404


class Refused(Exception):
    def __init__(self, message="", field: str = ""):
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


def visible_or_404(record, allowed=None):
    """The record a page or an operation looked up, or a 404 when there is none or `allowed(record)` says the
    user may not see it (the 404 page; in the API, `config/api.py` answers `Http404` with "Not found.")."""
    if record is None or (allowed is not None and not allowed(record)):
        raise Http404
    return record
