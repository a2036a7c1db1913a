"""``convscope.stack``: any ``nn.Module``'s convolutions and pools, as the stack explorer
reads a stack: shapes, params, multiply-adds and receptive fields per layer.

The model runs once on PyTorch's ``meta`` device (``torch.func.functional_call`` with meta
copies of its parameters and buffers: no memory, no arithmetic, the model untouched), with a
forward hook on every leaf module. Each convolution and pool is resolved by the stack's own
maths (``app.arithmetic.stack``: ``layer_config`` and ``next_field``) on the input it really
received, so branches and shortcuts (``layer2.0.downsample.0``) get their own receptive field:
a tensor's field follows it through the modules that keep its size (batch norm, ReLU, an
in-place ``+=``), and a layer whose input came from elsewhere takes the field of the last
tensor of that shape. PyTorch's own output shape is checked against ours for every layer.
"""

import html
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from app.arithmetic.errors import ConfigError
from app.arithmetic.stack import Field, LayerSpec, StackLayer, layer_config, next_field
from app.i18n.messages import LANGUAGE, t
from app.notebook.diagram import Diagram, show
from app.notebook.errors import ConvScopeError, refusal
from app.notebook.layers import torch_fields
from app.offline.stack_page import StackPage, stack_page
from app.stack.build import StackRefusal
from app.stack.link import layer_token
from app.stack.schemas import StackLayerRequest, StackRequest

FRAME_HEIGHT = 900  # the frame grows to the page where the notebook lets it (stack/offline.js)


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _spec(module: Any) -> LayerSpec:
    """The module as the stack's ``LayerSpec`` (shapes only, no weights)."""
    fields = torch_fields(module)
    pooling = fields.get("op", "conv") != "conv"
    return LayerSpec(
        kernel_size=fields["kernel_size"],
        stride=fields["stride"],
        padding=fields["padding"],
        dilation=fields.get("dilation", 1),
        groups=1 if pooling else fields["groups"],
        out_channels=None if pooling else fields["out_channels"],
        transposed=fields.get("transposed", False),
        output_padding=fields.get("output_padding"),
        bias=not pooling and module.bias is not None,
        op=fields.get("op", "conv"),
        ceil_mode=fields.get("ceil_mode", False),
    )


@dataclass
class StackEntry:
    """One convolution or pool as it ran: its module and what the stack explorer gives."""

    name: str
    module: Any  # None for a functional call (F.conv2d in a forward)
    layer: StackLayer
    source: int | None = None  # the entry whose output it reads (None: the model's input)

    def as_dict(self) -> dict[str, Any]:
        config, spec = self.layer.config, self.layer.spec
        return {
            "name": self.name,
            "op": spec.op,
            "transposed": config.transposed,
            "in_channels": config.in_channels,
            "input_size": list(config.input_size),
            "kernel_size": list(config.kernel_size),
            "stride": list(config.stride),
            "padding": [list(p) for p in config.padding],
            "dilation": list(config.dilation),
            "groups": config.groups if spec.op == "conv" else 1,
            "output_size": list(config.output_size),
            "out_channels": config.out_channels,
            "params": self.layer.params,
            "macs": self.layer.macs,
            "receptive_field": [_number(f.receptive_field) for f in self.layer.fields],
            "jump": [_number(f.jump) for f in self.layer.fields],
            "start": [_number(f.start) for f in self.layer.fields],
        }


