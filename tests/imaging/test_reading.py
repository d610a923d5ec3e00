"""Reading pixels: OCR of the generated screenshot and of a real scanned page, QR codes in
light and dark mode, and what a payload or a line of text says (no database)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imaging.services.identifiers import classify_payload, wechat_ids_in
from imaging.services.reading import ocr, open_image, read_codes
from merchants.handles import ocr_handle_variants
from tests.imaging.images import (
    LOOKALIKE_URL,
    PAY_CODE,
    character_error_rate,
    offer_screenshot,
    scanned_page,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_screenshot_is_read_with_few_errors():
    shot = offer_screenshot()
    result = ocr(open_image(shot.png))
    assert "一比一复刻" in result.text
    assert "380" in result.text
    assert character_error_rate(shot.truth, result.text) < 0.05
    assert result.mean_score > 0.8


def test_a_real_scanned_page_is_read():
    page = scanned_page()
    result = ocr(open_image(page.png))
    assert "Region-based segmentation" in result.text
    assert character_error_rate(page.truth, result.text) < 0.15


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark-mode"])
def test_both_qr_codes_are_decoded_also_inverted(dark):
    shot = offer_screenshot(dark=dark, jpeg=True)
    assert {c.text for c in read_codes(open_image(shot.png))} == {PAY_CODE, LOOKALIKE_URL}


def test_an_image_without_codes_has_none():
    assert read_codes(open_image(scanned_page().png)) == []


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (PAY_CODE, "pay_code"),
        ("https://payapp.weixin.qq.com/qr/AbC123?t=1", "pay_code"),
        ("weixin://pay.weixin.qq.com/bizpayurl/up?pr=NwY5Mz9&groupid=00", "pay_order"),
        ("weixin://wxpay/bizpayurl?pr=abc", "pay_order"),
        ("https://u.wechat.com/EHk3mYAnT0xyz", "contact"),
        ("https://weixin.qq.com/g/AbCdEf", "contact"),
        (LOOKALIKE_URL, "url"),
        ("https://payapp.weixin.qq.com.pay-verify.cn/x", "url"),
        ("hello", "other"),
    ],
)
def test_payloads_are_classified(payload, kind):
    assert classify_payload(payload) == kind


def test_wechat_ids_are_taken_from_the_text():
    text = "加微信 Iv_haohuo888\nVX：bag_outlet_99 微信号:lv_haohuo888 微信 12345"
    assert wechat_ids_in(text) == ["Iv_haohuo888", "bag_outlet_99", "lv_haohuo888"]


def test_ocr_confusions_are_undone_for_matching():
    assert "lv_haohuo888" in ocr_handle_variants("wechat_id", "Iv_haohuo888")
    assert "shop_o1" in ocr_handle_variants("wechat_id", "SH0P_Ol")
    assert ocr_handle_variants("wechat_id", "abc_xyz") == ["abc_xyz"]
    assert len(ocr_handle_variants("wechat_id", "o" * 30)) <= 256


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare(1) is not installed")
def test_reading_needs_no_network(tmp_path):
    """The models are in the wheel: OCR and QR work in a network namespace with no interface."""
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no permission to create a network namespace here")
    shot = tmp_path / "shot.png"
    shot.write_bytes(offer_screenshot().png)
    code = (
        "import sys; from imaging.services.reading import ocr, open_image, read_codes;"
        "im = open_image(open(sys.argv[1], 'rb').read());"
        "print(ocr(im).text.replace('\\n', ' ')); print([c.text for c in read_codes(im)])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", code, str(shot)],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "一比一复刻" in done.stdout
    assert PAY_CODE in done.stdout
