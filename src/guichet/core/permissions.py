"""Who may see or do what in the platform-wide pages (outbox, jobs)."""


def can_manage_outbox(user) -> bool:
    """Cluster staff read outgoing e-mails (they quote members' requests) and resend failed ones."""
    return bool(user and user.is_authenticated and user.is_staff)


def can_read_outbox_bodies(user) -> bool:
    """Staff read whole e-mails only where GUICHET_OUTBOX_BODIES allows it (on with GUICHET_DEBUG: the demo).

    In production a body carries members' words and signed links that act as their recipient; the list of
    recipients, subjects and errors is enough to run the outbox there.
    """
    from django.conf import settings

    return bool(settings.GUICHET_OUTBOX_BODIES) and can_manage_outbox(user)
