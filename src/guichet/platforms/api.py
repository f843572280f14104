from ninja import Router, Schema

from guichet.core.api_errors import errors

from .selectors import platform_list

router = Router(tags=["platforms"])


class PlatformSummary(Schema):
    key: str
    name: str
    organization: str
    services: int
    instruments: int


@router.get("", response={200: list[PlatformSummary], **errors(401)}, summary="The catalogue of technology platforms")
def catalogue(request):
    return [{"key": p.key, "name": p.name, "organization": p.organization.key, "services": p.service_count,
             "instruments": p.instrument_count} for p in platform_list()]
