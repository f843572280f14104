"""What the desk holds about a person: the requests they made, the messages and files they sent."""

import secrets

from django.db import transaction

from guichet.privacy.registry import eraser, exporter, when

from .models import Attachment, Message, Need

ERASED_TEXT = "[erased]"


@exporter("desk")
def export_desk(user):
    return {
        "requests": [{"id": r.pk, "title": r.title, "text": r.text, "language": r.language,
                      "organization": r.organization.key if r.organization else None,
                      "confidential": r.confidential, "status": r.status, "created_at": when(r.created_at),
                      "first_response_at": when(r.first_response_at), "closed_at": when(r.closed_at),
                      "outcome": r.outcome}
                     for r in Need.objects.filter(requester=user).select_related("organization")
                     .order_by("created_at", "pk")],
        "messages": [{"request": m.request_id, "body": m.body, "created_at": when(m.created_at)}
                     for m in Message.objects.filter(author=user).order_by("created_at", "pk")],
        "attachments": [{"request": a.request_id, "name": a.name, "size": a.size,
                         "content_type": a.content_type, "uploaded_at": when(a.uploaded_at)}
                        for a in Attachment.objects.filter(uploaded_by=user).order_by("uploaded_at", "pk")],
    }


@eraser("desk")
def erase_desk(*, user, actor):
    """Their words go; the requests' statuses, dates and routings stay (the desk's response-time figures)."""
    requests = Need.objects.filter(requester=user)
    count = 0
    for request in requests.only("pk"):
        # A new capability token: links already e-mailed to the erased address open nothing any more.
        Need.objects.filter(pk=request.pk).update(title=ERASED_TEXT, text=ERASED_TEXT,
                                                     access_token=secrets.token_urlsafe())
        count += 1
    messages = Message.objects.filter(author=user).update(body=ERASED_TEXT)
    attachments = list(Attachment.objects.filter(uploaded_by=user))
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    # The files go once the erasure has committed (a rolled-back erasure keeps rows and files together).
    files = [(a.file.storage, a.file.name) for a in attachments if a.file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return {"requests": count, "messages": messages, "attachments": len(attachments)}
