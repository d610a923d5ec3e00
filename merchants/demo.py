"""Demo merchants for ``make run``: a few realistic 微商 in 广州 (440103 荔湾, 440106 天河) and
上海 (310101 黄浦) with posts that go through ingestion and scanning, so the review queue and the
dashboard have content. Idempotent: posts are keyed by (source, external_id)."""

from django.db import transaction
from django.utils import timezone

from core.signals import answer, demo_data
from merchants.models import ConsumerWarning, Merchant
from merchants.posts import PostInput, posts_ingest
from merchants.risk import risk_recompute

DEMO_POSTS = [
    # handle, display name, region, external id, text
    ("lv_haohuo888", "广州好货代购", "440103", "demo-lv-1",
     "高*仿ＬＶ包包，一比一复刻，专柜品质，支持验货。微信转账即可发货"),
    ("lv_haohuo888", "广州好货代购", "440103", "demo-lv-2",
     "ＬＶ新款包包只要299元，原单尾货，数量有限"),
    ("lv_haohuo888", "广州好货代购", "440103", "demo-lv-3",
     "高 . 仿 Ｇｕｃｃｉ 腰带，原单品质，全网最低价"),
    ("meibai_xiaowu", "天河美白小屋", "440106", "demo-mb-1",
     "国家级配方，最佳美白效果，七天根治痘痘，无效退款"),
    ("meibai_xiaowu", "天河美白小屋", "440106", "demo-mb-2",
     "三无产品？不存在的，纯手工自制面膜，无生产日期更新鲜"),
    ("meibai_xiaowu", "天河美白小屋", "440106", "demo-mb-3",
     "集赞38个送面膜一盒，全网最低价，我们是第一品牌"),
    ("jizan_lingjiang", "集赞领奖福利社", "440106", "demo-jz-1",
     "点击链接 http://wxpay-verify.cn/pay 领取集赞奖品，需先付运费"),
    ("jizan_lingjiang", "集赞领奖福利社", "440106", "demo-jz-2",
     "高仿名表一比一复刻，支持验货，全网最低价"),
    ("hp_zhenpin", "黄浦真品小铺", "310101", "demo-sh-1",
     "高仿香奈儿包包，一比一复刻，专柜品质"),
    ("hp_zhenpin", "黄浦真品小铺", "310101", "demo-sh-2",
     "国家级工艺，最佳品质，根治脱发"),
    ("weiyi_tea", "荔湾茶叶铺", "440103", "demo-tea-1",
     "最近上新了几款单丛，欢迎来店里试饮"),
]  # fmt: skip


def load(report: list[str]) -> None:
    items = [
        PostInput(
            source="moments",
            external_id=external_id,
            text=text,
            platform="wechat_id",
            handle=handle,
            display_name=name,
            region_code=region,
        )
        for handle, name, region, external_id, text in DEMO_POSTS
    ]
    results = posts_ingest(items=items, submitted_by="demo")
    created = sum(r.status != "unchanged" for r in results)
    merchant_ids = sorted({r.post.merchant_id for r in results})
    # In-process tasks already scanned after commit; recompute anyway so the queue is right when
    # a broker is configured but no worker runs yet.
    for merchant_id in merchant_ids:
        risk_recompute(merchant_id=merchant_id)
    with transaction.atomic():
        jizan = Merchant.objects.filter(accounts__handle_normalized="jizan_lingjiang").first()
        if jizan and not ConsumerWarning.objects.filter(merchant=jizan).exists():
            ConsumerWarning.objects.create(
                title="消费警示：警惕“集赞领奖”钓鱼付款链接",
                body=(
                    "近期有微商以“集赞领奖”为名，诱导消费者点击仿冒微信支付的链接并支付“运费”。"
                    "微信官方支付页面不会出现在陌生域名下。请勿点击陌生链接付款，"
                    "遇到此类情况请保留截图并拨打12315投诉举报。"
                ),
                merchant=jizan,
                region_code=jizan.region_code,
                state=ConsumerWarning.State.PUBLISHED,
                published_at=timezone.now(),
            )
    report.append(
        f"merchants: {len(merchant_ids)} demo merchants, {created} new posts "
        f"({Merchant.objects.filter(in_review_queue=True).count()} in the review queue)"
    )


answer(demo_data, load, uid="merchants.demo")
