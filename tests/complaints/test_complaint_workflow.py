"""Workflow services: validated transitions, audit, deadlines, the SLA sweep, duplicates."""

import datetime
import zoneinfo

import pytest

from complaints import services
from complaints.models import Case, CaseEvent, DuplicateSuggestion
from core.errors import InvalidTransition, ValidationFailed
from core.models import AuditEntry
from tests.holiday_tables import calendar_ends_2026

pytestmark = pytest.mark.django_db
D = datetime.date
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _calendar_ends_2026(db):
    """The official holiday schedules end at 2026 here, whatever chinesecalendar ships."""
    calendar_ends_2026()


def actions(case):
    return list(
        AuditEntry.objects.filter(target_id=str(case.pk), target_type="complaints.case")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_complaint_runs_from_receipt_to_closure(
    submit, regulator, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING), tick=False)
    case, _ = submit(email="c@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case=case, actor=regulator)
        services.mediation_start(case=case, actor=regulator)
    assert case.status == "mediating" and case.mediation_started_on == D(2026, 12, 1)
    # 45 working days from 2026-12-01: 22 in December, then 23 in 2027, which has no official
    # schedule yet: counted on weekends and the statutory 元旦 (01-01), marked provisional.
    assert case.mediation_due == D(2027, 2, 3)
    assert case.provisional_deadlines == {"mediation_due": [2027]}
    assert case.current_due == case.mediation_due and case.sla == "ok"
    with django_capture_on_commit_callbacks(execute=True):
        services.mediation_agree(case=case, actor=regulator, summary="商家退款299元")
        services.case_close(case=case, actor=regulator)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at
    assert actions(case) == [
        "complaint.submitted",
        "complaint.accepted",
        "complaint.mediation_started",
        "complaint.agreement",
        "complaint.closed",
    ]
    assert len(mailoutbox) >= 4  # receipt + updates to the complainant
    services.case_feedback(case=case, confirmed=True, rating=5)
    case.refresh_from_db()
    assert case.consumer_rating == 5 and case.consumer_confirmed_at
    with pytest.raises(InvalidTransition):
        services.case_feedback(case=case, confirmed=True, rating=4)


def test_accepting_a_complaint_feeds_the_merchant_risk(
    submit, regulator, django_capture_on_commit_callbacks
):
    from merchants.models import RiskComponent

    case, _ = submit()
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case=case, actor=regulator)
    part = RiskComponent.objects.get(merchant=case.merchant, source="complaints")
    assert part.points > 0 and case.tracking_number in part.explanation


def test_invalid_transitions_are_refused_and_change_nothing(submit, regulator):
    case, _ = submit()
    with pytest.raises(InvalidTransition):
        services.mediation_start(case=case, actor=regulator)
    with pytest.raises(InvalidTransition):
        services.verification_start(case=case, actor=regulator)
    case.refresh_from_db()
    assert case.status == "received"
    assert actions(case) == ["complaint.submitted"]


def test_refusal_needs_a_statutory_ground(submit, regulator):
    case, _ = submit()
    with pytest.raises(ValidationFailed):
        services.case_refuse(case=case, actor=regulator, ground="i_dont_like_it")
    services.case_refuse(case=case, actor=regulator, ground="outside_remit", reason="金融纠纷")
    public = CaseEvent.objects.filter(case=case, public=True).last()
    assert "不属于市场监督管理部门职责" in public.body
    assert not CaseEvent.objects.filter(case=case, public=True, body__contains="金融纠纷").exists()


def test_a_report_is_verified_extended_once_and_decided(submit, regulator, supervisor):
    report, _ = submit(kind="report")
    assert report.verification_due
    Case.objects.filter(pk=report.pk).update(verification_due=D(2026, 10, 9))
    services.verification_start(case=report, actor=regulator)
    services.verification_extend(case=report, actor=regulator, reason="需调取平台数据")
    # 15 more working days after 10-09: 10-10 (调休 Saturday) is the first, 10-29 the 15th.
    assert report.verification_due == D(2026, 10, 29)
    with pytest.raises(InvalidTransition):
        services.verification_extend(case=report, actor=regulator, reason="again")
    services.report_decide(case=report, actor=regulator, open_case=True, reason="证据充分")
    report.refresh_from_db()
    assert report.status == "case_opened"
    assert report.notice_due and report.reporter_notified_at  # named reporter told at once
    assert CaseEvent.objects.filter(case=report, public=True, to_status="case_opened").exists()


def test_held_cases_must_be_released_before_handling(submit, regulator, settings):
    settings.COMPLAINTS_FLOOD_THRESHOLD = 2
    submit()
    held, _ = submit()
    assert held.held_for_review
    with pytest.raises(InvalidTransition):
        services.case_accept(case=held, actor=regulator)
    services.case_release_hold(case=held, actor=regulator)
    services.case_accept(case=held, actor=regulator)
    assert held.status == "accepted"


def test_referral_moves_the_case_out_of_the_regulators_sight(submit, regulator, outsider):
    from complaints.selectors import case_list

    case, _ = submit()
    services.case_refer(
        case=case,
        actor=regulator,
        region_code="310101",
        department="上海市黄浦区市场监督管理局",
        reason="商家住所地在上海",
    )
    assert case.region_code == "310101" and case.assignee is None
    assert case not in case_list(user=regulator) and case in case_list(user=outsider)
    assert "complaint.referred" in actions(case)


