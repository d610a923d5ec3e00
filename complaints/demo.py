"""Demo complaints, reports, a 集赞 campaign, documents and a public warning, so that ``make run``
shows every part of the regulator's desk. Idempotent: a second run finds the demo rows by their
marker and changes nothing. ``core.demo.load_demo`` runs it after the merchants' loader
(apps' demo modules load in ``INSTALLED_APPS`` order); complaints, the top app, may name the
apps below it."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.services import campaign_create, snapshot_record
from complaints import services
from complaints.models import Case
from core.signals import answer, demo_data
from merchants import actions
from merchants.services import merchant_resolve

DEMO_MARK = "【演示】"


def load(report: list[str]) -> None:
    if Case.objects.filter(description__startswith=DEMO_MARK).exists():
        report.append("kept demo complaints, reports and campaign")
        return
    User = get_user_model()
    regulator = User.objects.get(username="demo-regulator")
    supervisor = User.objects.get(username="demo-supervisor")
    cases = _cases(regulator, supervisor)
    report.append(f"created {len(cases)} demo cases: " + ", ".join(
        f"{c.tracking_number} ({c.get_kind_display()} · {c.get_status_display()})" for c in cases
    ))  # fmt: skip
    campaign = _campaign()
    if campaign is not None:
        report.append(f"created demo 集赞 campaign “{campaign.title}” (a changed term, a deletion)")
    warning = _warning(regulator)
    if warning is not None:
        report.append(f"drafted demo consumer warning “{warning.title}” (publish as supervisor)")


def _submit(**data):
    base = {"consent": True, "demand": "退款", "name": "王小明", "phone": "13800138001",
            "address": "广东省广州市天河区体育西路1号"}  # fmt: skip
    base.update(data)
    if base.get("kind") == "report":
        for key in ("name", "phone", "address", "demand"):
            base.pop(key, None)
        base["anonymous"] = True
    return services.case_submit(data=base, files=[])[0].case


def _cases(regulator, supervisor) -> list:
    received = _submit(
        kind="complaint",
        merchant_wechat_id="xiaomei_lv888",
        merchant_name="小美代购",
        description=f"{DEMO_MARK}在朋友圈买的LV包到货后鉴定为假货，商家拉黑不退款。",
        amount_paid="1280.00",
    )
    mediating = _submit(
        kind="complaint",
        merchant_wechat_id="gz_haohuo_daigou",
        merchant_name="广州好货代购",
        description=f"{DEMO_MARK}集满38个赞说送面膜，到店后说活动已结束，不给兑换。",
    )
    services.case_accept(case=mediating, actor=regulator)
    services.mediation_start(case=mediating, actor=regulator)
    closed = _submit(
        kind="complaint",
        merchant_wechat_id="tianhe_meibai",
        merchant_name="天河美白小屋",
        description=f"{DEMO_MARK}美白霜用后过敏，商家同意退款后一直拖延。",
    )
    services.case_accept(case=closed, actor=regulator)
    services.mediation_start(case=closed, actor=regulator)
    services.mediation_agree(case=closed, actor=regulator, summary="商家退还货款299元")
    services.case_close(case=closed, actor=regulator)
    refused = _submit(
        kind="complaint",
        merchant_wechat_id="liwan_daigou",
        description=f"{DEMO_MARK}2021年买的鞋质量有问题。",
    )
    services.case_refuse(case=refused, actor=regulator, ground="over_three_years",
                         reason="交易发生在三年以前")  # fmt: skip
    report = _submit(
        kind="report",
        merchant_wechat_id="pay_link_fake",
        description=f"{DEMO_MARK}商家发来“微信支付”付款链接，点开是仿冒页面，要求输入银行卡密码。",
    )
    services.case_assign(case=report, actor=supervisor, assignee=regulator)
    services.verification_start(case=report, actor=regulator)
    referred = _submit(
        kind="report",
        merchant_wechat_id="fake_pay_888",
        description=f"{DEMO_MARK}以低价商品为诱饵，引导转账后拉黑，涉嫌诈骗。",
    )
    services.verification_start(case=referred, actor=supervisor)
    services.case_refer(case=referred, actor=supervisor, region_code="440100",
                        department="广州市公安局", reason="涉嫌诈骗，属公安机关管辖")  # fmt: skip
    return [received, mediating, closed, refused, report, referred]


def _campaign():
    now = timezone.now()
    first = now - datetime.timedelta(days=12)
    result = campaign_create(
        platform="wechat_id",
        handle="jizan_lingjiang",
        display_name="集赞领奖福利社",
        region_code="440106",
        title="转发集赞送面膜",
        text="转发本文到朋友圈集满38个赞，即可到店免费领取价值99元的面膜一盒，每人限领一次，"
        f"截止{(now + datetime.timedelta(days=20)):%Y年%m月%d日}。领取地点：天河路88号。",
        captured_at=first,
        actor_label="demo",
    )
    campaign = result.snapshot.campaign
    snapshot_record(
        campaign=campaign,
        text="转发本文到朋友圈集满88个赞，并需另购任意产品，即可到店领取面膜一盒，每人限领一次。",
        captured_at=first + datetime.timedelta(days=4),
        actor_label="demo",
    )
    snapshot_record(
        campaign=campaign,
        observed_deleted=True,
        captured_at=first + datetime.timedelta(days=8),
        actor_label="demo",
    )
    return campaign


def _warning(regulator):
    merchant = merchant_resolve(
        platform="wechat_id", handle="gz_haohuo_daigou", display_name="广州好货代购",
        region_code="440103",
    )  # fmt: skip
    title, body = actions.public_warning_text(merchant)
    return actions.warning_draft(
        actor=regulator, title=title, body=body, merchant=merchant,
        region_code=merchant.region_code,
    )  # fmt: skip


answer(demo_data, load, uid="complaints.demo")
