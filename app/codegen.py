"""Framework code that builds the same layer and input (PyTorch, Keras)."""

from app.arithmetic.config import ConvConfig
from app.arithmetic.trace import Trace


def snippets(config: ConvConfig, result: Trace) -> dict[str, str]:
    """Snippets per framework; filled in by the framework-code work (issue 5)."""
    return {}
