"""The text Keras's ``model.to_json()`` writes → its layers, in order, with their lines.

A Sequential or Functional model lists ``config.layers``, each ``{"class_name",
"config"}`` with the layer's arguments as JSON values (lists for tuples); nested models
are read in place. The line of a layer is the line of its ``"name"`` in the text (one
line when the JSON was not indented).

>>> text = '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Conv2D", '
>>> text += '"config": {"name": "c", "filters": 8, "kernel_size": [3, 3]}}]}}'
>>> [(e.call.name, e.call.kwargs) for e in read_keras_json(text)]
[('Conv2D', {'filters': 8, 'kernel_size': (3, 3)})]
"""

import json
import re
from typing import Any

from app.stack.build import refuse
from app.stack.evaluate import Event, shortcut_name
from app.stack.kinds import Call

DROPPED = ("name", "trainable", "dtype", "kernel_initializer", "bias_initializer",
           "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
           "bias_constraint", "build_config", "sparse", "ragged")  # fmt: skip
MAX_NESTING = 16


def looks_keras_json(text: str) -> bool:
    return text.lstrip().startswith("{") and '"class_name"' in text


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _line_of(text: str, name: Any, start: int) -> tuple[int, int]:
    """The line of ``"name": "<name>"`` at or after ``start`` (and where it is)."""
    if isinstance(name, str):
        found = re.compile(r'"name"\s*:\s*' + re.escape(json.dumps(name))).search(text, start)
        if found:
            return text.count("\n", 0, found.start()) + 1, found.end()
    return text.count("\n", 0, start) + 1, start


def _inputs(value: Any) -> list[str]:
    """The layers whose outputs a node reads (``keras_history`` of its argument tensors)."""
    if isinstance(value, dict):
        history = value.get("config", {}).get("keras_history") if isinstance(
            value.get("config"), dict) else None  # fmt: skip
        if isinstance(history, list) and history and isinstance(history[0], str):
            return [history[0]]
        return [name for v in value.values() for name in _inputs(v)]
    if isinstance(value, list):
        return [name for v in value for name in _inputs(v)]
    return []


def main_path(layers: list[Any], outputs: Any) -> set[str] | None:
    """A Functional model's main chain: the longest path from its input to its output.

    A residual shortcut is the shorter way round, so every layer off that path is a side
    branch; a Sequential model (no ``inbound_nodes``) has no graph to follow: ``None``.
    """
    graph: dict[str, list[str]] = {}
    for layer in layers:
        if not isinstance(layer, dict) or not isinstance(layer.get("config"), dict):
            return None
        graph[str(layer["config"].get("name"))] = _inputs(layer.get("inbound_nodes", []))
    if not any(graph.values()):
        return None
    longest: dict[str, int] = {}
    for name in graph:  # Keras lists a Functional model's layers in topological order
        longest[name] = 1 + max((longest.get(p, 0) for p in graph[name]), default=0)
    output = outputs[0][0] if isinstance(outputs, list) and outputs and isinstance(
        outputs[0], list) and outputs[0] else None  # fmt: skip
    current = output if output in graph else max(longest, key=lambda n: longest[n])
    path: set[str] = set()
    while current in graph and current not in path:
        path.add(current)
        inputs = [p for p in graph[current] if p in graph]
        current = max(inputs, key=lambda n: longest[n]) if inputs else ""
    return path


def read_keras_json(text: str) -> list[Event]:
    try:
        model = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise refuse(["code"], "parse_json", reason=str(exc)[:80]) from None
    events: list[Event] = []
    position = 0

    def walk(node: Any, depth: int, main: set[str] | None = None) -> None:
        nonlocal position
        if depth > MAX_NESTING:
            raise refuse(["code"], "parse_json", reason="models nested too deeply")
        if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
            raise refuse(["code"], "parse_json", reason="a layer without class_name and config")
        config = node["config"]
        layers = config.get("layers")
        if isinstance(layers, list):
            build = node.get("build_config")
            shape = build.get("input_shape") if isinstance(build, dict) else None
            has_input = any(isinstance(x, dict) and x.get("class_name") == "InputLayer"
                            for x in layers)  # fmt: skip
            if isinstance(shape, list) and not has_input and depth == 0:
                line, _ = _line_of(text, None, 0)
                events.append(Event(Call("InputLayer", line, [], {"batch_shape": _tuples(shape)}),
                                    False))  # fmt: skip
            main = main_path(layers, config.get("output_layers"))
            for layer in layers:
                walk(layer, depth + 1, main)
            return
        name = str(node.get("class_name"))
        line, position = _line_of(text, config.get("name"), position)
        kwargs = {k: _tuples(v) for k, v in config.items() if k not in DROPPED}
        off_path = main is not None and config.get("name") not in main
        branch = off_path or shortcut_name(config.get("name"))
        events.append(Event(Call(name, line, [], kwargs), branch))

    walk(model, 0)
    return events
