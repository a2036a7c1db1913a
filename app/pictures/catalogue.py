"""The shipped photographs: ``static/images/images.json`` (name, size, licence, source) and
their pixels, read once. ``input=image:<name>`` and ``/learn``'s ``data=image:<name>``
resolve here; the resizing is maths (``app/arithmetic/pictures.py``).

>>> [image["name"] for image in images()]
['astronaut', 'coffee', 'chelsea']
>>> pixels("coffee").shape
(171, 256, 3)
"""

import json
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from app.arithmetic.errors import ConfigError
from app.web.paths import STATIC_DIR

IMAGES_DIR = STATIC_DIR / "images"
PREFIX = "image:"


@cache
def images() -> list[dict[str, Any]]:
    """``GET /api/images``: name, width, height, license, source (and author) of each."""
    listed: list[dict[str, Any]] = json.loads((IMAGES_DIR / "images.json").read_text("utf-8"))
    return listed


def names() -> list[str]:
    return [image["name"] for image in images()]


@cache
def pixels(name: str) -> NDArray[np.uint8]:
    """The picture ``[height, width, 3]`` (RGB, 0–255)."""
    entry = next(image for image in images() if image["name"] == name)
    with Image.open(IMAGES_DIR / entry["file"]) as picture:
        found = np.asarray(picture.convert("RGB"), dtype=np.uint8)
    found.flags.writeable = False
    return found


def image_name(field: str, text: str) -> str:
    """The name in ``image:<name>``, refused by name when no picture has it.

    >>> image_name("input", "image:cat")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: input: image_unknown {...'names': 'astronaut, coffee, ...'}
    """
    name = text.removeprefix(PREFIX)
    if not text.startswith(PREFIX) or name not in names():
        raise ConfigError(field, "image_unknown", value=text[:40], names=", ".join(names()))
    return name
