"""The file name of a picture, from its configuration: ``conv2d-5x5-k3-s2-p1-step4.png``."""

from app.arithmetic.config import ConvConfig


def _dims(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def _padding(config: ConvConfig, name: str | None) -> str:
    if name is not None:
        return "" if name == "valid" else f"-p{name}"
    pads = config.padding
    if not any(b or a for b, a in pads):
        return ""
    if all(b == a for b, a in pads):
        return f"-p{_dims(tuple(b for b, _ in pads))}"
    return "-p" + "x".join(f"{b}-{a}" for b, a in pads)


def filename(
    config: ConvConfig,
    extension: str,
    view: str = "canvas",
    step: int | None = None,
    padding_name: str | None = None,
) -> str:
    """A name that says what the picture shows; ASCII, no spaces; only what differs from the
    defaults is named.

    >>> from app.arithmetic.config import build_config
    >>> filename(build_config([5, 5], kernel_size=3, stride=2, padding=1), "png", step=4)
    'conv2d-5x5-k3-s2-p1-step4.png'
    >>> c = build_config([3, 3], stride=2, padding=1, output_padding=1, transposed=True)
    >>> filename(c, "gif", view="scatter")
    'conv-transpose2d-3x3-k3-s2-p1-op1-scatter.gif'
    >>> filename(build_config([4, 4], in_channels=4, out_channels=2, groups=2, padding=[[0, 1],
    ...     [1, 0]]), "svg", view="matrix", step=0, padding_name=None)
    'conv2d-4x4x4-k3-p0-1x1-0-c4to2-g2-matrix-step0.svg'
    >>> filename(build_config([4, 4], kernel_size=2, stride=2, op="max_pool"), "png", step=3)
    'max-pool2d-4x4-k2-s2-step3.png'
    >>> filename(build_config([8], kernel_size=2, dilation=4, padding="causal"), "png",
    ...          padding_name="causal")
    'conv1d-8-k2-pcausal-d4.png'
    >>> filename(build_config([4, 6, 6], stride=2, padding=1), "gif", view="volume")
    'conv3d-4x6x6-k3-s2-p1.gif'
    """
    n = config.ndim
    layer = {"max_pool": "max-pool", "avg_pool": "avg-pool"}.get(
        config.op, "conv-transpose" if config.transposed else "conv"
    )
    shape = config.input_size if config.in_channels == 1 else config.input_shape
    parts = [f"{layer}{n}d", "x".join(map(str, shape)), f"k{_dims(config.kernel_size)}"]
    if any(s > 1 for s in config.stride):
        parts.append(f"s{_dims(config.stride)}")
    name = "-".join(parts) + _padding(config, padding_name)
    extra = []
    if any(d > 1 for d in config.dilation):
        extra.append(f"d{_dims(config.dilation)}")
    if any(config.output_padding) and padding_name is None:
        extra.append(f"op{_dims(config.output_padding)}")
    if (config.in_channels > 1 or config.out_channels > 1) and not config.pooling:
        extra.append(f"c{config.in_channels}to{config.out_channels}")
    if config.groups > 1 and not config.pooling:
        extra.append(f"g{config.groups}")
    if view not in ("canvas", "volume"):  # a 3-D layer's only view: named like its canvas
        extra.append(view)
    if step is not None:
        extra.append(f"step{step}")
    return "-".join([name, *extra]) + f".{extension}"
