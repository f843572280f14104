"""Every field name the audit log records in an event's changes, found by reading the source (tests/
test_audit_field_labels.py): the keys of each `changes=` given to `audit_record` (and to the helpers that pass it
on), of each event tuple given to `audit_many`, as literals, dict comprehensions over a tuple of names, or a
variable the function fills with those. What this reader cannot resolve (a diff of two records, whose names are
the model's own fields) is returned apart; the scenario of the test covers those by running services."""

import ast
import importlib

from .action_codes import _dotted, _functions, _modules

WRAPPERS = {"audit_record", "_audit"}


def _names_of_sequence(module, function, node, seen=0):
    """The strings a tuple, list or set of names is: a literal, or a name bound to one (module or function)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        found = set()
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                found.add(element.value)
            elif isinstance(element, ast.Starred):
                part = _names_of_sequence(module, function, element.value, seen + 1)
                if part is None:
                    return None
                found |= part
            else:
                return None
        return found
    if isinstance(node, (ast.Name, ast.Attribute)) and seen < 4:
        try:
            value = eval(ast.unparse(node), vars(importlib.import_module(_dotted(module))))  # noqa: S307
        except Exception:  # noqa: BLE001 — a local name: not a module constant
            return None
        if isinstance(value, (tuple, list, set, frozenset)) and all(isinstance(v, str) for v in value):
            return set(value)
        if isinstance(value, dict) and all(isinstance(v, str) for v in value):
            return set(value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "keys"):
        return _names_of_sequence(module, function, node.func.value, seen + 1)
    return None


def _keys(module, function, node, depth=0):
    """The keys a `changes` expression may hold, or None when they cannot be read."""
    if isinstance(node, ast.Constant) and node.value is None:
        return set()
    if isinstance(node, ast.Dict):
        found = set()
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:   # **other
                part = _keys(module, function, value, depth + 1)
                if part is None:
                    return None
                found |= part
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.add(key.value)
            else:
                return None
        return found
    if isinstance(node, ast.DictComp):
        generator = node.generators[0]
        names = _names_of_sequence(module, function, generator.iter)
        if names is None:
            return None
        return names if isinstance(node.key, ast.Name) else None
    if isinstance(node, ast.BoolOp):
        found = set()
        for value in node.values:
            part = _keys(module, function, value, depth + 1)
            if part is None:
                return None
            found |= part
        return found
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict" and not node.args:
        return {kw.arg for kw in node.keywords if kw.arg}
    if isinstance(node, ast.Name) and function is not None and depth < 4:
        return _variable(module, function, node.id, depth)
    return None


def _variable(module, function, name, depth):
    """The keys a local dict is given in its function: assigned, filled by key, updated."""
    found, any_write = set(), False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            any_write = True
            part = _keys(module, function, node.value, depth + 1)
            if part is None:
                return None
            found |= part
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == name:
                    any_write = True
                    if isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
                        found.add(target.slice.value)
                    else:
                        return None
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and getattr(node.func.value, "id", "") == name and node.func.attr in ("update", "setdefault"):
            any_write = True
            if node.func.attr == "setdefault":
                key = node.args[0] if node.args else None
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                found.add(key.value)
            else:
                part = _keys(module, function, node.args[0], depth + 1) if node.args else set()
                if part is None:
                    return None
                found |= part
    if not any_write and name in [a.arg for a in function.args.args + function.args.kwonlyargs]:
        return None   # passed in by the caller
    return found if any_write else None


def audited_field_names() -> tuple[set[tuple[str | None, str]], list[str]]:
    """(every (entity type, field name) the source records in an audit event's changes — the type None where the
    call does not write it as a literal —, the `changes` it could not read)."""
    found: set[tuple[str | None, str]] = set()
    unresolved: list[str] = []
    for module, tree in _modules():
        if module == "core/audit.py":
            continue
        functions = list(_functions(tree))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name not in WRAPPERS:
                continue
            given = next((kw.value for kw in call.keywords if kw.arg == "changes"), None)
            if given is None and name != "audit_record":   # a module's own helper, by its parameter's place
                helper = next((f for f in functions if f.name == name), None)
                params = [a.arg for a in helper.args.args] if helper else []
                if "changes" in params and params.index("changes") < len(call.args):
                    given = call.args[params.index("changes")]
            if given is None:
                continue
            kind = next((kw.value.value for kw in call.keywords if kw.arg == "entity_type"
                         and isinstance(kw.value, ast.Constant)), None)
            function = _innermost(functions, call)
            part = _keys(module, function, given)
            if part is None:
                unresolved.append(f"{module}:{call.lineno} changes={ast.unparse(given)[:60]}")
            else:
                found |= {(kind, key) for key in part}
    return found, unresolved


def _innermost(functions, node):
    best = None
    for function in functions:
        if function.lineno <= node.lineno <= (function.end_lineno or function.lineno):
            if best is None or function.lineno > best.lineno:
                best = function
    return best
