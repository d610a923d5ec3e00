"""Without a broker no image is read in the web process: the submission's read stays pending
(the regulator's case page says how it will be read) until ``manage.py images_read_pending``
reads it in its own process."""

import io

import pytest
from django.core.management import call_command

from imaging import signals
from imaging.models import ImageText
from imaging.tasks import OCR_REQUESTS


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_web_process_does_not_read(file_case, settings, monkeypatch):
    submitted = []
    monkeypatch.setattr(OCR_REQUESTS, "submit", submitted.extend)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    case = file_case()  # committed: the after-commit hook has run
    row = ImageText.objects.get(evidence__case=case)
    assert submitted == [] and row.state == "pending"

    settings.CELERY_TASK_ALWAYS_EAGER = False  # with a broker it goes to the ocr queue
    signals._publish(row.pk)
    assert submitted == [row.pk]


@pytest.mark.django_db
def test_the_command_reads_what_is_pending(file_case):
    case = file_case()
    out = io.StringIO()
    call_command("images_read_pending", stdout=out)
    row = ImageText.objects.get(evidence__case=case)
    assert row.state == "done" and "一比一复刻" in row.text
    assert "read 1 of 1" in out.getvalue()
    call_command("images_read_pending", stdout=out)
    assert "read 0 of 0" in out.getvalue()
