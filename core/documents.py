"""Formal documents with a 文号: numbering, the issuing office, the PDF.

``document_issue`` takes the next sequence of the issuing office for the year (a counter row
locked for the transaction, so two regulators never get the same number) and keeps the text as
issued. ``document_pdf`` prints it with reportlab and the STSong-Light CID font that reportlab
ships (the reader supplies the glyphs; nothing is fetched, no font file is bundled). See
docs/decisions.md for why reportlab.

文号: ``{prefix}{kind}〔{year}〕{sequence}号``, e.g. ``市监警〔2026〕3号``. The prefix is
``DOCUMENT_NUMBER_PREFIX`` (default 市监); the sequence runs per office and year across kinds.
"""

import io
import re

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone

from core.audit import audit_log
from core.models import DocumentCounter, FormalDocument

KIND_MARK = {
    FormalDocument.Kind.WARNING_LETTER: "警",
    FormalDocument.Kind.FREEZE_REQUEST: "协",
    FormalDocument.Kind.REFERRAL: "移",
}
TITLES = {
    FormalDocument.Kind.WARNING_LETTER: "行政警示函",
    FormalDocument.Kind.FREEZE_REQUEST: "关于协助冻结相关账号的函",
    FormalDocument.Kind.REFERRAL: "案件线索移送函",
}


def issuing_office(region_code: str) -> tuple[str, str]:
    """``(office region code, office name)`` for a region: the handling office entered for the
    longest matching prefix (440106 → 440100 → 440000) when the office records exist, else the
    site's agency (``SITE_AGENCY_NAME``) under the city code."""
    code = (region_code or "").strip()
    try:
        Office = apps.get_model("complaints", "Office")
    except LookupError:
        Office = None
    if Office is not None and len(code) == 6:
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            office = Office.objects.filter(region_code=candidate).first()
            if office is not None:
                return office.region_code, office.name
    name = getattr(settings, "SITE_AGENCY_NAME", "") or "市场监督管理局"
    return (code[:4] + "00" if len(code) == 6 else "000000"), name


def document_number(kind: str, year: int, sequence: int) -> str:
    prefix = getattr(settings, "DOCUMENT_NUMBER_PREFIX", "") or "市监"
    return f"{prefix}{KIND_MARK[kind]}〔{year}〕{sequence}号"


def document_issue(
    *, kind: str, region_code: str, addressee: str, body: str, target: models.Model, actor, ip=None
) -> FormalDocument:
    """Number and keep one document (inside the caller's transaction when there is one)."""
    office_code, office_name = issuing_office(region_code)
    year = timezone.localdate().year
    with transaction.atomic():
        DocumentCounter.objects.get_or_create(office_code=office_code, year=year)
        counter = DocumentCounter.objects.select_for_update().get(
            office_code=office_code, year=year
        )
        counter.last += 1
        counter.save(update_fields=["last"])
        document = FormalDocument.objects.create(
            kind=kind,
            number=document_number(kind, year, counter.last),
            office_code=office_code,
            office_name=office_name,
            year=year,
            sequence=counter.last,
            addressee=addressee[:200],
            title=TITLES[kind],
            body=body,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(
            "document.issued",
            actor=actor if getattr(actor, "pk", None) else None,
            target=target,
            ip=ip,
            data={"document": document.pk, "kind": kind, "number": document.number},
        )
    return document


def documents_for(target: models.Model):
    return FormalDocument.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    )


def document_reply(*, document: FormalDocument, actor, text: str, ip=None) -> FormalDocument:
    """Record the addressee's answer (the platform's reply to a freeze request)."""
    with transaction.atomic():
        document = FormalDocument.objects.select_for_update().get(pk=document.pk)
        document.reply_at = timezone.now()
        document.reply_text = text.strip()[:2000]
        document.save(update_fields=["reply_at", "reply_text"])
        audit_log(
            "document.reply_recorded",
            actor=actor,
            target=document,
            ip=ip,
            data={"number": document.number, "reply": document.reply_text[:300]},
        )
    return document


def document_pdf(document: FormalDocument) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    base = ParagraphStyle("body", fontName=font, fontSize=14, leading=26, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=34, alignment=TA_CENTER)
    number = ParagraphStyle("number", parent=base, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    para = ParagraphStyle("para", parent=base, firstLineIndent=28)

    issued = timezone.localtime(document.issued_at)
    lines = [line.strip() for line in document.body.splitlines() if line.strip()]
    if lines and lines[0] == document.title:
        lines = lines[1:]  # the letter's own title line: drawn below as the heading
    signature = [document.office_name, f"{issued.year}年{issued.month}月{issued.day}日"]
    if len(lines) >= 2 and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1]):
        signature, lines = lines[-2:], lines[:-2]  # the letter is signed already
    story = [
        Paragraph(escape(document.office_name), title),
        Paragraph(escape(document.number), number),
        Spacer(1, 6 * mm),
        Paragraph(escape(document.title), title),
        Spacer(1, 4 * mm),
    ]
    if not (lines and lines[0].endswith("：")):
        story.append(Paragraph(escape(document.addressee) + "：", base))
    for i, line in enumerate(lines):
        addressee_line = i == 0 and line.endswith("：")
        story.append(Paragraph(escape(line), base if addressee_line else para))
    story.append(Spacer(1, 12 * mm))
    story += [Paragraph(escape(line), right) for line in signature]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=f"{document.title} {document.number}",
        author=document.office_name,
        subject=document.number,
    )
    doc.build(story)
    return buf.getvalue()


def pdf_response(document: FormalDocument) -> HttpResponse:
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    name = f"document-{document.year}-{document.sequence}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF written by ``document_pdf`` (tests and the e2e check read the
    文号 back with it): every content stream inflated, every string literal decoded."""
    import base64
    import zlib

    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)\s*endstream", data, re.S):
        content = raw.strip()
        if content.endswith(b"~>"):
            content = base64.a85decode(content, adobe=True)
        try:
            content = zlib.decompress(content)
        except zlib.error:
            pass
        for hexed in re.findall(rb"<([0-9A-Fa-f\s]+)>\s*Tj", content):
            try:
                out.append(bytes.fromhex(hexed.decode()).decode("utf-16-be"))
            except (ValueError, UnicodeDecodeError):
                continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            unescaped = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: (
                    bytes([int(m.group(1), 8)])
                    if m.group(1)[:1].isdigit()
                    else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1))
                ),
                literal,
            )
            try:
                out.append(unescaped.decode("utf-16-be"))
            except UnicodeDecodeError:
                out.append(unescaped.decode("latin-1"))
    return "".join(out)
