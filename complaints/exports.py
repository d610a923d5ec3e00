"""The complaints spreadsheet a regulator exports from the case list: Chinese columns, personal
data masked, every cell through the one formula-escaping writer (``core.export_writer``),
the export audited. The admin action only passes the selected cases and returns the file."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.models import Case
from core.audit import audit_log
from core.export_writer import csv_bytes
from core.regions import region_label

CSV_COLUMNS = [
    _("tracking number"), _("kind"), _("status"), _("category"), _("merchant"),
    _("jurisdiction region"), _("received"), _("current deadline"), _("deadline state"),
    _("complainant"), _("phone"), _("amount paid (yuan)"),
]  # fmt: skip


def deadline_text(deadline) -> str:
    """``2027-01-05`` or ``2027-01-05 暂估（2027年放假安排尚未公布）``, or ``-``."""
    if deadline is None:
        return "-"
    return f"{deadline.date.isoformat()} {deadline.note}".strip()


def merchant_label(case: Case) -> str:
    """The merchant as the complainant named it: name, else WeChat ID, account or phone."""
    return (
        case.merchant_name
        or case.merchant_wechat_id
        or case.merchant_official_account
        or case.merchant_phone
    )


def cases_export_csv(*, cases: Iterable[Case], actor, ip: str | None = None) -> bytes:
    """The selected cases as a CSV (UTF-8 with a BOM), audited as ``complaint.exported``."""
    rows = [[str(c) for c in CSV_COLUMNS]]
    for case in cases:
        person = selectors.masked_person(case)
        rows.append([
            case.tracking_number, case.get_kind_display(), case.get_status_display(),
            case.get_category_display(), merchant_label(case), region_label(case.region_code),
            timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M"),
            deadline_text(services.deadline_current(case)), case.get_sla_display(),
            person["name"], person["phone"],
            "" if case.amount_paid is None else str(case.amount_paid),
        ])  # fmt: skip
    audit_log("complaint.exported", actor=actor, ip=ip, data={"cases": len(rows) - 1})
    return csv_bytes(rows)
