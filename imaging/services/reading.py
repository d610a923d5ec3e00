"""Reading an image's pixels: OCR with RapidOCR on onnxruntime (PP-OCR models inside the
``rapidocr`` wheel, nothing downloaded) and QR codes with zxing-cpp (inverted "dark mode"
codes included). Pure functions over PIL images; the engine is built once per process."""

import functools
import io
import time
from dataclasses import dataclass

import pillow_heif
import zxingcpp
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

# RapidOCR scales the longer side to at most 2,000 px itself; bigger images only cost memory.
MAX_SIDE = 2000
# Lines the recogniser is less sure of than this are left out (RapidOCR's own default).
MIN_LINE_SCORE = 0.5


@dataclass(frozen=True)
class OcrLine:
    text: str
    score: float
    box: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class OcrResult:
    text: str
    lines: tuple[OcrLine, ...]
    seconds: float

    @property
    def mean_score(self) -> float | None:
        return sum(x.score for x in self.lines) / len(self.lines) if self.lines else None


@dataclass(frozen=True)
class Code:
    format: str
    text: str


def open_image(data: bytes) -> Image.Image:
    """The picture as RGB, upright (EXIF orientation applied), longer side at most MAX_SIDE."""
    with Image.open(io.BytesIO(data)) as im:
        im = ImageOps.exif_transpose(im)
        im = im.convert("RGB")
    if max(im.size) > MAX_SIDE:
        im.thumbnail((MAX_SIDE, MAX_SIDE))
    return im


def preview_jpeg(data: bytes, max_side: int = 1600) -> bytes:
    """The picture upright as a JPEG without metadata, longer side at most ``max_side``."""
    im = open_image(data)
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


@functools.cache
def ocr_engine(threads: int = 1):
    """The OCR engine of this process (model load ~1 s; ~0.5 GB resident)."""
    from rapidocr import RapidOCR  # heavy (onnxruntime, OpenCV): only where OCR runs

    return RapidOCR(
        params={
            "Global.log_level": "warning",
            "Global.text_score": MIN_LINE_SCORE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def engine_name() -> str:
    from importlib.metadata import version

    return f"rapidocr {version('rapidocr')} / onnxruntime {version('onnxruntime')}"


def ocr(image: Image.Image, *, threads: int = 1) -> OcrResult:
    """The text lines of ``image`` top to bottom, joined by newlines."""
    started = time.perf_counter()
    out = ocr_engine(threads)(image)
    lines = []
    for text, score, box in zip(out.txts or (), out.scores or (), _boxes(out), strict=False):
        if text.strip():
            lines.append(OcrLine(text.strip(), round(float(score), 4), box))
    lines.sort(key=lambda x: (x.box[0][1], x.box[0][0]) if x.box else (0, 0))
    return OcrResult("\n".join(x.text for x in lines), tuple(lines), time.perf_counter() - started)


def _boxes(out) -> list[tuple]:
    if out.boxes is None:
        return []
    return [tuple((int(x), int(y)) for x, y in box) for box in out.boxes.tolist()]


def read_codes(image: Image.Image) -> list[Code]:
    """Every QR code (and other barcode) in ``image``; zxing-cpp also tries the inverted image,
    so light-on-dark codes of dark-mode screenshots are read."""
    seen: dict[str, Code] = {}
    for found in zxingcpp.read_barcodes(image, try_invert=True):
        if found.valid and found.text and found.text not in seen:
            seen[found.text] = Code(format=found.format.name, text=found.text)
    return list(seen.values())
