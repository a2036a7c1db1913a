"""A kernel that learns (SPEC.md, "Learning"): full-batch gradient descent on one layer.

Every task is a bias-free, one-channel layer whose targets are its inputs through a known
kernel, so the answer is known: ``upsample2x`` (transposed, kernel 4, stride 2, padding 1:
the bilinear kernel outer([¼, ¾, ¾, ¼]) that FCN initialises its upsampling with),
``edges`` (kernel 3, padding 1: Sobel-x, as PyTorch's cross-correlation weight) and
``kernel`` (kernel k, padding k//2: a target a teacher types in).

The data never change while the kernel learns, so each sample's windows are gathered once
(``app.arithmetic.trace.windows``, the same taps the trace draws): the layer is then a
matrix ``A`` (one row per output cell of every sample, one column per weight) and
``y = A·w``. Loss ``L = mean((y − t)²)`` (``F.mse_loss``), gradient
``dL/dW = (2/N)·Aᵀ(y − t)``: for each weight, the sum of ``g·x`` over its taps, the rule of
``app/arithmetic/gradients.py`` with ``g = 2(y − t)/N``. Update ``w ← w − lr·dL/dW``.
Since ``t = A·w*``, both are computed through ``AᵀA/N`` once (``descend``).
"""

from dataclasses import dataclass
from math import prod

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.trace import axis_taps, windows

Array = NDArray[np.float64]

BILINEAR: Array = np.outer([0.25, 0.75, 0.75, 0.25], [0.25, 0.75, 0.75, 0.25])
SOBEL_X: Array = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])


@dataclass(frozen=True)
class Task:
    """A task's layer (as ``build_config`` fields, input size aside) and its defaults."""

    transposed: bool
    stride: int
    padding_of_kernel: bool  # padding k//2 (direct) or 1 (the FCN upsampler)
    lr: float
    steps: int
    samples: int
    size: int


TASKS: dict[str, Task] = {
    "upsample2x": Task(transposed=True, stride=2, padding_of_kernel=False, lr=1.0, steps=200,
                       samples=4, size=8),
    "edges": Task(transposed=False, stride=1, padding_of_kernel=True, lr=0.2, steps=250,
                  samples=4, size=8),
    "kernel": Task(transposed=False, stride=1, padding_of_kernel=True, lr=0.2, steps=250,
                   samples=4, size=8),
}  # fmt: skip


def task_layer(task: str, size: int, kernel_size: int) -> ConvConfig:
    """The layer a task learns, on ``size``×``size`` inputs.

    >>> task_layer("upsample2x", 8, 4).output_size
    (16, 16)
    >>> task_layer("edges", 8, 3).padding
    ((1, 1), (1, 1))
    """
    spec = TASKS[task]
    return build_config(
        [size, size],
        kernel_size=kernel_size,
        stride=spec.stride,
        padding=kernel_size // 2 if spec.padding_of_kernel else 1,
        transposed=spec.transposed,
    )


def target_of(task: str, given: Array | None = None) -> Array:
    """The kernel a task's targets are made with (``given`` for ``kernel``).

    >>> target_of("upsample2x")[0].tolist()
    [0.0625, 0.1875, 0.1875, 0.0625]
    """
    if task == "upsample2x":
        return BILINEAR
    if task == "edges":
        return SOBEL_X
    assert given is not None
    return given


def random_data(samples: int, size: int, seed: int) -> Array:
    """``samples`` inputs of ``size``×``size``, uniform in [0, 1), from ``seed``.

    >>> random_data(2, 3, 0).shape
    (2, 3, 3)
    """
    return np.random.default_rng([seed, 3]).random((samples, size, size))


def crops(picture: Array, samples: int, size: int, seed: int) -> Array:
    """``samples`` crops of ``size``×``size`` at places drawn from ``seed``, scaled to [0, 1]
    (``picture`` holds 0–255).

    >>> crops(np.arange(16.0).reshape(4, 4) * 17, 1, 2, 0).shape
    (1, 2, 2)
    """
    rng = np.random.default_rng([seed, 4])
    h, w = picture.shape
    ys = rng.integers(0, h - size, size=samples, endpoint=True)
    xs = rng.integers(0, w - size, size=samples, endpoint=True)
    found = np.stack([picture[y : y + size, x : x + size] for y, x in zip(ys, xs, strict=True)])
    return np.asarray(found, dtype=np.float64) / 255.0


