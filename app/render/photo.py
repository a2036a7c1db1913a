"""The picture view: a layer's input and output drawn as images (SPEC.md "Pictures"), the
page's ``static/js/views/picture.js`` as a picture.

The input is drawn as it is when its values are 0–255 (RGB for three channels, grey for one
or the first of others), else stretched to its range; each output channel (up to four) is
stretched to its own range, the scale written under it. A step is an output cell, as on
the page: it is outlined on its output and the box of its window's taps on the input. A
still picture (a GIF of this view is one frame) outlines nothing.
"""

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.errors import ConfigError
from app.i18n.messages import t
from app.limits import Limits
from app.render.look import LOOKS, Look
from app.render.scene import (
    LABEL_LINE,
    LABEL_SIZE,
    MARGIN,
    MATH_LINE,
    MATH_SIZE,
    TITLE_SIZE,
    Bitmap,
    Item,
    Rect,
    Text,
    fit,
    text_width,
)
from app.render.views import MAX_DRAWN_CHANNELS, Cell, Key, Reader, Sum, View, number

SHOWN_SIDE = 320  # the page's drawn size of the larger side, in pixels
GAP = 24
RAMP = 160  # the scale bar's width


def levels(planes: NDArray[np.float64], low: float, high: float) -> NDArray[np.uint8]:
    """``planes`` mapped from ``[low, high]`` to 0–255 (rounding half up, as the page), an
    RGB image ``[h, w, 3]`` (one plane grey).

    >>> levels(np.array([[[0.0, 5.0, 10.0]]]), 0.0, 10.0)[0].tolist()
    [[0, 0, 0], [128, 128, 128], [255, 255, 255]]
    """
    span = (high - low) or 1.0
    scaled = np.floor((planes - low) / span * 255 + 0.5).clip(0, 255).astype(np.uint8)
    rgb = scaled if scaled.shape[0] == 3 else np.repeat(scaled[:1], 3, axis=0)
    return np.ascontiguousarray(rgb.transpose(1, 2, 0))


class PictureView(View):
    """Input and output as images; a step outlines an output pixel and its window."""

    name = "picture"

    def __init__(self, reader: Reader, still: bool = False):
        super().__init__(reader)
        self.parts = []
        self.still = still
        self.count = 1 if still else reader.count
        x = reader.input
        low, high = float(x.min()), float(x.max())
        self.input_as_is = low >= 0 and high <= 255
        self.input_range = (0.0, 255.0) if self.input_as_is else (low, high)
        planes = x if reader.config.in_channels == 3 else x[:1]
        self.input_image = levels(planes, *self.input_range)
        self.outputs = [
            (levels(plane[None], float(plane.min()), float(plane.max())),
             (float(plane.min()), float(plane.max())))
            for plane in reader.output[:MAX_DRAWN_CHANNELS]
        ]  # fmt: skip

    def layout(self, theme: str, limits: Limits) -> "PictureLayout":
        return PictureLayout(self, theme, limits)

    def _base(self, phase: int) -> dict[Key, Cell]:
        return {}

    def captions(self, phase: int) -> list[str]:
        return []

    def changes(self, step: int) -> dict[Key, Cell]:
        return {}

    def input_caption(self) -> str:
        if self.input_as_is:
            return t("view.picture.input")
        low, high = self.input_range
        return t("view.picture.input.scaled", low=number(low), high=number(high))

    def arithmetic(self, step: int) -> Sum:
        if self.still:
            return Sum("", [t("picture.picture.still")], "")
        r = self.r
        o, y, x = r.out(step)
        where = r.where(o, y, x, r.config.out_channels > 1)
        taps = len(r.taps(step))
        text = t("view.picture.arithmetic", output=where, value=number(r.output[o, y, x]),
                 count=taps)  # fmt: skip
        return Sum("", [text], "")

    def window_box(self, step: int) -> tuple[int, int, int, int] | None:
        """Rows and columns ``(y0, x0, y1, x1)`` of the input under ``step``'s taps."""
        taps = self.r.taps(step)
        if not taps:
            return None
        ys = [iy for _, iy, *_ in taps]
        xs = [ix for _, _, ix, *_ in taps]
        return min(ys), min(xs), max(ys), max(xs)

    def legend(self) -> list[tuple[Cell, str]]:
        return []


