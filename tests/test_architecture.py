"""The layers import one way (docs/architecture.md), read from the source, not from a list kept by hand."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
# Lower layers never import higher ones. Components sit beside services: both over data
# access, neither importing the other.
LAYER = {"core": 0, "datasources": 1, "services": 2, "components": 2, "web": 3, "pages": 4, "app": 5, "cli": 5}
SERVED = ("core", "datasources", "services", "components", "web", "pages", "app")
OURS = (*LAYER, "demo")
WEB_FRAMEWORKS = ("dash", "flask", "plotly")


def _package(path: Path) -> str:
    return path.relative_to(PROJECT).parts[0].removesuffix(".py")


def _modules() -> dict[Path, ast.Module]:
    files = [PROJECT / "app.py", *[p for pkg in LAYER if pkg != "app" for p in (PROJECT / pkg).rglob("*.py")]]
    return {path: ast.parse(path.read_text(), str(path)) for path in files}


def _imports(tree: ast.Module) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) of every import, at any depth (late imports count too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


MODULES = _modules()


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(PROJECT)}:{line}"


def test_no_package_imports_a_higher_layer() -> None:
    wrong = [f"{_where(path, line)} {_package(path)} imports {module}"
             for path, tree in MODULES.items() for module, _, line in _imports(tree)
             if module.split(".")[0] in LAYER
             and LAYER[module.split(".")[0]] >= LAYER[_package(path)] and module.split(".")[0] != _package(path)]
    assert wrong == []


def test_components_and_services_do_not_import_each_other_nor_components_data_access() -> None:
    wrong = [f"{_where(path, line)} imports {module}" for path, tree in MODULES.items()
             for module, _, line in _imports(tree)
             if (_package(path) == "components" and module.split(".")[0] in ("datasources", "services", "web"))
             or (_package(path) == "services" and module.split(".")[0] == "components")]
    assert wrong == []


def test_no_import_cycle_between_top_level_packages() -> None:
    edges: dict[str, set[str]] = {}
    for path, tree in MODULES.items():
        for module, _, _ in _imports(tree):
            target = module.split(".")[0]
            if target in OURS and target != _package(path):
                edges.setdefault(_package(path), set()).add(target)

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges.get(start, ()))

    assert [p for p in edges if reaches(p, p)] == []


def test_served_code_never_imports_the_demo_generator() -> None:
    wrong = [_where(path, line) for path, tree in MODULES.items() if _package(path) in SERVED
             for module, _, line in _imports(tree) if module.split(".")[0] == "demo"]
    assert wrong == []


def test_served_code_does_not_know_the_demo_city() -> None:
    wrong = [str(path.relative_to(PROJECT)) for path in MODULES if _package(path) in SERVED
             for word in ("吕梁", "Lüliang", "Lvliang", "lvliang", "141100")
             if word in path.read_text()]
    assert wrong == []


def test_no_module_imports_both_a_web_framework_and_sqlalchemy() -> None:
    wrong = []
    for path, tree in MODULES.items():
        roots = {module.split(".")[0] for module, _, _ in _imports(tree)}
        if roots & set(WEB_FRAMEWORKS) and "sqlalchemy" in roots:
            wrong.append(str(path.relative_to(PROJECT)))
    assert wrong == []


def test_core_and_data_access_import_no_web_framework() -> None:
    wrong = [f"{_where(path, line)} imports {module}" for path, tree in MODULES.items()
             if _package(path) in ("core", "datasources", "services")
             for module, _, line in _imports(tree) if module.split(".")[0] in ("dash", "flask", "plotly")]
    assert wrong == []


def _defined(module: str) -> set[str] | None:
    path = PROJECT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PROJECT / module.replace(".", "/") / "__init__.py"
    if not path.exists():
        return None
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("path", sorted(MODULES), ids=lambda p: str(p.relative_to(PROJECT)))
def test_each_name_is_imported_from_its_one_home(path: Path) -> None:
    """No re-exports: a rule, an error or a constant is imported from the module defining it."""
    wrong = []
    for module, names, line in _imports(MODULES[path]):
        if module.split(".")[0] not in OURS:
            continue
        defined = _defined(module)
        submodules = {p.stem for p in (PROJECT / module.replace(".", "/")).glob("*.py")}
        wrong += [f"{_where(path, line)} {module}.{name}" for name in names
                  if defined is not None and name not in defined and name not in submodules]
    assert wrong == []


def test_no_served_file_is_longer_than_400_lines() -> None:
    long = {str(p.relative_to(PROJECT)): n for p in MODULES if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_no_class_is_defined_twice_in_served_code() -> None:
    """An error or a model defined in two modules is caught by one name and raised by the other."""
    homes: dict[str, list[str]] = {}
    for path, tree in MODULES.items():
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                homes.setdefault(node.name, []).append(str(path.relative_to(PROJECT)))
    assert {name: where for name, where in homes.items() if len(where) > 1} == {}
