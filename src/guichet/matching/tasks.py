"""Matching jobs (run by `guichet worker`)."""

from django_tasks import task


@task()
def retag_vocabulary(labels: list[str]) -> int:
    from .services import vocabulary_retag

    return vocabulary_retag(labels)
