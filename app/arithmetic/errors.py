"""The one error the arithmetic raises: a configuration that cannot be computed."""


class ConfigError(ValueError):
    """A request field whose value cannot work, with words a student understands.

    ``field`` is the request field's name (``"stride"``, ``"padding"``…);
    ``message`` says what is wrong and what would be valid.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
