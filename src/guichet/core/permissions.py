"""Who may see or do what in the platform-wide pages (outbox, jobs)."""


def can_manage_outbox(user) -> bool:
    """Cluster staff read outgoing e-mails (they quote members' requests) and resend failed ones."""
    return bool(user and user.is_authenticated and user.is_staff)
