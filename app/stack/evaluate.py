"""A small evaluator over Python's syntax tree: model code read as data, never run.

It knows literals, names bound to them, arithmetic, tuples, lists and dicts, ``range``
and loops over what it knows, ``if`` on what it knows, functions and classes written in
the pasted code, and the constructors of known layers (``nn.Conv2d``, ``layers.Conv2D``…)
— nothing else. Nothing is imported, no attribute of a real object is looked up, no
``exec``/``eval``: every value is a number, a string, a container of them, or one of the
symbolic objects below (a layer as written, a container, an instance of the user's class,
a symbolic tensor). What the code does not pin down is ``Unknown``, refused only when a
layer's shape needs it. A step budget, a depth limit and a size limit on numbers and
lists bound the work, whatever the input.

A user's ``nn.Module`` is instantiated with its arguments (or defaults) and its
``forward`` is followed with a symbolic tensor: each layer it applies to the chain's
latest tensor extends the chain (an ``Event``); a layer applied to an earlier tensor, or
held in a module named ``downsample``/``shortcut``/``skip``, is a side branch.

>>> result = evaluate("cfg = [8, 'M']\\nlayers = []\\nc = 3\\nfor v in cfg:\\n"
...                   "    if v == 'M':\\n        layers += [nn.MaxPool2d(2)]\\n"
...                   "    else:\\n        layers += [nn.Conv2d(c, v, 3)]\\n        c = v\\n")
>>> [(e.call.name, e.call.args) for e in result.events]
[('Conv2d', [3, 8, 3]), ('MaxPool2d', [2])]
"""

import ast
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.stack.build import StackRefusal, refuse
from app.stack.kinds import HEAD, INPUTS, JOINS, MERGES, SKIPPED, Call, Unknown, known_layer
from app.stack.values import (
    FORBIDDEN,
    FORBIDDEN_MODULES,
    MERGE_FUNCTIONS,
    MODULE_LISTS,
    NAMESPACES,
    PASS_FUNCTIONS,
    PLAIN,
    POOLS,
    TENSORS,
    Bound,
    Builtin,
    Ctor,
    Event,
    Func,
    Function,
    Module,
    Namespace,
    Tensor,
    UserClass,
    as_list,
    class_attr,
    gating_class,
    member,
    module_value,
    plain,
    shortcut_name,
    text_of,
)

MAX_STEPS = 20_000
MAX_DEPTH = 60  # nested expressions and calls
MAX_ITEMS = 10_000  # a list, a tuple, a string, a range
MAX_INT = 2**63


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


@dataclass
class Result:
    events: list[Event]
    input_shape: list[Any] | None  # per example, as stated
    channels_first: bool  # a PyTorch tensor's shape (C, *size); Keras states (*size, C)
    unknown_calls: list[tuple[int, str]]


BIN_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
}  # fmt: skip
COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip


