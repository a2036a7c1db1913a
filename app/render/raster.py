"""The same pictures drawn with Pillow: a PNG of one step, an animated GIF of all of them.

GIF frames use one fixed palette built from the look (the cell colours, shaded and not,
and the anti-aliasing steps of text on them), so no frame is quantised on its own: colours
stay exact, the output is deterministic and encoding is fast. Each frame is the previous one
with only the cells that changed, and the arithmetic, redrawn.
"""

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from app.arithmetic.errors import ConfigError
from app.limits import LIMITS, Limits
from app.render.look import DASHES, Look, blend, shaded
from app.render.scene import (
    CELL_MIN,
    Bitmap,
    Diagram,
    Group,
    Item,
    Layout,
    Rect,
    diagram_for,
    font,
    runs,
    text_width,
)
from app.render.views import Cell, Key, View

ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}
HATCH_PERIOD, HATCH_WIDTH = 6, 2
DOT_PERIOD = 7


def _dashed(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], color: str, dash: str
) -> None:
    """A 1-px dashed or dotted rectangle outline, each side from its corner (SVG's
    ``stroke-dasharray`` of the same lengths)."""
    x0, y0, x1, y1 = box
    on, off = DASHES[dash]
    for start in range(x0, x1 + 1, on + off):
        end = min(start + on - 1, x1)
        draw.line((start, y0, end, y0), fill=color)
        draw.line((start, y1, end, y1), fill=color)
    for start in range(y0, y1 + 1, on + off):
        end = min(start + on - 1, y1)
        draw.line((x0, start, x0, end), fill=color)
        draw.line((x1, start, x1, end), fill=color)


@lru_cache(maxsize=32)
def pattern_mask(pattern: str, w: int, h: int) -> Image.Image:
    """Diagonal lines, ``HATCH_WIDTH`` px every ``HATCH_PERIOD`` px, anchored at the rectangle's
    corner: ``hatch`` rises to the right (45°), ``stripes`` falls (−45°), as the page's CSS."""
    ys, xs = np.mgrid[0:h, 0:w]
    if pattern == "dots":  # a dot of radius ~1.2 px every DOT_PERIOD px, as the page's CSS
        dy, dx = ys % DOT_PERIOD - DOT_PERIOD // 2, xs % DOT_PERIOD - DOT_PERIOD // 2
        on = dy * dy + dx * dx <= 1
    else:
        diagonal = (xs + ys) if pattern == "hatch" else (xs - ys)
        on = (diagonal % HATCH_PERIOD) < HATCH_WIDTH
    return Image.fromarray((on * 255).astype(np.uint8), mode="L")


def draw_items(image: Image.Image, items: list[Item]) -> None:
    draw = ImageDraw.Draw(image)
    for item in items:
        if isinstance(item, Group):
            draw_items(image, list(item.items))
        elif isinstance(item, Bitmap):
            picture = Image.fromarray(item.pixels, mode="RGB")
            image.paste(
                picture.resize((item.w, item.h), Image.Resampling.NEAREST), (item.x, item.y)
            )
        elif isinstance(item, Rect):
            box = (item.x, item.y, item.x + item.w - 1, item.y + item.h - 1)
            if item.fill:
                draw.rectangle(box, fill=item.fill)
            if item.pattern and item.pattern_color and item.w > 2 and item.h > 2:
                mask = pattern_mask(item.pattern, item.w - 2, item.h - 2)
                image.paste(item.pattern_color, (item.x + 1, item.y + 1), mask)
            if item.stroke and item.dash:
                _dashed(draw, box, item.stroke, item.dash)
            elif item.stroke:
                draw.rectangle(box, outline=item.stroke, width=item.stroke_width)
        elif all(script is None for _, script in runs(item.text)):
            draw.text(
                (item.x, item.y),
                item.text,
                fill=item.fill,
                font=font(item.size),
                anchor=ANCHORS[item.anchor],
            )
        else:  # Bengali or Devanagari in it: each run in its own font, side by side
            x = item.x - {"start": 0.0, "middle": 0.5, "end": 1.0}[item.anchor] * text_width(
                item.text, item.size
            )
            ascent, descent = font(item.size).getmetrics()  # one baseline: DejaVu's middle
            baseline = item.y + (ascent - descent) / 2
            for run, script in runs(item.text):
                face = font(item.size, script)
                draw.text((x, baseline), run, fill=item.fill, font=face, anchor="ls")
                x += face.getlength(run)


