import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_every_dependency_is_pinned_and_the_lock_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    lock = _lock()
    for requirement in declared:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]+\])?==([^\s;]+)", requirement)
        assert match, f"nicht gepinnt: {requirement}"
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        assert lock.get(name) == match.group(3), (
            f"{name}: pyproject {match.group(3)}, lock {lock.get(name)}"
        )


def test_front_end_files_come_from_packages_not_from_a_cdn():
    templates = "\n".join(p.read_text() for p in (ROOT / "templates").rglob("*.html"))
    assert not re.search(r"(src|href)=\"(https?:)?//", templates)
