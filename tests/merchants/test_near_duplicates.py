"""Near-duplicates for 网络巡查, on whichever database the suite runs on (SQLite compares in
Python, PostgreSQL with pg_trgm and bit_count): one product photo reused by several sellers,
one text posted by several accounts; the clusters on the merchant page and in the 刷屏 risk."""

import datetime
import io
import random

import pytest
import time_machine
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

import merchants.near_duplicates
from core.errors import ValidationFailed
from merchants.models import (
    Merchant,
    NearDuplicate,
    NearDuplicateEnd,
    Post,
    PostImage,
    PostText,
    RiskComponent,
)
from merchants.near_duplicates import (
    MATCHES_PER_POST,
    hamming,
    image_hashes,
    normalize_text,
    similarity,
    skeleton,
)
from merchants.post_images import post_image_add
from merchants.posts import PostInput, posts_ingest
from merchants.risk import risk_recompute_many
from merchants.scan import posts_scan

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 4, 0, tzinfo=datetime.UTC)

BAG = "正品LV新款老花手袋，原厂皮料五金，支持验货，加微信 lv_{} 下单，今天特价{}元包邮"
OTHER = "今天到了一批新鲜水果，苹果香蕉橙子都有，欢迎街坊邻居来店里选购，量大从优"


def photo(seed: int, size=(640, 640)) -> Image.Image:
    """A synthetic product photo: a soft background with a few coloured shapes."""
    rng = random.Random(seed)
    img = Image.new("RGB", size, (rng.randint(180, 255), rng.randint(180, 255), 235))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.randint(0, size[0] - 60), rng.randint(0, size[1] - 60)
        box = (x0, y0, x0 + rng.randint(40, 300), y0 + rng.randint(40, 300))
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return img


def jpeg(img: Image.Image, quality=85) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def ingest(handle, external_id, text, region="440103"):
    [result] = posts_ingest(
        items=[
            PostInput(
                source="moments",
                external_id=external_id,
                text=text,
                platform="wechat_id",
                handle=handle,
                region_code=region,
            )
        ]
    )
    return result.post


def near_dup_part(merchant_id):
    return RiskComponent.objects.filter(
        merchant_id=merchant_id, source="flood", key="near_duplicate"
    ).first()


# --- hashes ---------------------------------------------------------------------------------


def test_reposted_variants_of_a_photo_stay_close_and_other_photos_do_not():
    base = photo(1)
    h, hm = image_hashes(base)
    variants = {
        "resized": base.resize((300, 300)),
        "jpeg q35": Image.open(io.BytesIO(jpeg(base, 35))),
        "brighter": ImageEnhance.Brightness(base).enhance(1.3),
        "watermark": _watermarked(base),
    }
    for name, img in variants.items():
        assert hamming(image_hashes(img)[0], h) <= 6, name
    mirrored = image_hashes(ImageOps.mirror(base))[0]
    assert hamming(mirrored, h) > 6  # mirroring defeats the hash itself …
    assert hamming(mirrored, hm) <= 6  # … not the mirror hash
    for seed in range(2, 12):
        other, _ = image_hashes(photo(seed))
        assert min(hamming(other, h), hamming(other, hm)) > 6, seed
    assert -(1 << 63) <= h < 1 << 63 and -(1 << 63) <= hm < 1 << 63  # fits a signed bigint


def _watermarked(img):
    img = img.copy()
    ImageDraw.Draw(img).text((20, 600), "@某某微商 正品保证", fill=(255, 255, 255))
    return img


def test_normalised_texts_ignore_punctuation_emoji_width_and_case():
    assert normalize_text("ＬＶ包😀包，一比一！！") == "lv包包 一比一"
    assert normalize_text("lv包包,一比一") == "lv包包 一比一"
    a = normalize_text(BAG.format("aa", 299))
    b = normalize_text(BAG.format("bbbb", 388))
    assert similarity(a, b) >= 0.6
    assert similarity(a, normalize_text(OTHER)) < 0.2


# --- photos reused by several sellers -------------------------------------------------------


