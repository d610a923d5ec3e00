"""Reads of image results, limited to what the user may see: their regions' images; a report's
evidence only for its assignee and supervisors (as the case page shows it)."""

from django.db.models import Q, QuerySet

from core.roles import region_prefixes, region_q
from imaging.models import Identifier, ImageText, TranscriptionCorrection
from merchants.models import Merchant
from merchants.signals import TimelineItem


def image_texts_visible(*, user) -> QuerySet[ImageText]:
    if user is None or not user.is_authenticated or not user.is_staff:
        return ImageText.objects.none()
    rows = ImageText.objects.all()
    if user.is_superuser:
        return rows
    rows = rows.filter(region_q(region_prefixes(user), "region_code"))
    if not user.has_perm("complaints.view_evidence"):
        return rows.exclude(origin=ImageText.Origin.EVIDENCE)
    if user.groups.filter(name="Supervisor").exists():
        return rows
    return rows.filter(
        Q(evidence__isnull=True)
        | ~Q(evidence__case__kind="report")
        | Q(evidence__case__assignee=user)
    )


def transcription_current(image_text: ImageText) -> tuple[str, TranscriptionCorrection | None]:
    """The transcription as it stands: the newest correction's text with that correction, or
    the OCR text and None."""
    latest = image_text.corrections.select_related("created_by").order_by("-created_at", "-id")
    correction = latest.first()
    return (correction.text if correction else image_text.text), correction


def identifiers_of(image_text: ImageText) -> QuerySet[Identifier]:
    return image_text.identifiers.select_related("owner").order_by("id")


def merchants_sharing_codes(merchant_id: int) -> list[tuple[Identifier, int]]:
    """Pay codes read from images that tie ``merchant_id`` to another merchant: each such
    identifier with the other merchant's id."""
    rows = Identifier.objects.filter(kind=Identifier.Kind.PAY_CODE, owner__isnull=False).filter(
        Q(owner_id=merchant_id) | Q(image__merchant_id=merchant_id)
    )
    out = []
    for ident in rows.select_related("image", "owner"):
        other = ident.image.merchant_id if ident.owner_id == merchant_id else ident.owner_id
        if other and other != merchant_id:
            out.append((ident, other))
    return out


def merchant_timeline(merchant, user):
    """Provider for the merchant page: images about the merchant with what they showed, and
    the merchants that share a pay code with it."""
    items = []
    for row in image_texts_visible(user=user).filter(merchant=merchant, state="done")[:50]:
        if not row.findings and not row.identifiers.exists():
            continue
        items.append(
            TimelineItem(
                when=row.read_at or row.requested_at,
                kind="image",
                title=f"{row.get_origin_display()}截图识别",
                body="；".join(sorted({f["matched"] for f in row.findings})[:5]),
                url=f"/admin/imaging/imagetext/{row.pk}/change/",
                badges=tuple(c for c in row.categories.split(",") if c),
            )
        )
    shared = merchants_sharing_codes(merchant.pk)
    names = dict(
        Merchant.objects.filter(id__in=[o for _i, o in shared]).values_list("id", "display_name")
    )
    for ident, other in shared:
        items.append(
            TimelineItem(
                when=ident.image.read_at or ident.image.requested_at,
                kind="shared_pay_code",
                title=f"与商家“{names.get(other, other)}”使用同一收款码",
                body=ident.value[:80],
                url=f"/admin/merchants/merchant/{other}/change/",
                badges=("收款码",),
            )
        )
    return items
