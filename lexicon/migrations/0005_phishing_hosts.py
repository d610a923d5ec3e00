"""Bring the phishing-link rows shipped after a database was seeded into its editable lexicon.

A database seeded before the look-alike/shortener judge (scanning/lexicon/hosts.tsv with 21 more
genuine and shortener domains, and the ``phishing.short_link`` rule in rules.tsv) keeps its old
hosts for ever: publishing carries the file-edited parts of the active version over, and 0004
seeds only an empty database. This step adds the rows below (frozen here, as shipped, so that a
later change of the files cannot change what this migration did) and publishes a new version.

Idempotent and respectful of edits: a row is added only when no version of this database ever
held it (a fresh database, seeded from today's files by 0006, has them all: nothing happens; a
rule a supervisor deleted after it arrived stays deleted). Stored findings are not rescanned by
this step; a rescan with the new version (词库 › 重新扫描) judges stored posts' links again.
"""

from django.db import migrations
from django.db.models import Max

HOSTS = (
    ("weixin.sogou.com", "wechat", "official",
     "Sogou's WeChat article search (not Tencent's, but genuine)"),
    ("taobao.com", "taobao", "official", "Taobao (Alibaba)"),
    ("tmall.com", "tmall", "official", "Tmall (Alibaba)"),
    ("alibaba.com", "alibaba", "official", "Alibaba"),
    ("jd.com", "jd", "official", "JD.com"),
    ("yangkeduo.com", "pinduoduo", "official", "Pinduoduo mobile site"),
    ("pinduoduo.com", "pinduoduo", "official", "Pinduoduo"),
    ("douyin.com", "douyin", "official", "Douyin (ByteDance)"),
    ("kuaishou.com", "kuaishou", "official", "Kuaishou"),
    ("xiaohongshu.com", "xiaohongshu", "official", "Xiaohongshu"),
    ("xhslink.com", "xiaohongshu", "official", "Xiaohongshu share links"),
    ("weibo.com", "weibo", "official", "Weibo"),
    ("t.cn", "新浪微博短链接", "shortener", "Sina Weibo URL shortener"),
    ("url.cn", "腾讯短链接", "shortener", "Tencent URL shortener"),
    ("dwz.cn", "百度短网址", "shortener", "Baidu URL shortener"),
    ("suo.im", "缩我短链接", "shortener", "third-party URL shortener"),
    ("suo.nz", "缩我短链接", "shortener", "third-party URL shortener"),
    ("bit.ly", "Bitly", "shortener", "Bitly URL shortener"),
    ("tinyurl.com", "TinyURL", "shortener", "TinyURL URL shortener"),
    ("is.gd", "is.gd", "shortener", "is.gd URL shortener"),
    ("tb.cn", "淘宝短链接", "shortener",
     "Taobao share short links (m.tb.cn, c.tb.cn; target hidden)"),
)  # fmt: skip

RULES = (
    {
        "term": "t.cn",
        "category": "phishing",
        "rule_id": "phishing.short_link",
        "severity": 2,
        "mode": "host",
        "exceptions": "",
        "legal_basis": "反电信网络诈骗法 第六条、第二十五条",
        "source": "seed (links, needs regulator review); URL shortener hiding the target "
        "(hosts.tsv kind shortener)",
        "enabled": True,
    },
)

NOTE = "软件更新：钓鱼链接判定新增正规平台域名与短链接服务，及短链接规则"


def _rule_key(row: dict) -> tuple:
    return (row["term"], row["rule_id"], row["mode"])


def add_phishing_rows(apps, schema_editor):
    from lexicon.services import lexicon_from_content, lexicon_to_content  # noqa: PLC0415

    LexiconVersion = apps.get_model("lexicon", "LexiconVersion")
    LexiconRule = apps.get_model("lexicon", "LexiconRule")
    active = LexiconVersion.objects.order_by("-number").first()
    if active is None:
        return  # nothing seeded yet: the first scan seeds from today's files
    seen_hosts, seen_rules = set(), set()
    for content in LexiconVersion.objects.values_list("content", flat=True).iterator():
        seen_hosts.update(h["domain"] for h in content.get("hosts", []))
        seen_rules.update(_rule_key(r) for r in content.get("rules", []))
    hosts = [
        {"domain": d, "brand": b, "kind": k, "source": s}
        for d, b, k, s in HOSTS
        if d not in seen_hosts
    ]
    rules = [
        r
        for r in RULES
        if _rule_key(r) not in seen_rules
        and not LexiconRule.objects.filter(term=r["term"], rule_id=r["rule_id"], mode=r["mode"])
        .exists()
    ]  # fmt: skip
    if not hosts and not rules:
        return
    for row in rules:
        LexiconRule.objects.create(**row)
    content = dict(active.content)
    content["hosts"] = [*content.get("hosts", []), *hosts]
    content["rules"] = [  # as lexicon_publish freezes them: every rule row, in id order
        {
            "term": r.term,
            "category": r.category,
            "rule_id": r.rule_id,
            "severity": r.severity,
            "mode": r.mode,
            "exceptions": [x.strip() for x in r.exceptions.splitlines() if x.strip()],
            "legal_basis": r.legal_basis,
            "source": r.source,
            "enabled": r.enabled,
        }
        for r in LexiconRule.objects.order_by("id")
    ]
    lexicon = lexicon_from_content(content)
    number = (LexiconVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    LexiconVersion.objects.create(
        number=number,
        note=f"{NOTE}（{len(hosts)} 个域名，{len(rules)} 条规则）",
        fingerprint=lexicon.fingerprint,
        content=lexicon_to_content(lexicon),
        rule_count=len(lexicon.rules),
    )


class Migration(migrations.Migration):
    dependencies = [("lexicon", "0004_seed_shipped_lexicon_latest")]
    operations = [migrations.RunPython(add_phishing_rows, migrations.RunPython.noop)]