def test_one_product_photo_reused_by_three_sellers_links_them(
    admin_client, django_capture_on_commit_callbacks
):
    base = photo(7)
    posts = [ingest(f"seller_{i}", f"img-{i}", f"新款到货 第{i}批") for i in range(4)]
    with django_capture_on_commit_callbacks(execute=True):  # the risk follows the commit
        post_image_add(post=posts[0], content=jpeg(base), name="a.jpg")
        post_image_add(post=posts[1], content=jpeg(base.resize((320, 320)), 50), name="b.jpg")
        post_image_add(post=posts[2], content=jpeg(ImageOps.mirror(base)), name="c.jpg")
        post_image_add(post=posts[3], content=jpeg(photo(8)), name="d.jpg")  # another product
    first = posts[0].merchant
    linked = set(
        NearDuplicateEnd.objects.filter(post=posts[0], kind="image").values_list(
            "other__merchant_id", flat=True
        )
    )
    assert linked == {posts[1].merchant_id, posts[2].merchant_id}
    part = near_dup_part(first.pk)
    assert part is not None
    assert "与另外2个账号发布了近似相同的内容" in part.explanation
    assert "同一商品图片的帖子 1 条" in part.explanation
    assert near_dup_part(posts[3].merchant_id) is None
    stored = PostImage.objects.get(post=posts[0])
    assert stored.width == 640 and stored.file.name.endswith(".jpeg")

    page = admin_client.get(f"/admin/merchants/merchant/{first.pk}/change/").content.decode()
    assert "近似内容（网络巡查）" in page
    assert "同一商品图片的帖子" in page
    assert f'data-near-duplicate="{posts[1].merchant_id}"' in page
    assert f'data-near-duplicate="{posts[3].merchant_id}"' not in page


def test_an_exact_photo_matches_across_all_history_and_near_ones_within_the_window():
    base = photo(3)
    old = ingest("old_seller", "old", "老款")
    with time_machine.travel(NOW - datetime.timedelta(days=90), tick=False):
        post_image_add(post=old, content=jpeg(base, 95))
    with time_machine.travel(NOW, tick=False):
        same = ingest("copy_seller", "same", "同款")
        post_image_add(post=same, content=jpeg(base, 95))
        near = ingest("near_seller", "near", "近似款")
        post_image_add(post=near, content=jpeg(base.resize((200, 200)), 40))

    def others(post):
        return set(
            NearDuplicateEnd.objects.filter(post=post).values_list("other__merchant_id", flat=True)
        )

    assert old.merchant_id in others(same)  # the same hash: found however old
    assert old.merchant_id not in others(near)  # only close: the window only
    assert same.merchant_id in others(near)


def test_a_file_that_is_no_image_is_refused_with_its_name():
    post = ingest("seller_x", "bad", "图片")
    with pytest.raises(ValidationFailed, match=r"无法读取图片：报价单\.jpg 不是可识别的图片"):
        post_image_add(post=post, content=b"%PDF-1.4 not an image", name="报价单.jpg")
    assert not PostImage.objects.exists()


def test_a_blank_image_links_nobody():
    blank = jpeg(Image.new("RGB", (400, 400), (255, 255, 255)))
    a, b = ingest("blank_a", "b1", "白底"), ingest("blank_b", "b2", "白底")
    post_image_add(post=a, content=blank)
    post_image_add(post=b, content=blank)
    assert not NearDuplicate.objects.exists()


# --- texts posted by several accounts -------------------------------------------------------


def _scan_all():
    posts_scan(
        post_ids=list(Post.objects.filter(scan_state="pending").values_list("pk", flat=True))
    )
    risk_recompute_many(merchant_ids=Merchant.objects.values_list("pk", flat=True))


def test_near_identical_posts_of_four_accounts_feed_the_flood_risk_explained():
    with time_machine.travel(NOW, tick=False):
        texts = [
            BAG.format("aa88", 299),
            BAG.format("bb66", 320) + "😀😀",
            BAG.replace("微信", "薇信").format("cc", 288),
            "【推荐】" + BAG.format("dd", 399),
        ]
        posts = [ingest(f"bag_{i}", f"t-{i}", t) for i, t in enumerate(texts)]
        ingest("fruit", "t-fruit", OTHER)
        ingest("bag_0", "t-own", BAG.format("aa88", 199))  # the same seller again: not others
        ingest("tiny_a", "t-tiny-a", "已发货")
        ingest("tiny_b", "t-tiny-b", "已发货")
        _scan_all()
    part = near_dup_part(posts[0].merchant_id)
    assert part is not None
    assert part.explanation.startswith("刷屏：与另外3个账号发布了近似相同的内容")
    assert "文字近似的帖子 2 条" in part.explanation  # its two posts
    assert part.data["accounts"] == 3
    fruit = Merchant.objects.get(accounts__handle="fruit")
    assert near_dup_part(fruit.pk) is None
    assert near_dup_part(Merchant.objects.get(accounts__handle="tiny_a").pk) is None
    merchant = Merchant.objects.get(pk=posts[0].merchant_id)
    assert merchant.risk_score >= part.points


