"""The case page's workflow steps: which steps a case offers, each with its own fields, and running
one through its service."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints import rules, services
from complaints.models import Case

S = Case.Status

PII_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_address",
    "complainant_id_number",
    "complainant_email",
    "phone_index",
    "access_code_hash",
    "text_fingerprint",
)


#
# Each step is a button on the case page that asks only for its own fields. Which steps a case
# offers follows from services.TRANSITIONS (the same rules the services enforce), so a button is
# never shown for a move the service would refuse.


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    fields: tuple[str, ...] = ()
    to: str = ""  # the status it leads to, when it is a transition
    danger: bool = False


STEPS = {
    s.key: s
    for s in [
        Step("accept", _("Accept the complaint"), to=S.ACCEPTED),
        Step("refuse", _("Do not accept"), ("ground", "reason"), to=S.NOT_ACCEPTED, danger=True),
        Step("mediation_start", _("Start mediation"), to=S.MEDIATING),
        Step("mediation_pause", _("Pause for testing or appraisal"), ("reason",)),
        Step("mediation_resume", _("Resume mediation")),
        Step("agree", _("Agreement reached"), ("summary",), to=S.AGREEMENT),
        Step(
            "mediation_end",
            _("End mediation without agreement"),
            ("end_reason", "note"),
            to=S.MEDIATION_ENDED,
            danger=True,
        ),
        Step("verify", _("Start verifying the report"), to=S.VERIFYING),
        Step("extend", _("Extend verification by 15 working days"), ("reason",)),
        Step("open_case", _("Open a case (立案)"), ("note",), to=S.CASE_OPENED),
        Step("not_opened", _("Do not open a case"), ("reason",), to=S.NOT_OPENED, danger=True),
        Step("close", _("Close"), ("note",), to=S.CLOSED),
        Step("refer", _("Refer to another office"), ("region_code", "department", "reason")),
        Step("assign", _("Assign"), ("assignee",)),
        Step("message", _("Message the complainant"), ("body",)),
        Step("note", _("Internal note"), ("body",)),
        Step("release", _("Release from flood hold")),
    ]
}


def case_steps(case: Case) -> list[Step]:
    """The steps valid for this kind of case in this state, in the order they are shown."""
    if case.held_for_review:
        return [STEPS["release"], STEPS["note"]]
    allowed = services.TRANSITIONS[case.kind].get(case.status, set())
    steps = [s for s in STEPS.values() if s.to and s.to in allowed]
    if case.kind == Case.Kind.COMPLAINT and case.status == S.MEDIATING:
        steps.append(STEPS["mediation_resume" if case.mediation_paused_on else "mediation_pause"])
    if (
        case.kind == Case.Kind.REPORT
        and case.status in (S.RECEIVED, S.VERIFYING)
        and not case.verification_extended
    ):
        steps.append(STEPS["extend"])
    if case.status != S.CLOSED:
        steps += [STEPS["assign"], STEPS["refer"], STEPS["message"]]
    steps.append(STEPS["note"])
    return steps


class StepForm(forms.Form):
    """The fields one step asks for; built per step so each form shows only its own."""

    def __init__(self, *args, step: Step, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        make = {
            "ground": lambda: forms.ChoiceField(
                label=_("Refusal ground"),
                choices=[("", "—")]
                + [(g.code, f"{g.label}（{g.legal_source}）") for g in rules.refusal_grounds()],
            ),
            "end_reason": lambda: forms.ChoiceField(
                label=_("Why mediation ended"),
                choices=[("", "—"), *services.MEDIATION_END_REASONS.items()],
            ),
            "region_code": lambda: forms.CharField(
                label=_("Region code of the receiving office"),
                max_length=6,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
            ),
            "department": lambda: forms.CharField(
                label=_("Receiving department"), max_length=200, required=False
            ),
            "assignee": lambda: forms.ModelChoiceField(
                label=_("Assignee"),
                queryset=_assignable(case),
            ),
            "reason": lambda: _text(_("Reason"), required=step.key != "refuse"),
            "note": lambda: _text(_("Note (for the record)"), required=False),
            "summary": lambda: _text(_("What was agreed")),
            "body": lambda: _text(_("Text")),
        }
        for name in step.fields:
            self.fields[name] = make[name]()


def _text(label, *, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


def _assignable(case: Case):
    """Regulators and supervisors whose regions cover the case (a province covers its cities
    and districts); ``services.case_assign`` checks the same again."""
    codes = {case.region_code, case.region_code[:4] + "00", case.region_code[:2] + "0000"}
    covers = Q()
    for code in codes:
        covers |= Q(staff_profile__regions__contains=code)
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, groups__name__in=["Regulator", "Supervisor"])
        .filter(covers)
        .distinct()
        .order_by("username")
    )


def run_step(*, case: Case, actor, step: Step, data: dict, ip=None) -> None:
    """Dispatch one step's form to its service."""
    reason, note, body = data.get("reason") or "", data.get("note") or "", data.get("body") or ""
    calls = {
        "accept": lambda: services.case_accept(case=case, actor=actor, ip=ip),
        "refuse": lambda: services.case_refuse(
            case=case, actor=actor, ground=data.get("ground") or "", reason=reason, ip=ip
        ),
        "mediation_start": lambda: services.mediation_start(case=case, actor=actor, ip=ip),
        "mediation_pause": lambda: services.mediation_pause(
            case=case, actor=actor, reason=reason, ip=ip
        ),
        "mediation_resume": lambda: services.mediation_resume(case=case, actor=actor, ip=ip),
        "agree": lambda: services.mediation_agree(
            case=case, actor=actor, summary=data.get("summary") or "", ip=ip
        ),
        "mediation_end": lambda: services.mediation_end(
            case=case, actor=actor, reason=data.get("end_reason") or "", note=note, ip=ip
        ),
        "verify": lambda: services.verification_start(case=case, actor=actor, ip=ip),
        "extend": lambda: services.verification_extend(
            case=case, actor=actor, reason=reason, ip=ip
        ),
        "open_case": lambda: services.report_decide(
            case=case, actor=actor, open_case=True, reason=note, ip=ip
        ),
        "not_opened": lambda: services.report_decide(
            case=case, actor=actor, open_case=False, reason=reason, ip=ip
        ),
        "close": lambda: services.case_close(case=case, actor=actor, note=note, ip=ip),
        "refer": lambda: services.case_refer(
            case=case,
            actor=actor,
            region_code=data.get("region_code") or "",
            department=data.get("department") or "",
            reason=reason,
            ip=ip,
        ),
        "assign": lambda: services.case_assign(
            case=case, actor=actor, assignee=data["assignee"], ip=ip
        ),
        "note": lambda: services.case_note_add(case=case, actor=actor, body=body, ip=ip),
        "message": lambda: services.case_message_send(case=case, actor=actor, body=body, ip=ip),
        "release": lambda: services.case_release_hold(case=case, actor=actor, ip=ip),
    }
    calls[step.key]()
