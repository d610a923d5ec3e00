"""The examples in the project's docstrings are run: every module outside migrations and tests
that carries a ``>>>`` example has its doctests executed here, so an example cannot go stale."""

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("wsmonitor", "core", "lexicon", "scanning", "merchants", "campaigns", "complaints")


def modules_with_examples() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or ">>> " not in path.read_text(encoding="utf-8"):
                continue
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


MODULES = modules_with_examples()


def test_the_known_examples_are_found():
    assert {"core.env", "merchants.uscc", "campaigns.changes"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_module_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.attempted > 0, f"{name}: no example found"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
