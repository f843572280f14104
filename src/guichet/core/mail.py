"""E-mail in each recipient's own language, sent after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def notify(users, template: str, context: dict) -> None:
    """Queue one e-mail per user (templates email/<template>_subject.txt and _body.txt), in their language."""
    recipients = {u.pk: u for u in users if u and u.is_active and u.email}.values()

    def send():
        for user in recipients:
            with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
                ctx = {**context, "recipient": user, "site_url": settings.SITE_URL}
                subject = " ".join(render_to_string(f"email/{template}_subject.txt", ctx).split())
                body = render_to_string(f"email/{template}_body.txt", ctx)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    transaction.on_commit(send)
