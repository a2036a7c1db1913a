"""The same pictures drawn with Pillow: a PNG of one step, an animated GIF of all of them.

GIF frames use one fixed palette built from the theme (the cell colours and the
anti-aliasing steps of text on them), so no frame is quantised on its own: colours
stay exact, the output is deterministic and encoding is fast. Only the kernel
window, the cell being written and the arithmetic change between frames, so each
frame is a copy of a running base image with that overlay drawn on it.
"""

import io
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from app.arithmetic.errors import ConfigError
from app.limits import LIMITS, Limits
from app.render.scene import CELL_INKS, CELL_MIN, Diagram, Item, Rect, Theme, blend, font

ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}
DASH, DASH_GAP = 4, 3


def _dashed(draw: ImageDraw.ImageDraw, x0: int, y0: int, x1: int, y1: int, color: str) -> None:
    """A 1-px dashed rectangle outline, each side dashed from its corner (SVG's ``4 3``)."""
    for start in range(x0, x1 + 1, DASH + DASH_GAP):
        end = min(start + DASH - 1, x1)
        draw.line((start, y0, end, y0), fill=color)
        draw.line((start, y1, end, y1), fill=color)
    for start in range(y0, y1 + 1, DASH + DASH_GAP):
        end = min(start + DASH - 1, y1)
        draw.line((x0, start, x0, end), fill=color)
        draw.line((x1, start, x1, end), fill=color)


def draw_items(image: Image.Image, items: list[Item]) -> None:
    draw = ImageDraw.Draw(image)
    for item in items:
        if isinstance(item, Rect):
            box = (item.x, item.y, item.x + item.w - 1, item.y + item.h - 1)
            if item.dashed and item.stroke:
                draw.rectangle(box, fill=item.fill)
                _dashed(draw, *box, item.stroke)
            else:
                draw.rectangle(box, fill=item.fill, outline=item.stroke, width=item.stroke_width)
        else:
            draw.text(
                (item.x, item.y),
                item.text,
                fill=item.fill,
                font=font(item.size),
                anchor=ANCHORS[item.anchor],
            )


def render_png(trace: dict[str, Any], step: int, theme: str = "light") -> bytes:
    """The PNG of ``step`` (0-based) of ``trace``: the SVG's picture, rasterised."""
    diagram = Diagram(trace, theme)
    image = Image.new("RGB", (diagram.width, diagram.height), diagram.theme.background)
    draw_items(image, diagram.picture(step))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@lru_cache(maxsize=4)
def palette(theme: Theme) -> Image.Image:
    """A ``P`` image whose palette holds every colour a picture of ``theme`` uses, plus three
    anti-aliasing steps of each text colour over each fill."""
    shaded = [
        blend(c, theme.shade, theme.shade_alpha) for c in (theme.input, theme.pad, theme.output)
    ]
    fills = [theme.background, theme.input, theme.pad, theme.empty, theme.output, *shaded]
    inks = [theme.ink, theme.muted, *CELL_INKS]
    strokes = [
        theme.input_stroke,
        theme.pad_stroke,
        theme.empty_stroke,
        theme.output_stroke,
        theme.window_stroke,
    ]
    colors = fills + inks + strokes
    for fill in fills:
        for ink in inks:
            colors += [blend(fill, ink, a) for a in (0.25, 0.5, 0.75)]
    unique = list(dict.fromkeys(_rgb(c) for c in colors))[:256]
    flat = [v for rgb in unique for v in rgb]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + flat[:3] * (256 - len(unique)))
    return image


def gif_diagram(trace: dict[str, Any], fps: int, theme: str, limits: Limits = LIMITS) -> Diagram:
    """The layout with the largest cells whose frames fit the GIF limits; refuse (naming the
    limit) when even the smallest cells do not, before anything is drawn."""
    if not 1 <= fps <= limits.max_gif_fps:
        raise ConfigError("fps", f"fps must be between 1 and max_gif_fps ({limits.max_gif_fps})")
    frames = len(trace["steps"])
    if frames > limits.max_gif_frames:
        raise ConfigError(
            "input_size",
            f"the GIF would have {frames:,} frames (one per output cell), above max_gif_frames "
            f"({limits.max_gif_frames:,}); use a smaller input, a larger stride or fewer channels",
        )
    diagram = Diagram(trace, theme, limits)
    while frames * diagram.width * diagram.height > limits.max_gif_pixels:
        if diagram.cell - 2 < CELL_MIN:
            pixels = frames * diagram.width * diagram.height
            raise ConfigError(
                "input_size",
                f"the GIF would hold {pixels:,} pixels ({frames} frames of {diagram.width}x"
                f"{diagram.height}), above max_gif_pixels ({limits.max_gif_pixels:,}); use a "
                "smaller input, a larger stride or fewer channels",
            )
        diagram = Diagram(trace, theme, limits, cell_max=diagram.cell - 2)
    return diagram


def render_gif(trace: dict[str, Any], fps: int = 2, theme: str = "light") -> bytes:
    """An animated GIF of ``trace``: one frame per step at ``fps``, looping forever."""
    diagram = gif_diagram(trace, fps, theme)
    steps = len(trace["steps"])
    colors = palette(diagram.theme)
    size = (diagram.width, diagram.height)
    frames: list[Image.Image] = []
    base = Image.new("RGB", size)
    channel = -1
    for step in range(steps):
        out_channel = trace["steps"][step]["output"][0]
        if out_channel != channel:
            channel = out_channel
            base = Image.new("RGB", size, diagram.theme.background)
            draw_items(base, diagram.background(channel))
        frame = base.copy()
        draw_items(frame, diagram.overlay(step))
        frames.append(frame.quantize(palette=colors, dither=Image.Dither.NONE))
        draw_items(base, diagram.written(step))
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=round(1000 / fps),
        loop=0,
    )
    return out.getvalue()
