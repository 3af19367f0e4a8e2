"""The code's shape, checked: no import circle anywhere in the project's packages (import-linter,
run by .ci/run, checks the layers members ← cases ← decisions; a circle inside one layer it
would not see), and no module outside migrations and tests over 700 lines."""

from pathlib import Path

import grimp

PACKAGES = ("insjoriket", "members", "cases", "decisions")
ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 700


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in PACKAGES)
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child.split(".")[0] not in PACKAGES:
                    continue
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def test_no_module_imports_itself_through_others():
    # Imports under ``if TYPE_CHECKING:`` (annotations only) never run, so they make no circle.
    graph = grimp.build_graph(
        *PACKAGES, include_external_packages=False, exclude_type_checking_imports=True
    )
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for name in ("cases.a", "cases.b", "cases.c"):
        graph.add_module(name)
    graph.add_import(importer="cases.a", imported="cases.b")
    graph.add_import(importer="cases.b", imported="cases.c")
    graph.add_import(importer="cases.c", imported="cases.a")
    assert _cycles(graph) == [["cases.a", "cases.b", "cases.c"]]


def test_no_module_outside_migrations_and_tests_is_over_700_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
