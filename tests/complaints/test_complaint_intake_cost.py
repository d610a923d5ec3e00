"""What a submission costs does not grow with what is stored, and nothing is written twice:
the queries of the public form's POST, the receipt page, the session and the working-day
calendar kept per process."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import HolidayDay, HolidaySchedule
from core.workdays import Calendar
from tests.complaints.conftest import complaint_post, png_bytes
from tests.complaints.test_complaint_duplicates import _stored_cases

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def _post(client, i: int):
    data = complaint_post(
        phone=f"1381234{i:04d}",
        evidence=[SimpleUploadedFile("shot.png", png_bytes(color=(i % 250, 3, 3)))],
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/complaints/new/", data)
    assert response.status_code == 200, response.content[:500]
    return response, [q["sql"] for q in queries.captured_queries]


@time_machine.travel(NOW, tick=True)
def test_the_form_post_makes_the_same_queries_with_none_or_many_cases_stored(client):
    client.get("/complaints/new/")
    _post(client, 0)  # the first one reads what a process keeps (calendar, expired tokens)
    _response, empty = _post(client, 1)
    _stored_cases(600, start=10)
    _response, stored = _post(client, 2)
    _stored_cases(1200, start=1000)
    _response, more = _post(client, 3)

    assert len(empty) == len(stored) == len(more), (empty, more)
    # What a process keeps is not read again: the rules and holiday tables, the old tokens.
    assert not any("wsmonitor_holidayday" in q and "COUNT" not in q for q in more)
    assert not any(q.startswith("DELETE") and "submissiontoken" in q for q in more)


@time_machine.travel(NOW, tick=True)
def test_the_receipt_page_right_after_the_form_does_not_write_the_session(client):
    client.get("/complaints/new/")
    response, post_queries = _post(client, 0)
    assert any("django_session" in q and q.startswith(("UPDATE", "INSERT")) for q in post_queries)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Content-Location"])
    assert page.status_code == 200 and b"data-tracking-number" in page.content
    writes = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert writes and all(q.startswith("SELECT") for q in writes), writes


def test_an_idle_session_is_pushed_back_only_after_the_refresh_interval(client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_REFRESH_SECONDS = 60
    with time_machine.travel(NOW, tick=False) as clock:
        client.get("/complaints/new/")  # the form page starts the session
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        first = Session.objects.get(session_key=key).expire_date
        assert first == NOW + datetime.timedelta(seconds=1800)

        clock.shift(30)
        client.get("/complaints/track/")
        assert Session.objects.get(session_key=key).expire_date == first  # not written again

        clock.shift(31)  # 61 s after the last push
        client.get("/complaints/track/")
        pushed = Session.objects.get(session_key=key).expire_date
        assert pushed == NOW + datetime.timedelta(seconds=61 + 1800)

        clock.shift(1801)  # idle for longer than the age: the session is gone
        client.get("/complaints/track/")
        assert not Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists()


def test_a_visitor_without_a_session_gets_none(client):
    response = client.get("/complaints/track/")
    assert response.status_code == 200
    assert not Session.objects.exists()


def _calendar_queries(day: datetime.date) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as queries:
        working = Calendar().is_working_day(day)
    return working, len(queries.captured_queries)


def test_the_calendar_is_read_once_per_process_and_follows_a_schedule_entered_elsewhere():
    HolidaySchedule.objects.filter(year=2031).delete()
    monday = datetime.date(2031, 3, 3)
    assert _calendar_queries(monday)[0] is True
    assert _calendar_queries(monday) == (True, 1)  # the version check only

    # Another process enters 2031 (no signal reaches this one): rows written with plain SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wsmonitor_holidayschedule (year, source, source_url, "
            "entered_at, entered_by) VALUES (2031, 'test', '', %s, 'elsewhere')",
            [timezone.now()],
        )
    schedule = HolidaySchedule.objects.get(year=2031)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wsmonitor_holidayday (schedule_id, date, kind, name) "
            "VALUES (%s, %s, 'holiday', '')",
            [schedule.pk, monday],
        )
    working, count = _calendar_queries(monday)
    assert working is False and count > 1

    # Replaced in this process through the ORM: the save signal clears what was kept.
    HolidayDay.objects.filter(schedule=schedule).delete()
    assert _calendar_queries(monday)[0] is True


def test_tracking_numbers_and_codes_use_every_symbol_from_one_draw_each():
    from collections import Counter

    from complaints.pii import _ALPHABET, new_access_code, new_tracking_number

    numbers = [new_tracking_number() for _ in range(2000)]
    codes = [new_access_code() for _ in range(2000)]
    assert len(set(numbers)) == len(numbers) and len(set(codes)) == len(codes)
    assert all(len(n) == 17 and n.startswith("WS-") and n.count("-") == 3 for n in numbers)
    assert all(len(c) == 19 and c.count("-") == 3 for c in codes)
    # Uniform: each of the 32 symbols near 1/32 of the 24,000 + 32,000 drawn (±25 %).
    for texts, drawn in ((numbers, 24000), (codes, 32000)):
        counts = Counter(ch for text in texts for ch in text.removeprefix("WS-") if ch != "-")
        assert set(counts) == set(_ALPHABET)
        assert 0.75 * drawn / 32 < min(counts.values()) <= max(counts.values()) < 1.25 * drawn / 32


@time_machine.travel(NOW, tick=True)
def test_the_follow_up_is_sent_without_writing_its_row_again_and_swept_if_never_sent(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With a broker the case's follow-up row is written already counted as published: the
    send after commit writes nothing more, and a row whose process died before sending it is
    published again by the sweeper once ``OUTBOX_REPUBLISH_AFTER_SECONDS`` have passed."""
    from types import SimpleNamespace

    from core import outbox
    from core.models import OutboxMessage

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[list[int]] = []
    broker = SimpleNamespace(send_task=lambda name, args: sent.append(args))
    monkeypatch.setattr(outbox, "_app", lambda: broker)
    monkeypatch.setattr(outbox, "publish_at_once", lambda: True)  # on this thread, to be seen
    client.get("/complaints/new/")
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            _post(client, 0)
    message = OutboxMessage.objects.get(task_name="complaints.after_intake")
    assert sent == [[message.pk]]
    assert (message.publish_attempts, message.published_at is not None) == (1, True)
    table = OutboxMessage._meta.db_table
    assert not [q for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]

    # The process died before sending: the row waits for the sweeper's republication delay.
    sent.clear()
    assert outbox.outbox_sweep() == 0 and sent == []
    later = NOW + datetime.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert outbox.outbox_sweep() == 1
    assert sent == [[message.pk]]
    message.refresh_from_db()
    assert message.publish_attempts == 2
