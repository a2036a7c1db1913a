"""ConvScope in Python: a layer's diagram in a notebook, offline, with no server.

>>> import convscope
>>> convscope.trace("input_size=5,5&stride=2&padding=1")["output_size"]
[3, 3]

``convscope.show(obj, input_size=…, view=…, step=…, weights=…, x=…)`` shows a share query,
keyword fields, or a PyTorch/Keras layer; ``convscope.stack(model, input_size)`` reads any
``nn.Module``'s convolutions and pools on the ``meta`` device. The implementation lives in
``app/notebook/``; torch and the notebook packages are optional
(``pip install convscope[notebook]``).
"""

from app import __version__
from app.notebook import ConvScopeError, Diagram, Stack, show, stack, trace

__all__ = ["ConvScopeError", "Diagram", "Stack", "__version__", "show", "stack", "trace"]
