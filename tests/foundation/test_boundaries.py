"""Cross-app calls are direct imports down the stack or signals the lower app declares: no
setting names another app's function (the 举报 from a breach used to reach complaints through
``CAMPAIGNS_REPORT_INTAKE = "complaints.services.case_submit"``)."""

import inspect
import re

from django.conf import settings
from django.utils.module_loading import import_string

APPS = ("merchants", "campaigns", "complaints", "wechat", "imaging")
DOTTED = re.compile(rf"^({'|'.join(APPS)})(\.\w+)+$")


def test_no_setting_names_an_apps_function():
    named = []
    for name in filter(str.isupper, dir(settings)):
        value = getattr(settings, name)
        if not (type(value) is str and DOTTED.match(value)):
            continue
        try:
            target = import_string(value)
        except ImportError:
            continue  # a task name or a label, not an import path
        if inspect.isfunction(target):
            named.append(f"{name}={value}")
    assert named == []