def test_assignment_needs_jurisdiction(submit, regulator, outsider, supervisor):
    case, _ = submit()
    with pytest.raises(ValidationFailed):
        services.case_assign(case=case, actor=supervisor, assignee=outsider)
    services.case_assign(case=case, actor=supervisor, assignee=regulator)
    assert Case.objects.get(pk=case.pk).assignee == regulator


def test_jurisdiction_follows_the_merchants_domicile_when_known(submit):
    from merchants.services import merchant_resolve

    merchant_resolve(platform="wechat_id", handle="sz_shop", region_code="440300")
    case, _ = submit(merchant_wechat_id="SZ_Shop")
    case.refresh_from_db()
    assert case.region_code == "440300" and case.received_region_code == "440100"


def test_mediation_pause_excludes_testing_time(submit, regulator, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING), tick=False)
    case, _ = submit()
    services.case_accept(case=case, actor=regulator)
    Case.objects.filter(pk=case.pk).update(
        status="mediating", mediation_started_on=D(2026, 3, 2), mediation_due=D(2026, 5, 11)
    )
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(mediation_paused_on=D(2026, 3, 9))
    case.refresh_from_db()
    # Resume "today" is in November: every working day since 03-09 is excluded.
    services.mediation_resume(case=case, actor=regulator)
    case.refresh_from_db()
    from core.workdays import deadline_after, working_days_between

    paused = working_days_between(D(2026, 3, 9), D(2026, 11, 20))
    assert case.mediation_paused_days == paused == 176
    expected = deadline_after(D(2026, 3, 2), 45 + paused)
    assert expected.provisional_years == (2027,)  # 5 working days before 03-09, 40 from 11-20
    assert case.mediation_due == expected.date == D(2027, 1, 18)
    assert case.provisional_deadlines == {"mediation_due": [2027]}


def test_the_sweep_marks_due_soon_and_overdue_and_tells_the_assignee(
    submit, regulator, mailoutbox, django_capture_on_commit_callbacks
):
    regulator.email = "reg@example.com"
    regulator.save()
    soon, _ = submit(phone="13900000001")
    late, _ = submit(phone="13900000002", description="另一个商家的问题")
    for case in (soon, late):
        services.case_assign(case=case, actor=regulator, assignee=regulator)
    Case.objects.filter(pk=soon.pk).update(acceptance_due=D(2026, 10, 15))
    Case.objects.filter(pk=late.pk).update(acceptance_due=D(2026, 10, 9))
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.sla_sweep(today=D(2026, 10, 13))
    assert Case.objects.get(pk=soon.pk).sla == "due_soon"
    assert Case.objects.get(pk=late.pk).sla == "overdue"
    assert counts["due_soon"] == 1 and counts["overdue"] == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["reg@example.com"] * 2
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sweep(today=D(2026, 10, 13))
    assert len(mailoutbox) == 2  # told once per state change


def test_the_sweep_ends_mediation_past_45_working_days(submit, regulator):
    case, _ = submit()
    services.case_accept(case=case, actor=regulator)
    Case.objects.filter(pk=case.pk).update(
        status="mediating", mediation_started_on=D(2026, 7, 1), mediation_due=D(2026, 9, 2)
    )
    counts = services.sla_sweep(today=D(2026, 9, 3))
    case.refresh_from_db()
    assert counts["mediation_ended"] == 1
    assert case.status == "mediation_ended" and "45" in case.outcome_reason
    assert "complaint.mediation_ended" in actions(case)


def test_duplicates_are_suggested_never_merged(submit):
    first, _ = submit()
    same_phone, _ = submit(description="完全不同的描述，关于另一件商品的问题")
    similar, _ = submit(phone="13700000000", description="在朋友圈买的面霜是假货，商家拒绝退款！")
    other, _ = submit(
        phone="13600000000",
        merchant_wechat_id="another_shop",
        description="集赞送的礼品一直没有兑现",
    )
    assert Case.objects.count() == 4
    reasons = {(s.case_id, s.other_id): s.reason for s in DuplicateSuggestion.objects.all()}
    assert reasons[(same_phone.pk, first.pk)] == "merchant_phone"
    assert reasons[(similar.pk, first.pk)] == "similar_text"
    assert not any(other.pk in pair for pair in reasons)


def test_a_handle_the_merchant_registry_refuses_does_not_block_the_others(submit):
    case, _ = submit(merchant_wechat_id="＠ ", merchant_phone="13800001111")
    case.refresh_from_db()
    assert case.merchant is not None
    assert case.merchant.accounts.filter(platform="phone").exists()


def test_the_sweep_removes_abandoned_staged_files(settings):
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    old = default_storage.save("complaints/staging/old", ContentFile(b"x"))
    new = default_storage.save("complaints/staging/new", ContentFile(b"y"))
    past = time.time() - 2 * 86400
    os.utime(default_storage.path(old), (past, past))
    assert services.staging_cleanup() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)