class PictureLayout:
    """Images side by side at one scale (so an upsampled output shows its size), each with
    its caption; an output's scale bar under it; the step's arithmetic."""

    def __init__(self, view: PictureView, theme: str, limits: Limits):
        if theme not in LOOKS:
            raise ConfigError("theme", "not_a_choice", choices=", ".join(LOOKS), value=theme[:60])
        self.view = view
        self.look: Look = LOOKS[theme]
        self.cell = 1
        side = limits.max_render_side
        images = [view.input_image, *(image for image, _ in view.outputs)]
        largest = max(max(i.shape[:2]) for i in images)
        across = sum(i.shape[1] for i in images)
        tall = max(i.shape[0] for i in images)
        top = MARGIN + 30
        below = 8 + 2 * LABEL_LINE + 8 + 14 + LABEL_LINE + 12 + MATH_LINE + MARGIN
        scale = max(1, SHOWN_SIDE // largest)
        while scale > 1 and (
            across * scale + GAP * (len(images) - 1) + 2 * MARGIN > side
            or top + tall * scale + below > side
        ):
            scale -= 1
        width = across * scale + GAP * (len(images) - 1) + 2 * MARGIN
        height = top + tall * scale + below
        if width > side or height > side:
            raise ConfigError(
                "input_size", "picture_too_large_pixels", width=width, height=height,
                max_render_side=side,
            )  # fmt: skip
        self.scale = scale
        self.width = max(width, min(side, int(text_width(view.title, TITLE_SIZE)) + 2 * MARGIN))
        self.height = height
        left = (self.width - width) // 2 + MARGIN
        self.boxes: list[tuple[int, int, int, int]] = []  # x, y, w, h of each image
        for image in images:
            h, w = image.shape[:2]
            self.boxes.append((left, top, w * scale, h * scale))
            left += w * scale + GAP
        self.caption_top = top + tall * scale + 8
        self.math_top = self.caption_top + 2 * LABEL_LINE + 8 + 14 + LABEL_LINE + 12

    def _caption(self, box: tuple[int, int, int, int], text: str) -> list[Item]:
        x, _, w, _ = box
        room = max(w, 120)
        words = text.split(", ", 1) if text_width(text, LABEL_SIZE) > room else [text]
        items: list[Item] = []
        for i, line in enumerate(words):
            size = fit(line, LABEL_SIZE, room, 8) or 8
            y = self.caption_top + i * LABEL_LINE + LABEL_LINE // 2
            items.append(Text(x, y, line, size, self.look.muted, "start"))
        return items

    def static(self, phase: int) -> list[Item]:
        view, look = self.view, self.look
        items: list[Item] = [
            Rect(0, 0, self.width, self.height, look.background),
            Text(MARGIN, MARGIN + 8, view.title, TITLE_SIZE, look.ink, "start"),
        ]
        x, y, w, h = self.boxes[0]
        items.append(Bitmap(x, y, w, h, view.input_image, "picture-input"))
        items += self._caption(self.boxes[0], view.input_caption())
        for o, ((image, (low, high)), box) in enumerate(zip(view.outputs, self.boxes[1:],
                                                            strict=True)):  # fmt: skip
            x, y, w, h = box
            items.append(Bitmap(x, y, w, h, image, f"picture-output-{o}"))
            caption = t("view.picture.output", o=o, low=number(low), high=number(high))
            items += self._caption(box, caption)
            items += self._ramp(x, self.caption_top + 2 * LABEL_LINE + 8, low, high)
        more = self.view.r.config.out_channels - len(view.outputs)
        if more > 0:
            x, y, w, h = self.boxes[-1]
            items.append(Text(x + w + 4, y + 8, t("picture.more", count=more), LABEL_SIZE,
                              look.muted, "start"))  # fmt: skip
        return items

    def _ramp(self, x: int, y: int, low: float, high: float) -> list[Item]:
        """The scale: black at ``low`` to white at ``high``, the two numbers at its ends."""
        ramp = np.repeat(np.linspace(0, 255, RAMP).round().astype(np.uint8)[None, :, None], 3, 2)
        muted = self.look.muted
        return [
            Bitmap(x, y, RAMP, 14, np.ascontiguousarray(ramp), "picture-scale"),
            Rect(x, y, RAMP, 14, None, self.look.line),
            Text(x, y + 14 + LABEL_LINE // 2 + 2, number(low), LABEL_SIZE, muted, "start"),
            Text(x + RAMP, y + 14 + LABEL_LINE // 2 + 2, number(high), LABEL_SIZE, muted, "end"),
        ]

    def cell_items(self, key: Key, cell: Cell) -> list[Item]:
        return []

    def _outline(self, box: tuple[int, int, int, int], cells: tuple[int, int, int, int],
                 color: str) -> Item:  # fmt: skip
        x, y, _, _ = box
        y0, x0, y1, x1 = cells
        s = self.scale
        width = 2 if s >= 3 else 1
        return Rect(x + x0 * s - width, y + y0 * s - width, (x1 - x0 + 1) * s + 2 * width,
                    (y1 - y0 + 1) * s + 2 * width, None, color, width)  # fmt: skip

    def math(self, step: int) -> list[Item]:
        items: list[Item] = [Rect(0, self.math_top, self.width, MATH_LINE, self.look.background)]
        text = "".join(self.view.arithmetic(step).terms)
        size = fit(text, MATH_SIZE, self.width - 2 * MARGIN, 8) or 8
        items.append(Text(MARGIN, self.math_top + MATH_LINE // 2, text, size, self.look.ink,
                          "start"))  # fmt: skip
        return items

    def picture(self, step: int) -> list[Item]:
        items = self.static(0)
        view = self.view
        if not view.still:
            o, y, x = view.r.out(step)
            if o < len(view.outputs):
                items.append(self._outline(self.boxes[1 + o], (y, x, y, x), self.look.marks["max"]))
            window = view.window_box(step)
            if window is not None:
                items.append(self._outline(self.boxes[0], window, self.look.marks["max"]))
        return items + self.math(step)

    def step_title(self, step: int) -> str:
        view = self.view
        head = t("picture.step", title=view.title, n=step + 1, count=view.count)
        return head + "".join(view.arithmetic(step).terms)
