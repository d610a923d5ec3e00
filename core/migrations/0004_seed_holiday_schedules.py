"""Seed the holiday schedules (放假 and 调休上班 days) for every year the installed
``chinesecalendar`` package knows. From then on the table is the source of truth: later years are
entered by an operator from the State Council's notice (admin or ``enter_holiday_schedule``)."""

from importlib.metadata import version

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar

    Schedule = apps.get_model("wsmonitor", "HolidaySchedule")
    Day = apps.get_model("wsmonitor", "HolidayDay")
    source = (
        f"chinesecalendar {version('chinesecalendar')}"
        "（据国务院办公厅历年部分节假日安排的通知）"
    )
    years = sorted({d.year for d in chinese_calendar.holidays})
    for year in years:
        if Schedule.objects.filter(year=year).exists():
            continue
        schedule = Schedule.objects.create(year=year, source=source, entered_by="数据迁移")
        rows = [
            Day(schedule=schedule, date=d, kind="holiday", name=NAMES.get(str(n), str(n))[:40])
            for d, n in chinese_calendar.holidays.items()
            if d.year == year
        ] + [
            Day(schedule=schedule, date=d, kind="workday", name=NAMES.get(str(n), str(n))[:40])
            for d, n in chinese_calendar.workdays.items()
            if d.year == year
        ]
        Day.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("wsmonitor", "0003_holiday_schedule")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
