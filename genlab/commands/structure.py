"""The floor plan: which of genlab's subpackages imports which, read from the source (every import,
those inside functions too), drawn as a Mermaid picture for docs/architecture.md. Each floor may use
the floors below it and never one above; no module may import itself back through others.

    python -m genlab structure          # the picture, as docs/architecture.md shows it
"""
import argparse
import ast
from collections import defaultdict
from pathlib import Path

from genlab.commands import VERBS

PACKAGE = Path(__file__).resolve().parents[1]
# Bottom first: a floor imports only from floors at or below it.
FLOORS = ("core", "models", "measure", "inference", "train", "families", "serve", "commands", "__main__")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The genlab modules a file imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("genlab.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "genlab":
            for alias in node.names:  # `from genlab.families import gan` names a module, not a value
                candidate = f"{node.module}.{alias.name}"
                known = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").is_file()
                found.add(candidate if known else node.module)
    return found


def module_graph() -> dict[str, set[str]]:
    """Every genlab module and the genlab modules it imports (the command line names its verbs' modules
    as text, so they are added by hand)."""
    graph = {module_name(path): imports(path) - {module_name(path)} for path in sorted(PACKAGE.rglob("*.py"))}
    graph["genlab.__main__"] |= {f"genlab.commands.{module}" for module in VERBS.values()}
    return graph


def floor_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports that run from a floor to one above it."""
    rank = {floor: i for i, floor in enumerate(FLOORS)}
    return sorted((source, target) for source, targets in graph.items() for target in targets
                  if floor_of(source) in rank and floor_of(target) in rank
                  and rank[floor_of(target)] > rank[floor_of(source)])


def floor_arrows(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    arrows = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            if floor_of(source) != floor_of(target) and floor_of(target) != "__init__":
                arrows[floor_of(source)].add(floor_of(target))
    return arrows


def picture(graph: dict[str, set[str]]) -> str:
    """A Mermaid flowchart of the floors, top floor first, with the modules each holds."""
    modules = defaultdict(list)
    for module in graph:
        if floor_of(module) in FLOORS and module.count(".") == 2:
            modules[floor_of(module)].append(module.rsplit(".", 1)[1])
    lines = ["```mermaid", "flowchart TD"]
    for floor in reversed(FLOORS):
        held = ", ".join(sorted(modules[floor])) if modules[floor] else "the command line"
        name = "genlab" if floor == "__main__" else f"genlab/{floor}/"
        lines.append(f'    {floor.strip("_")}["<b>{name}</b><br/>{held}"]')
    arrows = floor_arrows(graph)
    for floor in reversed(FLOORS):
        lines += [f"    {floor.strip('_')} --> {target.strip('_')}" for target in FLOORS if target in arrows[floor]]
    return "\n".join(lines + ["```"])


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="genlab structure", description=__doc__).parse_args(argv)
    graph = module_graph()
    print(picture(graph))
    for group in circles(graph):
        print("circle:", " -> ".join(group))
    for source, target in upward(graph):
        print(f"upward: {source} imports {target}")
