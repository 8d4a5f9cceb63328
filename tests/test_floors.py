"""The apps stand on each other like floors; a lower floor never imports a higher one.

netzwerk is both the ground (vocabularies, accounts, rights, mail) and the top (dashboard, concept
documents, reports): only its TOP_FLOOR modules may read the apps above the ground.
"""

import ast
from pathlib import Path

import pytest

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


# --- Modules: no circles, and netzwerk's ground never reads its concepts and reports ----------
# A circle of imports works only while every module in it defers its import into a function, and
# breaks the day someone moves one to the top; the ground (vocabularies, accounts, mail, rights)
# must load without the concept documents and reports built on it.
PACKAGES = ["netzwerk", "akteure", "foren", "konferenzen"]
# Directly in netzwerk/, but on top of everything: pages, wiring (apps.py registers the upper
# floors' rights and personal data) and demo data.
NETZWERK_TOP = {"admin", "apps", "dashboard", "demo", "urls", "views"}
NETZWERK_UPPER = ("netzwerk.konzepte", "netzwerk.berichte")
# Django loads an app's models from its models module, so netzwerk.models names the models that
# live in the upper floors' models modules (which import nothing back).
GROUND_MAY_IMPORT = {
    ("netzwerk.models", "netzwerk.konzepte.models"),
    ("netzwerk.models", "netzwerk.berichte.models"),
}
# Circles this check found that are not yet broken, each with the change that breaks it. An entry
# that is no longer a circle fails the test, so it cannot stay behind.
PENDING_CYCLES: set[frozenset[str]] = set()


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).parts
            if "migrations" in relative or "tests" in relative:
                continue
            modules[_module_name(path, root)] = path
    return modules


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules this one imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from . import tasks` imports the module tasks, `from .tasks import x` the module.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # `import a.b.c` where c is a name in a.b: the nearest module that exists.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph(root: Path) -> dict[str, set[str]]:
    modules = _modules(root)
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[tuple[frozenset[str], list[str]]]:
    """One circle per strongly connected group (Tarjan), written as a path back to its start."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for group in groups:
        group = frozenset(group)
        start = min(group)
        # Shortest way from start back to start inside the group (breadth first).
        paths, seen = [[start]], set()
        while paths:
            path = paths.pop(0)
            nxt_nodes = sorted(graph[path[-1]] & group)
            if start in nxt_nodes:
                cycles.append((group, [*path, start]))
                break
            for nxt in nxt_nodes:
                if nxt not in seen:
                    seen.add(nxt)
                    paths.append([*path, nxt])
    return sorted(cycles, key=lambda found: found[1])


def _ground_floor(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 2 and parts[0] == "netzwerk" and parts[1] not in NETZWERK_TOP


def test_no_two_modules_import_each_other_in_a_circle():
    graph = _graph(ROOT)
    cycles = _cycles(graph)
    new = []
    for group, cycle in cycles:
        if group in PENDING_CYCLES:
            continue
        new.append(" -> ".join(cycle))
        print("Kreis: " + " -> ".join(cycle))
        for name in sorted(group):
            print(f"    {name} importiert {', '.join(sorted(graph[name] & group))}")
    assert new == []
    assert {group for group, _ in cycles} >= PENDING_CYCLES, "ein Kreis ist behoben: streichen"


def test_netzwerks_ground_floor_never_imports_concepts_or_reports():
    wrong = [
        f"{name} importiert {target}"
        for name, targets in sorted(_graph(ROOT).items())
        if _ground_floor(name)
        for target in sorted(targets)
        if target.startswith(NETZWERK_UPPER) and (name, target) not in GROUND_MAY_IMPORT
    ]
    for line in wrong:
        print(line)
    assert wrong == []


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (root / package).mkdir(exist_ok=True)


def test_the_module_check_sees_a_circle_through_a_function_and_a_relative_import(tmp_path):
    _write(
        tmp_path,
        {
            "akteure/__init__.py": "",
            "akteure/services.py": "def f():\n    from .tasks import run\n",
            "akteure/tasks.py": "from akteure import services\n",
            "akteure/migrations/0001_x.py": "from akteure import tasks\n",
        },
    )
    graph = _graph(tmp_path)
    assert graph["akteure.services"] == {"akteure.tasks"}
    assert [cycle for _, cycle in _cycles(graph)] == [
        ["akteure.services", "akteure.tasks", "akteure.services"]
    ]


def test_the_module_check_resolves_parent_relative_imports_into_the_ground(tmp_path):
    _write(
        tmp_path,
        {
            "netzwerk/__init__.py": "",
            "netzwerk/rules.py": "import netzwerk.konzepte.rules\n",
            "netzwerk/views.py": "from .konzepte import rules\n",
            "netzwerk/konzepte/__init__.py": "",
            "netzwerk/konzepte/rules.py": "from ..models import User\n",
            "netzwerk/models.py": "",
        },
    )
    graph = _graph(tmp_path)
    assert graph["netzwerk.konzepte.rules"] == {"netzwerk.models"}
    assert graph["netzwerk.views"] == {"netzwerk.konzepte.rules"}
    assert _ground_floor("netzwerk.rules") and not _ground_floor("netzwerk.views")
    assert _cycles(graph) == []


# --- Tasks started by name ----------------------------------------------------------------------
def _task_names_dispatched(root: Path) -> dict[str, str]:
    """Every name passed to task_delay("...") as a literal, with where."""
    names = {}
    for name, path in _modules(root).items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "task_delay"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names[node.args[0].value] = name
    return names


def test_every_task_started_by_name_or_by_beat_is_registered():
    """A service starts its task by the registered name, and beat by the names in settings: a
    task that moved module keeps its name, or a worker drops the message as unknown."""
    from django.conf import settings

    from netzwerk.celery import app, task_delay

    with pytest.raises(KeyError):
        task_delay("netzwerk.tasks.gibt_es_nicht")
    dispatched = _task_names_dispatched(ROOT)
    assert "netzwerk.tasks.send_mail" in dispatched
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "netzwerk.tasks.remind_massnahmen" in scheduled
    assert sorted((set(dispatched) | scheduled) - set(app.tasks)) == []
