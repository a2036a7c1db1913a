"""convscope.stack: every convolution and pool of a model with shortcuts, named as PyTorch
names them, with PyTorch's shapes (forward hooks on a real CPU run) and receptive fields
measured by autograd (the input cells an output cell's gradient reaches)."""

import torch
from torch import nn

import convscope
from tests.notebook.models import TinyResNet

KINDS = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


def _hooked_shapes(model: nn.Module, x: torch.Tensor) -> list[tuple[str, list[int], list[int]]]:
    seen: list[tuple[str, list[int], list[int]]] = []
    handles = [
        module.register_forward_hook(
            lambda m, i, o, name=name: seen.append((name, list(i[0].shape[1:]), list(o.shape[1:])))
        )
        for name, module in model.named_modules()
        if isinstance(module, KINDS)
    ]
    model.eval()
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return seen


def test_stack_of_a_resnet_has_pytorchs_shapes_in_running_order() -> None:
    model = TinyResNet()
    stack = convscope.stack(model, (3, 64, 64))
    expected = _hooked_shapes(model, torch.zeros(1, 3, 64, 64))
    got = [(layer["name"], [layer["in_channels"], *layer["input_size"]],
            [layer["out_channels"], *layer["output_size"]]) for layer in stack.layers]  # fmt: skip
    assert got == expected
    assert "layer2.0.downsample.0" in [layer["name"] for layer in stack.layers]
    params = {name: p for name, p in model.named_parameters()}
    for layer in stack.layers:
        weight = params.get(f"{layer['name']}.weight")
        assert layer["params"] == (0 if weight is None else weight.numel())
    assert next(model.parameters()).device.type == "cpu"  # the model itself is untouched
    assert "layer2.0.downsample.0" in stack._repr_html_()


def _field_by_autograd(model: nn.Module, name: str, size: int) -> int:
    """How many input rows the centre output cell of ``name`` depends on (autograd; the max
    pool becomes an average pool of the same geometry, which sends gradient to its whole
    window)."""
    model.maxpool = nn.AvgPool2d(3, 2, 1)  # type: ignore[assignment]
    module = dict(model.named_modules())[name]
    out: list[torch.Tensor] = []
    handle = module.register_forward_hook(lambda m, i, o: out.append(o))
    x = torch.ones(1, 3, size, size, requires_grad=True)
    model.eval()
    for p in model.parameters():
        p.data.fill_(0.01)
    model(x)
    handle.remove()
    y = out[0]
    y[0, :, y.shape[2] // 2, y.shape[3] // 2].sum().backward()
    assert x.grad is not None
    rows = (x.grad[0].abs().sum(dim=(0, 2)) > 0).nonzero().flatten()
    return int(rows.max() - rows.min() + 1)


def test_receptive_fields_follow_branches_and_equal_autograds() -> None:
    model = TinyResNet()
    stack = convscope.stack(model, (3, 128, 128))
    fields = {layer["name"]: layer["receptive_field"][0] for layer in stack.layers}
    # the shortcut sees what its block's input sees, not what the block's convs add
    assert fields["layer2.0.downsample.0"] == fields["layer1.0.conv2"]
    for name in ("conv1", "maxpool", "layer1.0.conv2", "layer2.0.downsample.0", "layer2.1.conv2"):
        assert fields[name] == _field_by_autograd(TinyResNet(), name, 128), name


def test_a_dilated_and_transposed_chain_has_the_stack_pages_numbers() -> None:
    model = nn.Sequential(
        nn.Conv1d(1, 4, 3, dilation=1),
        nn.Conv1d(4, 4, 3, dilation=2),
        nn.Conv1d(4, 4, 3, dilation=4),
        nn.ConvTranspose1d(4, 2, 4, 2, 1),
    )
    stack = convscope.stack(model, (1, 64))
    assert [layer["receptive_field"] for layer in stack.layers][:3] == [[3], [7], [15]]
    assert stack.layers[3]["output_size"] == [2 * 50]
    assert stack.total["params"] == sum(p.numel() for p in model.parameters())


def test_torchvisions_resnet18_and_vgg11_at_224() -> None:
    """The issue's "done when": a real model at (3, 224, 224), from torchvision's own code
    (tests/stack/torchvision_like.py: torchvision is not installed here). PyTorch's shapes
    come from its own hooks on the meta device (VGG-11 would cost 7.6 GMACs on the CPU)."""
    from tests.stack.torchvision_like import resnet18, vgg11

    for build in (resnet18, vgg11):
        with torch.device("meta"):
            model = build()
        stack = convscope.stack(model, (3, 224, 224))
        expected = _hooked_shapes(model, torch.zeros(1, 3, 224, 224, device="meta"))
        got = [
            (layer["name"], [layer["in_channels"], *layer["input_size"]],
             [layer["out_channels"], *layer["output_size"]])
            for layer in stack.layers
        ]  # fmt: skip
        assert got == expected
        convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
        assert stack.total["params"] == sum(p.numel() for m in convs for p in m.parameters())
        if build is resnet18:
            names = [layer["name"] for layer in stack.layers]
            assert "layer2.0.downsample.0" in names and len(names) == 21  # 20 convs, 1 pool


def test_the_main_path_is_the_stack_pages_link() -> None:
    """The chain the stack page draws: the convolutions each output came from, back to the
    input; the shortcut (downsample) is a side branch, as /api/stack/parse reads it."""
    stack = convscope.stack(TinyResNet(), (3, 64, 64))
    assert [entry.name for entry in stack.chain()] == [
        "conv1", "maxpool", "layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1",
        "layer2.0.conv2", "layer2.1.conv1", "layer2.1.conv2",
    ]  # fmt: skip
    assert stack.query == (
        "input_size=64,64&in_channels=3&layer=conv,c8,k7,s2,p3&layer=maxpool,k3,s2,p1"
        "&layer=conv,c8,k3,p1&layer=conv,c8,k3,p1&layer=conv,c16,k3,s2,p1&layer=conv,c16,k3,p1"
        "&layer=conv,c16,k3,p1&layer=conv,c16,k3,p1"
    )
