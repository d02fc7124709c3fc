"""The house rules that keep the code easy to change: no import cycles (imports inside functions
count too), apps depend one way (web <- program <- accounts <- conference), no module over 450
lines, short module docstrings."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ["web", "program", "accounts", "conference"]
#: Which apps each app may import.
MAY_IMPORT = {
    "web": set(),
    "program": {"web"},
    "accounts": {"web", "program"},
    "conference": {"web", "program", "accounts"},
}


def modules() -> dict[str, pathlib.Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: pathlib.Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def test_no_module_imports_one_that_imports_it_back(graph):
    """Tarjan's strongly connected components: each must be a single module. A package's
    ``__init__`` re-exporting its own modules does not count."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def edges(name):
        return {
            other
            for other in graph[name]
            if not (other.startswith(name + ".") or name.startswith(other + "."))
        }

    def visit(name):
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in edges(name):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert not cycles


def test_apps_depend_one_way(graph):
    wrong = [
        (name, other)
        for name, others in graph.items()
        for other in others
        if other.split(".")[0] != name.split(".")[0]
        and other.split(".")[0] not in MAY_IMPORT[name.split(".")[0]]
    ]
    assert not wrong


def test_no_module_is_over_450_lines():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text().splitlines())) > 450
    }
    assert not long


def test_module_docstrings_are_short():
    """About 80 words at most: the long story belongs in docs/."""
    long = {}
    for name, path in modules().items():
        docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
        if len(docstring.split()) > 110:
            long[name] = len(docstring.split())
    assert not long