class Stack:
    """A model's convolutions and pools in the order they run: ``.layers`` (dicts with
    ``name``, ``in_channels``, ``input_size`` and ``/api/stack``'s fields), ``.total``,
    ``_repr_html_`` (the table) and ``.show(name)`` (one layer's diagram)."""

    def __init__(
        self, input_size: Sequence[int], entries: list[StackEntry], lang: str = LANGUAGE
    ) -> None:
        self.input_size = list(input_size)
        self.lang = lang
        self._page: StackPage | None = None
        self.entries = entries
        self.layers = [entry.as_dict() for entry in entries]
        self.total = {
            "params": sum(layer["params"] for layer in self.layers),
            "macs": sum(layer["macs"] for layer in self.layers),
        }

    def chain(self) -> list[StackEntry]:
        """The main path: from the last layer back through the outputs each one read, to the
        input (a ResNet's convolutions without its shortcuts, as the stack page reads one)."""
        path: list[StackEntry] = []
        index = len(self.entries) - 1 if self.entries else None
        while index is not None:
            path.append(self.entries[index])
            index = self.entries[index].source
        return path[::-1]

    @property
    def query(self) -> str:
        """The stack page's share query of the main path (``/stack?<query>`` on a server):
        ``input_size=64,64&in_channels=3&layer=conv,c8,k7,s2,p3&…``."""
        parts = [f"input_size={','.join(map(str, self.input_size[1:]))}",
                 f"in_channels={self.input_size[0]}"]  # fmt: skip
        parts += [f"layer={layer_token(entry.layer)}" for entry in self.chain()]
        return "&".join(parts)

    def show(self, name: str, **options: Any) -> Diagram:
        """The one-layer diagram of the layer called ``name`` (on the input it received)."""
        entry = next((e for e in self.entries if e.name == name), None)
        if entry is None:
            raise refusal(ConfigError("name", "not_a_choice", value=name,
                                      choices=", ".join(e.name for e in self.entries)))  # fmt: skip
        config, spec = entry.layer.config, entry.layer.spec
        if entry.module is not None:
            return show(entry.module, input_size=list(config.input_size), **options)
        # a functional call (F.conv2d…): its fields as it was called
        fields: dict[str, Any] = {
            "op": spec.op, "kernel_size": list(config.kernel_size), "stride": list(config.stride),
            "padding": spec.padding if isinstance(spec.padding, str)
            else [list(pair) for pair in config.padding],
            "dilation": list(config.dilation), "ceil_mode": spec.ceil_mode,
        }  # fmt: skip
        if spec.op == "conv":
            fields.update(in_channels=config.in_channels, out_channels=config.out_channels,
                          groups=config.groups, transposed=config.transposed)  # fmt: skip
            if config.transposed:
                fields["output_padding"] = list(config.output_padding)
        return show(input_size=list(config.input_size), **fields, **options)

    def request(self) -> StackRequest:
        """The main path as the body of ``POST /api/stack`` (what the stack page shows)."""
        layers = []
        for entry in self.chain():
            spec, config = entry.layer.spec, entry.layer.config
            pooling = spec.op != "conv"
            padding: Any = spec.padding if isinstance(spec.padding, str) else [
                list(pair) for pair in config.padding]  # fmt: skip
            layers.append(StackLayerRequest(
                op=spec.op, transposed=config.transposed, kernel_size=list(config.kernel_size),
                stride=list(config.stride), padding=padding, dilation=list(config.dilation),
                output_padding=list(config.output_padding) if config.transposed else None,
                groups=1 if pooling else config.groups,
                out_channels=None if pooling else config.out_channels,
                bias=spec.bias and not pooling, ceil_mode=spec.ceil_mode,
            ))  # fmt: skip
        return StackRequest(input_size=self.input_size[1:], in_channels=self.input_size[0],
                            layers=layers)  # fmt: skip

    def page(self, lang: str | None = None) -> StackPage:
        """The offline stack explorer of the main path (``app.offline.stack_page``), its
        layers labelled with their module names; ``StackRefusal`` above the stack limits."""
        names = [entry.name for entry in self.chain()]
        return stack_page(self.request(), names=names, lang=lang or self.lang)

    @property
    def html(self) -> str:
        """The offline stack page's text (``.save(path)`` writes it)."""
        if self._page is None:
            self._page = self.page()
        return self._page.html

    def save(self, path: str | Path) -> Path:
        """Write the offline stack page; a folder gets its name
        (``stack-3x64x64-9-layers.html``)."""
        target = Path(path)
        if self._page is None:
            self._page = self.page()
        if target.is_dir():
            target = target / self._page.filename
        target.write_text(self._page.html, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        """The table of every layer (shortcuts included, by module name), then the offline
        stack page of the main path in a frame (its own document, as ``show`` does)."""
        if not self.layers:
            return self.table_html()
        try:
            source = html.escape(self.html, quote=True)
        except StackRefusal as exc:  # above the stack page's limits: the table alone
            reason = exc.detail()[0]["msg"]
            note = html.escape(t("stack_offline.too_large", language=self.lang, reason=reason))
            return f"{self.table_html()}<p>{note}</p>"
        title = html.escape(t("stack_offline.frame_title", language=self.lang), quote=True)
        return (
            f"{self.table_html()}"
            f'<iframe srcdoc="{source}" title="{title}" class="convscope-stack-page" '
            f'style="width:100%;height:{FRAME_HEIGHT}px;border:0" loading="eager"></iframe>'
        )

    def table_html(self) -> str:
        """Every convolution and pool as an HTML table (names, shapes, params, MACs, fields)."""
        head = ["#", t("stack_page.col_layer"), "", "input", t("stack_page.col_output"),
                t("stack_page.col_params"), t("stack_page.col_macs"),
                t("stack_page.col_field"), "jump"]  # fmt: skip
        cell = 'style="padding:2px 8px;text-align:right;font-variant-numeric:tabular-nums"'
        rows = []
        for index, layer in enumerate(self.layers, 1):
            shape_in = "×".join(map(str, [layer["in_channels"], *layer["input_size"]]))
            shape_out = "×".join(map(str, [layer["out_channels"], *layer["output_size"]]))
            kind = layer["op"] if layer["op"] != "conv" else (
                "conv_transpose" if layer["transposed"] else "conv")  # fmt: skip
            kernel = "×".join(map(str, layer["kernel_size"]))
            stride = ",".join(map(str, layer["stride"]))
            values = [index, f"<code>{html.escape(layer['name'])}</code>",
                      f"{kind} k{kernel} s{stride}", shape_in, shape_out,
                      f"{layer['params']:,}", f"{layer['macs']:,}",
                      "×".join(map(str, layer["receptive_field"])),
                      ",".join(map(str, layer["jump"]))]  # fmt: skip
            rows.append("<tr>" + "".join(f"<td {cell}>{v}</td>" for v in values) + "</tr>")
        total = (
            f"<tr><td {cell}></td><th {cell}>{t('stack_page.total')}</th>"
            + f"<td {cell}></td>" * 3
            + f"<td {cell}>{self.total['params']:,}</td>"
            f"<td {cell}>{self.total['macs']:,}</td><td {cell}></td><td {cell}></td></tr>"
        )
        header = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in head)
        return (f'<table class="convscope-stack" style="border-collapse:collapse">'
                f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}{total}</tbody>"
                "</table>")  # fmt: skip

    def __repr__(self) -> str:
        return f"<convscope.Stack {len(self.layers)} layers, input {self.input_size}>"


