"""Antibody jobs (run by `guichet worker`)."""

from django_tasks import task


@task()
def run_assessment(assessment_id: int) -> str:
    from .services import assessment_run

    return assessment_run(assessment_id)
