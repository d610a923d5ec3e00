"""Claims that are more than one keyword: the product category an article depends on, and the
brand + implausible price rule.

**Product category.** Advertising Law 第十六条 (medical, drug and device ads), 第十七条 (no
disease-treatment claims in any other ad), 第十八条 (health food) and the 化妆品监督管理条例
(第三十七条, 第四十三条: no medical-effect claims for cosmetics) name different products. An
efficacy finding cites the article of the product the text is about, detected from category
words anywhere in the text (a category is a property of the text, not a stance: it never hides
a finding). No category word: the rule's own legal basis (第十七条 for a disease claim, which
covers every ad that is not for a drug or device; 第十六条（一）/第十八条（一） for a guarantee).

**Brand + price** (``counterfeit.brand_price``): a brand from ``brands.tsv`` with a price within
30 characters below the brand's floor. The floor is taken from a public reference price where
one was found (``source`` names it); the finding's explanation says
"<brand> <goods> ¥380，公开参考价 ¥1,499 起". Per-unit prices (元/条, 元/瓶) are compared
with the floor of that unit.
"""

from __future__ import annotations

import re

# rule ids whose legal basis depends on the product category
CATEGORY_RULES = frozenset({"false_ad.efficacy"})

# (category, words, legal basis, explanation). Order matters: the first category found wins,
# and a drug or device word outranks food and cosmetics words (a "保健食品" that calls itself a
# 药 is still cited under 第十七条/第十八条 because it names 保健食品 first? no: the more specific
# regime — health food, cosmetics — is checked first, then drugs/devices, then plain food).
_CATEGORIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "health_food",
        (
            "保健食品",
            "保健品",
            "蓝帽",
            "膳食补充",
            "营养补充",
            "益生菌",
            "胶囊",
            "口服液",
            "酵素",
            "蛋白粉",
            "鱼油",
            "钙片",
            "维生素",
        ),
        "广告法 第十七条、第十八条（保健食品广告不得涉及疾病预防、治疗功能，不得断言功效）",
        "保健食品 / 膳食补充：不得宣称疾病预防或治疗功能（广告法 第十八条）",
    ),
    (
        "cosmetics",
        (
            "化妆品",
            "护肤",
            "面膜",
            "面霜",
            "精华",
            "乳液",
            "爽肤水",
            "洗面奶",
            "眼霜",
            "彩妆",
            "口红",
            "粉底",
            "防晒",
            "洗发水",
            "牙膏",
        ),
        "广告法 第十七条；化妆品监督管理条例 第三十七条、第四十三条（不得明示或暗示医疗作用）",
        "化妆品：不得明示或暗示具有医疗作用（化妆品监督管理条例 第三十七条）",
    ),
    (
        "medical",
        (
            "医院",
            "诊所",
            "门诊",
            "药品",
            "处方",
            "国药准字",
            "医疗器械",
            "械字号",
            "理疗仪",
            "治疗仪",
            "注射",
            "医美",
            "整形",
            "针剂",
        ),
        "广告法 第十六条（医疗、药品、医疗器械广告不得断言功效、说明治愈率或有效率）",
        "医疗 / 药品 / 医疗器械：不得断言功效、说明治愈率或有效率（广告法 第十六条）",
    ),
    (
        "food",
        (
            "食品",
            "茶",
            "酒",
            "饮品",
            "饮料",
            "代餐",
            "零食",
            "米",
            "油",
            "蜂蜜",
            "奶粉",
            "果汁",
            "冲剂",
            "粉",
        ),
        "广告法 第十七条（食品等非药品广告不得涉及疾病治疗功能、不得使用医疗用语）",
        "食品等非药品：不得涉及疾病治疗功能或使用医疗用语（广告法 第十七条）",
    ),
)
_CATEGORY_RE = re.compile(
    "|".join(f"(?P<{name}>{'|'.join(map(re.escape, words))})" for name, words, _, _ in _CATEGORIES)
)
_BY_NAME = {name: (law, note) for name, _, law, note in _CATEGORIES}
_PRIORITY = [name for name, *_ in _CATEGORIES]


