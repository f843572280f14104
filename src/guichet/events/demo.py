"""Demo network life, all fictional and labelled so: a training programme (one course authorises the demo
cell sorter) with two past sessions and their attendance, coming events, and a past Partnering Day with meetings
and their outcomes. Written through the services (audited), with `now=` set to when each step would have happened."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument

from . import services
from .models import Course, Event, Session


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), PARIS)


def _event(key, kind, fr, en, summary_fr, summary_en, **extra):
    return Event.objects.create(key=key, kind=kind, status=Event.Status.PUBLISHED, title_fr=fr, title_en=en,
                                summary_fr=summary_fr, summary_en=summary_en,
                                organizer=Organization.objects.filter(key="mib").first(), **extra)


def load_demo_events() -> int:
    if Event.objects.exists():
        return 0
    from guichet.partnering import services as partnering
    from guichet.partnering.models import Meeting, Slot, Table

    staff = User.objects.get(email="staff@demo.guichet.example")
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    manager = User.objects.get(email="manager@demo.guichet.example")
    today = timezone.localdate()
    aria = Instrument.objects.filter(key="exemple.cyto.aria").first()

    # The training programme.
    basics = Course.objects.create(key="cyto-bases", title_fr="Cytométrie en flux\u00a0: les bases (exemple fictif)",
                                   title_en="Flow cytometry: the basics (fictional example)", hours=Decimal("7"),
                                   topic="cytométrie")
    sorter = Course.objects.create(key="cyto-aria", title_fr="Prise en main du trieur de cellules (exemple fictif)",
                                   title_en="Cell sorter: first steps (fictional example)", hours=Decimal("3.5"),
                                   topic="cytométrie", instrument=aria, authorization_months=12)
    sorter.prerequisites.add(basics)
    gmp = Course.objects.create(key="bpf-intro", title_fr="Bonnes pratiques de fabrication\u00a0: introduction (exemple fictif)",
                          title_en="Good manufacturing practice: an introduction (fictional example)",
                          hours=Decimal("14"), topic="BPF")
    past = today - timedelta(days=21)
    training = _event("formation-cyto-bases", Event.Kind.TRAINING, basics.title_fr, basics.title_en, "", "",
                      course=basics, venue="Marseille (exemple fictif)")
    held = Session.objects.create(event=training, title_fr="Journée complète", title_en="Full day",
                                  start=_at(past, 9), end=_at(past, 17), capacity=12)
    held.trainers.add(manager)
    before = _at(past, 9) - timedelta(days=10)
    places = [services.registration_create(actor=u, session=held, now=before) for u in (member, founder)]
    services.check_in(actor=staff, registration=places[0], now=_at(past, 8, 50))
    services.attendance_close(actor=manager, session=held, attended_ids=[p.pk for p in places],
                              now=_at(past, 17, 30))
    # An earlier training, two days of good manufacturing practice a season ago: a history for the trainings and
    # their indicators beyond the last session (one registered trainee did not come: attendance is what counts).
    earlier = today - timedelta(days=75)
    gmp_training = _event("formation-bpf-intro", Event.Kind.TRAINING, gmp.title_fr, gmp.title_en, "", "", course=gmp,
                          venue="Marseille (exemple fictif)")
    gmp_session = Session.objects.create(event=gmp_training, title_fr="Deux journées", title_en="Two days",
                                         start=_at(earlier, 9), end=_at(earlier + timedelta(days=1), 17), capacity=10)
    gmp_session.trainers.add(staff)
    trainees = [services.registration_create(actor=u, session=gmp_session, now=_at(earlier, 9) - timedelta(days=14))
                for u in (founder, member)]
    services.check_in(actor=staff, registration=trainees[0], now=_at(earlier, 8, 45))
    services.attendance_close(actor=staff, session=gmp_session, attended_ids=[trainees[0].pk],
                              now=_at(earlier + timedelta(days=1), 17, 30))
    coming = _event("formation-cyto-aria", Event.Kind.TRAINING, sorter.title_fr, sorter.title_en, "", "",
                    course=sorter, venue="Plateforme de cytométrie (exemple fictif)")
    next_session = Session.objects.create(event=coming, title_fr="Session pratique", title_en="Hands-on session",
                                          start=_at(today + timedelta(days=12), 14),
                                          end=_at(today + timedelta(days=12), 17, 30), capacity=4)
    next_session.trainers.add(manager)

    # Coming events.
    seminar = _event("seminaire-lymphocytes-t", Event.Kind.SEMINAR,
                     "Séminaire\u00a0: lymphocytes T régulateurs et auto-immunité (exemple fictif)",
                     "Seminar: regulatory T cells and autoimmunity (fictional example)",
                     "Exemple fictif de séminaire scientifique ouvert aux membres et aux visiteurs.",
                     "A fictional scientific seminar, open to members and visitors.", venue="Marseille")
    Session.objects.create(event=seminar, title_fr="Conférences", title_en="Talks",
                           start=_at(today + timedelta(days=9), 14), end=_at(today + timedelta(days=9), 17),
                           capacity=60)
    webinar = _event("webinaire-financement", Event.Kind.WEBINAR,
                     "Webinaire\u00a0: financer un projet d'anticorps (exemple fictif)",
                     "Webinar: funding an antibody project (fictional example)", "", "",
                     online_url="https://example.org/webinaire")
    Session.objects.create(event=webinar, title_fr="En ligne", title_en="Online",
                           start=_at(today + timedelta(days=16), 11), end=_at(today + timedelta(days=16), 12),
                           capacity=200)

    # A past Partnering Day with meetings and outcomes.
    day_date = today - timedelta(days=35)
    day = _event("journee-partenariale", Event.Kind.PARTNERING, "Journée partenariale immunologie (exemple fictif)",
                 "Immunology Partnering Day (fictional example)",
                 "Exemple fictif\u00a0: rendez-vous d'affaires entre laboratoires, entreprises et cliniciens.",
                 "Fictional example: one-to-one meetings between labs, companies and clinicians.",
                 venue="Marseille (exemple fictif)")
    Session.objects.create(event=day, title_fr="Rendez-vous d'affaires", title_en="One-to-one meetings",
                           start=_at(day_date, 9), end=_at(day_date, 12), capacity=100)
    for n in range(6):
        Slot.objects.create(event=day, start=_at(day_date, 9) + timedelta(minutes=30 * n),
                            end=_at(day_date, 9) + timedelta(minutes=30 * (n + 1)))
    for n in range(4):
        Table.objects.create(event=day, number=n + 1)
    people = {
        member: ("Modèles murins de lupus, cytométrie spectrale", "Une biotech pour développer un anticorps"),
        founder: ("Nanocorps (VHH) et ingénierie d'anticorps", "Un laboratoire académique avec des modèles"),
        manager: ("Tri cellulaire et analyses sur la plateforme", "Des projets de recherche partenariale"),
    }
    participants = {u: partnering.participant_join(actor=u, event=day, offers=o, seeks=s,
                                                   now=_at(day_date, 9) - timedelta(days=10))
                    for u, (o, s) in people.items()}
    created = 0
    for asker, asked, accept in ((founder, member, True), (member, manager, True), (manager, founder, False)):
        request = partnering.request_create(actor=asker, requester=participants[asker],
                                            recipient=participants[asked], message="",
                                            now=_at(day_date, 9) - timedelta(days=8))
        partnering.request_answer(actor=asked, request=request, accept=accept,
                                  now=_at(day_date, 9) - timedelta(days=5))
        created += 1
    after = _at(day_date, 18)
    for meeting in Meeting.objects.filter(event=day).select_related("request__requester__user"):
        asker = meeting.request.requester.user
        if asker == founder:
            partnering.meeting_outcome(actor=founder, meeting=meeting, held=True, outcome="follow_up",
                                       note="Accord de confidentialité à préparer (exemple fictif)", now=after)
            partnering.meeting_open_lead(actor=founder, meeting=meeting)
            from guichet.partnerships.services import partnership_confirm

            meeting.refresh_from_db()
            partnership_confirm(actor=staff, partnership=meeting.partnership)
        else:
            partnering.meeting_outcome(actor=asker, meeting=meeting, held=True, outcome="nothing", now=after)

    # A coming Partnering Day, its booking phase open (the trial of issue 16: with the past day only, a visitor of
    # the demo could not request nor accept a meeting). The founder has joined; the others may join and ask them.
    coming_date = today + timedelta(days=28)
    coming_day = _event("journee-partenariale-printemps", Event.Kind.PARTNERING,
                        "Journée partenariale anticorps thérapeutiques (exemple fictif)",
                        "Therapeutic antibodies Partnering Day (fictional example)",
                        "Exemple fictif : demandez vos rendez-vous d'affaires avant la journée.",
                        "Fictional example: request your one-to-one meetings before the day.",
                        venue="Marseille (exemple fictif)")
    Session.objects.create(event=coming_day, title_fr="Rendez-vous d'affaires", title_en="One-to-one meetings",
                           start=_at(coming_date, 9), end=_at(coming_date, 13), capacity=100)
    for n in range(8):
        Slot.objects.create(event=coming_day, start=_at(coming_date, 9) + timedelta(minutes=30 * n),
                            end=_at(coming_date, 9) + timedelta(minutes=30 * (n + 1)))
    for n in range(6):
        Table.objects.create(event=coming_day, number=n + 1)
    partnering.participant_join(actor=founder, event=coming_day, offers=people[founder][0], seeks=people[founder][1])
    return Event.objects.count() + created
