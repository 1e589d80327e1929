"""The README's Layout section matches the tree: each app's "Modules:" line is its `ls`, and the
import rule each sentence states is the one the import-direction test enforces."""

import re
from pathlib import Path

from tests.icity.test_import_direction import MAY_IMPORT

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    return text[text.index("<!-- layout:begin -->") : text.index("<!-- layout:end -->")]


def _described() -> dict[str, tuple[str, set[str]]]:
    apps = {}
    for match in re.finditer(r"- \*\*`(\w+)/`\*\* (.*?)\n  Modules: (.*?)\.\n", _section()):
        app, sentence, modules = match.groups()
        apps[app] = (sentence, {name.strip("`") for name in modules.split(", ")})
    return apps


def _ls(app: str) -> set[str]:
    names = set()
    for entry in (ROOT / app).iterdir():
        if entry.name in {"__init__.py", "__pycache__"} or entry.name.startswith("."):
            continue
        if entry.is_dir():
            names.add(entry.name + "/")
        elif entry.suffix == ".py":
            names.add(entry.stem)
    return names


def test_every_app_is_described_and_nothing_else():
    apps_on_disk = {app for app in MAY_IMPORT if (ROOT / app).is_dir()}
    assert set(_described()) == apps_on_disk


def test_each_modules_line_is_the_apps_ls():
    for app, (_sentence, modules) in _described().items():
        assert modules == _ls(app), app


def test_each_sentence_names_what_the_app_may_import():
    for app, (sentence, _modules) in _described().items():
        rule = sentence.split("; ", 1)[1]
        named = set(re.findall(r"`(\w+)`", rule))
        if "every app" in rule:
            assert MAY_IMPORT[app] >= {"icity", "assets", "loans", "schools", "tickets", "surveys"}, app
        elif "no other app" in rule:
            assert MAY_IMPORT[app] == set(), app
        else:
            assert named == MAY_IMPORT[app], app


def test_no_module_is_over_800_lines():
    """Split by subject before a module passes 800 lines (migrations and tests aside)."""
    long = []
    for app in MAY_IMPORT:
        for path in (ROOT / app).rglob("*.py") if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            lines = path.read_text().count("\n")
            if lines > 800:
                long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert long == []