# Functions a forward may call directly (``F.conv2d(x, self.weight, …)``): their parameters in
# PyTorch's order, to read positional and keyword arguments alike.
_CONV = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
_CONV_T = ("input", "weight", "bias", "stride", "padding", "output_padding", "groups", "dilation")
_MAX = ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
_AVG = ("input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
        "divisor_override")  # fmt: skip
FUNCTIONS: dict[str, tuple[str, ...]] = {
    **{f"conv{n}d": _CONV for n in (1, 2, 3)},
    **{f"conv_transpose{n}d": _CONV_T for n in (1, 2, 3)},
    **{f"max_pool{n}d": _MAX for n in (1, 2, 3)},
    **{f"max_pool{n}d_with_indices": _MAX for n in (1, 2, 3)},
    **{f"avg_pool{n}d": _AVG for n in (1, 2, 3)},
}


def _sizes(value: Any) -> Any:
    """PyTorch's ``int | tuple`` as the stack's ``int | list``; strings as they are."""
    return list(value) if isinstance(value, tuple | list) else value


def functional_spec(function: str, args: Sequence[Any], kwargs: dict[str, Any]) -> LayerSpec:
    """A functional call (``F.conv2d(x, w, b, stride=2, padding="same")``) as the stack's
    ``LayerSpec``, its kernel and channels read from the weight's shape.

    >>> import torch
    >>> w = torch.empty(8, 2, 3, 5, device="meta")
    >>> spec = functional_spec("conv2d", [None, w], {"padding": "same", "groups": 2})
    >>> spec.kernel_size, spec.padding, spec.groups, spec.out_channels, spec.bias
    ([3, 5], 'same', 2, 8, False)
    >>> functional_spec("max_pool2d", [None, 3], {"stride": None}).stride  # None: the kernel
    3
    """
    given = dict(zip(FUNCTIONS[function], args, strict=False)) | kwargs
    if function.startswith(("max_pool", "avg_pool")):
        kernel = _sizes(given["kernel_size"])
        return LayerSpec(
            kernel_size=kernel,
            stride=_sizes(given.get("stride") or kernel),
            padding=_sizes(given.get("padding", 0)),
            dilation=_sizes(given.get("dilation", 1)),
            op="max_pool" if function.startswith("max") else "avg_pool",
            ceil_mode=bool(given.get("ceil_mode", False)),
        )
    weight, groups = given["weight"], int(given.get("groups", 1))
    transposed = function.startswith("conv_transpose")
    return LayerSpec(
        kernel_size=list(weight.shape[2:]),
        stride=_sizes(given.get("stride", 1)),
        padding=_sizes(given.get("padding", 0)),
        dilation=_sizes(given.get("dilation", 1)),
        groups=groups,
        out_channels=int(weight.shape[1]) * groups if transposed else int(weight.shape[0]),
        transposed=transposed,
        output_padding=_sizes(given.get("output_padding", 0)) if transposed else None,
        bias=given.get("bias") is not None,
    )