def render_png(view: View, step: int, theme: str = "light") -> bytes:
    """The PNG of ``step`` (0-based) of ``view``: the SVG's picture, rasterised."""
    diagram = diagram_for(view, theme)
    image = Image.new("RGB", (diagram.width, diagram.height), diagram.look.background)
    draw_items(image, diagram.picture(step))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@lru_cache(maxsize=4)
def palette(look: Look) -> Image.Image:
    """A ``P`` image whose palette holds every colour a picture of ``look`` uses (exact ones
    first), then anti-aliasing steps of each text colour over each fill."""
    styles = look.cells.values()
    fills = [look.background, *(s.fill for s in styles)]
    fills += [color for scale in look.scales.values() for color in scale]
    fills += [shaded(look, f) for f in fills]
    patterns = [s.pattern_color for s in styles if s.pattern_color]
    patterns += [shaded(look, p) for p in patterns]
    inks = [look.ink, look.muted, look.window_text, "#ffffff", *(s.text for s in styles)]
    strokes = [look.line, look.window_stroke, *look.marks.values(), *(s.stroke for s in styles)]
    colors = fills + patterns + inks + strokes
    for fill in fills:
        for ink in dict.fromkeys(inks):
            colors += [blend(fill, ink, a) for a in (0.25, 0.5, 0.75)]
    unique = list(dict.fromkeys(_rgb(c) for c in colors))[:256]
    flat = [v for rgb in unique for v in rgb]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + flat[:3] * (256 - len(unique)))
    return image


def gif_diagram(
    view: View, fps: int, theme: str, limits: Limits = LIMITS, frames: int | None = None
) -> Layout:
    """The layout with the largest cells whose frames fit the GIF limits; refuse (naming the
    limit) when even the smallest cells do not, before anything is drawn. ``frames``: how
    many steps the GIF shows (all of them when not given)."""
    if fps < 1:
        raise ConfigError("fps", "too_small", minimum=1, value=fps)
    if fps > limits.max_gif_fps:
        raise ConfigError(
            "fps", "above_limit", value=fps, limit=limits.max_gif_fps,
            limit_name="max_gif_fps",
        )  # fmt: skip
    frames = view.count if frames is None else frames
    if frames > limits.max_gif_frames:
        raise ConfigError(
            "input_size", "gif_too_many_frames", frames=frames, max_gif_frames=limits.max_gif_frames
        )
    diagram = diagram_for(view, theme, limits)
    while frames * diagram.width * diagram.height > limits.max_gif_pixels:
        if not isinstance(diagram, Diagram) or diagram.cell - 2 < CELL_MIN:
            raise ConfigError(
                "input_size",
                "gif_too_many_pixels",
                pixels=frames * diagram.width * diagram.height,
                frames=frames,
                width=diagram.width,
                height=diagram.height,
                max_gif_pixels=limits.max_gif_pixels,
            )
        diagram = Diagram(view, theme, limits, cell_max=diagram.cell - 2)
    return diagram


def render_gif(view: View, fps: int = 2, theme: str = "light", steps: range | None = None) -> bytes:
    """An animated GIF of ``view``: one frame per step (of ``steps``, 0-based; every step when
    not given) at ``fps``, looping forever. A still view (the picture view, whose colours are
    a photograph's) is one frame in its own palette."""
    steps = range(view.count) if steps is None else steps
    diagram = gif_diagram(view, fps, theme, frames=len(steps))
    image = Image.new("RGB", (diagram.width, diagram.height), diagram.look.background)
    frames: list[Image.Image] = []
    if view.still:
        draw_items(image, diagram.picture(steps[0]))
        frames.append(
            image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        )
        steps = range(0)
    colors = palette(diagram.look)
    phase: int | None = None
    shown: dict[Key, Cell] = {}
    for step in steps:
        cells = view.cells(step)
        if view.phase(step) != phase:
            phase = view.phase(step)
            draw_items(image, diagram.static(phase))
            changed = cells
        else:
            changed = {k: c for k, c in cells.items() if shown.get(k) != c}
        items: list[Item] = []
        for key, cell in changed.items():
            items += diagram.cell_items(key, cell)
        draw_items(image, items + diagram.math(step))
        shown = cells
        frames.append(image.quantize(palette=colors, dither=Image.Dither.NONE))
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
