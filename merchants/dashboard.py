"""The regulator dashboard: charts (server-rendered SVG, no JavaScript) each with its table and
a CSV download, limited to the viewer's regions.

The apps above ``merchants`` answer two signals of ``merchants.signals`` from their
``AppConfig.ready()`` (``merchants`` never imports them), each with ``prefixes`` (the viewer's
region prefixes: ``None`` = all, ``[]`` = none; apply them with ``core.roles.region_q``) and
``since`` (the first day, a ``date``, the dashboard covers):

* ``dashboard_complaints`` — rows ``{"period": "YYYY-MM-DD" (Monday of the week), "received": int,
  "accepted": int, "overdue": int}``: complaints received, accepted and past their acceptance
  deadline, per week;
* ``dashboard_campaigns`` — rows ``{"region": "440103", "promised": int, "honoured": int,
  "not_honoured": int}``: 集赞换礼 campaigns whose promise came due, how many were honoured as
  announced and how many were not, per region; the rest have no outcome yet ("undecided", never
  counted as not honoured).

Rows from several answers to one signal are summed. A chart no app answers says "no data
source" instead of showing zeros.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.export_writer import csv_text
from core.regions import region_label, region_name
from core.signals import gathered
from merchants.risk import CATEGORY_LABELS
from merchants.selectors import findings_visible, merchants_visible
from merchants.signals import dashboard_campaigns, dashboard_complaints

PALETTE = ["#1f6feb", "#d1242f", "#9a6700", "#1a7f37", "#8250df", "#57606a"]


def dashboard_weeks() -> int:
    return int(getattr(settings, "WORKSPACE_DASHBOARD_WEEKS", 12))


def dashboard_since() -> date:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=dashboard_weeks() - 1)


def _weeks(since: date) -> list[str]:
    return [(since + timedelta(weeks=i)).isoformat() for i in range(dashboard_weeks())]


def dashboard_charts(prefixes: list[str] | None) -> list[dict]:
    since = dashboard_since()
    return [
        _findings_chart(prefixes, since),
        _complaints_chart(prefixes, since),
        _top_merchants(prefixes),
        _campaigns_chart(prefixes, since),
        _regions_chart(prefixes),
    ]


def dashboard_chart(prefixes: list[str] | None, key: str) -> dict | None:
    for chart in dashboard_charts(prefixes):
        if chart["key"] == key:
            return chart
    return None


def chart_csv(chart: dict) -> str:
    return csv_text([chart["columns"], *chart["rows"]])


# --- the charts ---------------------------------------------------------------------------------


def _findings_chart(prefixes, since: date) -> dict:
    weeks = _weeks(since)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rows = (
        findings_visible(prefixes)
        .filter(is_current=True, created_at__date__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values("week", "category")
        .annotate(n=Count("id"))
    )
    for row in rows:
        week = timezone.localdate(row["week"]) if hasattr(row["week"], "tzinfo") else row["week"]
        week = week - timedelta(days=week.weekday())
        counts[(week.isoformat(), row["category"])] += row["n"]
    categories = list(CATEGORY_LABELS)
    series = [(CATEGORY_LABELS[c], [counts.get((w, c), 0) for w in weeks]) for c in categories]
    return {
        "key": "findings",
        "title": _("Findings per category per week"),
        "columns": [_("Week"), *[CATEGORY_LABELS[c] for c in categories]],
        "rows": [[w, *[counts.get((w, c), 0) for c in categories]] for w in weeks],
        "svg": bar_chart(weeks, series, title=_("Findings per category per week")),
        "missing_source": False,
    }


def _complaints_chart(prefixes, since: date) -> dict:
    title = _("Complaints received, accepted and overdue per week")
    answered = dashboard_complaints.has_listeners()
    weeks = _weeks(since)
    keys = ("received", "accepted", "overdue")
    labels = (_("received"), _("accepted"), _("overdue"))
    totals: dict[str, dict[str, int]] = {w: dict.fromkeys(keys, 0) for w in weeks}
    for row in gathered(dashboard_complaints, prefixes=prefixes, since=since):
        period = str(row.get("period", ""))
        if period in totals:
            for k in keys:
                totals[period][k] += int(row.get(k, 0) or 0)
    series = [(label, [totals[w][k] for w in weeks]) for k, label in zip(keys, labels, strict=True)]
    return {
        "key": "complaints",
        "title": title,
        "columns": [_("Week"), *labels],
        "rows": [[w, *[totals[w][k] for k in keys]] for w in weeks] if answered else [],
        "svg": bar_chart(weeks, series, title=title, stacked=False) if answered else "",
        "missing_source": not answered,
    }


def _campaigns_chart(prefixes, since: date) -> dict:
    title = _("Campaign honour rate per region")
    answered = dashboard_campaigns.has_listeners()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in gathered(dashboard_campaigns, prefixes=prefixes, since=since):
        region = str(row.get("region", ""))
        promised = int(row.get("promised", 0) or 0)
        honoured = int(row.get("honoured", 0) or 0)
        totals[region][0] += promised
        totals[region][1] += honoured
        totals[region][2] += int(row.get("not_honoured", promised - honoured) or 0)
    regions = sorted(totals)
    rows = []
    for r in regions:
        promised, honoured, failed = totals[r]
        decided = honoured + failed
        rows.append(
            [
                region_label(r),
                promised,
                honoured,
                failed,
                promised - decided,
                f"{(100 * honoured / decided):.0f}%" if decided else "—",
            ]
        )
    series = [
        (_("honoured"), [totals[r][1] for r in regions]),
        (_("not honoured"), [totals[r][2] for r in regions]),
        (_("no outcome yet"), [totals[r][0] - totals[r][1] - totals[r][2] for r in regions]),
    ]
    return {
        "key": "campaigns",
        "title": title,
        "columns": [
            _("Region"),
            _("promised"),
            _("honoured"),
            _("not honoured"),
            _("no outcome yet"),
            _("honour rate (of decided)"),
        ],
        "rows": rows,
        "svg": bar_chart([region_name(r) or r for r in regions], series, title=title)
        if answered and regions
        else "",
        "missing_source": not answered,
    }


def _top_merchants(prefixes) -> dict:
    title = _("Top merchants by risk")
    top = list(merchants_visible(prefixes).filter(risk_score__gt=0).order_by("-risk_score")[:10])
    return {
        "key": "top",
        "title": title,
        "columns": [_("Merchant"), _("Region"), _("Status"), _("Risk score")],
        "rows": [
            [m.display_name, region_label(m.region_code), m.get_status_display(), m.risk_score]
            for m in top
        ],
        "links": {m.display_name: m.pk for m in top},
        "svg": bar_chart(
            [m.display_name for m in top],
            [(_("Risk score"), [m.risk_score for m in top])],
            title=title,
            horizontal=True,
        )
        if top
        else "",
        "missing_source": False,
    }


def _regions_chart(prefixes) -> dict:
    title = _("Merchants in the review queue and findings per region")
    # Merchants, not rows: the queue's annotations join findings, so count distinct ids.
    queue = dict(
        merchants_visible(prefixes)
        .filter(in_review_queue=True)
        .order_by()
        .values_list("region_code")
        .annotate(n=Count("id", distinct=True))
    )
    findings = dict(
        findings_visible(prefixes)
        .filter(is_current=True)
        .order_by()
        .values_list("post__merchant__region_code")
        .annotate(n=Count("id"))
    )
    regions = sorted(set(queue) | set(findings))
    return {
        "key": "regions",
        "title": title,
        "columns": [_("Region"), _("in review queue"), _("findings")],
        "rows": [[region_label(r), queue.get(r, 0), findings.get(r, 0)] for r in regions],
        "svg": bar_chart(
            [region_name(r) or r or "—" for r in regions],
            [
                (_("in review queue"), [queue.get(r, 0) for r in regions]),
                (_("findings"), [findings.get(r, 0) for r in regions]),
            ],
            title=title,
            stacked=False,
        )
        if regions
        else "",
        "missing_source": False,
    }


# --- SVG ----------------------------------------------------------------------------------------


def bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    title: str,
    stacked: bool = True,
    horizontal: bool = False,
) -> SafeString:
    """A bar chart as inline SVG (presentation attributes only, so the CSP needs no
    'unsafe-inline'). Screen readers get the title; the table next to it carries the data."""
    if horizontal:
        return _hbars(labels, series[0][1], title=title)
    width, height, left, bottom, top = 720, 260, 40, 40, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    n = max(1, len(labels))
    if stacked:
        peak = max([sum(vals[i] for _n, vals in series) for i in range(len(labels))] or [0])
    else:
        peak = max([v for _n, vals in series for v in vals] or [0])
    peak = peak or 1
    slot = plot_w / n
    bar_w = slot * 0.7 / (1 if stacked else max(1, len(series)))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#8c959f"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10" '
        f'fill="#57606a">{_num(peak)}</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.15
        base = top + plot_h
        for s, (name, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            h = plot_h * value / peak
            x = x0 if stacked else x0 + s * bar_w
            y = base - h
            if h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)} · '
                    f"{escape(name)}: {_num(value)}</title></rect>"
                )
            if stacked:
                base = y
        if n <= 16 or i % 2 == 0:
            short = label[5:] if len(label) == 10 and label[4] == "-" else label[:8]
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 14}" '
                f'text-anchor="middle" font-size="10" fill="#57606a">{escape(short)}</text>'
            )
    x = left
    for s, (name, _values) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="15" font-size="11" fill="#24292f">{escape(name)}</text>'
        )
        x += 24 + 12 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def _hbars(labels: list[str], values: list[float], *, title: str) -> SafeString:
    row_h, left, width = 22, 160, 720
    height = row_h * max(1, len(labels)) + 10
    peak = max(values or [0]) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = 5 + i * row_h
        w = (width - left - 60) * value / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="11" '
            f'fill="#24292f">{escape(label[:14])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[1]}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11" '
            f'fill="#24292f">{_num(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
