"""A stack as PyTorch and Keras code that builds it, runs it on zeros and prints each
layer's shape (what the stack explorer's "Export" shows).

Where a framework cannot say a layer directly (per-side padding, PyTorch's cropping
padding of a transposed layer in Keras, pooling with more padding than PyTorch takes),
the code pads or crops by hand, with a comment that says why; the shapes are the same.
"""

from collections.abc import Sequence

from app.arithmetic.stack import StackLayer
from app.i18n.messages import comment

TORCH_POOL = {"max_pool": "MaxPool", "avg_pool": "AvgPool"}
KERAS_POOL = {"max_pool": "MaxPooling", "avg_pool": "AveragePooling"}


def snippets(
    input_size: Sequence[int], in_channels: int, stack: Sequence[StackLayer]
) -> dict[str, str]:
    return {
        "pytorch": pytorch(input_size, in_channels, stack),
        "keras": keras(input_size, in_channels, stack),
    }


def _t(values: Sequence[int]) -> str:
    """``(3, 3)`` → ``3`` when every dimension agrees, else a tuple."""
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def _torch_pads(padding: Sequence[Sequence[int]]) -> str:
    """PyTorch's pad order: last dimension first, (before, after) each."""
    return "(" + ", ".join(str(side) for pair in reversed(padding) for side in pair) + ")"


def _torch_layer(layer: StackLayer) -> tuple[list[str], str]:
    """Helper lines before the layer (comments) and the layer's expression."""
    config, op = layer.config, layer.spec.op
    n = config.ndim
    pads = config.padding
    symmetric = all(a == b for a, b in pads)
    common = f"kernel_size={_t(config.kernel_size)}, stride={_t(config.stride)}"
    dil = f", dilation={_t(config.dilation)}" if any(d > 1 for d in config.dilation) else ""
    if op != "conv":
        fits = symmetric and all(
            a <= k // 2 for (a, _), k in zip(pads, config.kernel_size, strict=True)
        )
        name = TORCH_POOL[op]
        note: list[str] = []
        if op == "avg_pool" and dil:
            name, note = (
                "MaxPool",
                comment("stack.avg_pool_dilation"),
            )
        pool_pad = (
            f", padding={_t([a for a, _ in pads])}" if fits and any(a for a, _ in pads) else ""
        )
        ceil = ", ceil_mode=True" if config.ceil_mode else ""
        expr = f"nn.{name}{n}d({common}{pool_pad}{dil}{ceil})"
        if not fits:
            value = "float('-inf')" if op == "max_pool" else "0.0"
            note += comment("stack.pool_pad_first")
            expr = f"nn.Sequential(nn.ConstantPad{n}d({_torch_pads(pads)}, {value}), {expr})"
        return note, expr
    channels = f"{config.in_channels}, {config.out_channels}"
    extra = f", groups={config.groups}" if config.groups > 1 else ""
    bias = "" if layer.spec.bias else ", bias=False"
    if not config.transposed:
        if symmetric:
            pad = f", padding={_t([a for a, _ in pads])}" if any(a for a, _ in pads) else ""
            return [], f"nn.Conv{n}d({channels}, {common}{pad}{dil}{extra}{bias})"
        conv = f"nn.Conv{n}d({channels}, {common}{dil}{extra}{bias})"
        return comment("stack.per_side_padding"), (
            f"nn.Sequential(nn.ZeroPad{n}d({_torch_pads(pads)}), {conv})"
        )
    out_pad = f", output_padding={_t(config.output_padding)}" if any(config.output_padding) else ""
    if symmetric:
        pad = f", padding={_t([a for a, _ in pads])}" if any(a for a, _ in pads) else ""
        return [], f"nn.ConvTranspose{n}d({channels}, {common}{pad}{out_pad}{extra}{bias}{dil})"
    conv = f"nn.ConvTranspose{n}d({channels}, {common}{out_pad}{extra}{bias}{dil})"
    return comment("stack.per_side_cropping"), (
        f"nn.Sequential({conv}, Crop({[list(p) for p in pads]}))"
    )


CROP = '''

class Crop(nn.Module):
    """Crop [before, after] from each spatial dimension."""

    def __init__(self, pairs):
        super().__init__()
        self.pairs = pairs

    def forward(self, x):
        cut = tuple(slice(b, x.shape[2 + d] - a) for d, (b, a) in enumerate(self.pairs))
        return x[(slice(None), slice(None), *cut)]
'''


def pytorch(input_size: Sequence[int], in_channels: int, stack: Sequence[StackLayer]) -> str:
    lines = ["import torch", "from torch import nn"]
    body = []
    for layer in stack:
        notes, expr = _torch_layer(layer)
        body += [f"    {note}" for note in notes] + [f"    {expr},"]
    code = "\n".join(lines)
    if any("Crop(" in line for line in body):
        code += CROP
    shape = ", ".join(map(str, (1, in_channels, *input_size)))
    return (
        code
        + "\n\nmodel = nn.Sequential(\n"
        + "\n".join(body)
        + "\n)\n"
        + f"x = torch.zeros({shape})\n"
        + 'print("input", tuple(x.shape[1:]))  # (channels, *size)\n'
        + "with torch.no_grad():\n"
        + "    for number, layer in enumerate(model, 1):\n"
        + "        x = layer(x)\n"
        + '        print("layer", number, tuple(x.shape[1:]))\n'
    )


