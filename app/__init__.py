"""ConvScope: convolution arithmetic, traced cell by cell."""

__version__ = "0.1.0"
