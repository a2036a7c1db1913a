"""``convscope.show`` reads a PyTorch average pool's ``divisor_override`` (it used to be
refused as an unknown field) and draws PyTorch's numbers."""

import numpy as np
import torch

import convscope


def test_a_pool_with_divisor_override_gives_pytorchs_output() -> None:
    layer = torch.nn.AvgPool2d(2, divisor_override=3)
    x = torch.arange(16.0).reshape(1, 4, 4)
    diagram = convscope.show(layer, x=x)
    assert diagram.trace["config"]["divisor_override"] == 3
    assert diagram.trace["divisor"] == [[3, 3], [3, 3]]
    np.testing.assert_allclose(diagram.trace["output"], layer(x[None])[0].numpy(), rtol=1e-6)
