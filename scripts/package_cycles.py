"""Print the import graph between our top-level packages and any cycle in it; exit 1 on a cycle.

Built with grimp (import-linter's graph), which reads every import statement, module-level and
function-local alike, so "no cycle" here is stricter than "no module-level cycle".
Usage: PYTHONPATH=. python scripts/package_cycles.py
"""
from __future__ import annotations

import sys
from typing import Dict, List, Set

import grimp

PACKAGES = ("jiuye", "console", "bot", "actions", "dialogue", "workflows", "scheduler", "platforms", "registry",
            "policies_kb", "settings")


def package_graph() -> Dict[str, Set[str]]:
    graph = grimp.build_graph(*PACKAGES)
    edges: Dict[str, Set[str]] = {p: set() for p in PACKAGES}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            source, target = module.split(".")[0], imported.split(".")[0]
            if source != target:
                edges[source].add(target)
    return edges


def cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    found: List[List[str]] = []
    state: Dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: List[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                found.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for package in edges:
        if package not in state:
            visit(package, [package])
    return found


def main() -> int:
    edges = package_graph()
    for package in PACKAGES:
        print(f"{package} -> {', '.join(sorted(edges[package])) or '(nothing of ours)'}")
    found = cycles(edges)
    for cycle in found:
        print("cycle: " + " -> ".join(cycle))
    print("no cycle between top-level packages" if not found else f"{len(found)} cycle(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
