"""Directory jobs (run by `guichet worker`)."""

from django_tasks import task


@task()
def run_import(batch_id: int) -> str:
    from .services import import_batch_run

    return import_batch_run(batch_id)


@task()
def check_import(batch_id: int) -> str:
    from .services import import_batch_check

    return import_batch_check(batch_id)
