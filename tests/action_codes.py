"""Every audit action code the code base can write, found by reading its source (tests/test_audit_action_labels.py).

Each `action=` argument of a call, and each argument a helper turns into one, is read from the source: a literal,
a choice of literals, or an f-string whose placeholders are bound by the helper's callers (their literals) or, for
the few that come from data (a model's status, the model a generic service saves), by PLACEHOLDERS below. An
`action=` this reader cannot resolve is reported, so a new way of writing an action cannot go unlabelled."""

import ast
import importlib
import pathlib

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "src" / "guichet"


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path.relative_to(SOURCE).as_posix(), ast.parse(path.read_text())


def _dotted(module: str) -> str:
    return "guichet." + module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _params(function) -> list[str]:
    args = function.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _defaults(function) -> dict[str, ast.AST]:
    args = function.args
    positional = args.posonlyargs + args.args
    found = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True)}
    found.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None})
    return found


class Reader:
    def __init__(self, placeholders):
        self.placeholders = placeholders  # (module, function, name) -> codes or parts
        self.modules = dict(_modules())
        self.by_name: dict[str, list] = {}
        for module, tree in self.modules.items():
            for function in _functions(tree):
                self.by_name.setdefault(function.name, []).append((module, function))
        self.unresolved: list[str] = []

    def _enclosing(self, module, node):
        best = None
        for function in _functions(self.modules[module]):
            if function.lineno <= node.lineno <= (function.end_lineno or function.lineno):
                if best is None or function.lineno > best.lineno:
                    best = function
        return best

    def values(self, module, function, node, depth=0) -> set[str] | None:
        """The strings `node` may be, or None when it cannot be read."""
        key = (module, function.name if function else "", ast.unparse(node))
        if key in self.placeholders:
            return set(self.placeholders[key])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            a, b = self.values(module, function, node.body, depth), self.values(module, function, node.orelse, depth)
            return None if a is None or b is None else a | b
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):  # `action or f"..."`
            found = set()
            for value in node.values:
                part = self.values(module, function, value, depth)
                if part is None:
                    return None
                found |= part
            return found
        if isinstance(node, ast.JoinedStr):
            found = {""}
            for value in node.values:
                part = (self.values(module, function, value.value, depth) if isinstance(value, ast.FormattedValue)
                        else {value.value})
                if part is None:
                    return None
                found = {a + b for a in found for b in part}
            return found
        if isinstance(node, ast.Attribute) and node.attr.isupper():  # a choice: Booking.Status.CANCELLED
            value = eval(ast.unparse(node), vars(importlib.import_module(_dotted(module))))  # noqa: S307
            return {str(value)}
        if isinstance(node, ast.Name) and function is not None and node.id in _params(function) and depth < 4:
            return self._from_callers(module, function, node.id, depth + 1)
        return None

    def _from_callers(self, home, function, param, depth) -> set[str] | None:
        """What the callers of `function` pass as `param` (or its default, when the caller leaves it out)."""
        index = _params(function).index(param)
        positional = len(function.args.posonlyargs + function.args.args)
        default = _defaults(function).get(param)
        found, calls = set(), 0
        # A private helper is called from its own module; a public one from anywhere.
        modules = [(home, self.modules[home])] if function.name.startswith("_") else self.modules.items()
        for module, tree in modules:
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call) or _name(call.func) != function.name:
                    continue
                calls += 1
                caller = self._enclosing(module, call)
                given = next((kw.value for kw in call.keywords if kw.arg == param), None)
                if given is None and index < positional:
                    offset = 1 if _params(function)[:1] in (["self"], ["cls"]) else 0
                    if index - offset < len(call.args):
                        given = call.args[index - offset]
                if given is None:
                    if default is None:
                        continue
                    given, caller, module_of = default, function, home
                else:
                    module_of = module
                part = self.values(module_of, caller, given, depth)
                if part is None:
                    self.unresolved.append(f"{module}:{call.lineno} {ast.unparse(given)} (for {function.name}.{param})")
                    continue
                found |= part
        return found if calls else None

    def codes(self) -> set[str]:
        found = set()
        for module, tree in self.modules.items():
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call) or _name(call.func) not in ("audit_record", "create"):
                    continue
                for kw in call.keywords:
                    if kw.arg != "action":
                        continue
                    if module == "core/audit.py":
                        continue  # audit_record itself
                    function = self._enclosing(module, call)
                    part = self.values(module, function, kw.value)
                    if part is None:
                        self.unresolved.append(f"{module}:{call.lineno} action={ast.unparse(kw.value)}")
                    else:
                        found |= part
                # audit_many's events: (action, entity type, key, label, changes)
        return found


def placeholders() -> dict[tuple[str, str, str], list[str]]:
    """The placeholders whose values come from data, not from a literal of a caller: (module, function, expression)
    → what they may be, read from the code that decides them."""
    from django.apps import apps

    from guichet.bookings.orders import ORDER_FLOW
    from guichet.partnering.models import MeetingRequest

    ours = [m for m in apps.get_models() if m.__module__.startswith("guichet.")]
    names = sorted({m._meta.model_name for m in ours})
    relations = sorted(f"{m._meta.model_name}.{f.name}" for m in ours for f in m._meta.many_to_many)
    return {
        # the generic services save, delete and relate any record of any app (the admin's door)
        ("core/services.py", "record_save", "entity_type(record)"): names,
        ("core/services.py", "record_delete", "kind"): names,
        ("core/services.py", "record_relation_set", "f'{entity_type(record)}.{field}'"): relations,
        ("directory/services.py", "directory_record_save", "record_type"): names,
        ("directory/services.py", "directory_record_delete", "record_type"): names,
        ("startups/services.py", "startup_admin_save", "model.__name__.lower()"): names,
        ("startups/services.py", "startup_admin_delete", "model"): names,
        # a step named by a form or a table of steps
        ("bookings/orders.py", "order_transition", "action"): list(ORDER_FLOW),
        ("desk/services.py", "routing_respond", "action"): ["accept", "decline", "answer"],
        ("desk/services.py", "routing_respond_by_link", "action"): ["accept", "decline", "answer"],
        ("partnering/services.py", "request_answer", "to"): [str(s) for s in MeetingRequest.Status],
        ("signon/apps.py", "receiver", "action"): ["add", "remove", "reset"],
    }


def action_codes() -> tuple[set[str], list[str]]:
    """(every action code the source can write, the `action=` arguments it could not read)."""
    reader = Reader(placeholders())
    return {code for code in reader.codes() if code}, reader.unresolved