def test_copies_of_one_wording_share_a_skeleton_and_other_texts_do_not():
    a = normalize_text(BAG.format("aa88", 299))
    assert skeleton(a) == skeleton(normalize_text(BAG.format("bbbb", 388) + " #17"))
    assert skeleton(a) != skeleton(normalize_text(OTHER))
    assert skeleton(a) != skeleton(normalize_text(BAG.replace("微信", "薇信").format("cc", 288)))
    assert skeleton(normalize_text("Gucci GG Marmont 399 DM me")) is None  # Latin only


def test_a_flood_is_matched_through_the_skeleton_without_the_trigram_search(monkeypatch):
    """Once a wording has more copies than a post keeps matches, a new copy is matched through
    the skeleton index alone: the trigram search, whose cost grows with the window, is not
    asked; the risk names the accounts as before."""
    with time_machine.travel(NOW, tick=False):
        for i in range(MATCHES_PER_POST + 3):
            ingest(f"flood_{i}", f"f-{i}", BAG.format(f"f{i}", 200 + i))
        _scan_all()
        asked = []
        for name in ("_text_matches_pg", "_text_matches_py"):
            real = getattr(merchants.near_duplicates, name)
            monkeypatch.setattr(
                merchants.near_duplicates,
                name,
                lambda new, since, real=real: asked.append(len(new)) or real(new, since),
            )
        late = ingest("flood_late", "f-late", BAG.format("late", 999) + "😀")
        odd = ingest("odd_one", "f-odd", "【推荐】" + BAG.replace("微信", "薇信").format("o", 1))
        _scan_all()
    assert asked == [1]  # only the post of another wording
    assert NearDuplicateEnd.objects.filter(post=late).count() == MATCHES_PER_POST
    assert NearDuplicateEnd.objects.filter(post=odd).exists()  # found by the trigram search
    part = near_dup_part(late.merchant_id)
    assert part.explanation.startswith(f"刷屏：与另外{MATCHES_PER_POST}个账号")


def test_a_revision_that_changes_the_text_ends_the_match_for_both_sellers():
    with time_machine.travel(NOW, tick=False):
        a = ingest("rev_a", "r-a", BAG.format("ra", 299))
        b = ingest("rev_b", "r-b", BAG.format("rb", 310))
        _scan_all()
        assert near_dup_part(a.merchant_id) and near_dup_part(b.merchant_id)
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        ingest("rev_b", "r-b", OTHER)  # rev_b edits its post into something else
        _scan_all()
    assert near_dup_part(a.merchant_id) is None
    assert near_dup_part(b.merchant_id) is None


def test_the_text_search_window_keeps_only_recent_posts():
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False):
        ingest("win_a", "w-a", BAG.format("wa", 299))
        _scan_all()
    assert PostText.objects.count() == 1
    with time_machine.travel(NOW, tick=False):
        b = ingest("win_b", "w-b", BAG.format("wb", 300))
        _scan_all()
    assert list(PostText.objects.values_list("post_id", flat=True)) == [b.pk]
    assert not NearDuplicate.objects.exists()


def test_the_merchant_page_names_only_merchants_the_regulator_may_see(client, regulator):
    with time_machine.travel(NOW, tick=False):
        mine = ingest("gz_shop", "m-1", BAG.format("gz", 299), region="440103")
        ingest("gz_shop2", "m-2", BAG.format("gz2", 301), region="440104")
        ingest("sh_shop", "m-3", BAG.format("sh", 305), region="310101")
        _scan_all()
    client.force_login(regulator)
    page = client.get(f"/admin/merchants/merchant/{mine.merchant_id}/change/").content.decode()
    assert "近似内容（网络巡查）" in page
    assert "其他辖区的商家" in page  # the Shanghai seller, unnamed
    sh = Merchant.objects.get(accounts__handle="sh_shop")
    assert sh.display_name not in page or not sh.display_name
    assert "与另外2个账号发布了近似相同的内容" in page