def product_category(t: str) -> str:
    """The product category a text is about ("" when no category word occurs)."""
    found = {m.lastgroup for m in _CATEGORY_RE.finditer(t)}
    for name in _PRIORITY:
        if name in found:
            return name
    return ""


def legal_basis_for(rule_id: str, category: str, default: str) -> tuple[str, str]:
    """(legal basis, explanation) of a finding of ``rule_id`` in a text about ``category``."""
    if rule_id in CATEGORY_RULES and category in _BY_NAME:
        return _BY_NAME[category]
    if rule_id in CATEGORY_RULES and not default:
        return (
            "广告法 第十七条（除医疗、药品、医疗器械广告外，禁止涉及疾病治疗功能、使用医疗用语）",
            "",
        )
    # no category word: the rule's own article (第十七条 for a disease claim, 第十六条（一）/
    # 第十八条（一） for a guarantee of effect or safety, …)
    return default, ""


# --- brand + price ---------------------------------------------------------------------------

PRICE_WINDOW = 30
# a price: ¥380 / 380元 / 380块 / 3.8万 / 280元/条 / 280/条 / 45元一包; group "unit" is the
# quantity the price is for (条, 包, 瓶, 箱 …), when the text says it
_UNIT = r"(?:\s*(?:/|一|每)?\s*(?P<{}>条|包(?![邮装括])|盒|瓶|箱|只|个|件|双|支))?"
PRICE_RE = re.compile(
    r"(?:[¥￥]|rmb|人民币)\s*(?P<a>\d+(?:\.\d+)?)(?P<aw>万)?(?:\s*(?:元|块))?"
    + _UNIT.format("au")
    + r"|(?P<b>\d+(?:\.\d+)?)(?P<bw>万)?\s*(?:元|块|rmb|米(?![a-z\u4e00-\u9fff]))"
    + _UNIT.format("bu")
    + r"|(?P<c>\d+(?:\.\d+)?)\s*/\s*(?P<cu>条|包|盒|瓶|箱)"
    # 微商 price notation: p400, 💰85 / 85💰, and prices in words (两位数, 几百块, 一两百块)
    + r"|(?<![a-z0-9])p(?P<d>\d{2,6})(?![a-z0-9])|💰\s*(?P<e>\d+)|(?P<f>\d+)\s*💰"
    + r"|(?P<g>两位数|几十(?:块|元)|十几(?:块|元))"
    + r"|(?P<h>三位数|几百(?:块|元)?|百来块|百把块"
    + r"|一两百|两三百|三四百|四五百|五六百|六七百|七八百|八九百)"
    # a figure in Chinese numerals with 元 or 块钱 (三百元, 八百多块钱, 一千二百元); 三块 alone
    # is as often a count (三块手表) as a price
    + r"|(?P<cn>[一二两三四五六七八九十百千万]{1,7})(?:多|来)?(?:元|块钱)"
)
_CN_DIGIT = {c: i for i, c in enumerate("一二三四五六七八九", 1)} | {"两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(s: str) -> float:
    """The value of a Chinese numeral (三百 300, 一千二百 1200, 一千二 1200, 十五 15, 七八百 800: of
    two digits side by side the larger, a price's upper end); 0 when it is not one."""
    total = section = 0
    digit = None
    last_unit = 1
    for ch in s:
        if ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            digit = d if digit is None else max(digit, d)
        elif ch in _CN_UNIT:
            u = _CN_UNIT[ch]
            if u == 10000:
                total = (total + section + (digit or 0)) * u
                section = 0
            else:
                section += (1 if digit is None else digit) * u
            digit = None
            last_unit = u
        else:
            return 0
    if digit is not None:
        # 一千二 is 1,200: a trailing digit counts in the unit below the last one
        section += digit * (last_unit // 10 if last_unit >= 100 else 1)
    return float(total + section)


# how many of the price's unit make one of the floor's unit
_PER = {("条", "包"): 10, ("条", "盒"): 10, ("瓶", "箱"): 1 / 6}


def prices_near(t: str, s: int, e: int):
    """(start, end, yuan, unit) of each price within PRICE_WINDOW characters of [s, e)."""
    n = len(t)
    for m in PRICE_RE.finditer(t, max(0, s - PRICE_WINDOW), min(n, e + PRICE_WINDOW)):
        g = m.groupdict()
        if g["a"] is not None:
            num, wan, unit = g["a"], g["aw"], g["au"]
        elif g["b"] is not None:
            num, wan, unit = g["b"], g["bw"], g["bu"]
        elif g["c"] is not None:
            num, wan, unit = g["c"], None, g["cu"]
        elif g["g"] is not None or g["h"] is not None:
            num, wan, unit = ("99" if g["g"] is not None else "999"), None, None
        elif g["cn"] is not None:
            num, wan, unit = str(chinese_number(g["cn"])), None, None
        else:
            num, wan, unit = g["d"] or g["e"] or g["f"], None, None
        price = float(num) * (10000 if wan else 1)
        if price > 0:
            yield m.start(), m.end(), price, unit or ""


# what is priced is not the branded good itself: its packaging, a sample or a gift bag (SK2空瓶
# 70元一个, LV纸袋 50元)
_NOT_GOODS_RE = re.compile(
    r"空瓶|空盒|空罐|包装盒|外包装|盒子|小样|试用装|中样|手提袋|纸袋|购物袋|礼品袋|防尘袋|说明书|发票|小票|贴纸|鞋盒"
)


def not_the_goods(t: str, s: int, e: int, ps: int, pe: int) -> bool:
    """Does a packaging or sample word stand between the brand [s, e) and its price [ps, pe)
    (or right after the brand)? Then the price is not the price of the branded good."""
    lo, hi = (e, ps) if e <= ps else (pe, s)
    return _NOT_GOODS_RE.search(t, lo, max(hi, min(len(t), e + 4))) is not None


def floor_for(brand, unit: str, price: float) -> float:
    """The brand's floor for a price quoted per ``unit``: per 包 when the brand's floor is per 条
    (a cigarette price without a unit is per 包 when it is under 30 % of the floor per 条), per
    箱 (6 bottles) when it is per 瓶."""
    floor = float(brand.price_floor)
    if brand.unit == "条" and unit in ("包", "盒"):
        return floor / 10
    if brand.unit == "条" and unit == "" and price < floor * 0.3:
        return floor / 10  # a figure this small is a price per 包
    if brand.unit == "瓶" and unit == "箱":
        return floor * 6
    return floor


def brand_price_explanation(brand, price: float, unit: str) -> str:
    """The reviewer's sentence: "<brand> <goods> ¥380，公开参考价 ¥1,499 起" (the floor, marked as
    an estimate, when no public price is known)."""
    per = f"/{unit}" if unit else (f"/{brand.unit}" if brand.unit and brand.unit != "条" else "")
    shown = f"¥{price:,.0f}{per}"
    if brand.reference_price:
        ref_unit = f"/{brand.unit}" if brand.unit else ""
        ref = f"公开参考价 ¥{brand.reference_price:,}{ref_unit} 起"
    else:
        floor_unit = f"/{brand.unit}" if brand.unit else ""
        ref = f"低于正品参考下限 ¥{brand.price_floor:,}{floor_unit}（估计值，待核实）"
    if brand.unit == "条" and unit in ("包", "盒"):
        ref += f"，即每包 ¥{brand.price_floor / 10:,.0f} 以下不可信"
    return f"{brand.brand} {brand.goods} {shown}，{ref}"
