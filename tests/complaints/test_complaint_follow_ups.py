"""Without a broker a submission's follow-up work (merchant link, category, duplicates,
previews) runs on a low-priority thread of the web process only between its requests: never
beside a request being answered, unless it has waited its longest. It is published once the
evidence is stored, so one run makes the previews too."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.evidence import check_upload
from complaints.models import Case, Evidence
from complaints.services import followups
from core.models import OutboxMessage
from tests.complaints.conftest import png_bytes

DATA = {
    "kind": "complaint",
    "merchant_wechat_id": "meizhuang_888",
    "description": "在朋友圈买的面霜是假货，商家拒绝退款。",
    "demand": "退款",
    "name": "张三",
    "phone": "13812345678",
    "address": "广东省广州市天河区体育西路1号",
    "consent": True,
}


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(followups._FollowUps, "IDLE_SECONDS", 0.3)
    monkeypatch.setattr(followups._FollowUps, "LONGEST_WAIT_SECONDS", 30.0)
    yield
    while followups.REQUESTS.in_flight:  # leave no request "open" for the next test
        followups.REQUESTS.finished()


@pytest.mark.django_db(transaction=True)
def test_the_follow_up_waits_for_the_request_being_answered(quick):
    followups.REQUESTS.started()  # a request of this process is being answered
    case = services.case_submit(data=DATA, files=[])[0].case
    time.sleep(1.0)
    assert Case.objects.get(pk=case.pk).merchant_id is None  # nothing ran beside it
    followups.REQUESTS.finished()
    assert wait_for(lambda: Case.objects.get(pk=case.pk).merchant_id is not None, 15)


@pytest.mark.django_db(transaction=True)
def test_a_follow_up_runs_anyway_once_it_has_waited_its_longest(quick, monkeypatch):
    monkeypatch.setattr(followups._FollowUps, "LONGEST_WAIT_SECONDS", 0.5)
    followups.REQUESTS.started()  # a site that is never idle
    case = services.case_submit(data=DATA, files=[])[0].case
    assert wait_for(lambda: Case.objects.get(pk=case.pk).merchant_id is not None, 15)


@pytest.mark.django_db(transaction=True)
def test_one_follow_up_per_case_makes_the_previews_after_the_files_are_stored(quick):
    upload = SimpleUploadedFile("截图.png", png_bytes((40, 30)), content_type="image/png")
    case = services.case_submit(data=DATA, files=[check_upload(upload)])[0].case
    assert wait_for(lambda: Evidence.objects.filter(case=case).exclude(preview="").exists(), 15)
    messages = OutboxMessage.objects.filter(payload__case_id=case.pk)
    assert list(messages.values_list("task_name", flat=True)) == ["complaints.after_intake"]
    assert wait_for(lambda: messages.get().completed_at is not None, 5)


@pytest.mark.django_db(transaction=True)
def test_a_failing_follow_up_does_not_hold_up_the_next_submissions(quick, monkeypatch):
    monkeypatch.setattr(followups._FollowUps, "RETRY_FIRST", 8.0)  # its pause before a retry
    calls: list[str] = []

    def failing() -> bool:
        calls.append("failing")
        return False  # e.g. the database was locked: tried again after its own pause

    followups.FOLLOW_UPS.submit([(failing, (), time.monotonic())])
    assert wait_for(lambda: calls, 10)
    started = time.monotonic()
    case = services.case_submit(data=DATA, files=[])[0].case
    assert wait_for(lambda: Case.objects.get(pk=case.pk).merchant_id is not None, 15)
    assert time.monotonic() - started < 5  # not behind the failing call's pause
    assert wait_for(lambda: calls.count("failing") >= 2, 15)  # and that one is tried again
