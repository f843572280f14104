"""Impact jobs (run by `guichet worker`)."""

from django_tasks import task


@task()
def build_report(run_id: int) -> str:
    from .services import report_run_build

    return report_run_build(run_id)


@task()
def generate_annual_report(report_id: int) -> str:
    from .services import annual_report_run

    return annual_report_run(report_id)
