"""Reads of an assessment's reports: one row per antibody since issue 14, the whole batch in `Assessment.result`
before it. Every page, export and API call reads through these, so results stored either way open alike."""

from collections.abc import Iterator

from . import engine
from .models import AssessedAntibody, Assessment

STREAM_CHUNK = 200  # rows fetched at a time when an export streams a batch (~18 KB each)


def _legacy(assessment: Assessment) -> bool:
    return bool(assessment.result)


def antibody_count(assessment: Assessment) -> int:
    if _legacy(assessment):
        return len(assessment.result)
    return assessment.antibodies.count()


def antibody_page(assessment: Assessment, *, offset: int, limit: int) -> list[tuple[int, dict]]:
    """(index, report) of the antibodies offset..offset+limit-1, in input order."""
    if _legacy(assessment):
        return list(enumerate(assessment.result))[offset:offset + limit]
    rows = assessment.antibodies.order_by("index").filter(index__gte=offset, index__lt=offset + limit)
    return list(rows.values_list("index", "report"))


def antibody_report(assessment: Assessment, index: int) -> dict | None:
    if _legacy(assessment):
        return assessment.result[index] if 0 <= index < len(assessment.result) else None
    return AssessedAntibody.objects.filter(assessment=assessment, index=index).values_list("report", flat=True).first()


def iter_reports(assessment: Assessment) -> Iterator[dict]:
    """Every report in input order, a few hundred rows in memory at a time (a batch is up to ~180 MB)."""
    if _legacy(assessment):
        yield from assessment.result
        return
    rows = assessment.antibodies.order_by("index").values_list("report", flat=True)
    yield from rows.iterator(chunk_size=STREAM_CHUNK)


def antibody_summaries(assessment: Assessment, *, offset: int, limit: int) -> list[dict]:
    """What the batch's list shows of each antibody of a page: its name, domains, humanness, liabilities; read
    from each row's summary, never its whole report (a row without one, if any, has it made from the report)."""
    if _legacy(assessment):
        items = [(index, item["name"], engine.summary(item))
                 for index, item in antibody_page(assessment, offset=offset, limit=limit)]
    else:
        rows = assessment.antibodies.order_by("index").filter(index__gte=offset, index__lt=offset + limit)
        items = list(rows.values_list("index", "name", "summary"))
        missing = [index for index, _name, summary in items if not summary]
        if missing:
            reports = dict(rows.filter(index__in=missing).values_list("index", "report"))
            items = [(i, name, summary or engine.summary(reports[i])) for i, name, summary in items]
    return [{"index": index, "number": index + 1, "name": name, **summary} for index, name, summary in items]
