from ninja import Router, Schema

from guichet.core.api_errors import errors

from . import kpis

router = Router(tags=["impact"])


class KpiOut(Schema):
    key: str
    label: str
    value: float | None


@router.get("/public", response={200: list[KpiOut], **errors(401)}, summary="The public impact figures (public programmes only)")
def public(request):
    rep = kpis.compute(public=True)
    return [{"key": k, "label": str(label), "value": float(v) if v is not None else None}
            for k, label, v in kpis.public_rows(rep)]
