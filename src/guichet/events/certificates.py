"""A training's attendance certificate (PDF, reportlab), in the attendee's language."""

import io
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


def certificate_pdf(registration) -> bytes:
    session, event = registration.session, registration.session.event
    course = event.course
    with translation.override(registration.language or "fr"):
        styles = getSampleStyleSheet()
        when = formats.date_format(timezone.localtime(session.start), "DATE_FORMAT")
        trainers = ", ".join(t.get_full_name() for t in session.trainers.all())
        story = [
            Paragraph(escape(_("Certificate of attendance")), styles["Title"]),
            Spacer(1, 1 * cm),
            Paragraph(escape(_("%(name)s attended the training “%(course)s” (%(hours)s hours) on %(date)s.") % {
                "name": registration.full_name, "course": course.title, "hours": formats.number_format(course.hours),
                "date": when}), styles["BodyText"]),
        ]
        if trainers:
            story.append(Paragraph(escape(_("Trainers: %(names)s.") % {"names": trainers}), styles["BodyText"]))
        if course.instrument_id:
            story.append(Paragraph(escape(_("This training authorises booking the instrument %(name)s.") % {
                "name": course.instrument.name}), styles["BodyText"]))
        story += [Spacer(1, 1 * cm), Paragraph(escape(_("Marseille Immunology Biocluster — certificate %(ref)s")
                                                      % {"ref": f"T-{session.pk}-{registration.pk}"}),
                                               styles["Italic"])]
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=_("Certificate of attendance"),
                                author="Guichet")
        doc.build(story)
    return buffer.getvalue()
