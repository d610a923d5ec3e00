"""Test images: a 微商 counterfeit offer drawn as a phone screenshot with a CJK font from
Debian's fonts-wqy-zenhei and QR codes from segno, and the real scanned page shipped in
``data/`` (SOURCES.md); plus the character error rate used by the tests and benchmarks/ocr.py."""

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DATA = Path(__file__).parent / "data"

PAY_CODE = "wxp://f2f0Kq1zVn3bTx8uYc2Lh9WmE4sRpAj"
LOOKALIKE_URL = "https://wxpay-secure.xyz/pay?order=8812"
SELLER_HANDLE = "lv_haohuo888"
OFFER_LINES = (
    "潮品小铺",
    "正品LV包包一比一复刻",
    "专柜品质 原厂皮料",
    f"加微信 {SELLER_HANDLE}",
    "¥380 包邮 扫码付款",
)


@dataclass(frozen=True)
class Shot:
    png: bytes
    truth: str  # the text drawn, line by line


def _qr(payload: str, scale: int = 7) -> Image.Image:
    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=scale, border=4)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def offer_screenshot(
    *,
    lines: tuple[str, ...] = OFFER_LINES,
    codes: tuple[str, ...] = (PAY_CODE, LOOKALIKE_URL),
    dark: bool = False,
    jpeg: bool = False,
) -> Shot:
    """A 750×1334 Moments-style screenshot of the offer with its QR codes; ``dark`` renders it
    in dark mode (light text and light-on-dark codes), ``jpeg`` recompresses it (q80)."""
    im = Image.new("RGB", (750, 1334), (247, 247, 247))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 750, 60), fill=(237, 237, 237))
    draw.text((30, 14), "9:41", font=ImageFont.truetype(FONT, 28), fill=(0, 0, 0))
    y = 110
    for i, line in enumerate(lines):
        size = 34 if i == 0 else 40
        colour = (87, 107, 149) if i == 0 else (17, 17, 17)
        draw.text((40, y), line, font=ImageFont.truetype(FONT, size), fill=colour)
        y += 78
    x = 40
    for payload in codes:
        qr = _qr(payload)
        im.paste(qr, (x, y + 30))
        x += qr.width + 30
    if dark:
        im = ImageOps.invert(im)
    buf = io.BytesIO()
    if jpeg:
        im.save(buf, format="JPEG", quality=80)
    else:
        im.save(buf, format="PNG")
    return Shot(buf.getvalue(), "\n".join(("9:41", *lines)))


def scanned_page() -> Shot:
    return Shot(
        (DATA / "scanned_page.png").read_bytes(),
        (DATA / "scanned_page.txt").read_text(encoding="utf-8"),
    )


def _chars(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def character_error_rate(truth: str, read: str) -> float:
    """Levenshtein distance over the reference length, whitespace removed and NFKC-folded
    (full- and half-width punctuation count as the same)."""
    a, b = _chars(truth), _chars(read)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(len(a), 1)