class Evaluator:
    def __init__(self, max_steps: int = MAX_STEPS) -> None:
        self.max_steps, self.steps, self.depth = max_steps, 0, 0
        self.line = 1
        self.globals: dict[str, Any] = {}
        self.scopes: list[dict[str, Any]] = [self.globals]
        self.events: list[Event] = []
        self.created: list[Module] = []
        self.consumed: set[int] = set()
        self.tip: Tensor | None = None
        self.input_shape: list[Any] | None = None
        self.channels_first = False
        self.classes: list[tuple[str, UserClass]] = []
        self.unknown_calls: list[tuple[int, str]] = []
        self.branch_depth = 0  # > 0 while evaluating a shortcut's right-hand side

    # -- refusals, budget -------------------------------------------------------------
    def refuse(self, type: str, **ctx: Any) -> StackRefusal:
        return refuse(["code"], type, line=self.line, **ctx)

    def tick(self, node: ast.AST) -> None:
        self.line = getattr(node, "lineno", self.line)
        self.steps += 1
        if self.steps > self.max_steps:
            raise self.refuse("parse_budget", limit=self.max_steps)

    def charged(self, value: Any) -> Any:
        """A list or string built at once costs steps by its size (``[0] * 9999``)."""
        if isinstance(value, str | tuple | list):
            self.steps += len(value) // 16
            if self.steps > self.max_steps:
                raise self.refuse("parse_budget", limit=self.max_steps)
        return value

    def sized(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and abs(value) > MAX_INT:
            raise self.refuse("parse_too_big", limit=MAX_ITEMS)
        if isinstance(value, str | tuple | list | dict) and len(value) > MAX_ITEMS:
            raise self.refuse("parse_too_big", limit=MAX_ITEMS)
        return value

    # -- statements ---------------------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        self.tick(node)
        if isinstance(node, ast.Expr):
            self.expr(node.value)
        elif isinstance(node, ast.Assign):
            branch = any(self.names_shortcut(t) for t in node.targets)
            value = self.expr_branch(node.value, branch)
            for target in node.targets:
                self.assign(target, value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                value = self.expr_branch(node.value, self.names_shortcut(node.target))
                self.assign(node.target, value)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(_load(node.target))
            value = self.expr_branch(node.value, self.names_shortcut(node.target))
            self.assign(node.target, self.binary(node.op, current, value))
        elif isinstance(node, ast.If):
            self.run(node.body if self.truth(self.expr(node.test)) else node.orelse)
        elif isinstance(node, ast.For):
            self.loop(node)
        elif isinstance(node, ast.Return):
            raise _Return(None if node.value is None else self.expr(node.value))
        elif isinstance(node, ast.FunctionDef):
            self.scope[node.name] = self.function(node)
        elif isinstance(node, ast.ClassDef):
            self.define_class(node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self.import_(node)
        elif isinstance(node, ast.With | ast.Try):
            self.run(node.body)
        elif isinstance(node, ast.Break):
            raise _Break
        elif isinstance(node, ast.Continue):
            raise _Continue
        elif isinstance(node, ast.Pass | ast.Assert | ast.Delete | ast.Global | ast.Nonlocal
                        | ast.AsyncFunctionDef | ast.Raise):  # fmt: skip
            pass
        else:
            raise self.refuse("parse_statement", what=type(node).__name__.lower())

    @property
    def scope(self) -> dict[str, Any]:
        return self.scopes[-1]

    def names_shortcut(self, target: ast.expr) -> bool:
        name = target.id if isinstance(target, ast.Name) else (
            target.attr if isinstance(target, ast.Attribute) else None)  # fmt: skip
        return shortcut_name(name)

    def expr_branch(self, node: ast.expr, branch: bool) -> Any:
        self.branch_depth += branch
        try:
            return self.expr(node)
        finally:
            self.branch_depth -= branch

    def truth(self, value: Any) -> bool:
        if isinstance(value, Unknown):
            raise self.refuse("parse_unknown_condition", name=value.text)
        if isinstance(value, (*PLAIN, tuple, list, dict)):
            return bool(value)
        return True  # a module, a class, a tensor: present

    def loop(self, node: ast.For) -> None:
        items = self.iterate(self.expr(node.iter))
        for item in items:
            self.tick(node)
            self.assign(node.target, item)
            try:
                self.run(node.body)
            except _Break:
                return
            except _Continue:
                continue
        self.run(node.orelse)

    def iterate(self, value: Any) -> list[Any]:
        if isinstance(value, str | tuple | list):
            return list(value)
        if isinstance(value, dict):
            return list(value)
        if isinstance(value, Module) and value.kind == "seq":
            return list(value.children)
        raise self.refuse("parse_unknown_loop", name=text_of(value))

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            _check_name(self, target.id)
            self.scope[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            if isinstance(value, Unknown):
                items: list[Any] = [value] * len(target.elts)
            elif isinstance(value, tuple | list) and len(value) == len(target.elts):
                items = list(value)
            else:
                raise self.refuse("parse_cannot_read", reason="unpacking")
            for element, item in zip(target.elts, items, strict=True):
                self.assign(element, item)
        elif isinstance(target, ast.Attribute):
            _check_name(self, target.attr)
            owner = self.expr(target.value)
            if isinstance(owner, Module) and owner.kind == "user":
                owner.attrs[target.attr] = value
                if isinstance(value, Module) and value.name is None:
                    value.name = target.attr
            elif isinstance(owner, Unknown) and isinstance(value, Module) and value.name is None:
                value.name = target.attr  # self.conv1 = … outside a class: a name, kept
        elif isinstance(target, ast.Subscript):
            owner = self.expr(target.value)
            key = self.expr(target.slice)
            try:
                if isinstance(owner, list) and isinstance(key, int):
                    owner[key] = value
                elif isinstance(owner, dict) and isinstance(key, PLAIN):
                    owner.update({key: value})
            except (IndexError, TypeError):
                raise self.refuse("parse_cannot_read", reason="an index") from None
        elif isinstance(target, ast.Starred):
            raise self.refuse("parse_cannot_read", reason="*unpacking")

    def import_(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.forbid_module(alias.name)
                if alias.asname:
                    self.globals[alias.asname] = module_value(alias.name)
                else:
                    root = alias.name.split(".")[0]
                    self.globals[root] = module_value(root)
            return
        module = node.module or ""
        self.forbid_module(module)
        for alias in node.names:
            if alias.name == "*":
                continue
            value = member(module_value(module), alias.name)
            self.globals[alias.asname or alias.name] = value

    def forbid_module(self, name: str) -> None:
        if name.split(".")[0] in FORBIDDEN_MODULES:
            raise self.refuse("parse_forbidden", name=name)

    def function(self, node: ast.FunctionDef) -> Function:
        args = node.args
        defaults: dict[str, Any] = {}
        positional = [*args.posonlyargs, *args.args]
        for param, default in zip(positional[len(positional) - len(args.defaults):],
                                  args.defaults, strict=True):  # fmt: skip
            defaults[param.arg] = self.expr(default)
        for param, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                defaults[param.arg] = self.expr(kw_default)
        return Function(node, defaults)

    def define_class(self, node: ast.ClassDef) -> None:
        bases = [b for b in (self.expr(base) for base in node.bases) if isinstance(b, UserClass)]
        attrs: dict[str, Any] = {}
        self.scopes.append(attrs)
        try:
            for statement in node.body:
                self.statement(statement)
        finally:
            self.scopes.pop()
        cls = UserClass(node, attrs, bases)
        self.scope[node.name] = cls
        self.classes.append((node.name, cls))

    # -- expressions --------------------------------------------------------------------
    def expr(self, node: ast.expr) -> Any:
        self.tick(node)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.refuse("parse_nested", limit=MAX_DEPTH)
            return self.sized(self.value_of(node))
        finally:
            self.depth -= 1

    def value_of(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, PLAIN):
                return node.value
            return Unknown("…")
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value), node.attr, node)
        if isinstance(node, ast.Tuple):
            return tuple(self.elements(node.elts))
        if isinstance(node, ast.List):
            return self.elements(node.elts)
        if isinstance(node, ast.Set):
            return self.elements(node.elts)
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    spread = self.expr(value)
                    if isinstance(spread, dict):
                        result.update(spread)
                    continue
                k = self.expr(key)
                result[k if isinstance(k, (*PLAIN, tuple)) else text_of(k)] = self.expr(value)
            return result
        if isinstance(node, ast.BinOp):
            return self.binary(node.op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.UnaryOp):
            return self.unary(node.op, self.expr(node.operand))
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            test = self.expr(node.test)
            if isinstance(test, Unknown):
                return test
            return self.expr(node.body if self.truth(test) else node.orelse)
        if isinstance(node, ast.Subscript):
            return self.subscript(self.expr(node.value), node.slice)
        if isinstance(node, ast.Slice):
            return Unknown("slice")
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return self.comprehension(node.elt, node.generators)
        if isinstance(node, ast.DictComp):
            pairs = self.comprehension(ast.Tuple([node.key, node.value]), node.generators)
            return {k if isinstance(k, PLAIN) else text_of(k): v for k, v in pairs}
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value)
            self.assign(node.target, value)
            return value
        if isinstance(node, ast.Starred):
            raise self.refuse("parse_cannot_read", reason="*unpacking")
        return Unknown(type(node).__name__)  # lambda, f-string, await…: never evaluated

    def elements(self, nodes: list[ast.expr]) -> list[Any]:
        items: list[Any] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                spread = self.expr(element.value)
                if isinstance(spread, Unknown):  # *args: how many is not known
                    items.append(Unknown(f"*{spread.text}"))
                    continue
                if not isinstance(spread, tuple | list):
                    raise self.refuse("parse_cannot_read", reason="*unpacking")
                items.extend(spread)
            else:
                items.append(self.expr(element))
            self.sized(items)
        return items

    def comprehension(self, element: ast.expr, generators: list[ast.comprehension]) -> list[Any]:
        results: list[Any] = []
        self.scopes.append(dict(self.scope) if len(self.scopes) > 1 else {})

        def walk(index: int) -> None:
            if index == len(generators):
                results.append(self.expr(element))
                self.sized(results)
                return
            generator = generators[index]
            for item in self.iterate(self.expr(generator.iter)):
                self.tick(generator.iter)
                self.assign(generator.target, item)
                if all(self.truth(self.expr(test)) for test in generator.ifs):
                    walk(index + 1)

        try:
            walk(0)
        finally:
            self.scopes.pop()
        return results

    def lookup(self, name: str) -> Any:
        if name == "__name__":
            return "__main__"
        _check_name(self, name)
        for scope in (self.scope, self.globals):
            if name in scope:
                return scope[name]
        if name in BUILTINS or name in FORBIDDEN:
            return Builtin(name)
        if known_layer(name) or name in ("Sequential", "ModuleList", "OrderedDict"):
            return Ctor(name) if name != "OrderedDict" else Builtin("dict")
        if name in NAMESPACES.values():
            return Namespace(name)
        return Unknown(name)

    def attribute(self, owner: Any, name: str, node: ast.Attribute) -> Any:
        _check_name(self, name)
        if isinstance(owner, Namespace):
            return member(owner, name)
        if isinstance(owner, Module):
            if owner.kind == "user":
                if name in owner.attrs:
                    return owner.attrs[name]
                found = class_attr(owner.cls, name) if owner.cls else None
                if isinstance(found, Function):
                    return Function(found.node, found.defaults, owner)
                if found is not None:
                    return found
            return Bound(owner, name)
        if isinstance(owner, UserClass):
            found = class_attr(owner, name)
            return found if found is not None else Unknown(f"{owner.node.name}.{name}")
        if isinstance(owner, Tensor):
            return Bound(owner, name)
        if isinstance(owner, list) and name in ("append", "extend", "insert"):
            return Bound(owner, name)
        if isinstance(owner, dict) and name in ("items", "keys", "values", "get"):
            return Bound(owner, name)
        if isinstance(owner, Unknown):
            return Unknown(f"{owner.text}.{name}")
        if isinstance(owner, Builtin) and owner.name == "super":
            return Bound(owner, name)
        raise self.refuse("parse_attribute", name=text_of(owner), attribute=name)

    def subscript(self, owner: Any, index_node: ast.expr) -> Any:
        if isinstance(index_node, ast.Slice):
            parts = [None if p is None else self.expr(p)
                     for p in (index_node.lower, index_node.upper, index_node.step)]  # fmt: skip
            if isinstance(owner, str | tuple | list) and all(
                p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts
            ):
                if parts[2] == 0:
                    raise self.refuse("parse_cannot_read", reason="a slice step of 0")
                return owner[slice(*parts)]
            if isinstance(owner, Module) and owner.kind == "seq":
                return owner
            return Unknown("slice")
        index = self.expr(index_node)
        if isinstance(owner, Module) and owner.kind == "seq":
            owner = owner.children
        if isinstance(owner, str | tuple | list) and isinstance(index, int):
            try:
                return owner[index]
            except IndexError:  # params[0] of a list the reader leaves empty
                return Unknown(f"{text_of(owner)}[{index}]")
        if isinstance(owner, dict) and isinstance(index, (*PLAIN, tuple)):
            if index in owner:
                return owner[index]
            raise self.refuse("parse_cannot_read", reason=f"no key {index!r}")
        return Unknown(f"{text_of(owner)}[…]")

    def binary(self, op: ast.operator, left: Any, right: Any) -> Any:
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            tensors = [v for v in (left, right) if isinstance(v, Tensor)]
            return self.merge(tensors)
        if not (plain(left) and plain(right)):
            return Unknown(f"{text_of(left)} {type(op).__name__} {text_of(right)}")
        self.guard(op, left, right)
        try:
            return self.charged(self.sized(BIN_OPS[type(op)](left, right)))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            raise self.refuse("parse_cannot_read", reason=str(exc)[:80]) from None

    def guard(self, op: ast.operator, left: Any, right: Any) -> None:
        """Refuse what would be slow or huge before it is computed."""
        number = (int, float)
        if (isinstance(op, ast.Pow) and isinstance(left, number) and isinstance(right, number)
                and abs(right) > 64 and abs(left) not in (0, 1)):  # fmt: skip
            raise self.refuse("parse_too_big", limit=MAX_ITEMS)
        if isinstance(op, ast.LShift) and isinstance(right, int) and right > 64:
            raise self.refuse("parse_too_big", limit=MAX_ITEMS)
        if isinstance(op, ast.Mult):
            for seq, count in ((left, right), (right, left)):
                if (isinstance(seq, str | tuple | list) and isinstance(count, int)
                        and len(seq) * max(count, 0) > MAX_ITEMS):  # fmt: skip
                    raise self.refuse("parse_too_big", limit=MAX_ITEMS)
        if isinstance(op, ast.Mod) and isinstance(left, str):
            raise self.refuse("parse_cannot_read", reason="string formatting")

    def unary(self, op: ast.unaryop, value: Any) -> Any:
        if isinstance(op, ast.Not):
            if isinstance(value, Unknown):
                return value
            return not self.truth(value)
        if isinstance(value, Tensor):
            return value
        if not isinstance(value, int | float):
            return Unknown(text_of(value))
        if isinstance(op, ast.USub):
            return -value
        if isinstance(op, ast.UAdd):
            return +value
        if isinstance(op, ast.Invert) and isinstance(value, int):
            return ~value
        return Unknown(text_of(value))

    def boolean(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.expr(operand)
            if isinstance(value, Unknown):
                return value
            if isinstance(node.op, ast.And) != self.truth(value):
                return value
        return value

    def compare(self, node: ast.Compare) -> Any:
        left = self.expr(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.expr(right_node)
            if isinstance(op, ast.Is | ast.IsNot):
                if isinstance(left, Unknown) or isinstance(right, Unknown):
                    return Unknown("is")
                result = (left is right) if isinstance(op, ast.Is) else (left is not right)
            elif plain(left) and (plain(right) or isinstance(right, dict)):
                try:
                    result = COMPARE[type(op)](left, right)
                except TypeError as exc:
                    raise self.refuse("parse_cannot_read", reason=str(exc)[:80]) from None
            else:
                return Unknown("comparison")
            if not result:
                return False
            left = right
        return True

    # -- calls ----------------------------------------------------------------------------
    def call(self, node: ast.Call) -> Any:
        func_node = node.func
        if (isinstance(func_node, ast.Attribute) and func_node.attr == "__init__"
                and isinstance(func_node.value, ast.Call)
                and isinstance(func_node.value.func, ast.Name)
                and func_node.value.func.id == "super"):  # fmt: skip
            return None  # super().__init__(…): nothing to read
        func = self.expr(func_node)
        line = node.lineno
        args = self.elements(node.args)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.expr(keyword.value)
            if keyword.arg is None:
                if not isinstance(value, dict):
                    raise self.refuse("parse_cannot_read", reason="**keywords")
                kwargs.update({str(k): v for k, v in value.items()})
            else:
                kwargs[keyword.arg] = value
        self.line = line
        return self.invoke(func, args, kwargs, line, func_node)

    def invoke(self, func: Any, args: list[Any], kwargs: dict[str, Any], line: int,
               func_node: ast.expr | None = None) -> Any:  # fmt: skip
        if isinstance(func, Ctor):
            return self.construct(func.name, args, kwargs, line)
        if isinstance(func, UserClass):
            return self.instantiate(func, args, kwargs, line)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs)
        if isinstance(func, Module):
            return self.apply(func, args[0] if args else Unknown("input"), line, args[1:])
        if isinstance(func, Func):
            return self.functional(func.name, args, kwargs, line)
        if isinstance(func, Builtin):
            return self.builtin(func.name, args, kwargs)
        if isinstance(func, Bound):
            return self.method(func, args, kwargs, line)
        if isinstance(func, Unknown):
            if any(isinstance(a, Tensor) for a in args):
                raise self.refuse("parse_unknown_module", name=func.text)
            self.unknown_calls.append((line, func.text))
            return Unknown(f"{func.text}(…)")
        raise self.refuse("parse_cannot_read", reason=f"calling {text_of(func)}")

    def construct(self, name: str, args: list[Any], kwargs: dict[str, Any], line: int) -> Any:
        if name in ("Sequential", "ModuleList", "ModuleDict", "Model", "Functional"):
            return self.container(args, kwargs, line)
        call = Call(name, line, args, {k: v for k, v in kwargs.items() if k != "name"})
        if name in INPUTS:
            return self.input_tensor(call)
        module = Module("leaf", line, call=call)
        if isinstance(kwargs.get("name"), str):
            module.name = kwargs["name"]
        self.created.append(module)
        return module

    def container(self, args: list[Any], kwargs: dict[str, Any], line: int) -> Module:
        module = Module("seq", line)
        items: list[Any] = []
        if len(args) == 1 and isinstance(args[0], list | tuple | dict):
            items = list(args[0].items()) if isinstance(args[0], dict) else list(args[0])
        elif "layers" in kwargs and isinstance(kwargs["layers"], list | tuple):
            items = list(kwargs["layers"])
        elif args and all(isinstance(a, Module | Tensor) for a in args):
            items = list(args)
        for item in items:
            name = None
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                name, item = item
            if isinstance(item, Tensor):  # keras.Input inside a Sequential
                continue
            if isinstance(item, Module):
                if name is not None and item.name is None:
                    item.name = name
                module.children.append(item)
                self.consumed.add(id(item))
        self.created.append(module)
        return module

    def input_tensor(self, call: Call) -> Tensor:
        from app.stack.kinds import input_shape

        tensor = Tensor(shape=input_shape(call))
        if self.input_shape is None and tensor.shape is not None:
            self.input_shape, self.channels_first = tensor.shape, False
        if self.tip is None:
            self.tip = tensor
        return tensor

    def instantiate(self, cls: UserClass, args: list[Any], kwargs: dict[str, Any],
                    line: int) -> Module:  # fmt: skip
        instance = Module("user", line, cls=cls)
        first = len(self.created)
        init = class_attr(cls, "__init__")
        if isinstance(init, Function):
            self.line = line
            self.call_function(
                Function(init.node, init.defaults, instance), args, kwargs, cls.node.name
            )
        for owned in self.created[first:]:
            self.consumed.add(id(owned))
        self.created.append(instance)
        return instance

    def call_function(
        self, func: Function, args: list[Any], kwargs: dict[str, Any], name: str | None = None
    ) -> Any:
        node = func.node
        if len(self.scopes) > MAX_DEPTH // 3:
            raise self.refuse("parse_nested", limit=MAX_DEPTH // 3)
        local: dict[str, Any] = {}
        params = [*node.args.posonlyargs, *node.args.args]
        if func.self_value is not None:
            args = [func.self_value, *args]
        for param, value in zip(params, args, strict=False):
            local[param.arg] = value
        extra = args[len(params) :]
        if node.args.vararg is not None:
            local[node.args.vararg.arg] = tuple(extra)
        elif extra:
            raise self.refuse("parse_cannot_read",
                              reason=f"{node.name}() takes {len(params)} arguments")  # fmt: skip
        leftover: dict[str, Any] = {}
        names = {p.arg for p in [*params, *node.args.kwonlyargs]}
        for key, value in kwargs.items():
            if key in names:
                local[key] = value
            else:
                leftover[key] = value
        if node.args.kwarg is not None:
            local[node.args.kwarg.arg] = leftover
        for param in [*params, *node.args.kwonlyargs]:
            if param.arg not in local:
                if param.arg in func.defaults:
                    local[param.arg] = func.defaults[param.arg]
                else:
                    raise self.refuse("parse_class_arguments", name=name or node.name,
                                      argument=param.arg)  # fmt: skip
        self.scopes.append(local)
        try:
            self.run(node.body)
        except _Return as returned:
            return returned.value
        finally:
            self.scopes.pop()
        return None

    def builtin(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if name in FORBIDDEN:
            raise self.refuse("parse_forbidden", name=name)
        if name in ("print", "isinstance", "super", "hasattr", "callable", "id", "hash"):
            return Unknown(name) if name != "print" else None
        if name == "cast":
            return args[1] if len(args) == 2 else Unknown("cast")
        if any(isinstance(a, Unknown) for a in args):
            return Unknown(f"{name}(…)")
        literal = all(plain(a) or isinstance(a, dict) for a in args)
        try:
            if name == "range":
                if not all(isinstance(a, int) for a in args) or not 1 <= len(args) <= 3:
                    raise self.refuse("parse_cannot_read", reason="range of non-integers")
                if len(range(*args)) > MAX_ITEMS:
                    raise self.refuse("parse_too_big", limit=MAX_ITEMS)
                return self.charged(list(range(*args)))
            if name == "len":
                if isinstance(args[0], Module):
                    return len(args[0].children)
                return len(args[0])
            if name in ("list", "tuple", "set", "sorted", "reversed"):
                items = self.iterate(args[0]) if args else []
                if name == "sorted" and literal:
                    items = sorted(items)
                if name == "reversed":
                    items = items[::-1]
                return tuple(items) if name == "tuple" else items
            if name == "dict":
                if args and isinstance(args[0], dict):
                    return {**args[0], **kwargs}
                if args:
                    return {k: v for k, v in self.iterate(args[0])}
                return dict(kwargs)
            if name == "enumerate":
                start = args[1] if len(args) > 1 else kwargs.get("start", 0)
                return [(start + i, v) for i, v in enumerate(self.iterate(args[0]))]
            if name == "zip":
                return [tuple(t) for t in zip(*(self.iterate(a) for a in args), strict=False)]
            if not literal:
                return Unknown(f"{name}(…)")
            return self.sized(PURE[name](*args))
        except StackRefusal:
            raise
        except (TypeError, ValueError, IndexError, OverflowError, ZeroDivisionError) as exc:
            raise self.refuse("parse_cannot_read", reason=str(exc)[:80]) from None

    def method(self, bound: Bound, args: list[Any], kwargs: dict[str, Any], line: int) -> Any:
        target, name = bound.target, bound.name
        if isinstance(target, list):
            if name == "append" and len(args) == 1:
                target.append(args[0])
            elif name == "extend" and len(args) == 1:
                target.extend(self.iterate(args[0]))
            elif name == "insert" and len(args) == 2 and isinstance(args[0], int):
                target.insert(args[0], args[1])
            self.sized(target)
            return None
        if isinstance(target, dict):
            if name == "items":
                return list(target.items())
            if name == "keys":
                return list(target)
            if name == "values":
                return list(target.values())
            return target.get(args[0], args[1] if len(args) > 1 else None) if args else None
        if isinstance(target, Tensor):
            return self.tensor_method(target, name, line)
        if isinstance(target, Module):
            if name in MODULE_LISTS:
                return []
            if name in ("add", "append") and target.kind == "seq" and args:
                if isinstance(args[0], Module):
                    target.children.append(args[0])
                    self.consumed.add(id(args[0]))
                return None
            if name in ("add_module", "register_module") and len(args) == 2:
                if isinstance(args[1], Module) and isinstance(args[0], str):
                    target.attrs[args[0]] = args[1]
                    args[1].name = args[1].name or args[0]
                return None
            if name in ("to", "cuda", "cpu", "eval", "train", "float", "double", "half"):
                return target
            return Unknown(name)
        return Unknown(name)

    # -- the symbolic tensor ------------------------------------------------------------
    def start(self, value: Any) -> Tensor:
        if isinstance(value, Tensor):
            return value
        if self.tip is None:
            self.tip = Tensor()
        return self.tip

    def is_branch(self, tensor: Tensor, module: Module | None = None) -> bool:
        return (
            self.branch_depth > 0
            or tensor.branch
            or (self.tip is not None and tensor is not self.tip)
            or (module is not None and shortcut_name(module.name))
        )

    def emit(self, call: Call, tensor: Tensor, module: Module | None = None) -> Tensor:
        """One layer applied to ``tensor``: on the chain, or on a side branch."""
        branch = self.is_branch(tensor, module)
        self.events.append(Event(call, branch))
        if branch:
            return Tensor(branch=True)
        if call.name in SKIPPED:
            return tensor
        self.tip = Tensor()
        return self.tip

    def apply(self, module: Module, value: Any, line: int, more: list[Any] | None = None) -> Any:
        self.consumed.add(id(module))
        if module.kind == "leaf" and module.call is not None:
            name = module.call.name
            if name in MERGES:
                return self.merge([v for v in as_list(value) if isinstance(v, Tensor)])
            if name in JOINS:
                return self.join(name, value, line)
        tensor = self.start(value)
        if tensor.shape is not None and self.input_shape is None and not tensor.branch:
            self.input_shape, self.channels_first = tensor.shape, True
        if module.kind == "leaf" and module.call is not None:
            return self.emit(module.call, tensor, module)
        shortcut = (
            shortcut_name(module.name)
            or (self.tip is not None and tensor is not self.tip)
            or (module.cls is not None and gating_class(module.cls.node.name))
        )
        self.branch_depth += shortcut
        try:
            if module.kind == "seq":
                result: Any = tensor
                for child in module.children:
                    result = self.apply(child, result, line)
                return result
            forward = class_attr(module.cls, "forward") or class_attr(module.cls, "call")
            if isinstance(forward, Function):
                return self.call_function(Function(forward.node, forward.defaults, module),
                                          [tensor, *(more or [])], {})  # fmt: skip
            result = tensor
            for child in module.attrs.values():
                if isinstance(child, Module):
                    result = self.apply(child, result, line)
            return result
        finally:
            self.branch_depth -= shortcut

    def merge(self, tensors: list[Tensor]) -> Tensor:
        """``x + identity``, ``layers.Add()``: the main chain goes on."""
        for tensor in tensors:
            if tensor is self.tip:
                return tensor
        return tensors[0] if tensors else Tensor(branch=True)

    def join(self, name: str, value: Any, line: int) -> Any:
        tensors = [v for v in as_list(value) if isinstance(v, Tensor | Unknown)]
        if len({id(t) for t in tensors}) > 1:
            self.line = line
            raise self.refuse("parse_branches_join", name=name)
        return tensors[0] if tensors else Unknown(name)

    def functional(self, name: str, args: list[Any], kwargs: dict[str, Any], line: int) -> Any:
        if name in TENSORS:
            shape = args[0] if len(args) == 1 and isinstance(args[0], tuple | list) else args
            if shape and all(isinstance(s, int) and not isinstance(s, bool) for s in shape):
                tensor = Tensor(shape=list(shape)[1:])
                if self.tip is None:
                    self.tip = tensor
                return tensor
            return Unknown(name)
        if name in JOINS:
            return self.join(name, args[0] if args else Unknown(name), line)
        if name in MERGE_FUNCTIONS:
            return self.merge([a for arg in args for a in as_list(arg) if isinstance(a, Tensor)])
        if not args or not isinstance(args[0], Tensor):
            return Unknown(name)
        tensor = args[0]
        if name in POOLS:
            layer, params = POOLS[name]
            if len(args) - 1 > len(params):  # as PyTorch's TypeError, by name
                raise self.refuse("parse_too_many_arguments", name=f"F.{name}",
                                  limit=len(params), value=len(args) - 1)  # fmt: skip
            bound = dict(zip(params, args[1:], strict=False))
            if not plain(bound.get("kernel_size", kwargs.get("kernel_size"))):
                # F.avg_pool1d(x, x.shape[-1]): a window as large as the input, a global pool
                return self.emit(Call(f"global_{name}", line), tensor)
            call = Call(layer, line, [], {**bound, **kwargs})
            return self.emit(call, tensor)
        if name in PASS_FUNCTIONS:  # F.relu(x): shape-preserving, nothing to list
            return tensor
        if name in HEAD:
            return self.emit(Call(name, line), tensor)
        raise self.refuse("parse_unsupported_function", name=name)

    def tensor_method(self, tensor: Tensor, name: str, line: int) -> Any:
        if name in HEAD:
            return self.emit(Call(name, line), tensor)
        if name in ("size", "dim", "numel", "shape", "item", "tolist"):
            return Unknown(name)
        return tensor


PURE: dict[str, Callable[..., Any]] = {
    "int": int, "float": float, "bool": bool, "str": str, "min": min, "max": max, "abs": abs,
    "sum": sum, "round": round, "divmod": divmod,
}  # fmt: skip
BUILTINS = frozenset(("range", "len", "list", "tuple", "set", "dict", "sorted", "reversed",
                      "enumerate", "zip", "print", "isinstance", "super", "hasattr", "callable",
                      "id", "hash", "cast", *PURE))  # fmt: skip


def _check_name(evaluator: Evaluator, name: str) -> None:
    if name.startswith("__"):
        raise evaluator.refuse("parse_forbidden", name=name)


def _load(target: ast.expr) -> ast.expr:
    """The target of ``x += …`` read as a value."""
    copy = ast.fix_missing_locations(ast.copy_location(type(target)(**{
        f: getattr(target, f) for f in target._fields}), target))  # fmt: skip
    copy.ctx = ast.Load()  # type: ignore[attr-defined]
    return copy


def _is_module_class(cls: UserClass) -> bool:
    return any(isinstance(class_attr(cls, m), Function) for m in ("forward", "call"))


def roots(evaluator: Evaluator) -> Iterator[Module]:
    """Modules built and never used by another: the model(s), in the order written."""
    for module in evaluator.created:
        if id(module) not in evaluator.consumed:
            yield module


def evaluate(code: str, tree: ast.Module | None = None, max_steps: int = MAX_STEPS) -> Result:
    """Read ``code`` (already parsed as ``tree``); the layers met on the way, in order."""
    evaluator = Evaluator(max_steps)
    tree = tree if tree is not None else ast.parse(code)
    try:
        evaluator.run(tree.body)
        pending = list(roots(evaluator))
        if not pending and not evaluator.events:
            pending = _default_instance(evaluator)
        for module in pending:
            if id(module) not in evaluator.consumed:
                evaluator.line = module.line
                evaluator.apply(module, evaluator.start(None), module.line)
    except (_Return, _Break, _Continue):
        raise evaluator.refuse("parse_statement", what="return") from None
    except RecursionError:
        raise evaluator.refuse("parse_nested", limit=MAX_DEPTH) from None
    return Result(evaluator.events, evaluator.input_shape, evaluator.channels_first,
                  evaluator.unknown_calls)  # fmt: skip


def _default_instance(evaluator: Evaluator) -> list[Module]:
    """Classes defined but never built: build the outermost one with its defaults."""
    used: set[str] = set()
    for _, cls in evaluator.classes:
        for node in ast.walk(cls.node):
            if isinstance(node, ast.Name):
                used.add(node.id)
    models = [(n, c) for n, c in evaluator.classes if _is_module_class(c) and n not in used]
    if not models:
        return []
    cls = models[-1][1]
    evaluator.line = cls.node.lineno
    return [evaluator.instantiate(cls, [], {}, cls.node.lineno)]
