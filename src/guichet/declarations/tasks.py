"""Declaration campaign jobs (run by `guichet worker`; the scheduled reminders run on the clock's tick)."""

from django_tasks import task


@task()
def remind_campaign(campaign_id: int, asked_at: str) -> int:
    from .services import campaign_remind_run

    return campaign_remind_run(campaign_id, asked_at)
