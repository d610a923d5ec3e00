"""更正转写: before 确认转写 a regulator corrects what OCR read from a consumer's 集赞 screenshot;
each correction is a new audited record, the OCR text stays as read, and the campaign terms
are parsed from the corrected text. The page: image beside the text, Chinese labels and errors.

The OCR slip is set on the read directly (as the worker stores a read), so that it is the same
on every machine; the reading itself is tested in ``test_image_reads``."""

import pytest
from django.utils import timezone

from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.models import AuditEntry
from imaging.models import ImageText, TranscriptionCorrection
from imaging.services.transcription import transcription_confirm, transcription_correct
from tests.imaging.conftest import NOTICE_LINES

pytestmark = pytest.mark.django_db

TRUE_LINES = NOTICE_LINES
MISREAD = tuple(line.replace("38", "36") for line in NOTICE_LINES)
CORRECTED = "\n".join(TRUE_LINES)


@pytest.fixture
def misread(consumer_snapshot):
    """A consumer's 集赞 screenshot whose read has 36 where the image says 38."""
    row = ImageText.objects.get(snapshot=consumer_snapshot)
    ImageText.objects.filter(pk=row.pk).update(
        state=ImageText.State.DONE,
        text="\n".join(MISREAD),
        lines=[{"text": t, "score": 0.97, "box": []} for t in MISREAD],
        read_at=timezone.now(),
        engine="test",
    )
    row.refresh_from_db()
    return row


def page(row: ImageText) -> str:
    return f"/admin/imaging/imagetext/{row.pk}/transcription/"


# --- The services ------------------------------------------------------------------------------


def test_a_correction_is_a_new_audited_record_and_the_ocr_text_stays(misread, regulator):
    first = transcription_correct(image_text=misread, actor=regulator, text="集满37个赞")
    second = transcription_correct(
        image_text=misread, actor=regulator, text=CORRECTED + "  \r\n", note="36 应为 38"
    )
    assert TranscriptionCorrection.objects.filter(image=misread).count() == 2
    assert second.text == CORRECTED and second.note == "36 应为 38"
    misread.refresh_from_db()
    assert misread.text == "\n".join(MISREAD)  # the OCR text as read
    assert misread.confirmed_at is None
    entries = AuditEntry.objects.filter(action="imaging.transcription_corrected").order_by("id")
    assert [e.data["correction_id"] for e in entries] == [first.pk, second.pk]
    assert entries[0].data["replaces"] == "ocr"
    assert entries[1].data["replaces"] == f"correction:{first.pk}"
    assert all(e.actor_id == regulator.pk for e in entries)
    assert "集满" not in str(entries[1].data)  # the audit keeps a hash of the text, not the text


def test_the_terms_are_parsed_from_the_corrected_text(misread, regulator):
    transcription_correct(image_text=misread, actor=regulator, text=CORRECTED)
    result = transcription_confirm(image_text=misread, actor=regulator)
    assert result.snapshot.terms["likes"] == 38
    assert "按更正后的文字" in result.snapshot.note
    misread.refresh_from_db()
    assert misread.confirmed_text == CORRECTED
    assert misread.text.startswith("转发集赞活动\n集满36个赞")
    confirmed = AuditEntry.objects.get(action="imaging.transcription_confirmed")
    assert confirmed.data["edited"] is True
    assert confirmed.data["correction_id"] == misread.corrections.get().pk


