"""The apps stand on each other like floors; a lower floor never imports a higher one.

netzwerk is both the ground (vocabularies, accounts, rights, mail) and the top (dashboard, concept
documents, reports): only its TOP_FLOOR modules may read the apps above the ground.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ["netzwerk", "akteure", "foren", "konferenzen"]
TOP_FLOOR = {
    "netzwerk/dashboard.py",
    "netzwerk/views.py",
    "netzwerk/berichte/inhalt.py",
    "netzwerk/konzepte/zeitleiste.py",
    "netzwerk/management/commands/demo_data.py",
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(FLOORS)


def test_no_app_imports_a_higher_floor():
    wrong = []
    for level, app in enumerate(FLOORS):
        higher = set(FLOORS[level + 1 :])
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in TOP_FLOOR:
                continue
            if bad := _imported_apps(path) & higher:
                wrong.append(f"{relative} importiert {sorted(bad)}")
    assert wrong == []


def test_the_floor_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from foren.models import Forum\n")
    assert _imported_apps(module) == {"foren"}
