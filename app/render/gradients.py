"""The gradients view: the backward pass of one layer, cell by cell (SPEC.md "Gradients"), the
page's ``static/js/views/gradients.js`` as a picture.

The steps walk the input gradient first (each input cell collecting ``g[o]·w[k]`` from the
output cells it fed), then the weight gradient (each weight collecting ``g[o]·x[i]`` from
every window position it met). The terms are ``app.arithmetic.gradients.grad_terms`` and
the totals ``backward``'s: read, never recomputed. A phase is one input channel (its
``x``, ``dL/dX`` and the ``g`` and ``w`` planes it feeds) or one weight plane (its ``w``,
``dL/dW``, the input channel it reads and the output channel it writes).
"""

from dataclasses import replace
from itertools import product
from typing import Any

from app.arithmetic.gradients import Gradients, grad_terms
from app.i18n.messages import t
from app.render.views import (
    MAX_DRAWN_CHANNELS,
    Cell,
    Grid,
    Key,
    Part,
    Reader,
    Sum,
    View,
    factor,
    number,
)

Link = tuple[int, int, int]  # (output channel, w0, w1): a g plane and the weight plane to it


class GradientsView(View):
    """``x``, ``w`` and ``g = dL/dY`` → ``dL/dX`` and ``dL/dW``, one cell a step."""

    name = "gradients"

    def __init__(self, reader: Reader, grads: Gradients):
        super().__init__(reader)
        r = reader
        config = r.config
        self.title = f"{self.title} · {t('picture.gradients.title')}"
        self.pool = config.op != "conv"
        two = r.two
        self.g = grads.output.reshape(config.out_channels, *two(config.output_size))
        self.dx = grads.input.reshape(config.in_channels, *two(config.input_size))
        self.dw = (
            None
            if grads.weight is None or self.pool
            else grads.weight.reshape(*grads.weight.shape[:2], *two(config.kernel_size))
        )
        self.grads = grads
        self._links: dict[int, list[Link]] = {}
        ih, iw = r.input.shape[1:]
        self.inputs = list(product(range(config.in_channels), range(ih), range(iw)))
        self.planes: list[tuple[int, int]] = []
        self.weights: list[tuple[int, int, int, int]] = []
        if self.dw is not None:
            kh, kw = self.dw.shape[2:]
            self.planes = [(a, b) for a, b in product(*map(range, self.dw.shape[:2]))]
            self.weights = [(a, b, ky, kx) for a, b in self.planes for ky, kx in
                            product(range(kh), range(kw))]  # fmt: skip
        self.count = len(self.inputs) + len(self.weights)
        self.slots = max(1, min(MAX_DRAWN_CHANNELS, max(len(self.links(p)) for p in
                                                        range(config.in_channels))))  # fmt: skip
        oh, ow = r.output.shape[1:]
        kh, kw = (1, config.kernel_size[0]) if r.one_d else config.kernel_size
        weights: list[Part] = [] if self.pool else [Grid("kernel", kh, kw)] * self.slots
        grad_weights: list[Part] = [] if self.pool else [Grid("grad-weight", kh, kw)] * self.slots
        self.parts = [
            Grid("input", ih, iw),
            *weights,
            "←",
            *[Grid("grad-output", oh, ow) for _ in range(self.slots)],
            "→",
            Grid("grad-input", ih, iw),
            *grad_weights,
        ]
        s = self.slots
        self.w_first = 1
        self.g_first = 1 + (0 if self.pool else s)
        self.dx_grid = self.g_first + s
        self.dw_first = self.dx_grid + 1

    # ------------------------------------------------------------------ phases

    def links(self, phase: int) -> list[Link]:
        """The (output channel, weight plane) pairs of ``phase``: those input channel ``phase``
        feeds, or the one pair of a weight plane (the engine's channel taps, read once)."""
        if phase not in self._links:
            self._links[phase] = self._find_links(phase)
        return self._links[phase]

    def _find_links(self, phase: int) -> list[Link]:
        r = self.r
        config = r.config
        found: list[Link] = []
        plane = self.planes[phase - config.in_channels] if phase >= config.in_channels else None
        for o in range(config.out_channels):
            for c, w0, w1 in r.channel_taps(o):
                if (plane is None and c == phase) or plane == (w0, w1):
                    found.append((o, w0, w1))
        return found[:MAX_DRAWN_CHANNELS]

    def channel(self, phase: int) -> int:
        """The input channel drawn in ``phase``."""
        config = self.r.config
        if phase < config.in_channels:
            return phase
        o, w0, w1 = self.links(phase)[0]
        return next(c for c, a, b in self.r.channel_taps(o) if (a, b) == (w0, w1))

    def target(self, step: int) -> tuple[str, tuple[int, ...]]:
        """Step ``step``: ``("input", (c, y, x))`` or ``("weight", (w0, w1, ky, kx))``."""
        if step < len(self.inputs):
            return "input", self.inputs[step]
        return "weight", self.weights[step - len(self.inputs)]

    def phase(self, step: int) -> int:
        kind, index = self.target(step)
        if kind == "input":
            return index[0]
        return self.r.config.in_channels + self.planes.index((index[0], index[1]))

    def _slot(self, phase: int, o: int, w0: int, w1: int) -> int | None:
        for slot, link in enumerate(self.links(phase)):
            if link == (o, w0, w1) or (self.pool and link[0] == o):
                return slot
        return None

    # ------------------------------------------------------------------ naming

    def _where(self, values: list[int], channel: bool) -> str:
        """An index as the page writes it: channel first when there are several, 1-D no row."""
        head, (y, x) = values[:-2], values[-2:]
        spatial = [x] if self.r.one_d else [y, x]
        return ",".join(map(str, [*head, *spatial] if channel else spatial))

    def key(self, kind: str, index: tuple[int, ...]) -> str:
        if kind == "input":
            return self._where(list(index), self.r.config.in_channels > 1)
        return self._where(list(index), True)

    def cell_id(self, key: Key) -> tuple[str, str]:
        g, row, col = key
        grid = self.grids[g]
        phase = self.shown
        links = self.links(phase)
        if grid.name in ("input", "grad-input"):
            return grid.name, self.key("input", (self.channel(phase), row, col))
        slot = (g - self.w_first) if grid.name == "kernel" else g - self.g_first
        if grid.name == "grad-weight":
            slot = g - self.dw_first
        if slot >= len(links):
            return grid.name, ""
        o, w0, w1 = links[slot]
        if grid.name == "grad-output":
            return grid.name, self._where([o, row, col], self.r.config.out_channels > 1)
        return grid.name, self._where([w0, w1, row, col], True)

    # ------------------------------------------------------------------ cells

    def _base(self, phase: int) -> dict[Key, Cell]:
        r = self.r
        config = r.config
        c = self.channel(phase)
        cells: dict[Key, Cell] = {}
        ih, iw = r.input.shape[1:]
        done = phase >= config.in_channels  # every input step comes before the weight steps
        for y, x in product(range(ih), range(iw)):
            cells[0, y, x] = Cell("input", number(r.input[c, y, x]))
            cells[self.dx_grid, y, x] = (
                Cell("output", number(self.dx[c, y, x])) if done else Cell("output_empty")
            )
        links = self.links(phase)
        oh, ow = r.output.shape[1:]
        for slot in range(self.slots):
            link = links[slot] if slot < len(links) else None
            for y, x in product(range(oh), range(ow)):
                cells[self.g_first + slot, y, x] = (
                    Cell("output", number(self.g[link[0], y, x])) if link else Cell("padding")
                )
            if self.pool or r.weight is None:
                continue
            kh, kw = r.weight.shape[2:]
            for ky, kx in product(range(kh), range(kw)):
                if link is None:
                    cells[self.w_first + slot, ky, kx] = Cell("padding")
                    cells[self.dw_first + slot, ky, kx] = Cell("padding")
                    continue
                _, w0, w1 = link
                cells[self.w_first + slot, ky, kx] = Cell(
                    "kernel", number(r.weight[w0, w1, ky, kx])
                )
                cells[self.dw_first + slot, ky, kx] = Cell("output_empty")
        return cells

    def terms(self, step: int) -> list[dict[str, Any]]:
        """The engine's terms of ``step``'s cell (input and weight indices in the trace's
        layout: a 1-D layer has no row)."""
        kind, index = self.target(step)
        if self.r.one_d:
            index = (*index[:-2], index[-1])
        return grad_terms(self.r.trace, self.grads.output, kind, index)

    def _lift(self, index: list[int]) -> list[int]:
        return [*index[:-1], 0, index[-1]] if self.r.one_d else index

    def total(self, step: int) -> float:
        kind, index = self.target(step)
        if kind == "input":
            return float(self.dx[index])
        assert self.dw is not None
        return float(self.dw[index])

    def changes(self, step: int) -> dict[Key, Cell]:
        phase = self.phase(step)
        base = self.base(phase)
        kind, index = self.target(step)
        cells: dict[Key, Cell] = {}
        for term in self.terms(step):
            if self.r.op == "max_pool" and term["factor"] == 0:
                continue  # not this window's maximum: nothing comes back
            o, oy, ox = self._lift(term["output"])
            w0, w1, ky, kx = self._lift(term["weight"])
            slot = 0 if kind == "weight" else self._slot(phase, o, w0, w1)
            if slot is None:
                continue  # a channel past the drawn ones: in the arithmetic only
            # the term's g, and its w (input gradient) or x (weight gradient), outlined
            lit: list[Key] = [(self.g_first + slot, oy, ox)]
            if kind == "input" and not self.pool:
                lit.append((self.w_first + slot, ky, kx))
            if kind == "weight":
                _, iy, ix = self._lift(term["input"])
                lit.append((0, iy, ix))
            for key in lit:
                cells[key] = replace(base[key], shade=True, mark="max")
        first = self.inputs.index((index[0], 0, 0)) if kind == "input" else None
        if kind == "input":
            c, y, x = index
            cells[0, y, x] = replace(base[0, y, x], mark="now")
            assert first is not None
            for s in range(first, step):
                _, sy, sx = self.inputs[s]
                cells[self.dx_grid, sy, sx] = Cell("output", number(self.dx[c, sy, sx]))
            cells[self.dx_grid, y, x] = Cell("output_current", number(self.dx[c, y, x]))
        else:
            w0, w1, ky, kx = index
            assert self.dw is not None
            key = (self.w_first, ky, kx)
            cells[key] = replace(base[key], mark="now")
            start = len(self.inputs) + self.weights.index((w0, w1, 0, 0))
            for s in range(start, step):
                _, _, sy, sx = self.weights[s - len(self.inputs)]
                cells[self.dw_first, sy, sx] = Cell("output", number(self.dw[w0, w1, sy, sx]))
            cells[self.dw_first, ky, kx] = Cell("output_current", number(self.dw[index]))
        return cells

    # ------------------------------------------------------------------ words

    def captions(self, phase: int) -> list[str]:
        config = self.r.config
        c = self.channel(phase)
        links = self.links(phase)

        def plane(name: str, channel: int, many: bool) -> str:
            return t("view.gradients.channel", name=name, c=channel) if many else name

        def kernel(name: str, slot: int) -> str:
            if slot >= len(links):
                return ""
            _, w0, w1 = links[slot]
            many = config.in_channels > 1 or config.out_channels > 1
            return t("view.gradients.kernel", name=name, w0=w0, w1=w1) if many else name

        found = [plane(t("view.gradients.x"), c, config.in_channels > 1)]
        slots = range(self.slots)
        if not self.pool:
            found += [kernel(t("view.gradients.w"), s) for s in slots]
        found += [
            plane(t("view.gradients.g"), links[s][0], config.out_channels > 1)
            if s < len(links) else "" for s in slots
        ]  # fmt: skip
        found.append(plane(t("view.gradients.dx"), c, config.in_channels > 1))
        if not self.pool:
            found += [kernel(t("view.gradients.dw"), s) for s in slots]
        return found

    def arithmetic(self, step: int) -> Sum:
        kind, index = self.target(step)
        name = "dL/dX" if kind == "input" else "dL/dW"
        head = f"{name}[{self.key(kind, index)}] = "
        texts = []
        for term in self.terms(step):
            g, f = term["g"], term["factor"]
            if self.r.op == "max_pool":
                texts.append(number(g) if f else "0")
            elif self.r.op == "avg_pool":
                texts.append(f"{factor(g)}/{number(round(1 / f, 6))}")
            else:
                texts.append(f"{factor(g)}·{factor(f)}")
        return Sum(head, texts or ["0"], f" = {number(self.total(step))}")

    def legend(self) -> list[tuple[Cell, str]]:
        entries = [(Cell("input"), t("view.gradients.x"))]
        if not self.pool:
            entries.append((Cell("kernel"), t("view.gradients.w")))
        return [
            *entries,
            (Cell("output"), t("picture.gradients.legend.g")),
            (Cell("output", shade=True, mark="max"), t("picture.gradients.legend.term")),
            (Cell("output_current"), t("picture.gradients.legend.current")),
            (Cell("output_empty"), t("picture.gradients.legend.pending")),
        ]
