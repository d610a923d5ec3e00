"""One image check for every upload that is kept as an image (complaint evidence, campaign
screenshots): Pillow reads the header only; the format must be one the caller accepts, and width
× height must stay under ``IMAGE_MAX_PIXELS``. Pillow's own decompression-bomb warning is an
error too, so a 100 KB PNG that decodes to 100 megapixels is refused before anything decodes it.
Callers turn ``ImageRefused.code`` into their own words (a form error, an API field error)."""

import warnings
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from PIL import Image


class ImageRefused(Exception):
    """``code``: ``too_many_pixels``, ``format`` (readable, but not an accepted format) or
    ``not_an_image``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF, HEIF
    width: int
    height: int


def image_max_pixels() -> int:
    return settings.IMAGE_MAX_PIXELS


def image_check(fileobj, *, formats: Collection[str], verify: bool = False) -> ImageInfo:
    """Check the image in ``fileobj`` (read from the start, left at the start). ``verify``
    also runs Pillow's structural check (PNG chunks' CRCs) without decoding the pixels."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as im:
                info = ImageInfo(im.format, *im.size)
                if im.format not in formats:
                    raise ImageRefused("format")
                if info.width * info.height > image_max_pixels():
                    raise ImageRefused("too_many_pixels")
                if verify:
                    im.verify()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("too_many_pixels") from None
    except Exception:  # Pillow raises many kinds for bytes that are no image
        raise ImageRefused("not_an_image") from None
    finally:
        fileobj.seek(0)
    return info
