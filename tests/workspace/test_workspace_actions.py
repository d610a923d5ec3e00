"""Claims, finding reviews (with lexicon exception proposals) and enforcement actions: each
validated, each audited with its actor and reason, and the audit chain still verifies."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from core.models import AuditEntry
from merchants import actions as svc
from merchants.models import (
    EnforcementAction,
    ExceptionProposal,
    Finding,
    Merchant,
    MerchantClaim,
)
from tests.workspace.conftest import login

K = EnforcementAction.Kind


def _audited(action: str, target) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


def _verify_audit() -> None:
    call_command("verify_audit")  # raises CommandError naming the row when the chain breaks


@pytest.fixture
def second_regulator(db):
    from tests.conftest import _staff

    return _staff("gz-regulator-2", "Regulator", ["440100"])


# --- claims ---------------------------------------------------------------------------------------


def test_a_claim_blocks_a_second_regulator_until_it_expires(world, regulator, second_regulator):
    m = world["liwan"]
    svc.claim_take(merchant=m, actor=regulator)

    with pytest.raises(Conflict):
        svc.claim_take(merchant=m, actor=second_regulator)
    finding = Finding.objects.filter(post__merchant=m).first()
    with pytest.raises(Conflict):
        svc.finding_review(
            finding=finding, actor=second_regulator, decision="confirmed", reason="是宣称"
        )
    assert Finding.objects.get(pk=finding.pk).review == "open"

    MerchantClaim.objects.filter(merchant=m).update(expires_at=timezone.now() - timedelta(1))
    claim = svc.claim_take(merchant=m, actor=second_regulator)
    assert claim.claimed_by == second_regulator
    assert len(_audited("merchant.claimed", m)) == 2


def test_the_claim_lasts_the_configured_hours(world, regulator, settings):
    settings.WORKSPACE_CLAIM_HOURS = 2
    claim = svc.claim_take(merchant=world["liwan"], actor=regulator)
    assert timedelta(hours=1, minutes=59) < claim.expires_at - timezone.now() <= timedelta(hours=2)


def test_the_queue_shows_who_claimed_a_merchant(world, regulator, second_regulator):
    svc.claim_take(merchant=world["liwan"], actor=second_regulator)
    body = login(regulator).get("/admin/merchants/reviewqueueentry/").content.decode()
    assert "gz-regulator-2" in body


# --- finding reviews ------------------------------------------------------------------------------


def test_dismissing_as_not_a_claim_proposes_a_lexicon_exception(ingest, regulator):
    post = ingest("tea_shop", "440103", "高仿名表一比一复刻，最近上新")
    finding = post.findings.get(matched="高仿")
    before = Merchant.objects.get(pk=post.merchant_id).risk_score

    response = login(regulator).post(
        f"/admin/merchants/merchant/{post.merchant_id}/findings/{finding.pk}/review/",
        {"decision": "dismissed", "reason_code": "not_a_claim", "reason": "引用消费者原话"},
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.review == "dismissed" and finding.reviewed_by == regulator
    assert finding.review_reason == "不构成宣称：引用消费者原话"
    proposal = ExceptionProposal.objects.get(finding=finding)
    assert proposal.state == "pending" and "高仿" in proposal.phrase
    assert Merchant.objects.get(pk=post.merchant_id).risk_score < before
    [entry] = _audited("finding.dismissed", finding)
    assert entry.actor == regulator and entry.data["reason"] == finding.review_reason
    assert _audited("lexicon.exception_proposed", proposal)
    _verify_audit()


def test_a_dismissal_needs_a_reason_code(ingest, regulator):
    post = ingest("tea_shop", "440103", "高仿名表")
    finding = post.findings.first()
    with pytest.raises(ValidationFailed):
        svc.finding_review(finding=finding, actor=regulator, decision="dismissed", reason="")
    finding.refresh_from_db()
    assert finding.review == "open"
    assert not AuditEntry.objects.filter(action="finding.dismissed").exists()


def test_approving_a_proposal_adds_the_exception_and_publishes_a_version(
    ingest, regulator, supervisor, django_capture_on_commit_callbacks
):
    from lexicon.models import LexiconRule, LexiconVersion

    post = ingest("tea_shop", "440103", "高仿名表一比一复刻")
    finding = post.findings.get(matched="高仿")
    svc.finding_review(
        finding=finding, actor=regulator, decision="dismissed", reason_code="not_a_claim",
        reason="",
    )  # fmt: skip
    proposal = ExceptionProposal.objects.get()
    versions = LexiconVersion.objects.count()

    with pytest.raises(Forbidden):
        svc.exception_decide(proposal=proposal, actor=regulator, approve=True)
    svc.exception_decide(proposal=proposal, actor=supervisor, approve=True, phrase="高仿名表")

    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.lexicon_version is not None
    assert LexiconVersion.objects.count() == versions + 1
    rule = LexiconRule.objects.get(rule_id=finding.rule, term=finding.term)
    assert "高仿名表" in rule.exception_list
    assert _audited("lexicon.exception_approved", proposal)
    # The new version no longer flags the phrase.
    again = ingest("tea_shop", "440103", "高仿名表一比一复刻", external_id="again")
    assert not again.findings.filter(matched="高仿").exists()
    _verify_audit()


def test_an_exception_phrase_must_contain_the_term(ingest, regulator, supervisor):
    post = ingest("tea_shop", "440103", "高仿名表")
    svc.finding_review(
        finding=post.findings.first(), actor=regulator, decision="dismissed",
        reason_code="not_a_claim",
    )  # fmt: skip
    proposal = ExceptionProposal.objects.get()
    with pytest.raises(ValidationFailed):
        svc.exception_decide(proposal=proposal, actor=supervisor, approve=True, phrase="名表")
    assert ExceptionProposal.objects.get().state == "pending"


# --- enforcement actions --------------------------------------------------------------------------


def test_issuing_a_warning_generates_the_notice_and_is_audited(world, regulator):
    m = world["liwan"]
    response = login(regulator).post(
        f"/admin/merchants/merchant/{m.pk}/act/warning/",
        {"reason": "发布高仿商品广告", "text": "", "draft_public_warning": "on"},
    )

    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "warned"
    action = EnforcementAction.objects.get(merchant=m)
    assert action.kind == "warning" and action.actor == regulator
    assert "行政警示函" in action.text and m.display_name in action.text
    assert "发布高仿商品广告" in action.text
    [entry] = _audited("merchant.warning", m)
    assert entry.data["reason"] == "发布高仿商品广告"
    assert entry.data["from"] == "active" and entry.data["to"] == "warned"
    draft = m.consumer_warnings.get()
    assert draft.state == "draft"  # a supervisor publishes it
    _verify_audit()


def test_the_warning_form_shows_the_generated_text(world, regulator):
    page = login(regulator).get(f"/admin/merchants/merchant/{world['liwan'].pk}/act/warning/")
    assert page.status_code == 200
    assert "行政警示函" in page.content.decode()


def test_a_referral_needs_a_department_and_a_future_due_date(world, regulator):
    m = world["liwan"]
    with pytest.raises(ValidationFailed):
        svc.action_take(
            merchant=m, actor=regulator, data=svc.ActionInput(kind=K.REFERRAL, reason="诈骗")
        )
    with pytest.raises(ValidationFailed):
        svc.action_take(
            merchant=m,
            actor=regulator,
            data=svc.ActionInput(
                kind=K.REFERRAL, reason="诈骗", department="police", due_on=timezone.localdate()
            ),
        )
    assert not EnforcementAction.objects.exists()
    assert Merchant.objects.get(pk=m.pk).status == "active"


def test_clearing_with_an_open_referral_needs_a_note(world, regulator):
    m = world["liwan"]
    svc.action_take(
        merchant=m,
        actor=regulator,
        data=svc.ActionInput(
            kind=K.REFERRAL,
            reason="钓鱼付款链接，涉嫌诈骗",
            department="police",
            due_on=timezone.localdate() + timedelta(days=15),
        ),
    )
    with pytest.raises(InvalidTransition):
        svc.action_take(
            merchant=m, actor=regulator, data=svc.ActionInput(kind=K.CLEARANCE, reason="ok")
        )
    assert Merchant.objects.get(pk=m.pk).status == "referred"

    svc.action_take(
        merchant=m,
        actor=regulator,
        data=svc.ActionInput(kind=K.CLEARANCE, reason="公安回函：不予立案，商家已删除全部链接"),
    )
    m.refresh_from_db()
    assert m.status == "cleared" and not m.in_review_queue
    referral = EnforcementAction.objects.get(kind=K.REFERRAL)
    assert referral.closed_at is not None and "不予立案" in referral.closing_note
    assert [e.action for e in AuditEntry.objects.filter(target_id=str(m.pk)).order_by("id")][
        -2:
    ] == [
        "merchant.referral",
        "merchant.clearance",
    ]
    _verify_audit()


@pytest.mark.parametrize(
    ("status", "kind"),
    [("cleared", K.CLEARANCE), ("cleared", K.FREEZE_REQUEST), ("cleared", K.REFERRAL)],
)
def test_invalid_transitions_are_refused(world, regulator, status, kind):
    m = world["liwan"]
    Merchant.objects.filter(pk=m.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        svc.action_take(
            merchant=m,
            actor=regulator,
            data=svc.ActionInput(
                kind=kind,
                reason="理由",
                department="police",
                due_on=timezone.localdate() + timedelta(days=3),
            ),
        )
    assert Merchant.objects.get(pk=m.pk).status == status
    assert not EnforcementAction.objects.exists()


def test_an_auditor_cannot_act(world, db):
    from tests.conftest import _staff

    auditor = _staff("auditor", "Auditor", ["440000"])
    m = world["liwan"]
    with pytest.raises(Forbidden):
        svc.action_take(merchant=m, actor=auditor, data=svc.ActionInput(kind=K.WARNING, reason="x"))
    page = login(auditor).get(f"/admin/merchants/merchant/{m.pk}/change/")
    assert page.status_code == 200
    assert "data-action=" not in page.content.decode()
    assert login(auditor).get("/admin/wsmonitor/auditentry/").status_code == 200


@pytest.mark.parametrize(
    ("kind", "status"),
    [(K.WATCH_LIST, "watch_listed"), (K.FREEZE_REQUEST, "freeze_requested"), (K.WARNING, "warned")],
)
def test_each_action_changes_the_status_and_is_audited(world, regulator, kind, status):
    m = world["tianhe"]
    svc.action_take(merchant=m, actor=regulator, data=svc.ActionInput(kind=kind, reason="理由"))
    m.refresh_from_db()
    assert m.status == status
    [entry] = _audited(f"merchant.{kind}", m)
    assert entry.actor == regulator and entry.data["reason"] == "理由"
    _verify_audit()


def test_a_supervisor_approves_a_proposal_from_the_admin(ingest, regulator, supervisor):
    post = ingest("tea_shop", "440103", "高仿名表一比一复刻")
    svc.finding_review(
        finding=post.findings.get(matched="高仿"), actor=regulator, decision="dismissed",
        reason_code="not_a_claim",
    )  # fmt: skip
    proposal = ExceptionProposal.objects.get()
    url = "/admin/merchants/exceptionproposal/"
    data = {"action": "approve_selected", "_selected_action": [proposal.pk]}

    login(regulator).post(url, data)  # not offered to a regulator: nothing happens
    assert ExceptionProposal.objects.get().state == "pending"

    response = login(supervisor).post(url, data)
    assert response.status_code == 302
    assert ExceptionProposal.objects.get().state == "approved"


def test_proposals_outside_the_region_are_hidden(ingest, regulator, outsider):
    post = ingest("tea_shop", "440103", "高仿名表")
    svc.finding_review(
        finding=post.findings.first(), actor=regulator, decision="dismissed",
        reason_code="not_a_claim",
    )  # fmt: skip
    proposal = ExceptionProposal.objects.get()
    assert (
        login(outsider).get(f"/admin/merchants/exceptionproposal/{proposal.pk}/change/").status_code
        == 404
    )
    assert (
        login(regulator)
        .get(f"/admin/merchants/exceptionproposal/{proposal.pk}/change/")
        .status_code
        == 200
    )


def test_acting_keeps_the_actors_claim(world, regulator, second_regulator):
    m = world["liwan"]
    svc.action_take(
        merchant=m, actor=regulator, data=svc.ActionInput(kind=K.WATCH_LIST, reason="观察")
    )
    assert svc.claim_holder(m) == regulator
    with pytest.raises(Conflict):
        svc.action_take(
            merchant=m, actor=second_regulator, data=svc.ActionInput(kind=K.WARNING, reason="警示")
        )
    assert Merchant.objects.get(pk=m.pk).status == "watch_listed"


def test_an_operator_sets_a_uscc_through_the_audited_service(world, django_user_model):
    admin_user = django_user_model.objects.create_superuser("operator", password="x-y-z-123456")
    m = world["liwan"]
    base = {
        "display_name": m.display_name, "region_code": m.region_code,
        "registration": "unknown", "verification": "unverified",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0",
        "risk_parts-TOTAL_FORMS": "0", "risk_parts-INITIAL_FORMS": "0",
    }  # fmt: skip
    client = login(admin_user)
    url = f"/admin/merchants/merchant/{m.pk}/change/"

    bad = client.post(url, {**base, "uscc": "91350100M000100Y4Z"})
    assert bad.status_code == 200  # the form shows the check-character error
    assert Merchant.objects.get(pk=m.pk).uscc == ""

    good = client.post(url, {**base, "uscc": "91350100M000100Y43"})
    assert good.status_code == 302
    assert Merchant.objects.get(pk=m.pk).uscc == "91350100M000100Y43"
    assert _audited("merchant.identity_set", m)


def test_an_edit_of_other_fields_is_written_and_audited_with_what_changed(world, django_user_model):
    admin_user = django_user_model.objects.create_superuser("operator", password="x-y-z-123456")
    m = world["liwan"]
    form = {
        "display_name": "荔湾好物小店", "region_code": m.region_code, "uscc": "",
        "registration": "unknown", "verification": "unverified",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0",
        "risk_parts-TOTAL_FORMS": "0", "risk_parts-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = login(admin_user).post(f"/admin/merchants/merchant/{m.pk}/change/", form)
    assert response.status_code == 302
    assert Merchant.objects.get(pk=m.pk).display_name == "荔湾好物小店"
    [entry] = _audited("merchant.edited", m)
    assert entry.data["display_name"] == "荔湾好物小店"
    assert not _audited("merchant.identity_set", m)