def stack(model: Any, input_size: Sequence[int], *, lang: str | None = None) -> Stack:
    """Every convolution and pool of ``model`` on an input of ``input_size`` =
    ``(C, *spatial)`` (unbatched), in the order they run: its modules (forward hooks) and
    the functions its forwards call directly (``F.conv2d``, ``F.max_pool2d``…, seen by a
    ``TorchFunctionMode``), each of those named after the module that called it
    (``block (F.conv2d)``); the calls an ``nn.Conv2d`` makes inside its own forward are its own.

    >>> import torch.nn as nn
    >>> s = stack(nn.Sequential(nn.Conv2d(3, 8, 3, dilation=1), nn.ReLU(),
    ...                         nn.Conv2d(8, 8, 3, dilation=2)), (3, 32, 32))
    >>> [(layer["name"], layer["output_size"], layer["receptive_field"]) for layer in s.layers]
    [('0', [30, 30], [3, 3]), ('2', [26, 26], [7, 7])]
    """
    import torch
    from torch import nn
    from torch.func import functional_call
    from torch.overrides import TorchFunctionMode

    kinds = (nn.modules.conv._ConvNd, nn.modules.pooling._MaxPoolNd, nn.modules.pooling._AvgPoolNd)
    shape = [int(n) for n in input_size]
    x = torch.empty((1, *shape), device="meta")
    start = tuple(Field(Fraction(1), Fraction(1), Fraction(0)) for _ in shape[1:])
    # each tensor seen: its receptive field, and the convolution or pool that made it (an
    # index into entries; None for the input)
    fields: dict[int, tuple[tuple[Field, ...], int | None]] = {id(x): (start, None)}
    alive: list[Any] = [x]  # keeps every tensor seen alive, so no id is reused
    entries: list[StackEntry] = []
    running: list[tuple[str, Any]] = []  # the modules whose forward is running, innermost last
    calls: dict[str, int] = {}  # functional calls per name, to number a second one

    def field_of(tensor: Any) -> tuple[tuple[Field, ...], int | None]:
        if id(tensor) in fields:
            return fields[id(tensor)]
        for other in reversed(alive):  # from elsewhere: the last tensor of that shape
            if other.shape[2:] == tensor.shape[2:] and id(other) in fields:
                return fields[id(other)]
        return start, None

    def record(name: str, spec: LayerSpec, tensor: Any, out: Any, module: Any) -> None:
        before, source = field_of(tensor)
        alive.extend((tensor, out))
        try:
            config = layer_config(spec, list(tensor.shape[2:]), int(tensor.shape[1]))
        except ConfigError as exc:
            raise ConvScopeError(
                [{**refusal(exc).detail[0], "loc": ["model", name, exc.field]}]
            ) from None
        if list(config.output_shape) != list(out.shape[1:]):
            raise AssertionError(f"{name}: {config.output_shape} ≠ PyTorch's {tuple(out.shape)}")
        after = tuple(next_field(f, a) for f, a in zip(before, config.axes, strict=True))
        fields[id(out)] = (after, len(entries))
        entries.append(StackEntry(name, module, StackLayer(spec, config, after), source))

    def spatial(tensor: Any) -> bool:
        return isinstance(tensor, torch.Tensor) and tensor.dim() == len(shape) + 1

    def hook(name: str, module: Any, inputs: Any, output: Any) -> None:
        tensor = next((i for i in inputs if isinstance(i, torch.Tensor)), None)
        out = output[0] if isinstance(output, tuple) else output
        if tensor is None or not spatial(tensor) or not isinstance(out, torch.Tensor):
            return
        if not isinstance(module, kinds):
            # same cells (batch norm, activation…); a module that called F.conv2d itself
            # has its output's field already
            same = out.dim() == tensor.dim() and out.shape[2:] == tensor.shape[2:]
            if same and id(out) not in fields:
                alive.extend((tensor, out))
                fields[id(out)] = field_of(tensor)  # same cells: batch norm, activation…
            return
        record(name, _spec(module), tensor, out, module)

    class Functional(TorchFunctionMode):
        """Convolutions and pools called as functions by a forward that is not their own."""

        def __torch_function__(self, func: Any, types: Any, args: Any = (),
                               kwargs: Any = None) -> Any:  # fmt: skip
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            function = getattr(func, "__name__", "")
            inside = any(isinstance(module, kinds) for _, module in running)
            if function in FUNCTIONS and not inside and args and spatial(args[0]):
                result = out[0] if isinstance(out, tuple) else out
                owner = running[-1][0] if running else ""
                label = f"F.{function.removesuffix('_with_indices')}"
                name = f"{owner} ({label})" if owner else label
                calls[name] = calls.get(name, 0) + 1
                if calls[name] > 1:
                    name = f"{name[:-1]} #{calls[name]})" if owner else f"{name} #{calls[name]}"
                record(name, functional_spec(function, args, kwargs), args[0], result, None)
            return out

    def enter(name: str, module: Any) -> None:
        running.append((name, module))

    def leave() -> None:  # a hook that returned a value would replace the output
        running.pop()

    handles = []
    for name, module in model.named_modules():
        handles.append(module.register_forward_pre_hook(
            lambda m, i, name=name: enter(name, m)))  # fmt: skip
        if isinstance(module, kinds) or not any(True for _ in module.children()):
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: hook(name, m, i, o)))  # fmt: skip
        handles.append(module.register_forward_hook(lambda m, i, o: leave(), always_call=True))
    params = {n: torch.empty_like(p, device="meta") for n, p in model.named_parameters()}
    buffers = {n: torch.empty_like(b, device="meta") for n, b in model.named_buffers()}
    training = model.training
    try:
        model.eval()
        with torch.no_grad(), Functional():
            functional_call(model, {**params, **buffers}, (x,))
    finally:
        model.train(training)
        for handle in handles:
            handle.remove()
    return Stack(shape, entries, lang or LANGUAGE)
