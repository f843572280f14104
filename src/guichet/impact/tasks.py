"""Impact jobs (run by `guichet worker`)."""

from django_tasks import task


@task()
def build_report(run_id: int) -> str:
    from .services import report_run_build

    return report_run_build(run_id)
