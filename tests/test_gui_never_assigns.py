"""``planner/gui`` never writes to model objects: every change is an edit it pushes.

An AST scan of every module under ``planner/gui``. Something is taken for a model
object when it is the document's plan (any ``….plan``), a name the GUI uses for one
(``plan``, ``site``, ``rack``, ``server``, ``pool``, ``service``, ``scenario``), a name
annotated with a model class, or reached from one of those (``plan.services[0]``,
``plan.service(i)``, ``for s in plan.services``, ``service.needs``). Writing to it is an
attribute or item assignment (plain, augmented or annotated), ``del``, ``setattr`` or
``delattr``, or a call that changes a list or dict in place (``plan.services.append``).

Names are a guess; the GUI tests check the rest at run time: while they run, any
attribute write to a model object from a ``planner.gui`` module fails the test
(``tests/gui/conftest.py``), whatever the variable was called.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parent.parent / "planner" / "gui"
MODEL_NAMES = frozenset({"plan", "site", "rack", "server", "pool", "service", "scenario"})
MODEL_TYPES = frozenset({"Plan", "Site", "Rack", "Server", "Pool", "Service", "Scenario", "Item"})
# Plan look-ups that return one of its items.
LOOKUPS = frozenset({"site", "rack", "server", "pool", "service", "scenario", "require_item"})
MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "update",
     "setdefault", "popitem", "add", "discard"}
)  # fmt: skip


class _Scan(ast.NodeVisitor):
    """Collects ``(line, text)`` for every write to a model object in one module."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self._model_vars: list[set[str]] = [set()]  # one scope per function

    # ---------------------------------------------------------------- what is a model

    def is_model(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in MODEL_NAMES or node.id in self._model_vars[-1]
        if isinstance(node, ast.Attribute):
            return node.attr == "plan" or self.is_model(node.value)
        if isinstance(node, ast.Subscript):
            return self.is_model(node.value)
        if isinstance(node, ast.Call):  # plan.service("db"), items_of(plan, kind)
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in LOOKUPS:
                return self.is_model(func.value)
            if isinstance(func, ast.Name) and func.id in ("items_of", "require_item", "target"):
                return any(self.is_model(arg) for arg in node.args)
            if isinstance(func, ast.Name) and func.id in ("next", "getattr"):
                return any(self.is_model(arg) for arg in node.args)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):  # [s for s in plan.services]
            bound = {
                g.target.id
                for g in node.generators
                if isinstance(g.target, ast.Name) and self.is_model(g.iter)
            }
            if isinstance(node.elt, ast.Name):
                return node.elt.id in bound
            return self.is_model(node.elt)
        return False

    def _bind(self, target: ast.expr, value_is_model: bool) -> None:
        """A local name bound to a model object (or rebound to something else)."""
        names = [target] if isinstance(target, ast.Name) else []
        if isinstance(target, (ast.Tuple, ast.List)):
            names = [e for e in target.elts if isinstance(e, ast.Name)]
        for name in names:
            if value_is_model:
                self._model_vars[-1].add(name.id)
            else:
                self._model_vars[-1].discard(name.id)

    # ---------------------------------------------------------------- scopes

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope = set()
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            if arg.annotation is not None and _names_model_type(arg.annotation):
                scope.add(arg.arg)
        self._model_vars.append(scope)
        self.generic_visit(node)
        self._model_vars.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, self.is_model(node.iter))
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._bind(node.target, self.is_model(node.iter))
        self.generic_visit(node)

    # ---------------------------------------------------------------- writes

    def _write(self, target: ast.expr, node: ast.stmt) -> None:
        if isinstance(target, (ast.Attribute, ast.Subscript)) and self.is_model(target.value):
            self.found.append((node.lineno, ast.unparse(node).splitlines()[0]))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._write(element, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._write(target, node)
            self._bind(target, self.is_model(node.value))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._write(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._write(node.target, node)
        typed = _names_model_type(node.annotation)
        self._bind(node.target, typed or (node.value is not None and self.is_model(node.value)))
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, self.is_model(node.value))
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._write(target, node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("setattr", "delattr") and node.args:
            if self.is_model(node.args[0]):
                self.found.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(func, ast.Attribute) and func.attr in MUTATORS and self.is_model(func.value)
        ):
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def _names_model_type(annotation: ast.expr) -> bool:
    """Whether an annotation is a model class, perhaps optional (``Service | None``,
    ``Optional[Rack]``, ``"Site"``); a container of them (``list[Rack]``) is not."""
    if isinstance(annotation, ast.Name):
        return annotation.id in MODEL_TYPES
    if isinstance(annotation, ast.BinOp):  # X | None
        return _names_model_type(annotation.left) or _names_model_type(annotation.right)
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) == "Optional":
        return _names_model_type(annotation.slice)
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return _names_model_type(ast.parse(annotation.value, mode="eval").body)
        except SyntaxError:
            return False
    return False


def writes(source: str) -> list[tuple[int, str]]:
    scan = _Scan()
    scan.visit(ast.parse(source))
    return scan.found


def gui_modules() -> Iterator[Path]:
    yield from sorted(GUI.rglob("*.py"))


def test_no_module_of_the_gui_writes_to_a_model_object() -> None:
    found = [
        f"{path.relative_to(GUI.parent.parent)}:{line}: {text}"
        for path in gui_modules()
        for line, text in writes(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "push an edit instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "self.document.plan.name = 'x'",
        "self.document.plan.services[0].tier = 1",
        "doc.plan.services.append(s)",
        "def f(self):\n    service = self.document.plan.service('db')\n"
        "    service.rto_minutes += 5",
        "def f(p: Plan):\n    p.notes = None",
        "def f(x: 'Service | None'):\n    x.owner = 'me'",
        "for s in self.document.plan.services:\n    s.x, s.y = 1, 2",
        "site.color = '#fff'",
        "setattr(rack, 'units', 40)",
        "delattr(server, 'notes')",
        "del service.needs['crew']",
        "scenario.failed.remove('A')",
        "for i, s in enumerate(plan.servers):\n    pass\nplan.servers[i].rack = 'r'",
        "def f(self):\n    if (it := self.document.plan.pool('p')) is not None:\n"
        "        it.capacity = 3",
        "def f(self):\n    items = items_of(self.document.plan, kind)\n    items[0].name = 'n'",
        "def f(self):\n    chosen = [s for s in self.document.plan.services if s.tier]\n"
        "    chosen[0].team = 't'",
        "def f(self):\n    one: Rack = self.lookup()\n    one.site = 'B'",
    ],
)
def test_the_scan_finds_a_write(source: str) -> None:
    assert writes(source), source


@pytest.mark.parametrize(
    "source",
    [
        "self.plan_name = 'x'",
        "self.document.plan = plan",  # replacing the plan is the document's own job
        "item.setText(0, service.name)",
        "names = [s.name for s in plan.services]\nnames.append('x')",
        "def f(self):\n    service = self.make()\n    service = 3\n    self.count = service",
        "widget.service_id = service.id",
        "self._rows[row] = service",
        "result = {}\nresult[service.id] = 1",
        "ids = list(scenario.failed)\nids.append('x')",
        "by_site: dict[str, list[Rack]] = {}\nby_site[rack.site].append(rack)",
    ],
)
def test_the_scan_lets_other_writes_be(source: str) -> None:
    assert writes(source) == [], source
