"""The request and response of ``POST /api/learn``, strict like the trace's."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Task = Literal["upsample2x", "edges", "kernel"]


class LearnRequest(BaseModel):
    """A small task with a known answer; every field but ``task`` has a default (per task)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    task: Task = Field(description="upsample2x, edges or kernel")
    target_kernel: list[list[float]] | None = Field(
        default=None, description="kernel task only: a square kernel, odd size up to 7"
    )
    lr: float | None = Field(default=None, description="learning rate (> 0)")
    steps: int | None = Field(default=None, description="gradient-descent steps")
    samples: int | None = Field(default=None, description="inputs in the batch")
    size: int | None = Field(default=None, description="each input is size×size")
    data: str = Field(default="random", description='"random" or "image:<name>" (/api/images)')
    seed: int = 0


class LearnData(BaseModel):
    inputs: list[Any]
    targets: list[Any]


class LearnStep(BaseModel):
    step: int
    loss: float
    weight: list[Any]
    grad_weight: list[Any]


class LearnResponse(BaseModel):
    config: dict[str, Any] = Field(description="the request with every default filled in")
    query: str = Field(description="the share link's query (/learn?…)")
    layer: str = Field(description="the learnt layer as a trace query (/?…), weight left out")
    data: LearnData
    init: list[Any]
    target_kernel: list[Any]
    trajectory: list[LearnStep] = Field(description="steps + 1 entries, fewer when diverged")
    diverged: bool = Field(
        description="the loss grew (last above first) or stopped being a finite number"
    )
