"""``POST /api/learn``: check the request against the limits, run the maths, describe it."""

from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np

from app.arithmetic import learning
from app.arithmetic.errors import ConfigError
from app.learning.schema import LearnRequest
from app.limits import LIMITS, Limits, above
from app.pictures import catalogue


def settings_of(request: LearnRequest, limits: Limits = LIMITS) -> dict[str, Any]:
    """The request with the task's defaults filled in, every number checked by name."""
    task = learning.TASKS[request.task]
    found: dict[str, Any] = {
        "task": request.task,
        "lr": task.lr if request.lr is None else request.lr,
        "steps": task.steps if request.steps is None else request.steps,
        "samples": task.samples if request.samples is None else request.samples,
        "size": task.size if request.size is None else request.size,
        "data": request.data,
        "seed": request.seed,
    }
    for field, minimum in (("steps", 0), ("samples", 1), ("size", 4), ("seed", 0)):
        if found[field] < minimum:
            raise ConfigError(field, "too_small", minimum=minimum, value=found[field])
    for field, limit in (("steps", "max_learn_steps"), ("samples", "max_learn_samples"),
                         ("size", "max_learn_size"), ("seed", "max_seed")):  # fmt: skip
        above(field, found[field], limit, limits)
    if not np.isfinite(found["lr"]) or found["lr"] <= 0:
        raise ConfigError("lr", "learn_rate_positive", value=found["lr"])
    above("lr", found["lr"], "max_learn_rate", limits)
    if found["data"] != "random":
        catalogue.image_name("data", found["data"])
    found["target_kernel"] = _target(request)
    return found


def _target(request: LearnRequest) -> list[list[float]] | None:
    """The kernel task's target: square, odd side up to 7, finite numbers within the limit."""
    given = request.target_kernel
    if request.task != "kernel":
        if given is not None:
            raise ConfigError("target_kernel", "learn_target_not_kernel", task=request.task)
        return None
    if given is None:
        raise ConfigError("target_kernel", "learn_target_missing")
    side = len(given)
    if side % 2 == 0 or side > 7 or any(len(row) != side for row in given):
        raise ConfigError("target_kernel", "learn_target_shape", rows=side)
    array = np.asarray(given, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.max(np.abs(array)) > LIMITS.max_abs_value:
        raise ConfigError("target_kernel", "values_too_large", max_abs=int(LIMITS.max_abs_value))
    return given


def _inputs(settings: dict[str, Any]) -> np.ndarray:
    samples, size, seed = settings["samples"], settings["size"], settings["seed"]
    if settings["data"] == "random":
        return learning.random_data(samples, size, seed)
    picture = catalogue.pixels(catalogue.image_name("data", settings["data"]))
    luma = picture.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    return learning.crops(np.rint(luma), samples, size, seed)


NUMBERS: dict[str, type] = {"lr": float, "steps": int, "samples": int, "size": int, "seed": int}


def learn_request(query: str) -> LearnRequest:
    """The request a ``/learn?<query>`` link plays (the page's own ``step`` and ``cell`` aside):
    numbers read as numbers, ``target_kernel`` as rows ``0,1,0;1,-4,1;0,1,0``.

    >>> learn_request("task=kernel&lr=0.5&target_kernel=1,0;0,1&step=3").target_kernel
    [[1.0, 0.0], [0.0, 1.0]]
    """
    fields: dict[str, Any] = {}
    for name, text in parse_qsl(query, keep_blank_values=True):
        if name in ("step", "cell"):
            continue
        if name in NUMBERS:
            try:
                fields[name] = NUMBERS[name](text)
            except ValueError:
                raise ConfigError(name, "not_a_number", value=text[:40]) from None
        elif name == "target_kernel":
            try:
                fields[name] = [[float(v) for v in row.split(",")] for row in text.split(";")]
            except ValueError:
                raise ConfigError(name, "not_a_number", value=text[:40]) from None
        else:
            fields[name] = text
    return LearnRequest.model_validate(fields)


def share_query(settings: dict[str, Any]) -> str:
    """``task=edges&lr=0.5…``: what differs from the task's defaults, for ``/learn?…``."""
    task = learning.TASKS[settings["task"]]
    defaults = {"lr": task.lr, "steps": task.steps, "samples": task.samples, "size": task.size,
                "data": "random", "seed": 0}  # fmt: skip
    pairs = [("task", settings["task"])]
    for name, default in defaults.items():
        if settings[name] != default:
            pairs.append((name, str(settings[name])))
    if settings["target_kernel"] is not None:
        rows = ";".join(",".join(f"{v:g}" for v in row) for row in settings["target_kernel"])
        pairs.append(("target_kernel", rows))
    return urlencode(pairs, safe=",;:")


def run_learn(request: LearnRequest) -> dict[str, Any]:
    """The whole answer of ``POST /api/learn`` as plain data."""
    settings = settings_of(request)
    given = settings["target_kernel"]
    target = learning.target_of(
        settings["task"], None if given is None else np.asarray(given, dtype=np.float64)
    )
    k = target.shape[0]
    config = learning.task_layer(settings["task"], settings["size"], k)
    inputs = _inputs(settings)
    w0 = learning.initial_kernel(k, settings["seed"])
    targets, trail = learning.learn(config, inputs, target, w0, settings["lr"], settings["steps"])
    layer = {"input_size": f"{settings['size']},{settings['size']}", "kernel_size": str(k),
             "stride": str(config.stride[0]), "padding": str(config.padding[0][0])}  # fmt: skip
    if config.transposed:
        layer["transposed"] = "1"
    return {
        "config": settings,
        "query": share_query(settings),
        "layer": urlencode(layer, safe=","),
        "data": {"inputs": inputs.tolist(), "targets": targets.tolist()},
        "init": w0.tolist(),
        "target_kernel": target.tolist(),
        "trajectory": [
            {"step": t, "loss": s.loss, "weight": s.weight.tolist(), "grad_weight": s.grad.tolist()}
            for t, s in enumerate(trail)
        ],
        "diverged": len(trail) < settings["steps"] + 1 or trail[-1].loss > trail[0].loss,
    }
