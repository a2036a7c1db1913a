"""The values the stack evaluator works with: nothing but data, never a live object.

A number, a string or a container of them is itself; everything else the pasted code can
name is one of the small records below: a framework namespace (``nn``, ``layers``), a
layer constructor (``Ctor``), a functional form (``Func``), a module as written
(``Module``: a layer's ``Call``, a container's children, or an instance of the user's
class with its attributes), the user's classes and functions (their syntax trees), a
symbolic ``Tensor``. Attribute lookups go through these tables, never ``getattr``.

>>> member(Namespace("torch"), "nn"), member(Namespace("nn"), "Conv2d")
(Namespace(path='nn'), Ctor(name='Conv2d'))
>>> member(Namespace("F"), "max_pool2d"), member(Namespace("F"), "interpolate")
(Func(name='max_pool2d'), Unknown(text='F.interpolate'))
"""

import ast
from dataclasses import dataclass, field
from typing import Any

from app.stack.kinds import HEAD, JOINS, Call, Unknown

SHORTCUTS = ("downsample", "shortcut", "skip")
GATES = ("SqueezeExcitation", "SqueezeExcite", "SEModule", "SELayer", "SEBlock")
FORBIDDEN = frozenset((
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "globals", "locals",
    "vars", "input", "breakpoint", "exit", "quit", "memoryview", "dir", "help", "type",
    "object", "classmethod", "staticmethod", "property",
))  # fmt: skip
FORBIDDEN_MODULES = frozenset((
    "os", "sys", "subprocess", "shutil", "socket", "importlib", "ctypes", "builtins", "pickle",
    "pathlib", "io", "urllib", "requests", "http", "multiprocessing", "threading", "signal",
    "code", "runpy", "marshal", "tempfile", "glob", "asyncio", "inspect", "gc",
))  # fmt: skip
# Framework modules by the names code imports them as (``import torch.nn as nn``…).
NAMESPACES = {
    "torch": "torch", "torch.nn": "nn", "torch.nn.functional": "F", "keras": "keras",
    "tensorflow": "tf", "tensorflow.keras": "keras", "tf.keras": "keras",
    "keras.layers": "layers", "tensorflow.keras.layers": "layers", "tf.keras.layers": "layers",
    "torch.nn.modules": "nn", "keras.models": "keras", "tensorflow.keras.models": "keras",
}  # fmt: skip
SUBSPACES = {("torch", "nn"): "nn", ("nn", "functional"): "F", ("torch", "functional"): "F",
             ("tf", "keras"): "keras", ("keras", "layers"): "layers",
             ("keras", "models"): "keras"}  # fmt: skip
# Functional forms, with their parameters after the tensor (as torch.nn.functional has them).
POOLS = {
    **{f"max_pool{n}d": (f"MaxPool{n}d", ("kernel_size", "stride", "padding", "dilation",
                                          "ceil_mode", "return_indices")) for n in (1, 2, 3)},
    **{f"avg_pool{n}d": (f"AvgPool{n}d", ("kernel_size", "stride", "padding", "ceil_mode",
                                          "count_include_pad", "divisor_override")[:5 + (n > 1)])
       for n in (1, 2, 3)},  # avg_pool1d has no divisor_override
}  # fmt: skip
PASS_FUNCTIONS = frozenset((
    "relu", "relu_", "relu6", "leaky_relu", "gelu", "silu", "sigmoid", "tanh", "elu", "selu",
    "celu", "softmax", "log_softmax", "dropout", "dropout1d", "dropout2d", "dropout3d",
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "hardswish", "hardsigmoid",
    "mish", "softplus", "normalize", "hardtanh", "prelu", "local_response_norm",
))  # fmt: skip
MERGE_FUNCTIONS = frozenset(("add", "mul", "sub", "multiply", "subtract", "average", "maximum"))
TENSORS = frozenset(("randn", "zeros", "ones", "rand", "empty", "full"))
MODULE_LISTS = frozenset(("modules", "children", "parameters", "named_modules", "named_children",
                          "named_parameters", "buffers", "named_buffers"))  # fmt: skip


