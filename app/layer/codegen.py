"""Framework code that builds the same layer and input: PyTorch and Keras.

Each snippet is self-contained (the trace's own input, weight and bias are
written out), runs the layer and ends with ``print(y.shape)``. Where a framework
cannot say the configuration directly, the snippet uses the workaround and a
comment says why. ``tests/test_codegen.py`` runs every PyTorch snippet with
torch and compares shape and values with the trace.

>>> from app.arithmetic.config import build_config
>>> from app.arithmetic.trace import trace
>>> config = build_config([5, 5], kernel_size=3, stride=2, padding=1)
>>> code = snippets(config, trace(config, np.ones((1, 5, 5)), np.ones((1, 1, 3, 3))))
>>> "torch.nn.Conv2d(" in code["pytorch"], "keras.layers.Conv2D(" in code["keras"]
(True, True)
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig
from app.arithmetic.geometry import Axis, same_padding
from app.arithmetic.trace import Trace, json_numbers, pool_divisor
from app.i18n.messages import comment, t

Generated = dict[str, str]  # "input"/"weight" → the numpy expression that generates it
BIG = 256  # numbers: a larger generated tensor is written as the code that generates it


def snippets(
    config: ConvConfig, result: Trace, generated: Generated | None = None
) -> dict[str, str]:
    """``{"pytorch": …, "keras": …}`` for this configuration and these values. ``generated``:
    for the tensors ConvScope generated, the expression that generates them again, so a big
    one is a line of code rather than thousands of numbers."""
    gen = generated or {}
    if config.pooling:
        return {
            "pytorch": pytorch_pool(config, result, gen), "keras": keras_pool(config, result, gen)
        }  # fmt: skip
    return {"pytorch": pytorch(config, result, gen), "keras": keras(config, result, gen)}


def generator(
    fill: str, seed: int, stream: int, low: int, high: int, shape: tuple[int, ...]
) -> str:
    """The numpy expression ``app.arithmetic.values.generate`` evaluates, as code.

    >>> generator("random", 0, 1, -1, 2, (2, 3))
    'np.random.default_rng([0, 1]).integers(-1, 2, size=(2, 3), endpoint=True)'
    >>> generator("arange", 0, 0, 0, 3, (2, 2))
    'np.arange(4).reshape((2, 2))'
    """
    size = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
    if fill == "ones":
        return f"np.ones({size})"
    if fill == "arange":
        return f"np.arange({int(np.prod(shape))}).reshape({size})"
    rng = f"np.random.default_rng([{seed}, {stream}])"
    return f"{rng}.integers({low}, {high}, size={size}, endpoint=True)"


def _values(array: NDArray[np.float64], expr: str | None, opening: str) -> str:
    """A tensor's numbers as a literal, or, when it is big and was generated, the code."""
    if expr is not None and array.size > BIG:
        return expr
    return _indented(_numbers(array), opening)


def _generated_note(gen: Generated, arrays: dict[str, NDArray[np.float64]]) -> list[str]:
    names = [n for n, a in arrays.items() if gen.get(n) is not None and a.size > BIG]
    if not names:
        return []
    return [
        f"# {' and '.join(names)}: too many numbers to list; generated here exactly as on the page"
    ]


# ---------------------------------------------------------------------------- helpers


def literal(values: Any, indent: int = 0) -> str:
    """Nested lists as Python text, one innermost row per line (numpy's layout).

    >>> print(literal([[1, 2], [3, 4]]))
    [[1, 2],
     [3, 4]]
    >>> literal([0.5, 2])
    '[0.5, 2]'
    """
    if not isinstance(values, list) or not values or not isinstance(values[0], list):
        return repr(values)
    pad = " " * (indent + 1)
    sep = "," + "\n" * (1 if not isinstance(values[0][0], list) else 2) + pad
    return "[" + sep.join(literal(v, indent + 1) for v in values) + "]"


def _numbers(array: NDArray[np.float64]) -> str:
    return literal(json_numbers(array))


