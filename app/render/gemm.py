"""The im2col view: the layer as one dense matrix product (SPEC.md "im2col"), the page's
``static/js/views/im2col.js`` as a picture.

Direct: the weight matrix (``out × in·Πk``) times the patch matrix (``F.unfold``: a row per
input channel and kernel position, a column per window) is the output, flattened.
Transposed: the weight matrix (``(out·Πk) × in``) times the input flattened gives each input
cell's scaled kernel as a column, which col2im adds onto the output. A step is a column:
outlined in the patch (or input) matrix, its product column written. The matrices are
``app.arithmetic.im2col``'s, read, never recomputed.
"""

from dataclasses import replace

import numpy as np

from app.arithmetic.im2col import im2col
from app.i18n.messages import t
from app.render.views import MATRIX_CLASSES, Cell, Grid, Key, Reader, Sum, View, factor, number


def _entry(value: float, biggest: float) -> Cell:
    """A weight-matrix entry as the matrix view draws one: its sign's colour, darker when
    larger, blank when zero (no tap)."""
    if value == 0:
        return Cell("matrix_zero")
    kind = "matrix_positive" if value > 0 else "matrix_negative"
    level = round(abs(value) / biggest * (MATRIX_CLASSES - 1))
    return Cell(kind, number(value), scale=(kind, level))


class Im2colView(View):
    """Weight matrix × patch matrix (transposed: × the input flattened) = the product."""

    name = "im2col"

    def __init__(self, reader: Reader):
        super().__init__(reader)
        self.gemm = im2col(reader.trace)
        w, x, y = self.gemm.weight_matrix, self.gemm.input_matrix, self.gemm.product
        self.biggest = float(abs(w).max()) or 1.0
        self.parts = [
            Grid("wmatrix", *w.shape),
            "×",
            Grid("patch", *x.shape),
            "=",
            Grid("product", *y.shape),
        ]
        self.count = y.shape[1]

    def cell_id(self, key: Key) -> tuple[str, str]:
        g, row, col = key
        return self.grids[g].name, f"{row},{col}"

    def _base(self, phase: int) -> dict[Key, Cell]:
        w, x, y = self.gemm.weight_matrix, self.gemm.input_matrix, self.gemm.product
        cells: dict[Key, Cell] = {}
        for (row, col), value in np.ndenumerate(w):
            cells[0, row, col] = _entry(float(value), self.biggest)
        for (row, col), value in np.ndenumerate(x):
            cells[1, row, col] = Cell("input", number(value))
        for row, col in np.ndindex(*y.shape):
            cells[2, row, col] = Cell("output_empty")
        return cells

    def captions(self, phase: int) -> list[str]:
        transposed = self.r.config.transposed
        return [
            t("im2col.weight"),
            t("im2col.input" if transposed else "im2col.patch"),
            t("im2col.product.transposed" if transposed else "im2col.product"),
        ]

    def changes(self, step: int) -> dict[Key, Cell]:
        base = self.base(0)
        x, y = self.gemm.input_matrix, self.gemm.product
        cells: dict[Key, Cell] = {}
        for row in range(x.shape[0]):
            cells[1, row, step] = replace(base[1, row, step], shade=True, mark="now")
        for col in range(step + 1):
            kind = "output_current" if col == step else "output"
            for row in range(y.shape[0]):
                cells[2, row, col] = Cell(kind, number(y[row, col]))
        return cells

    def arithmetic(self, step: int) -> Sum:
        """The step's column as the page says it, then its first product entry worked out,
        as words (so the line wraps between them)."""
        g = self.gemm
        key = "im2col.step.transposed" if self.r.config.transposed else "im2col.step"
        where = ",".join(map(str, g.columns[step]))
        said = t(key, column=step, where=where, count=g.product.shape[0])
        w, x = g.weight_matrix[0], g.input_matrix[:, step]
        terms = [f"{factor(a)}·{factor(b)}" for a, b in zip(w, x, strict=True) if a != 0]
        worked = f"product[0,{step}] = {' + '.join(terms) or '0'} = {number(g.product[0, step])}"
        return Sum("", f"{said}; {worked}".split(" "), "", " ")

    def legend(self) -> list[tuple[Cell, str]]:
        transposed = self.r.config.transposed
        return [
            (Cell("matrix_positive"), t("picture.legend.positive")),
            (Cell("matrix_negative"), t("picture.legend.negative")),
            (Cell("matrix_zero"), t("picture.legend.zero")),
            (Cell("input"), t("im2col.input" if transposed else "im2col.patch")),
            (Cell("input", shade=True, mark="now"), t("picture.legend.this_column")),
            (Cell("output"), t("im2col.product")),
        ]
