"""OCR and QR reading: seconds per image, memory per process, character error rate.

    .venv/bin/python benchmarks/ocr.py            # 3 runs per image, 1 onnxruntime thread
    .venv/bin/python benchmarks/ocr.py --repeat 5 --threads 2

Reads the test images of ``tests/imaging`` (the generated counterfeit-offer screenshots in light
and dark mode, a 集赞 notice, and the real scanned page shipped with its licence) the way the
``ocr`` queue's worker does (``imaging.services.reading``), in this one process. Prints, per
image: median wall and CPU seconds of OCR, milliseconds of QR decoding, codes found, and the
character error rate against the text drawn (whitespace removed, NFKC); then the model load
time and the process's resident memory after loading and at its peak.
"""

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imaging.services.reading import ocr, ocr_engine, open_image, read_codes  # noqa: E402
from tests.imaging.images import (  # noqa: E402
    character_error_rate,
    offer_screenshot,
    scanned_page,
)

NOTICE = ("转发集赞活动", "集满38个赞", "即可到店免费领取价值58元的保温杯一个", "截止2025年11月9日")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    args = parser.parse_args()
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}; rapidocr {version('rapidocr')}, "
        f"onnxruntime {version('onnxruntime')}, zxing-cpp {version('zxing-cpp')}; "
        f"{args.threads} thread(s)"
    )
    images = {
        "offer.png (750×1334, generated)": offer_screenshot(),
        "offer-dark.jpg (dark mode, JPEG q80)": offer_screenshot(dark=True, jpeg=True),
        "notice.png (集赞 notice, no code)": offer_screenshot(lines=NOTICE, codes=()),
        "scanned_page.png (real photo, 384×191)": scanned_page(),
    }
    before = rss_mb()
    started = time.perf_counter()
    ocr_engine(args.threads)
    load = time.perf_counter() - started
    loaded = rss_mb()
    print(f"model load {load:.2f} s; RSS {before:.0f} MB before, {loaded:.0f} MB after")
    print(f"{'image':42} {'OCR s':>6} {'CPU s':>6} {'QR ms':>6} {'codes':>5} {'CER':>7}")
    per_image, cers = [], []
    for name, shot in images.items():
        image = open_image(shot.png)
        walls, cpus, qr_ms = [], [], []
        text = ""
        for _ in range(args.repeat):
            c0, t0 = time.process_time(), time.perf_counter()
            text = ocr(image, threads=args.threads).text
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            t1 = time.perf_counter()
            codes = read_codes(image)
            qr_ms.append((time.perf_counter() - t1) * 1000)
        cer = character_error_rate(shot.truth, text)
        per_image.append(statistics.median(walls))
        cers.append(cer)
        print(
            f"{name:42} {statistics.median(walls):6.2f} {statistics.median(cpus):6.2f} "
            f"{statistics.median(qr_ms):6.1f} {len(codes):5d} {cer:7.2%}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"median {statistics.median(per_image):.2f} s/image; mean CER {statistics.mean(cers):.2%}; "
        f"RSS now {rss_mb():.0f} MB, peak {peak:.0f} MB (one OCR process)"
    )


if __name__ == "__main__":
    main()
