"""The floor plan a newcomer reads: genlab's subpackages import only the floors below them, nothing
imports itself back through others, the package root stays a short list, the picture in
docs/architecture.md is the one `python -m genlab structure` draws from the code, and every tab's
functions fit on a screen."""
import ast

from genlab.commands.structure import FLOORS, circles, module_graph, picture, upward
from genlab.families import ARCHITECTURES
from genlab.models.loading import NETWORKS
from tests.helpers import ROOT

ROOT_MODULES = 12  # at most, in genlab/ itself: the rest live in the floors' subpackages
SCREEN = 80  # lines: a function in ui/ longer than this is layout, wiring and handlers run together


def test_no_module_imports_itself_back_and_no_import_runs_up_a_floor():
    graph = module_graph()
    assert "genlab.core.checkpoint" in graph and "genlab.families" in graph
    assert circles(graph) == []
    assert upward(graph) == []


def test_every_subpackage_is_a_floor_and_the_root_is_a_short_list():
    package = ROOT / "genlab"
    assert sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file()) == \
        sorted(f for f in FLOORS if f != "__main__")
    assert len(list(package.glob("*.py"))) <= ROOT_MODULES


def test_the_architecture_page_shows_the_floor_plan_the_code_has():
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert picture(module_graph()) in page, "run `python -m genlab structure` and paste its picture"


def test_every_architecture_the_families_train_is_a_network_a_checkpoint_can_name():
    assert {name: (a.model, a.config) for name, a in ARCHITECTURES.items()} == NETWORKS


def test_no_function_in_the_ui_is_longer_than_a_screen():
    long = [f"{path.relative_to(ROOT)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in sorted((ROOT / "ui").rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > SCREEN]
    assert long == []