@dataclass
class Event:
    """A layer applied on the way through the model: on the main chain or a side branch."""

    call: Call
    branch: bool


@dataclass(eq=False)
class Tensor:
    """A symbolic tensor: nothing but where it stands (``branch``) and a stated shape."""

    shape: list[Any] | None = None
    branch: bool = False


@dataclass(frozen=True)
class Namespace:
    path: str  # "torch", "nn", "F", "keras", "layers", "tf"


@dataclass(frozen=True)
class Ctor:
    """A capitalised name of a framework (``nn.Conv2d``): calling it builds a module."""

    name: str


@dataclass(frozen=True)
class Func:
    """A lower-case framework function (``F.max_pool2d``, ``torch.flatten``)."""

    name: str


@dataclass(frozen=True)
class Builtin:
    name: str


@dataclass(eq=False)
class Module:
    """A layer as written (``call``), a container (``children``) or a user's instance."""

    kind: str  # "leaf", "seq", "user"
    line: int
    call: Call | None = None
    children: list["Module"] = field(default_factory=list)
    cls: "UserClass | None" = None
    attrs: dict[str, Any] = field(default_factory=dict)
    name: str | None = None


@dataclass(eq=False)
class UserClass:
    node: ast.ClassDef
    attrs: dict[str, Any]
    bases: list["UserClass"]


@dataclass(eq=False)
class Function:
    node: ast.FunctionDef
    defaults: dict[str, Any]
    self_value: Any = None


@dataclass(frozen=True)
class Bound:
    """A method of a value the evaluator owns (a list's ``append``, a tensor's ``view``)."""

    target: Any
    name: str


PLAIN = (int, float, str, bool, type(None))


def plain(value: Any) -> bool:
    """A literal value (or a container of them): what arithmetic may touch."""
    if isinstance(value, PLAIN):
        return True
    if isinstance(value, tuple | list):
        return all(plain(v) for v in value)
    return False


def shortcut_name(name: str | None) -> bool:
    return name is not None and any(s in name.lower() for s in SHORTCUTS)


def gating_class(name: str | None) -> bool:
    """Squeeze-and-excitation blocks pool to 1×1 and scale the main tensor: a side branch."""
    return name is not None and any(s in name for s in GATES)


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, tuple | list) else [value]


def text_of(value: Any) -> str:
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, Module):
        return value.name or (value.call.name if value.call else "module")
    if isinstance(value, PLAIN):
        return repr(value)[:40]
    return type(value).__name__.lower()


def module_value(path: str) -> Any:
    if path in NAMESPACES:
        return Namespace(NAMESPACES[path])
    if path in ("typing", "collections"):
        return Namespace(path)
    return Unknown(path)


def member(owner: Any, name: str) -> Any:
    """``nn.Conv2d``, ``torch.nn``, ``F.max_pool2d``, ``from typing import cast``…"""
    if isinstance(owner, Unknown):
        return Unknown(f"{owner.text}.{name}")
    path = owner.path
    if (path, name) in SUBSPACES:
        return Namespace(SUBSPACES[(path, name)])
    if path in ("typing", "collections"):
        if name == "OrderedDict":
            return Builtin("dict")
        return Builtin("cast") if name == "cast" else Unknown(name)
    if name in ("Sequential", "ModuleList", "ModuleDict", "Model", "Functional"):
        return Ctor(name)
    if name[:1].isupper():
        if name in ("Module", "Layer"):
            return Unknown(f"{path}.{name}")
        return Ctor(name)
    if (
        name in JOINS
        or name in TENSORS
        or name in POOLS
        or name in PASS_FUNCTIONS
        or (name in HEAD or name in MERGE_FUNCTIONS)
    ):
        return Func(name)
    return Unknown(f"{path}.{name}")


def class_attr(cls: UserClass | None, name: str) -> Any:
    if cls is None:
        return None
    if name in cls.attrs:
        return cls.attrs[name]
    for base in cls.bases:
        found = class_attr(base, name)
        if found is not None:
            return found
    return None
