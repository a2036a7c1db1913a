"""The one error the arithmetic raises: a configuration that cannot be computed.

It carries no English: ``type`` is a stable code (a key of the message catalogue,
``app/i18n/messages.py``) and ``ctx`` the numbers the message needs, so the same refusal
can be worded in any language at the boundary.
"""

from typing import Any


class ConfigError(ValueError):
    """A request field whose value cannot work.

    ``field`` is the request field's name (``"stride"``, ``"padding"``…), ``type`` the
    kind of mistake (``"kernel_larger_than_input"``), ``ctx`` its numbers.

    >>> e = ConfigError("stride", "too_small", minimum=1, value=0)
    >>> e.field, e.type, e.ctx
    ('stride', 'too_small', {'field': 'stride', 'minimum': 1, 'value': 0})
    """

    def __init__(self, field: str, type: str, /, **ctx: Any) -> None:
        super().__init__(f"{field}: {type} {ctx}" if ctx else f"{field}: {type}")
        self.field = field
        self.type = type
        # The field is part of every message's context ("{field} must be …").
        self.ctx = {"field": field, **ctx}
