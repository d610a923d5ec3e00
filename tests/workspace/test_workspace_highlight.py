"""The merchant page highlights exactly the characters the engine matched, in the original
text, even when the match was normalised (高*仿 with noise, full-width ＬＶ, spaced 高 . 仿)."""

import re
from html import unescape

import pytest

from tests.workspace.conftest import login

MARK = re.compile(r'<mark class="hit" title="[^"]*">(.*?)</mark>', re.S)


def _post_block(html: str, text: str) -> str:
    """The inner HTML of the post-text block whose text (marks removed) is ``text``."""
    for inner in re.findall(r'<div class="post-text">(.*?)</div>', html, re.S):
        if unescape(re.sub(r"</?mark[^>]*>", "", inner)) == text:
            return inner
    raise AssertionError(f"no post block showing {text!r}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高*仿ＬＶ包包，一比一复刻，专柜品质", ["高*仿", "一比一复刻", "专柜品质"]),
        ("ＬＶ新款包包只要299元，原单尾货", ["ＬＶ新款包包只要299元", "原单"]),
        ("高 . 仿 Ｇｕｃｃｉ 腰带，全网最低价", ["高 . 仿", "全网最低价"]),
    ],
)
def test_it_marks_exactly_the_matched_characters(ingest, regulator, text, expected):
    post = ingest("normalised_shop", "440103", text)
    findings = list(post.findings.filter(is_current=True).order_by("start"))
    assert [text[f.start : f.end] for f in findings] == expected  # the engine's offsets

    html = login(regulator).get(f"/admin/merchants/merchant/{post.merchant_id}/change/")
    assert html.status_code == 200
    block = _post_block(html.content.decode(), text)

    # Exactly the matched characters are marked; everything else is the original text.
    assert [unescape(m) for m in MARK.findall(block)] == expected


def test_it_escapes_the_post_text(ingest, regulator):
    post = ingest("xss_shop", "440103", "<script>alert(1)</script>高仿包包")
    html = login(regulator).get(f"/admin/merchants/merchant/{post.merchant_id}/change/")
    body = html.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
