"""Pydantic schemas of the stack explorer (``/api/stack``, ``/api/stack/parse``).

Strict like the trace's (``true`` is not a number); sizes are checked against the
stack limits of ``app/limits.py`` and the maths by ``app.arithmetic.stack``.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.layer.schemas import IntOrList, PaddingField

Number = int | float


class StackLayerRequest(BaseModel):
    """One layer; fields default as in the trace; ``in_channels`` is the previous layer's."""

    model_config = ConfigDict(strict=True, extra="forbid")

    op: Literal["conv", "max_pool", "avg_pool"] = "conv"
    transposed: bool = False
    kernel_size: IntOrList = 3
    stride: IntOrList = 1
    padding: PaddingField = 0
    dilation: IntOrList = 1
    output_padding: IntOrList | None = None
    groups: int = 1
    out_channels: int | None = Field(
        default=None, description="1 when not given; pooling keeps its input's channels"
    )
    bias: bool = False
    ceil_mode: bool = Field(default=False, description="pools only: PyTorch's ceil_mode")


class StackProbe(BaseModel):
    """An output cell whose receptive field to trace back: layer (0-based) and position."""

    model_config = ConfigDict(strict=True, extra="forbid")

    layer: int
    index: list[int]


class StackRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    input_size: list[int] = Field(description="spatial size: [L] (1-D) or [H, W] (2-D)")
    in_channels: int = 1
    layers: list[StackLayerRequest]
    probe: StackProbe | None = None


class LayerCrop(BaseModel):
    query: str = Field(description="the crop as a one-layer share query")
    shape: str = Field(description="the crop's input, like 4×12×12")


class StackLayerResponse(BaseModel):
    op: str
    transposed: bool
    input_size: list[int]
    in_channels: int
    kernel_size: list[int]
    stride: list[int]
    padding: list[list[int]] = Field(description="resolved [[before, after], …]")
    dilation: list[int]
    output_padding: list[int]
    groups: int
    bias: bool
    output_size: list[int]
    out_channels: int
    params: int
    macs: int
    receptive_field: list[Number] = Field(description="per dimension, in input cells")
    jump: list[Number] = Field(description="input cells between neighbouring output cells")
    start: list[Number] = Field(description="input coordinate of output cell 0's centre")
    query: str = Field(description="this layer alone as a one-layer share query")
    trace_refusal: str | None = Field(
        description="why the one-layer page cannot show this layer (its limits), or null"
    )
    crop: LayerCrop | None = Field(
        None, description="when refused: a small crop of the layer the one-layer page shows"
    )


class StackTotal(BaseModel):
    params: int
    macs: int


class StackField(BaseModel):
    layer: int
    index: list[int]
    bounds: list[list[int]] | None = Field(description="[first, last] input cell per dimension")
    cells: list[list[int]] | None = Field(description="the exact input cells, per dimension")


class StackResponse(BaseModel):
    input_size: list[int]
    in_channels: int
    layers: list[StackLayerResponse]
    total: StackTotal
    probe: list[StackField] | None = Field(
        description="the probed cell's field after each layer up to its own, growing"
    )
    code: dict[str, str]


class ParseRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    code: str


class SkippedLayer(BaseModel):
    """A layer left out of the stack, by its line (of the code, or of print(model)'s text)."""

    line: int
    name: str


class ParseResponse(BaseModel):
    framework: Literal["pytorch", "keras"]
    source: Literal["code", "print", "keras_json"] = Field(
        description="what was read: Python code, print(model) text or model.to_json()"
    )
    ndim: int = Field(description="1, 2 or 3: the layers' spatial dimensions")
    input_size: list[int] | None = Field(description="from Input(shape=…)/input_shape, if given")
    in_channels: int | None
    layers: list[StackLayerRequest]
    lines: list[int] = Field(description="the source line of each layer")
    skipped: list[SkippedLayer] = Field(description="shape-preserving layers (ReLU, BatchNorm…)")
    head: list[SkippedLayer] = Field(
        description="from the first layer that ends the trunk on (Flatten, Linear, …)"
    )
    branches: list[SkippedLayer] = Field(
        description="layers off the main chain (downsample, shortcut, skip)"
    )
