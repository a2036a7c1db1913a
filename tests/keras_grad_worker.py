"""Gradients through Keras 3 layers on the JAX backend (tests/arithmetic/test_keras_gradients.py).

The test process has already imported Keras on its PyTorch backend (the snippets and the
forward checks run there), and a backend cannot change once Keras is imported; PyTorch's
autograd is what the gradients are first checked against, so this second oracle runs on JAX's
``jax.grad`` instead, in this separate process.

Protocol: one JSON object a line on stdin, one answer a line on stdout, until stdin closes.
A request is Keras-side only (channels-last, Keras's kernel layout, a batch of one)::

    {"layer": "Conv2D", "args": {...}, "x": [...], "weights": [kernel, bias?], "g": [...]}

and the answer is ``{"y": y, "dx": dL/dx, "dweights": [dL/dkernel, dL/dbias?]}`` for
``L = Σ y·g`` (so dL/dy = g), or ``{"error": "..."}`` when Keras refuses the layer.
Float64 throughout (``jax_enable_x64``), so the test can compare tightly.
"""

import json
import os
import sys
from typing import Any


def serve() -> None:
    """Answer requests until stdin closes. Keras and JAX are imported here, not at import
    time: pytest's ``--doctest-modules`` imports this file in the test process, whose Keras
    must stay on its PyTorch backend."""
    os.environ["KERAS_BACKEND"] = "jax"
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import keras
    import numpy as np

    keras.config.set_floatx("float64")

    def gradients(request: dict[str, Any]) -> dict[str, Any]:
        layer = getattr(keras.layers, request["layer"])(**request["args"], dtype="float64")
        x = jnp.asarray(np.asarray(request["x"], dtype=np.float64))
        g = jnp.asarray(np.asarray(request["g"], dtype=np.float64))
        layer.build(x.shape)
        if request["weights"]:
            layer.set_weights([np.asarray(w, dtype=np.float64) for w in request["weights"]])
        trainable = [v.value for v in layer.trainable_variables]
        fixed = [v.value for v in layer.non_trainable_variables]

        def loss(weights: list[Any], x: Any) -> tuple[Any, Any]:
            y, _ = layer.stateless_call(weights, fixed, x)
            return jnp.sum(y * g), y

        grad = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)
        (_, y), (dweights, dx) = grad(trainable, x)
        return {
            "y": np.asarray(y).tolist(),
            "dx": np.asarray(dx).tolist(),
            "dweights": [np.asarray(d).tolist() for d in dweights],
        }

    for line in sys.stdin:
        try:
            answer = gradients(json.loads(line))
        except Exception as exc:  # a layer Keras refuses: said, and the worker goes on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
