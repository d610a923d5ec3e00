"""One image check, one pixel cap: complaint evidence and campaign screenshots are refused at the
same size (they used to have a cap each, and only the complaints one was a setting)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.models import Campaign
from campaigns.services import ImageInput, campaign_create
from complaints.evidence import EvidenceRejected, check_upload
from core.errors import ValidationFailed
from core.images import ImageRefused, image_check
from merchants.models import PostImage
from merchants.post_images import post_image_add
from merchants.posts import PostInput, posts_ingest


def png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def campaign_with_screenshot(image: bytes):
    return campaign_create(
        platform="wechat_id",
        handle="jizan_test",
        title="集赞送好礼",
        text="集满38个赞送保温杯一个",
        image=ImageInput(content=image, name="a.png"),
    )


@pytest.mark.django_db
def test_one_pixel_cap_refuses_the_same_image_as_evidence_and_as_a_campaign_screenshot(settings):
    settings.IMAGE_MAX_PIXELS = 100
    image = png((20, 20))  # 400 pixels
    with pytest.raises(EvidenceRejected) as evidence:
        check_upload(SimpleUploadedFile("a.png", image))
    assert evidence.value.code == "image_bomb"
    with pytest.raises(ValidationFailed) as screenshot:
        campaign_with_screenshot(image)
    assert screenshot.value.fields == {"image": ["too many pixels"]}
    assert "图片像素过多" in screenshot.value.detail
    assert not Campaign.objects.exists()
    settings.IMAGE_MAX_PIXELS = 400  # at the cap: both accept it
    assert check_upload(SimpleUploadedFile("a.png", image)).kind == "png"
    campaign_with_screenshot(image)
    assert Campaign.objects.count() == 1


def test_the_check_names_what_is_wrong():
    assert image_check(io.BytesIO(png((3, 2))), formats={"PNG"}).width == 3
    for content, formats, code in [
        (png((3, 2)), {"JPEG"}, "format"),
        (b"GIF89a but not really", {"GIF"}, "not_an_image"),
    ]:
        with pytest.raises(ImageRefused) as refused:
            image_check(io.BytesIO(content), formats=formats)
        assert refused.value.code == code


@pytest.mark.django_db
def test_a_post_image_is_held_to_the_same_pixel_cap(settings):
    """Post images had a check of their own with no cap but Pillow's (a 100 MP image was read)."""
    [result] = posts_ingest(
        items=[
            PostInput(
                source="moments", external_id="img-1", text="图片", platform="wechat_id",
                handle="img_seller", region_code="440103",
            )
        ]
    )  # fmt: skip
    settings.IMAGE_MAX_PIXELS = 100
    with pytest.raises(ValidationFailed) as refused:
        post_image_add(post=result.post, content=png((20, 20)), name="a.png")
    assert refused.value.fields == {"image": ["too many pixels"]}
    assert "图片像素过多" in refused.value.detail
    assert not PostImage.objects.exists()
    settings.IMAGE_MAX_PIXELS = 400
    assert post_image_add(post=result.post, content=png((20, 20)), name="a.png").width == 20
