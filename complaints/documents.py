"""The formal documents of a case (the 移送函 of a referral), for the case page."""

from django.urls import reverse

from complaints.models import Case
from core.documents import documents_for, pdf_response  # noqa: F401 (used by the admin)


def documents_of(case: Case) -> list[dict]:
    return [
        {
            "number": d.number,
            "label": d.get_kind_display(),
            "url": reverse("admin:complaints_case_referral_letter", args=[case.pk])
            + f"?document={d.pk}",
            "document": d,
        }
        for d in documents_for(case)
    ]


def referral_letter_for(*, case: Case, pk: str | None = None):
    letters = documents_for(case)
    if pk:
        letters = letters.filter(pk=pk if str(pk).isdigit() else 0)
    return letters.first()
