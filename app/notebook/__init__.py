"""What ``import convscope`` offers (SPEC.md, "Notebook, command line, offline page"): ``show``
(``diagram``), ``stack`` (``stack``), ``trace``; layers read by ``layers``; refusals worded as
the API's (``errors``). Reads the trace and the stack maths; never imports torch until a
PyTorch model is given."""

from app.notebook.diagram import Diagram, show, trace
from app.notebook.errors import ConvScopeError
from app.notebook.stack import Stack, stack

__all__ = ["ConvScopeError", "Diagram", "Stack", "show", "stack", "trace"]