def _tuple(values: tuple[int, ...] | list[int]) -> str:
    """``(3, 3)``, or ``3`` in 1-D (PyTorch and Keras both take a bare int there)."""
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def _is_same(axis: Axis) -> bool:
    """True when this axis's padding is exactly TensorFlow/Keras ``"same"``."""
    before, after, extra = same_padding(
        axis.input_size, axis.kernel_size, axis.stride, axis.dilation, axis.transposed
    )
    return (before, after) == axis.padding and extra == axis.output_padding


def _is_valid_keras_transposed(axis: Axis) -> bool:
    """Keras ``Conv*Transpose(padding="valid")`` gives ``i·s + max(k_eff − s, 0)``: PyTorch's
    size with no crop and ``output_padding = max(s − k_eff, 0)``."""
    return axis.padding == (0, 0) and axis.output_padding == max(axis.stride - axis.k_eff, 0)


def _crop_slices(config: ConvConfig) -> str:
    """``y[:, 0:4, 1:5]``-style slices that crop each axis's ``(before, after)``."""
    parts = []
    for axis in config.axes:
        before, after = axis.padding
        full = axis.output_size + before + after
        parts.append(f"{before}:{full - after}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------- PyTorch


def pytorch(config: ConvConfig, result: Trace, gen: Generated | None = None) -> str:
    """A PyTorch snippet: unbatched tensors in PyTorch's own layouts.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([4], kernel_size=2, padding=[[1, 0]])
    >>> print(pytorch(c, trace(c, np.arange(4.0).reshape(1, 4), np.ones((1, 1, 2)))), end="")
    import torch
    import torch.nn.functional as F
    <BLANKLINE>
    # input [in_channels, L]: unbatched, PyTorch's layout
    x = torch.tensor([[0, 1, 2, 3]], dtype=torch.float32)
    # Conv1d pads both sides alike; this padding is length 1 before, 0 after,
    # so F.pad pads the input first and the layer adds none
    x = F.pad(x, (1, 0))
    layer = torch.nn.Conv1d(
        in_channels=1, out_channels=1, kernel_size=2, stride=1,
        padding=0, dilation=1, groups=1, bias=False,
    )
    with torch.no_grad():
        # weight [out_channels, in_channels/groups, kL]
        layer.weight.copy_(torch.tensor([[[1, 1]]]))
    y = layer(x)
    print(y.shape)  # torch.Size([1, 4])
    """
    gen = gen or {}
    n = config.ndim
    dims = _dims(n)
    kdims = _kdims(n)
    name = f"ConvTranspose{n}d" if config.transposed else f"Conv{n}d"
    note = _generated_note(gen, {"input": result.input, "weight": result.weight})
    lines = [
        "import torch",
        "import torch.nn.functional as F",
        *(["import numpy as np"] if note else []),
        "",
        *note,
        *comment("torch.input", dims=dims),
        f"x = torch.tensor({_values(result.input, gen.get('input'), 'x = torch.tensor(')}, "
        "dtype=torch.float32)",
    ]
    padding, before, after = _pytorch_padding(config, name)
    lines += before
    extra = f"output_padding={_tuple(config.output_padding)}, " if config.transposed else ""
    if config.padding_mode != "zeros" and padding != "0":
        extra = f'padding_mode="{config.padding_mode}", '
    has_bias = result.bias is not None
    lines += [
        f"layer = torch.nn.{name}(",
        f"    in_channels={config.in_channels}, out_channels={config.out_channels}, "
        f"kernel_size={_tuple(config.kernel_size)}, stride={_tuple(config.stride)},",
        f"    padding={padding}, {extra}dilation={_tuple(config.dilation)}, "
        f"groups={config.groups}, bias={has_bias},",
        ")",
        "with torch.no_grad():",
    ]
    layout = (
        "in_channels, out_channels/groups"
        if config.transposed
        else "out_channels, in_channels/groups"
    )
    lines.append(f"    # weight [{layout}, {kdims}]")
    opening = "    layer.weight.copy_(torch.tensor("
    weight = _values(result.weight, gen.get("weight"), opening)
    lines.append(
        f"{opening}{weight}{', dtype=torch.float32' if weight.startswith('np.') else ''}))"
    )
    if result.bias is not None:
        lines.append(f"    layer.bias.copy_(torch.tensor({_numbers(result.bias)}))")
    lines.append("y = layer(x)")
    lines += after
    shape = ", ".join(map(str, config.output_shape))
    lines.append(f"print(y.shape)  # torch.Size([{shape}])")
    return "\n".join(lines) + "\n"


def _sides(config: ConvConfig) -> str:
    """``height 0 before, 1 after; width 0 before, 1 after``."""
    return "; ".join(
        t("snippet.side", axis=name, before=b, after=a)
        for name, (b, a) in zip(config.axis_names, config.padding, strict=True)
    )


def _pytorch_padding(config: ConvConfig, name: str) -> tuple[str, list[str], list[str]]:
    """The layer's ``padding=`` text, and the lines before and after the layer that a
    padding PyTorch cannot say needs (``F.pad`` first, or a slice that crops)."""
    symmetric = all(b == a for b, a in config.padding)
    numbers = _tuple([b for b, _ in config.padding])
    if config.transposed:
        before = []
        if config.padding_name in ("valid", "same"):
            given = config.output_padding_given
            before = comment(
                "torch.named_transposed",
                name=config.padding_name,
                given="" if given is None else f", output_padding={_tuple(given)}",
            )
        if symmetric:
            return numbers, before, []
        return (
            "0",
            before,
            [
                *comment("torch.crop", name=name, sides=_sides(config)),
                f"y = y[:, {_crop_slices(config)}]",
            ],
        )
    before = []
    # "same" only where the learner chose it: padding=1 is written as the 1 they typed
    if config.padding_name == "same":
        if all(s == 1 for s in config.stride):
            return '"same"', [], []
        before = comment("torch.same_direct")
    if symmetric:
        return numbers, before, []
    sides = ", ".join(f"{b}, {a}" for b, a in reversed(config.padding))
    order = t("snippet.pad_order") if config.ndim > 1 else ""
    mode = "" if config.padding_mode == "zeros" else f', mode="{config.padding_mode}"'
    before += [
        *comment("torch.pad_first", name=name, sides=_sides(config), order=order),
        f"x = F.pad(x, ({sides}){mode})",
    ]
    return "0", before, []


def _indented(text: str, prefix: str) -> str:
    """Continuation lines of a multi-line literal, aligned under its opening bracket."""
    return text.replace("\n ", "\n " + " " * len(prefix))


# ---------------------------------------------------------------------------- Keras


def keras(config: ConvConfig, result: Trace, gen: Generated | None = None) -> str:
    """A Keras 3 snippet: channels-last, batched; the values converted from PyTorch's layout.

    Not run by the tests (TensorFlow is too heavy to install); ``compile()`` checks it.
    """
    n = config.ndim
    dims = _dims(n)
    spatial = tuple(range(2, 2 + n))
    to_last = (*range(1, n + 1), 0)  # [C, *spatial] → [*spatial, C]
    kernel_axes = (*spatial, 1, 0)  # PyTorch [a, b, *k] → Keras [*k, b, a]
    lines = [
        "import keras",
        "import numpy as np",
        "",
        *_generated_note(gen or {}, {"input": result.input, "weight": result.weight}),
        *comment("keras.input", dims=dims),
        f"x = np.array({_values(result.input, (gen or {}).get('input'), 'x = np.array(')}, "
        'dtype="float32")',
        *comment("keras.channels_last", dims=dims),
        f"x = np.transpose(x, {to_last})[None]",
    ]
    weight_layout = (
        "in_channels, out_channels/groups"
        if config.transposed
        else "out_channels, in_channels/groups"
    )
    kdims = _kdims(n)
    lines += comment("keras.weight", layout=weight_layout, kdims=kdims)
    lines.append(
        f"w = np.array({_values(result.weight, (gen or {}).get('weight'), 'w = np.array(')}, "
        'dtype="float32")'
    )
    has_bias = result.bias is not None
    build = _keras_transposed if config.transposed else _keras_direct
    body, after = build(config, has_bias)
    lines += [body[0], f"kernel = np.transpose(w, {kernel_axes})", *body[1:]]
    lines.append("layer.build(x.shape)")
    if result.bias is None:
        lines.append("layer.set_weights([kernel])")
    else:
        lines.append(f'bias = np.array({_numbers(result.bias)}, dtype="float32")')
        lines.append("layer.set_weights([kernel, bias])")
    lines += ["y = layer(x)", *after]
    shape = ", ".join(map(str, (1, *config.output_size, config.out_channels)))
    lines.append(f"print(y.shape)  # {t('snippet.keras.shape', shape=shape)}")
    return "\n".join(lines) + "\n"


def _pairs(pairs: tuple[tuple[int, int], ...]) -> str:
    """Keras's per-side padding/cropping argument: ``(b, a)`` in 1-D, ``((t, b), (l, r))`` in 2-D.

    >>> _pairs(((0, 1),)), _pairs(((0, 1), (2, 3)))
    ('(0, 1)', '((0, 1), (2, 3))')
    """
    text = ", ".join(f"({b}, {a})" for b, a in pairs)
    return text if len(pairs) == 1 else f"({text})"


def _layer(name: str, args: list[str]) -> list[str]:
    return [f"layer = keras.layers.{name}(", *(f"    {a}," for a in args), ")"]


def _keras_direct(config: ConvConfig, has_bias: bool) -> tuple[list[str], list[str]]:
    """Conv1D/Conv2D: padding "valid", "same", "causal", or a ZeroPadding layer before."""
    n = config.ndim
    lines = [f"# Keras kernel [{_kdims(n)}, in_channels/groups, out_channels]"]
    after: list[str] = []
    strides = config.stride
    dilated_strides = any(s > 1 for s in strides) and any(d > 1 for d in config.dilation)
    padded = any(b or a for b, a in config.padding)
    if padded and config.padding_mode != "zeros":
        padding = "valid"
        lines += _keras_padding_mode(config)
    elif not padded:
        padding = "valid"
    elif all(_is_same(a) for a in config.axes) and not dilated_strides:
        padding = "same"
        if config.padding_name != "same":  # the learner typed numbers: say why "same" is them
            lines.append(
                f'# Keras takes padding="valid" or "same" only; this padding ({_sides(config)})'
                ' is exactly "same" here'
            )
    elif n == 1 and config.padding[0] == (config.dilation[0] * (config.kernel_size[0] - 1), 0):
        padding = "causal"
    else:
        padding = "valid"
        lines += comment("keras.zero_padding")
        lines.append(f"x = keras.layers.ZeroPadding{n}D(padding={_pairs(config.padding)})(x)")
    if dilated_strides:
        lines += comment("keras.dilated_strides")
        every = ", ".join(f"::{s}" for s in strides)
        after.append(f"y = y[:, {every}, :]")
        strides = tuple(1 for _ in strides)
    if config.groups > 1:
        lines += comment("keras.groups_gpu")
    lines += _layer(
        f"Conv{n}D",
        [
            f"filters={config.out_channels}",
            f"kernel_size={_tuple(config.kernel_size)}",
            f"strides={_tuple(strides)}",
            f'padding="{padding}"',
            f"dilation_rate={_tuple(config.dilation)}",
            f"groups={config.groups}",
            f"use_bias={has_bias}",
        ],
    )
    return lines, after


def _keras_padding_mode(config: ConvConfig) -> list[str]:
    """PyTorch's ``padding_mode`` before a ``padding="valid"`` layer: Keras layers have no
    such argument. ``reflect`` is ``keras.ops.pad(mode="reflect")`` (TensorFlow's
    ``tf.pad(mode="REFLECT")``; ``"SYMMETRIC"`` would repeat the edge, which PyTorch's
    reflect does not); ``replicate`` and ``circular`` are edge and wrap-around slices
    concatenated, since not every Keras backend pads that way.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([4, 4], padding=[[1, 0], [0, 2]], padding_mode="circular")
    >>> for line in _keras_padding_mode(c):
    ...     print(line)
    # PyTorch's padding_mode="circular" wraps the input around; Keras layers have no
    # padding_mode, so copy the slices by hand, then convolve with padding="valid"
    x = keras.ops.concatenate([x[:, 3:], x, x[:, :0]], axis=1)
    x = keras.ops.concatenate([x[:, :, 4:], x, x[:, :, :2]], axis=2)
    """
    mode = config.padding_mode
    if mode == "reflect" and config.ndim < 3:
        widths = ", ".join(["[0, 0]", *(f"[{b}, {a}]" for b, a in config.padding), "[0, 0]"])
        return [
            '# PyTorch\'s padding_mode="reflect" mirrors the input without repeating its edge: '
            'keras.ops.pad(mode="reflect")',
            '# (tf.pad(mode="REFLECT"); "SYMMETRIC" would repeat the edge); the layer then '
            'uses padding="valid"',
            f'x = keras.ops.pad(x, [{widths}], mode="reflect")',
        ]
    what = {
        "replicate": "repeats the edge cells",
        "circular": "wraps the input around",
        "reflect": "mirrors the input without repeating its edge",
    }[mode]
    lines = [
        f'# PyTorch\'s padding_mode="{mode}" {what}; Keras layers have no',
        '# padding_mode, so copy the slices by hand, then convolve with padding="valid"',
    ]
    if mode == "reflect":
        lines.append(
            '# (keras.ops.pad(mode="reflect") pads at most two dimensions on every backend)'
        )
    for d, (axis, (b, a)) in enumerate(zip(config.axes, config.padding, strict=True), start=1):
        at = ":, " * d
        n = axis.input_size
        if mode == "replicate":
            parts = f"[x[{at}:1]] * {b} + [x] + [x[{at}{n - 1}:]] * {a}"
        elif mode == "reflect":
            flip = f"keras.ops.flip(x[{at}{{}}], axis={d})"
            parts = f"[{flip.format(f'1:{b + 1}')}, x, {flip.format(f'{n - 1 - a}:{n - 1}')}]"
        else:
            parts = f"[x[{at}{n - b}:], x, x[{at}:{a}]]"
        lines.append(f"x = keras.ops.concatenate({parts}, axis={d})")
    return lines


def _keras_transposed(config: ConvConfig, has_bias: bool) -> tuple[list[str], list[str]]:
    """Conv1DTranspose/Conv2DTranspose: "same", "valid", or valid + output_padding + Cropping."""
    n = config.ndim
    lines = [f"# Keras kernel [{_kdims(n)}, out_channels, in_channels]"]
    after: list[str] = []
    if config.groups > 1:
        g, cin, cout = (
            config.groups,
            config.in_channels // config.groups,
            config.out_channels // config.groups,
        )
        lines += [
            *comment("keras.transposed_groups", n=n),
            f"blocks = np.zeros(kernel.shape[:-2] + ({config.out_channels}, {config.in_channels}), "
            'dtype="float32")',
            f"for g in range({g}):",
            f"    blocks[..., g * {cout}:(g + 1) * {cout}, g * {cin}:(g + 1) * {cin}] = "
            f"kernel[..., :, g * {cin}:(g + 1) * {cin}]",
            "kernel = blocks",
        ]
    strides = list(config.stride)
    dilated_strides = any(s > 1 for s in strides) and any(d > 1 for d in config.dilation)
    if dilated_strides:
        # The zero-insertion view: s − 1 zeros between input cells, then stride 1.
        strides = [1] * n
        sizes = ", ".join(
            f"{(i - 1) * s + 1}" for i, s in zip(config.input_size, config.stride, strict=True)
        )
        every = ", ".join(f"::{s}" for s in config.stride)
        lines += [
            *comment("keras.transposed_dilated_strides"),
            f'spread = np.zeros((1, {sizes}, x.shape[-1]), dtype="float32")',
            f"spread[:, {every}, :] = x",
            "x = spread",
        ]
    args = [
        f"filters={config.out_channels}",
        f"kernel_size={_tuple(config.kernel_size)}",
        f"strides={_tuple(strides)}",
    ]
    name, given = config.padding_name, config.output_padding_given
    if (
        not dilated_strides
        and name in ("valid", "same")
        and (given is None or all(q < s for q, s in zip(given, strides, strict=True)))
    ):
        # The request's own Keras padding: Keras resolves it exactly as the trace did.
        args.append(f'padding="{name}"')
        if given is not None:
            args.append(f"output_padding={_tuple(given)}")
    elif not dilated_strides and all(_is_same(a) for a in config.axes):
        args.append('padding="same"')
    elif not dilated_strides and all(_is_valid_keras_transposed(a) for a in config.axes):
        args.append('padding="valid"')
    else:
        args.append('padding="valid"')
        # Keras wants output_padding < strides; the rest is added past the last window.
        keras_pad = [min(op, s - 1) for op, s in zip(config.output_padding, strides, strict=True)]
        args.append(f"output_padding={_tuple(keras_pad)}")
        rest = [op - kp for op, kp in zip(config.output_padding, keras_pad, strict=True)]
        if any(rest):
            after += _extend_past_windows(rest, has_bias)
        if any(b or a for b, a in config.padding):
            after += [
                *comment("keras.transposed_crop"),
                f"y = keras.layers.Cropping{n}D(cropping={_pairs(config.padding)})(y)",
            ]
    args += [f"dilation_rate={_tuple(config.dilation)}", f"use_bias={has_bias}"]
    lines += _layer(f"Conv{n}DTranspose", args)
    return lines, after


def _extend_past_windows(rest: list[int], has_bias: bool) -> list[str]:
    """Output cells Keras cannot make: past the full output, where no window reaches,
    PyTorch writes the bias alone."""
    widths = ", ".join(["[0, 0]", *(f"[0, {r}]" for r in rest), "[0, 0]"])
    if has_bias:
        pad = f"keras.ops.add(keras.ops.pad(keras.ops.subtract(y, bias), [{widths}]), bias)"
    else:
        pad = f"keras.ops.pad(y, [{widths}])"
    return [
        *comment("keras.output_padding"),
        f"y = {pad}",
    ]


# ---------------------------------------------------------------------------- pooling

POOL_LAYERS = {"max_pool": ("MaxPool", "MaxPooling"), "avg_pool": ("AvgPool", "AveragePooling")}


def pytorch_pool(config: ConvConfig, result: Trace, gen: Generated | None = None) -> str:
    """``nn.MaxPool*d`` / ``nn.AvgPool*d`` (``count_include_pad=True``, PyTorch's default).

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace, pool_weight
    >>> c = build_config([4], kernel_size=2, stride=2, op="max_pool")
    >>> print(pytorch_pool(c, trace(c, np.arange(4.0)[None], pool_weight(c))), end="")
    import torch
    <BLANKLINE>
    # input [channels, L]: unbatched, PyTorch's layout
    x = torch.tensor([[0, 1, 2, 3]], dtype=torch.float32)
    layer = torch.nn.MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1)
    y = layer(x)
    print(y.shape)  # torch.Size([1, 2])
    """
    n = config.ndim
    name = f"{POOL_LAYERS[config.op][0]}{n}d"
    args = [
        f"kernel_size={_tuple(config.kernel_size)}",
        f"stride={_tuple(config.stride)}",
        f"padding={_tuple([b for b, _ in config.padding])}",
    ]
    args.append(
        f"dilation={_tuple(config.dilation)}"
        if config.op == "max_pool"
        else f"count_include_pad={config.count_include_pad}"
    )
    if config.ceil_mode:
        args.append("ceil_mode=True")
    if config.divisor_override is not None:
        args.append(f"divisor_override={config.divisor_override}")
    shape = ", ".join(map(str, config.output_shape))
    x_text = _values(result.input, (gen or {}).get("input"), "x = torch.tensor(")
    return (
        "\n".join(
            [
                "import torch",
                *(
                    ["import numpy as np"]
                    if _generated_note(gen or {}, {"input": result.input})
                    else []
                ),
                "",
                *_generated_note(gen or {}, {"input": result.input}),
                *comment("torch.pool_input", dims=_dims(n)),
                f"x = torch.tensor({x_text}, dtype=torch.float32)",
                f"layer = torch.nn.{name}({', '.join(args)})",
                "y = layer(x)",
                f"print(y.shape)  # torch.Size([{shape}])",
            ]
        )
        + "\n"
    )


def keras_pool(config: ConvConfig, result: Trace, gen: Generated | None = None) -> str:
    """``MaxPooling*D`` / ``AveragePooling*D`` with ``padding="valid"``; PyTorch's padding is
    added first (zeros for the average, which counts them; −∞ for the max, which never
    picks them), and a dilated max pool, which Keras has no argument for, is written as the
    largest of the kernel's dilated, strided slices."""
    n = config.ndim
    dims = _dims(n)
    lines = [
        "import keras",
        "import numpy as np",
        "",
        *_generated_note(gen or {}, {"input": result.input}),
        *comment("keras.pool_input", dims=dims),
        f"x = np.array({_values(result.input, (gen or {}).get('input'), 'x = np.array(')}, "
        'dtype="float32")',
        *comment("keras.pool_channels_last", dims=dims),
        f"x = np.transpose(x, {(*range(1, n + 1), 0)})[None]",
    ]
    # ceil_mode: the last window hangs past the padded input; pad that far too
    hang = [a.canvas_size - a.padded_size for a in config.axes]
    pads = tuple((b, a + h) for (b, a), h in zip(config.padding, hang, strict=True))
    if any(hang):
        lines += [
            "# ceil_mode=True: Keras has no ceil_mode; pad past the end as far as PyTorch's last",
            '# window reaches (SPEC: o = ceil((i + 2p − k_eff)/s) + 1), then pool with "valid"',
        ]
    if any(b or a for b, a in pads):
        widths = ", ".join(["[0, 0]", *(f"[{b}, {a}]" for b, a in pads), "[0, 0]"])
        if config.op == "avg_pool":
            lines += [
                *comment("keras.avg_pool_padding"),
                f"x = keras.layers.ZeroPadding{n}D(padding={_pairs(pads)})(x)",
            ]
        else:
            lines += [
                *comment("keras.max_pool_padding"),
                f'x = keras.ops.pad(x, [{widths}], constant_values=float("-inf"))',
            ]
    if any(d > 1 for d in config.dilation):
        lines += [
            *comment("keras.pool_dilation"),
        ]
        slices, loops = [], []
        for axis, k in zip(config.axes, KERNEL_INDEX[n], strict=True):
            last = (axis.output_size - 1) * axis.stride + 1
            slices.append(f"{k} * {axis.dilation}:{k} * {axis.dilation} + {last}:{axis.stride}")
            loops.append(f"for {k} in range({axis.kernel_size})")
        lines.append(
            f"y = keras.ops.max(keras.ops.stack([x[:, {', '.join(slices)}, :] {' '.join(loops)}]), "
            "axis=0)"
        )
    else:
        lines += [
            f"layer = keras.layers.{POOL_LAYERS[config.op][1]}{n}D(",
            f"    pool_size={_tuple(config.kernel_size)}, strides={_tuple(config.stride)}, "
            'padding="valid",',
            ")",
            "y = layer(x)",
        ]
    divisor = pool_divisor(config)
    size = float(np.prod(config.kernel_size))
    if config.divisor_override is not None:
        # every window divides by the same number: one scale factor, the same arithmetic
        lines += [
            *comment("keras.divisor_override", size=int(size), divisor=config.divisor_override),
            f"y = y * ({int(size)} / {config.divisor_override})",
        ]
    elif config.op == "avg_pool" and np.any(divisor != size):
        opening = "divisor = np.array("
        lines += [
            "# PyTorch divides each window by the cells it counts"
            + (" (count_include_pad=False: input cells only)" if not config.count_include_pad
               else " (ceil_mode: not the part past the padded input)"),
            f"# Keras divides by all {int(size)}; rescale by {int(size)} / PyTorch's divisor",
            f"divisor = np.array({_indented(literal(json_numbers(divisor)), opening)}, "
            'dtype="float32")',
            f"y = y * ({int(size)} / divisor)[None, ..., None]",
        ]  # fmt: skip
    shape = ", ".join(map(str, (1, *config.output_size, config.out_channels)))
    lines.append(f"print(y.shape)  # {t('snippet.keras.shape', shape=shape)}")
    return "\n".join(lines) + "\n"


DIMS = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
KERNEL_INDEX = {1: ("k",), 2: ("ky", "kx"), 3: ("kz", "ky", "kx")}


def _dims(n: int) -> str:
    """Names of the spatial dimensions in layout comments: ``H, W`` in 2-D."""
    return ", ".join(DIMS[n])


def _kdims(n: int) -> str:
    return ", ".join(f"k{d}" for d in DIMS[n])
