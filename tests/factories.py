"""factory_boy factories for the main models: a test builds its world from these, naming only what it checks.

Each factory makes a valid row with the fewest fields; keys and e-mails are numbered so that two calls never
collide. They write rows directly (no service, no audit, no search index): worlds to act on, not the writes
under test — those go through the services. A record that must be found by the search is saved through
`directory.services` or imported (`small_directory`).

    member = UserFactory()                              # Role.MEMBER, member-<n>@test.example
    staff = UserFactory(staff=True)                     # traits: guest, manager, staff, admin
    contact = MembershipFactory(is_contact=True).user   # answers for a new organization
    aria = InstrumentFactory(requires_training=True, platform__managers=[manager])
    BookingFactory(instrument=aria, user=member, start=start)  # end and blocked_until follow
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from guichet.accounts.models import Membership, Role, User
from guichet.bookings.models import Booking, TrainingAuthorization
from guichet.desk.models import Need, Routing
from guichet.directory.models import Organization, Person
from guichet.events.models import Event, Session
from guichet.platforms.models import Instrument, Platform, Service

PASSWORD = "correct-horse-battery"  # the password of every user the tests make (conftest.make_user too)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    class Params:
        guest = factory.Trait(role=Role.GUEST)
        manager = factory.Trait(role=Role.PLATFORM_MANAGER)
        staff = factory.Trait(role=Role.STAFF)
        admin = factory.Trait(role=Role.ADMIN)

    email = factory.Sequence(lambda n: f"user-{n}@test.example")
    full_name = factory.LazyAttribute(lambda user: user.email.split("@")[0].title())
    role = Role.MEMBER
    password = Password(PASSWORD)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda org: f"Laboratoire {org.key}")
    kind = "research_lab"
    city = "Marseille"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    is_contact = False


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    key = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Camille Martin {n}")
    organization = factory.SubFactory(OrganizationFactory)
    email = factory.LazyAttribute(lambda person: f"{person.key}@lab.example")


class PlatformFactory(DjangoModelFactory):
    class Meta:
        model = Platform
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"platform-{n}")
    name = factory.LazyAttribute(lambda platform: f"Plateforme {platform.key}")
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    platform = factory.SubFactory(PlatformFactory)
    key = factory.LazyAttributeSequence(lambda service, n: f"{service.platform.key}.service-{n}")
    name = "Tri cellulaire"
    unit = "hour"
    price_academic = Decimal("45.00")
    price_startup = Decimal("70.00")
    price_industry = Decimal("140.00")


class InstrumentFactory(DjangoModelFactory):
    class Meta:
        model = Instrument

    platform = factory.SubFactory(PlatformFactory)
    key = factory.LazyAttributeSequence(lambda instrument, n: f"{instrument.platform.key}.instrument-{n}")
    name = "Trieur BD FACSAria"
    hourly_academic = Decimal("45.00")
    hourly_startup = Decimal("70.00")
    hourly_industry = Decimal("140.00")


class TrainingFactory(DjangoModelFactory):
    """A valid training (no expiry) of `user` on `instrument`, granted by a manager of its platform."""

    class Meta:
        model = TrainingAuthorization

    user = factory.SubFactory(UserFactory)
    instrument = factory.SubFactory(InstrumentFactory)
    granted_by = factory.SubFactory(UserFactory, manager=True)


class BookingFactory(DjangoModelFactory):
    """A confirmed booking of one hour, three days ahead; `blocked_until` adds the instrument's buffer."""

    class Meta:
        model = Booking

    instrument = factory.SubFactory(InstrumentFactory)
    user = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=3))
    end = factory.LazyAttribute(lambda booking: booking.start + timedelta(hours=1))
    blocked_until = factory.LazyAttribute(
        lambda booking: booking.end + timedelta(minutes=booking.instrument.buffer_minutes))
    status = Booking.Status.CONFIRMED


class NeedFactory(DjangoModelFactory):
    """A desk request as submitted (status new); `request_submit` is what the desk's own tests call."""

    class Meta:
        model = Need

    title = "Tri cellulaire de lymphocytes T"
    text = "Nous cherchons un tri cellulaire de lymphocytes T."
    language = "fr"
    requester = factory.SubFactory(UserFactory)


class RoutingFactory(DjangoModelFactory):
    """A request routed to an organization of the directory, pending its answer."""

    class Meta:
        model = Routing
        exclude = ("organization",)

    request = factory.SubFactory(NeedFactory)
    organization = factory.SubFactory(OrganizationFactory)
    record_kind = "organization"
    record_key = factory.LazyAttribute(lambda routing: routing.organization.key)
    record_name = factory.LazyAttribute(lambda routing: routing.organization.name)
    provider_organization = factory.LazyAttribute(lambda routing: routing.organization)
    routed_by = factory.SubFactory(UserFactory, staff=True)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    key = factory.Sequence(lambda n: f"event-{n}")
    kind = "conference"
    status = "published"
    title_fr = "Journée immunologie"
    title_en = "Immunology day"
    venue = "Marseille"


class SessionFactory(DjangoModelFactory):
    """A two-hour session of a published event, five days ahead."""

    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title_fr = "Plénière"
    title_en = "Plenary"
    start = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=5))
    end = factory.LazyAttribute(lambda session: session.start + timedelta(hours=2))
    capacity = 10
