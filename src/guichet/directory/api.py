from typing import Annotated, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from guichet.core.api_auth import api_user
from guichet.core.api_errors import errors
from guichet.platforms.selectors import platform_get

from . import kinds, permissions, selectors
from .exchange import records
from .models import KEY_PATTERN, OrganizationKind, RecordKind, SearchEntry, TherapeuticArea
from .search import SearchFilters, search_entries

router = Router(tags=["directory"])


class SearchParams(Schema):
    q: str = Field("", max_length=500, description="Free text, French or English; accents and case ignored.")
    # Not Optional: a query parameter is absent or a value, never JSON null.
    kind: RecordKind = Field(None, description="Only records of this kind.")
    org_kind: OrganizationKind = Field(None, description="Only records of organizations of this kind.")
    area: TherapeuticArea = Field(None, description="Only records in this therapeutic area.")
    city: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)


class SearchHit(Schema):
    kind: str
    key: str
    name: str
    summary: str
    organization_kind: str
    city: str
    url: str


class SearchPage(Schema):
    results: list[SearchHit]
    has_more: bool


class Organization(Schema):
    key: str
    name: str
    kind: str
    description: str | None = None
    lang: str | None = None
    city: str | None = None
    website: str | None = None
    therapeutic_areas: list[str] = []
    keywords: list[str] = []


class Person(Schema):
    key: str
    name: str
    organization: str | None = None
    title: str | None = None
    expertise: str | None = None
    lang: str | None = None
    email: str | None = Field(None, description="Only for authenticated members.")


class Prices(Schema):
    academic: float | None = None
    startup: float | None = None
    industry: float | None = None


class Service(Schema):
    key: str
    name: str
    description: str | None = None
    lang: str | None = None
    unit: str | None = None
    prices: Prices | None = None


class Instrument(Schema):
    key: str
    name: str
    description: str | None = None
    lang: str | None = None
    requires_training: bool


class Platform(Schema):
    key: str
    name: str
    organization: str
    description: str | None = None
    lang: str | None = None
    services: list[Service] = []
    instruments: list[Instrument] = []


class ServiceOfPlatform(Service):
    platform: str


class InstrumentOfPlatform(Instrument):
    platform: str


class OrganizationEntry(Schema):
    kind: Literal["organization"]
    record: Organization


class PersonEntry(Schema):
    kind: Literal["person"]
    record: Person


class PlatformEntry(Schema):
    kind: Literal["platform"]
    record: Platform


class ServiceEntry(Schema):
    kind: Literal["service"]
    record: ServiceOfPlatform


class InstrumentEntry(Schema):
    kind: Literal["instrument"]
    record: InstrumentOfPlatform


# `kind` says which record follows (directory-v1's five kinds).
AnyRecord = Annotated[OrganizationEntry | PersonEntry | PlatformEntry | ServiceEntry | InstrumentEntry,
                      Field(discriminator="kind")]


def _url(entry) -> str:
    """People and organizations have a page of their own; other records are read here, by key."""
    if entry.record_kind in (RecordKind.ORGANIZATION, RecordKind.PERSON):
        return reverse(kinds.REGISTRY[entry.record_kind].page, args=[entry.key])
    return reverse("api-1:directory_record", args=[entry.key])


KEY = Path(..., pattern=KEY_PATTERN, description="the record's key (directory-v1)")


@router.get("/search", response={200: SearchPage, **errors(401, 422)}, summary="Search the directory")
def directory_search(request, params: Query[SearchParams]):
    filters = SearchFilters(record_kind=params.kind or "", org_kind=params.org_kind or "", area=params.area or "",
                            city=selectors.clean_text(params.city, 200))
    entries, more = search_entries(params.q, filters, limit=params.limit, offset=params.offset)
    return {"results": [{"kind": e.record_kind, "key": e.key, "name": e.name, "summary": e.summary,
                         "organization_kind": e.org_kind, "city": e.city, "url": _url(e)} for e in entries],
            "has_more": more}


@router.get("/records/{key}", response={200: AnyRecord, **errors(401, 404, 422)}, url_name="directory_record",
            summary="Any record by key, with its kind")
def directory_record(request, key: str = KEY):
    entry = SearchEntry.objects.filter(key=selectors.valid_key_or_404(key)).first()
    if entry is None:
        raise Http404
    getter = {"organization": organization, "person": person, "platform": platform}.get(entry.record_kind)
    if getter is not None:
        return {"kind": entry.record_kind, "record": getter(request, key)}
    spec = kinds.REGISTRY[entry.record_kind]  # a service or an instrument: its record names its platform
    obj = spec.model.objects.select_related(*spec.related).get(key=key)
    record = (records.service_record if entry.record_kind == RecordKind.SERVICE else records.instrument_record)(obj)
    return {"kind": entry.record_kind, "record": {**record, "platform": obj.platform.key}}


@router.get("/organizations/{key}", response={200: Organization, **errors(401, 404, 422)},
            summary="One organization")
def organization(request, key: str = KEY):
    return records.organization_record(selectors.organization_get(key))


@router.get("/people/{key}", response={200: Person, **errors(401, 404, 422)},
            summary="One person (e-mail for members only)")
def person(request, key: str = KEY):
    show = permissions.can_see_contact_details(api_user(request))
    return records.person_record(selectors.person_get(key), with_email=show)


@router.get("/platforms/{key}", response={200: Platform, **errors(401, 404, 422)},
            summary="One technology platform with its services")
def platform(request, key: str = KEY):
    return records.platform_record(platform_get(key))
