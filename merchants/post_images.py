"""Images of posts: stored with their perceptual hashes, and matched at once against the
product photos of other merchants (``merchants.near_duplicates``); a match changes both
merchants' 刷屏 risk."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ValidationFailed
from core.images import ImageRefused, image_check, image_max_pixels
from merchants.models import NearDuplicate, Post, PostImage
from merchants.near_duplicates import image_hashes, image_matches, informative, record_matches
from merchants.risk import risk_recompute_many

MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def post_image_add(*, post: Post, content: bytes, name: str = "") -> PostImage:
    """Store an image of ``post`` with its hashes and record the posts of other merchants that
    show the same photo (also mirrored, resized, recompressed). Bad image data is refused with
    a specific error."""
    label = name or "上传的文件"
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationFailed(f"图片过大：{label} 超过 {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    try:  # the project's one image check and pixel cap (core.images) before anything decodes
        image_check(io.BytesIO(content), formats=IMAGE_FORMATS)
    except ImageRefused as refused:
        if refused.code == "too_many_pixels":
            raise ValidationFailed(
                f"图片像素过多：{label} 超过 {image_max_pixels() // 1_000_000} 百万像素",
                fields={"image": ["too many pixels"]},
            ) from None
        raise ValidationFailed(f"无法读取图片：{label} 不是可识别的图片") from None
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.load()
            kind = (img.format or "img").lower()
            image = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ValidationFailed(f"无法读取图片：{label} 不是可识别的图片") from exc
    h, hm = image_hashes(image)
    now = timezone.now()
    with transaction.atomic():
        stored = PostImage(
            post=post,
            sha256=hashlib.sha256(content).hexdigest(),
            width=image.width,
            height=image.height,
            dhash=h,
            dhash_mirror=hm,
            added_at=now,
        )
        stored.file.save(f"{stored.sha256[:16]}.{kind}", ContentFile(content), save=False)
        stored.save()
        if informative(h):
            matches = [(post.pk, other, sim) for other, sim in image_matches(stored, now)]
            others = record_matches(matches, NearDuplicate.Kind.IMAGE, now)
        else:
            others = set()
    if others:
        transaction.on_commit(lambda: risk_recompute_many(merchant_ids={post.merchant_id, *others}))
    return stored
