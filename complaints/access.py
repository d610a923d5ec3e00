"""Who may see what in complaints, in one place (zulip's ``access_*`` helpers): the staff views,
the admin and the API ask here instead of combining ``has_perm``, the region-scoped selectors and
the reporter rule themselves, and the decision is audited here."""

from dataclasses import dataclass

from django.db.models.fields.files import FieldFile

from complaints import selectors
from complaints.models import Case, Evidence
from complaints.services import inside_the_case as can_see_reporter_identity
from core.audit import audit_log
from core.errors import NotFound

__all__ = ["EvidenceFile", "access_evidence", "can_see_reporter_identity", "can_view_evidence"]

VARIANTS = ("original", "preview")
_EXTENSIONS = {
    "jpeg": "jpg",
    "png": "png",
    "webp": "webp",
    "heic": "heic",
    "pdf": "pdf",
    "text": "txt",
}


@dataclass(frozen=True)
class EvidenceFile:
    evidence: Evidence
    file: FieldFile
    filename: str  # <tracking number>-<id>-<variant>.<ext>, never the uploader's name


def can_view_evidence(*, user, case: Case) -> bool:
    """Whether the case page offers its evidence (links, inline previews) to ``user``."""
    return user.has_perm("complaints.view_evidence") and can_see_reporter_identity(
        case=case, user=user
    )


def access_evidence(
    *,
    user,
    pk,
    variant: str,
    ip: str | None = None,
    case: Case | None = None,
    inline: bool = False,
) -> EvidenceFile:
    """An evidence file (the original, or its metadata-free JPEG preview) for a staff user who
    may see it, with the download audited. ``NotFound`` for everyone else, the same answer
    whether the file exists or not; refusing a report's evidence to someone outside the case is
    audited too, since it may identify the reporter (Order 20 Art 33). With ``case`` the
    evidence must be that case's; ``inline`` is the case page showing a preview (audited as
    viewed, not downloaded)."""
    evidence = selectors.evidence_get(user=user, pk=pk)  # the user's regions, else NotFound
    if case is not None and evidence.case_id != case.pk:
        raise NotFound("No such evidence.")
    if inline and (variant != "preview" or not evidence.preview):
        raise NotFound("No such evidence.")
    if not user.has_perm("complaints.view_evidence"):
        raise NotFound("No such evidence.")
    if not can_see_reporter_identity(case=evidence.case, user=user):
        audit_log("complaint.evidence_denied", actor=user, target=evidence.case, ip=ip,
                  data={"evidence": evidence.pk})  # fmt: skip
        raise NotFound("No such evidence.")
    field = evidence.preview if variant == "preview" else evidence.file
    if variant not in VARIANTS or not field:
        raise NotFound("No such evidence.")
    audit_log(
        "complaint.evidence_viewed" if inline else "complaint.evidence_downloaded",
        actor=user,
        target=evidence.case,
        ip=ip,
        data={"evidence": evidence.pk, "variant": variant, "sha256": evidence.sha256},
    )
    ext = "jpg" if variant == "preview" else _EXTENSIONS[evidence.kind]
    name = f"{evidence.case.tracking_number}-{evidence.pk}-{variant}.{ext}"
    return EvidenceFile(evidence=evidence, file=field, filename=name)