def test_confirming_a_changed_text_stores_the_correction_first(misread, supervisor):
    result = transcription_confirm(image_text=misread, actor=supervisor, text=CORRECTED)
    assert result.snapshot.terms["likes"] == 38
    correction = misread.corrections.get()
    assert correction.text == CORRECTED and correction.created_by == supervisor
    actions = list(
        AuditEntry.objects.filter(action__startswith="imaging.transcription_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["imaging.transcription_corrected", "imaging.transcription_confirmed"]


def test_confirming_without_a_correction_uses_the_ocr_text(misread, regulator):
    result = transcription_confirm(image_text=misread, actor=regulator)
    assert result.snapshot.terms["likes"] == 36
    assert not misread.corrections.exists()
    assert AuditEntry.objects.get(action="imaging.transcription_confirmed").data["edited"] is False


def test_what_is_refused_says_why_in_chinese(misread, regulator, outsider):
    with pytest.raises(ValidationFailed, match="转写为空"):
        transcription_correct(image_text=misread, actor=regulator, text=" \n ")
    with pytest.raises(ValidationFailed, match="与当前转写相同"):
        transcription_correct(image_text=misread, actor=regulator, text="\n".join(MISREAD))
    with pytest.raises(ValidationFailed, match="最多 20000 字"):
        transcription_correct(image_text=misread, actor=regulator, text="赞" * 20_001)
    outsider.groups.clear()
    with pytest.raises(Forbidden, match="没有更正或确认截图转写的权限"):
        transcription_correct(image_text=misread, actor=outsider, text=CORRECTED)
    transcription_confirm(image_text=misread, actor=regulator)
    with pytest.raises(InvalidTransition, match="转写已于此前确认"):
        transcription_correct(image_text=misread, actor=regulator, text=CORRECTED)
    assert not TranscriptionCorrection.objects.exists()


def test_a_read_not_done_cannot_be_corrected(misread, regulator):
    ImageText.objects.filter(pk=misread.pk).update(state=ImageText.State.PENDING)
    with pytest.raises(InvalidTransition, match="尚未识别完成"):
        transcription_correct(image_text=misread, actor=regulator, text=CORRECTED)


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_the_image_beside_the_text_and_a_chinese_form(misread, client, regulator):
    client.force_login(regulator)
    html = client.get(page(misread)).content.decode()
    labels = ["更正并确认转写", "原图", "机器识别的原文", "转写文字", "更正说明（可选）"]
    labels += ["保存更正", "确认转写", "按当前文字解析出的活动条款", "所需点赞数", "尚无更正"]
    for text in labels:
        assert text in html, text
    assert "集满36个赞" in html
    image = client.get(f"/admin/imaging/imagetext/{misread.pk}/image/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image.content[:2] == b"\xff\xd8" and "no-store" in image["Cache-Control"]
    assert AuditEntry.objects.filter(action="imaging.image_viewed").count() == 1
    change = client.get(f"/admin/imaging/imagetext/{misread.pk}/change/").content.decode()
    assert page(misread) in change and "待确认" not in change
    listing = client.get("/admin/imaging/imagetext/").content.decode()
    assert "待确认" in listing


def test_saving_then_confirming_through_the_page(misread, client, regulator):
    client.force_login(regulator)
    saved = client.post(page(misread), {"text": CORRECTED, "note": "36 应为 38", "_save": "1"},
                        follow=True)  # fmt: skip
    html = saved.content.decode()
    assert "更正已保存，原识别文字仍保留" in html
    assert "data-correction" in html and "36 应为 38" in html
    assert "按更正" not in html and "（gz-regulator 于" in html  # the form now holds the correction
    done = client.post(page(misread), {"text": CORRECTED, "_confirm": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/admin/imaging/imagetext/{misread.pk}/change/"
    assert "转写已确认；活动截图的条款已据此记录为更正" in done.content.decode()
    misread.refresh_from_db()
    assert misread.confirmed_by == regulator and misread.corrections.count() == 1
    assert misread.snapshot.campaign.snapshots.get(corrects=misread.snapshot).terms["likes"] == 38
    after = client.get(page(misread)).content.decode()
    assert "不能再更正" in after and 'name="_confirm"' not in after
    change = client.get(f"/admin/imaging/imagetext/{misread.pk}/change/").content.decode()
    assert page(misread) in change and "转写与更正记录" in change and "更正并确认转写" not in change


def test_the_page_says_what_is_wrong(misread, client, regulator):
    client.force_login(regulator)
    empty = client.post(page(misread), {"text": "   ", "_confirm": "1"})
    assert empty.status_code == 400 and "转写为空，不能保存或确认" in empty.content.decode()
    same = client.post(page(misread), {"text": "\n".join(MISREAD), "_save": "1"})
    assert same.status_code == 400 and "没有需要保存的更正" in same.content.decode()
    long_note = client.post(page(misread), {"text": CORRECTED, "note": "注" * 301, "_save": "1"})
    assert long_note.status_code == 400 and "更正说明最多 300 字" in long_note.content.decode()
    misread.refresh_from_db()
    assert misread.confirmed_at is None and not misread.corrections.exists()


def test_only_those_who_may_confirm_in_the_region_reach_the_page(misread, client, outsider):
    client.force_login(outsider)  # another province
    assert client.get(page(misread)).status_code == 404
    assert client.get("/admin/imaging/imagetext/abc/transcription/").status_code == 404
    auditor = outsider
    auditor.groups.clear()
    from django.contrib.auth.models import Group

    auditor.groups.add(Group.objects.get(name="Auditor"))
    from core.roles import set_user_regions

    set_user_regions(auditor, ["440000"])
    client.force_login(auditor)
    assert client.get(f"/admin/imaging/imagetext/{misread.pk}/change/").status_code == 200
    assert client.get(page(misread)).status_code == 403
    assert client.post(page(misread), {"text": CORRECTED, "_confirm": "1"}).status_code == 403
    misread.refresh_from_db()
    assert misread.confirmed_at is None