def _k(values: Sequence[int]) -> str:
    return str(values[0]) if len(values) == 1 or len(set(values)) == 1 else _tuple(values)


def _tuple(values: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, values)) + (",)" if len(values) == 1 else ")")


def _pairs(padding: Sequence[Sequence[int]]) -> str:
    if len(padding) == 1:
        return f"({padding[0][0]}, {padding[0][1]})"
    return "(" + ", ".join(f"({a}, {b})" for a, b in padding) + ")"


def _keras_layer(layer: StackLayer) -> list[str]:
    """Lines that apply the layer to ``x`` (channels last)."""
    config, spec, op = layer.config, layer.spec, layer.spec.op
    n = config.ndim
    pads = config.padding
    named = spec.padding if isinstance(spec.padding, str) else None
    lines: list[str] = []
    if op != "conv":
        span = [d * (k - 1) + 1 for k, d in zip(config.kernel_size, config.dilation, strict=True)]
        if any(d > 1 for d in config.dilation):
            lines += comment("stack.keras_pool_dilation")
        padding = '"same"' if named == "same" else '"valid"'
        if config.ceil_mode:  # pad past the end as far as PyTorch's last window reaches
            hang = [a.canvas_size - a.padded_size for a in config.axes]
            pads = tuple((b, a + h) for (b, a), h in zip(pads, hang, strict=True))
            lines.append("# Keras has no ceil_mode: pad past the end as far as the last window")
        if named != "same" and any(a or b for a, b in pads):
            lines += comment("stack.keras_pool_padding")
            lines.append(f"x = layers.ZeroPadding{n}D({_pairs(pads)})(x)")
        lines.append(
            f"x = layers.{KERAS_POOL[op]}{n}D(pool_size={_k(span)}, strides={_k(config.stride)}, "
            f"padding={padding})(x)"
        )
        return lines
    common = f"{config.out_channels}, {_k(config.kernel_size)}, strides={_k(config.stride)}"
    dil = f", dilation_rate={_k(config.dilation)}" if any(d > 1 for d in config.dilation) else ""
    bias = "" if spec.bias else ", use_bias=False"
    if not config.transposed:
        groups = f", groups={config.groups}" if config.groups > 1 else ""
        if named in ("same", "valid", "causal"):
            padding = f'"{named}"'
        else:
            padding = '"valid"'
            if any(a or b for a, b in pads):
                lines.append(f"x = layers.ZeroPadding{n}D({_pairs(pads)})(x)")
        lines.append(f"x = layers.Conv{n}D({common}, padding={padding}{dil}{groups}{bias})(x)")
        return lines
    if config.groups > 1:
        lines += comment("stack.keras_transposed_groups", n=n)
    strides = list(config.stride)
    if any(s > 1 for s in strides) and any(d > 1 for d in config.dilation):
        spread = ", ".join(
            str((i - 1) * s + 1) for i, s in zip(config.input_size, strides, strict=True)
        )
        lines += [
            *comment("stack.keras_dilated_strides"),
            f"x = keras.ops.zeros((1, {spread}, {config.in_channels}))",
        ]
        strides = [1] * n
        common = f"{config.out_channels}, {_k(config.kernel_size)}, strides={_k(strides)}"
    keras_pad = [min(q, s - 1) for q, s in zip(config.output_padding, strides, strict=True)]
    rest = [q - k for q, k in zip(config.output_padding, keras_pad, strict=True)]
    if named in ("same", "valid") and strides == list(config.stride):
        given = spec.output_padding
        out_pad = "" if given is None else f", output_padding={_tuple(keras_pad)}"
        lines.append(
            f'x = layers.Conv{n}DTranspose({common}, padding="{named}"{out_pad}{dil}{bias})(x)'
        )
        return lines
    lines.append(
        f'x = layers.Conv{n}DTranspose({common}, padding="valid", '
        f"output_padding={_tuple(keras_pad)}{dil}{bias})(x)"
    )
    if any(rest):
        lines.append(
            f"x = layers.ZeroPadding{n}D({_pairs([(0, r) for r in rest])})(x)"
            "  # output_padding beyond Keras's stride − 1"
        )
    if any(a or b for a, b in pads):
        lines.append(
            f"x = layers.Cropping{n}D({_pairs(pads)})(x)"
            "  # PyTorch's padding of a transposed layer crops its output"
        )
    return lines


def keras(input_size: Sequence[int], in_channels: int, stack: Sequence[StackLayer]) -> str:
    shape = ", ".join(map(str, (1, *input_size, in_channels)))
    lines = [
        "import os",
        'os.environ.setdefault("KERAS_BACKEND", "torch")',
        "import keras",
        "from keras import layers",
        "",
        "# Keras is channels-last: shapes print as (*size, channels)",
        f"x = keras.ops.zeros(({shape}))",
        'print("input", tuple(x.shape[1:]))',
    ]
    for number, layer in enumerate(stack, 1):
        lines += _keras_layer(layer)
        lines.append(f'print("layer", {number}, tuple(x.shape[1:]))')
    return "\n".join(lines) + "\n"
