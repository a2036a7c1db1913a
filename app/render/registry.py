"""Every view a picture can draw, by the page's name: the cell views of ``app.render.views``,
the dense GEMM (``im2col``), the backward pass (``gradients``), the images (``picture``) and
a 3-D layer's ``volume``.

As on the page (``static/js/views/index.js``), a 3-D layer is drawn as its volume whatever
the view asked (``canvas`` or ``volume``); the other views are 1-D and 2-D, ``picture`` 2-D.
"""

from app.arithmetic.errors import ConfigError
from app.arithmetic.gradients import Gradients
from app.arithmetic.trace import Trace
from app.render.gemm import Im2colView
from app.render.gradients import GradientsView
from app.render.photo import PictureView
from app.render.views import Reader, View, cell_view
from app.render.volume import VolumeView

VIEWS: tuple[str, ...] = (
    "canvas", "scatter", "matrix", "overlap", "im2col", "gradients", "picture", "volume",
)  # fmt: skip
FLAT_VIEWS = ("canvas", "scatter", "matrix", "overlap", "im2col", "gradients", "picture")
VOLUME_VIEWS = ("canvas", "volume")  # what a 3-D layer is drawn with


def check_view(view: str, ndim: int) -> None:
    """Refuse, by name, a view the layer's dimensions do not have (before any work).

    >>> check_view("volume", 3), check_view("picture", 2)
    (None, None)
    >>> check_view("overlap", 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: view: view_not_for_dimensions {...}
    """
    allowed: tuple[str, ...]
    if ndim == 3:
        allowed = VOLUME_VIEWS
    elif view == "picture":
        allowed = ("picture",) if ndim == 2 else ()
    else:
        allowed = FLAT_VIEWS[:-1]  # picture is 2-D only
    if view not in allowed:
        choices = ", ".join(VOLUME_VIEWS if ndim == 3 else (*FLAT_VIEWS[:-1], "picture (2-D)"))
        raise ConfigError("view", "view_not_for_dimensions", value=view, ndim=ndim,
                          choices=choices)  # fmt: skip


def make_view(
    trace: Trace,
    view: str = "canvas",
    padding_name: str | None = None,
    grads: Gradients | None = None,
    still: bool = False,
) -> View:
    """The ``view`` of ``trace`` (``grads``: the backward pass the gradients view draws;
    ``still``: the picture view without a step, what its GIF holds)."""
    check_view(view, trace.config.ndim)
    if trace.config.ndim == 3:
        return VolumeView(trace, padding_name)
    if view == "gradients":
        if grads is None:
            raise ValueError("the gradients view needs the backward pass")
        return GradientsView(Reader(trace, padding_name), grads)
    if view == "picture":
        return PictureView(Reader(trace, padding_name), still)
    if view == "im2col":
        if trace.config.pooling:  # as /api/im2col: a pool multiplies nothing
            raise ConfigError("op", "im2col_pool", op=trace.config.op)
        return Im2colView(Reader(trace, padding_name))
    return cell_view(trace, view, padding_name)