def initial_kernel(kernel_size: int, seed: int) -> Array:
    """The starting kernel: uniform in [−0.5, 0.5) from ``seed``.

    >>> bool(np.all(np.abs(initial_kernel(3, 0)) <= 0.5))
    True
    """
    return np.random.default_rng([seed, 5]).random((kernel_size, kernel_size)) - 0.5


def design(config: ConvConfig, inputs: Array) -> Array:
    """``A``: one row per output cell of every sample, one column per weight, so that the
    layer's output is ``A·w`` (the windows of each sample, gathered once).

    >>> from app.arithmetic.trace import convolve
    >>> c = task_layer("edges", 4, 3)
    >>> x = random_data(1, 4, 0)
    >>> y = convolve(c, tuple(axis_taps(a) for a in c.axes), x, SOBEL_X[None, None])
    >>> bool(np.allclose(design(c, x) @ SOBEL_X.ravel(), y.ravel()))
    True
    """
    axes = tuple(axis_taps(a) for a in config.axes)
    rows = [windows(config, axes, sample[None])[0] for sample in inputs]
    return np.concatenate(rows)


@dataclass(frozen=True)
class Step:
    """Entry t of a trajectory: ``w_t``, ``loss(w_t)`` and ``dL/dW(w_t)``."""

    weight: Array
    loss: float
    grad: Array


def descend(gram: Array, answer: Array, w0: Array, lr: float, steps: int) -> list[Step]:
    """Full-batch gradient descent from ``w0``: ``steps + 1`` entries, fewer when the loss
    stops being a finite number (a learning rate too large: the trajectory ends at the last
    finite entry, and the caller says it diverged).

    The targets are ``t = A·w*`` (the inputs through the answer ``w*``), so with
    ``d = w − w*`` and ``gram = AᵀA/N`` the loss ``mean((A·w − t)²)`` is ``dᵀ·gram·d`` and
    ``dL/dW = (2/N)·Aᵀ(A·w − t) = 2·gram·d``: the same numbers, each step a k²×k² product
    instead of a pass over every output cell, and no cancellation as the loss nears 0.

    A one-weight layer ``y = 2·w`` learning ``t = 2`` (``w* = 1``): ``L = (2w − 2)²``,
    ``dL/dw = 4(2w − 2)``; from ``w = 0`` with ``lr = 0.1``: ``w₁ = 0.8``.

    >>> trail = descend(np.array([[4.0]]), np.array([1.0]), np.array([0.0]), 0.1, 2)
    >>> [(round(float(s.weight[0]), 4), round(s.loss, 4)) for s in trail]
    [(0.0, 4.0), (0.8, 0.16), (0.96, 0.0064)]
    """
    best = answer.ravel()
    w = w0.ravel().astype(np.float64)
    trail: list[Step] = []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            d = w - best
            pulled = gram @ d
            loss = float(d @ pulled)
            grad = 2.0 * pulled
            if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
                break
            trail.append(Step(weight=w.reshape(w0.shape), loss=loss, grad=grad.reshape(w0.shape)))
            if step < steps:
                w = w - lr * grad
    return trail


def learn(config: ConvConfig, inputs: Array, target: Array, w0: Array, lr: float,
          steps: int) -> tuple[Array, list[Step]]:  # fmt: skip
    """The targets (``inputs`` through ``target``) and the trajectory from ``w0``.

    >>> c = task_layer("upsample2x", 4, 4)
    >>> targets, trail = learn(c, random_data(2, 4, 0), BILINEAR, initial_kernel(4, 0), 2.0, 3)
    >>> targets.shape, len(trail), trail[1].loss < trail[0].loss
    ((2, 8, 8), 4, True)
    """
    a = design(config, inputs)
    out = (inputs.shape[0], *config.output_size)
    targets = (a @ target.ravel()).reshape(out)
    gram = np.einsum("ri,rj->ij", a, a) / a.shape[0]
    return targets, descend(gram, target, w0, lr, steps)


def layer_cells(config: ConvConfig, samples: int) -> int:
    """Output cells over every sample (the ``N`` of the mean).

    >>> layer_cells(task_layer("upsample2x", 8, 4), 4)
    1024
    """
    return samples * prod(config.output_size)
