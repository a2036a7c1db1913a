"""The numbers a trace runs on: given by the user, or generated.

Generated values are small integers so a person can check a sum in their head,
and depend only on ``seed`` and ``fill`` (the same for GET and POST).
"""

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import pool_weight

Fill = Literal["random", "ones", "arange"]
FILLS: tuple[str, ...] = ("random", "ones", "arange")
Nested = float | Sequence["Nested"]

# The classic diagrams use inputs 0..3 and small kernels; a −1 keeps sums honest.
INPUT_RANGE = (0, 3)
WEIGHT_RANGE = (-1, 2)


def generate(
    shape: tuple[int, ...], fill: str, seed: int, stream: int, low: int, high: int
) -> NDArray[np.float64]:
    """Deterministic small-integer values of ``shape``.

    ``stream`` separates input (0) from weight (1), so giving one explicitly
    does not change the other.

    >>> generate((2, 3), "arange", 0, 0, 0, 3).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    >>> generate((1, 2), "ones", 0, 1, -1, 2).tolist()
    [[1.0, 1.0]]
    """
    if fill == "ones":
        return np.ones(shape)
    if fill == "arange":
        return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    if fill == "random":
        rng = np.random.default_rng([seed, stream])
        return rng.integers(low, high, size=shape, endpoint=True).astype(np.float64)
    raise ConfigError("fill", "fill_unknown", value=fill[:40], fills=", ".join(FILLS))


def _as_array(
    field: str, given: Nested, shapes: list[tuple[int, ...]], what: str, max_abs: float
) -> NDArray[np.float64]:
    try:
        array = np.asarray(given, dtype=np.float64)
    except (ValueError, TypeError):
        raise ConfigError(field, "values_not_rectangular", field=field, layout=what) from None
    except OverflowError:  # an integer too long for a float (a 400-digit number)
        raise ConfigError(field, "values_too_large", field=field, max_abs=_plain(max_abs)) from None
    for shape in shapes:
        if array.shape == shape:
            return array.reshape(shapes[0])
    raise ConfigError(
        field,
        "values_wrong_shape",
        field=field,
        shape="×".join(map(str, array.shape)) or "1",
        needed=" or ".join("×".join(map(str, s)) for s in shapes),
        layout=what,
    )


def _check_finite(field: str, array: NDArray[np.float64], max_abs: float) -> None:
    if not np.all(np.isfinite(array)):
        raise ConfigError(field, "values_not_finite", field=field)
    if array.size and float(np.max(np.abs(array))) > max_abs:
        raise ConfigError(field, "values_too_large", field=field, max_abs=_plain(max_abs))


def _plain(number: float) -> int | float:
    """``1000000`` rather than ``1e+06`` in a message."""
    return int(number) if float(number).is_integer() else number


def resolve_values(
    config: ConvConfig,
    input: Nested | None = None,
    weight: Nested | None = None,
    bias: Sequence[float] | None = None,
    fill: str = "random",
    seed: int = 0,
    max_abs: float = 1e6,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """``(input, weight, bias)`` in PyTorch layouts, from what was given or generated.

    With one channel (and one filter), the leading channel axes may be left out.

    >>> from app.arithmetic.config import build_config
    >>> config = build_config([2, 2], transposed=True)
    >>> x, w, b = resolve_values(config, input=[[1, 2], [3, 4]], fill="ones")
    >>> x.shape, w.shape, float(w.sum()), b
    ((1, 2, 2), (1, 1, 3, 3), 9.0, None)
    """
    if fill not in FILLS:
        raise ConfigError("fill", "fill_unknown", value=fill[:40], fills=", ".join(FILLS))
    if config.pooling and weight is not None:
        raise ConfigError("weight", "pool_no_weight", op=config.op)
    if config.pooling and bias is not None:
        raise ConfigError("bias", "pool_no_bias", op=config.op)
    in_shape, w_shape = config.input_shape, config.weight_shape
    if input is None:
        x = generate(in_shape, fill, seed, 0, *INPUT_RANGE)
    else:
        shapes = [in_shape] + ([in_shape[1:]] if in_shape[0] == 1 else [])
        x = _as_array("input", input, shapes, "[in_channels, *input_size]", max_abs)
        _check_finite("input", x, max_abs)
    if config.pooling:
        w = pool_weight(config)
    elif weight is None:
        w = generate(w_shape, fill, seed, 1, *WEIGHT_RANGE)
    else:
        lead = (
            "[in_channels, out_channels/groups"
            if config.transposed
            else "[out_channels, in_channels/groups"
        )
        shapes = [w_shape] + ([w_shape[2:]] if w_shape[:2] == (1, 1) else [])
        w = _as_array("weight", weight, shapes, lead + ", *kernel_size]", max_abs)
        _check_finite("weight", w, max_abs)
    b = None
    if bias is not None:
        b = _as_array(
            "bias", list(bias), [(config.out_channels,)], "one number per output channel", max_abs
        )
        _check_finite("bias", b, max_abs)
    return x, w, b


def resolve_gradient(
    config: ConvConfig, given: Nested | str, seed: int = 0, max_abs: float = 1e6
) -> NDArray[np.float64]:
    """The upstream gradient ``dL/dY`` in the output's layout: given, or ``"random"`` /
    ``"ones"`` generated like the input (its own stream, so it changes nothing else).
    (``"mse"``, a gradient from a target, is ``gradients.mse_loss`` of the traced output.)

    >>> from app.arithmetic.config import build_config
    >>> resolve_gradient(build_config([4], kernel_size=2), "ones").tolist()
    [[1.0, 1.0, 1.0]]
    >>> resolve_gradient(build_config([4], kernel_size=2), [1, -2, 0.5]).tolist()
    [[1.0, -2.0, 0.5]]
    """
    shape = config.output_shape
    if isinstance(given, str):
        if given not in ("random", "ones"):
            raise ConfigError("grad_output", "grad_output_unknown", value=given[:40])
        return generate(shape, given, seed, 2, *INPUT_RANGE)
    shapes = [shape] + ([shape[1:]] if shape[0] == 1 else [])
    g = _as_array("grad_output", given, shapes, "[out_channels, *output_size]", max_abs)
    _check_finite("grad_output", g, max_abs)
    return g


TARGET_FILLS = ("random", "ones", "zeros")


def resolve_target(
    config: ConvConfig, given: Nested | str, seed: int = 0, max_abs: float = 1e6
) -> NDArray[np.float64]:
    """The target ``t`` of a squared-error loss, in the output's layout: given, or
    ``"random"`` / ``"ones"`` / ``"zeros"`` generated like the input (its own stream).

    >>> from app.arithmetic.config import build_config
    >>> resolve_target(build_config([4], kernel_size=2), "zeros").tolist()
    [[0.0, 0.0, 0.0]]
    >>> resolve_target(build_config([4], kernel_size=2), [[1, 2, 3]]).tolist()
    [[1.0, 2.0, 3.0]]
    """
    shape = config.output_shape
    if isinstance(given, str):
        if given not in TARGET_FILLS:
            raise ConfigError("target", "target_unknown", value=given[:40])
        if given == "zeros":
            return np.zeros(shape)
        return generate(shape, given, seed, 3, *INPUT_RANGE)
    shapes = [shape] + ([shape[1:]] if shape[0] == 1 else [])
    t = _as_array("target", given, shapes, "[out_channels, *output_size]", max_abs)
    _check_finite("target", t, max_abs)
    return t
