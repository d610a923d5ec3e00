"""Default deadline rules and refusal grounds (seeded by migration 0002; supervisors change
them in the admin). Values: docs/complaints.md."""

import datetime

ORDER20 = "《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号，2022年第61号令修订）"
ORDER121 = "《市场监督管理投诉举报处理办法》（国家市场监督管理总局令第121号）"
D20 = datetime.date(2019, 7, 1)
D121 = datetime.date(2026, 4, 15)
UNVERIFIED = "Order 121 article text not yet verified: same value as Order 20 until checked."

RULES = [
    ("acceptance", 7, f"{ORDER20} 第十四条；《消费者权益保护法》第四十六条", D20, ""),
    ("acceptance", 7, f"{ORDER121}；《消费者权益保护法》第四十六条", D121, UNVERIFIED),
    ("mediation", 45, f"{ORDER20} 第二十一条", D20, "检测、检验、鉴定时间不计算在内"),
    ("mediation", 45, ORDER121, D121, UNVERIFIED),
    (
        "verification",
        15,
        f"{ORDER20} 第二十三条；《市场监督管理行政处罚程序规定》第十八条",
        D20,
        "",
    ),
    ("verification", 15, ORDER121, D121, UNVERIFIED),
    ("verification_extension", 15, f"{ORDER20} 第二十三条", D20, "可延长十五个工作日，一次"),
    ("verification_extension", 15, ORDER121, D121, UNVERIFIED),
    ("reporter_notice", 5, f"{ORDER20} 第三十一条", D20, "实名举报人"),
    ("reporter_notice", 5, ORDER121, D121, UNVERIFIED),
    ("duplicate_window", 30, "本系统规则（非法定期限，自然日）", D20, "calendar days"),
]

GROUNDS = [
    ("outside_remit", "投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限", 1),
    (
        "already_handled",
        "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
        2,
    ),
    (
        "not_daily_consumption",
        "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
        3,
    ),
    (
        "over_three_years",
        "除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
        4,
    ),
    (
        "materials_missing",
        "未提供投诉人姓名、电话、地址，被投诉人名称（姓名）、地址，具体的投诉请求以及消费者权益争议事实等材料（或材料虚假）",
        5,
    ),
    ("impersonation", "冒用他人身份或者拒不配合核实身份（令第121号新增，待核实）", 6),
    ("other_legal", "法律、法规、规章规定不予受理的其他情形", 7),
]


def seed(DeadlineRule, RefusalGround) -> None:
    """Create the defaults that are missing; never overwrite a supervisor's edits."""
    for key, days, source, start, note in RULES:
        DeadlineRule.objects.get_or_create(
            key=key,
            effective_from=start,
            defaults={"working_days": days, "legal_source": source, "note": note},
        )
    for code, label, position in GROUNDS:
        start = D121 if code == "impersonation" else D20
        source = ORDER121 if code == "impersonation" else f"{ORDER20} 第十五条"
        RefusalGround.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "legal_source": source,
                "effective_from": start,
                "position": position,
            },
        )
