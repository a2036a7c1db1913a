"""SPEC.md's worked examples and the guide's figures, number for number."""

import numpy as np
import pytest

from app.arithmetic.config import build_config
from app.arithmetic.geometry import receptive_fields, same_padding
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values


def test_seed_tf_conv2d_transpose_same() -> None:
    config = build_config([2, 2], kernel_size=3, stride=2, padding="same", transposed=True)
    x, w, _ = resolve_values(config, input=[[1, 2], [3, 4]], fill="ones")
    result = trace(config, x, w)
    assert result.output[0].tolist() == [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"input_size": [5], "kernel_size": 3, "stride": 2, "padding": 1}, 3),  # padded strided
        ({"input_size": [5], "kernel_size": 3, "stride": 1, "padding": 1}, 5),  # half padding
        ({"input_size": [5], "kernel_size": 3, "padding": "full"}, 7),  # full padding
        ({"input_size": [6], "kernel_size": 3, "stride": 2, "padding": 0}, 2),  # non-exact
        ({"input_size": [6], "kernel_size": 3, "stride": 2, "padding": 1}, 3),  # loses a size
        ({"input_size": [5], "kernel_size": 3, "stride": 2, "padding": 1}, 3),  # … 5 gives 3 too
        (
            {
                "input_size": [3],
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "transposed": True,
                "output_padding": 1,
            },
            6,
        ),
        ({"input_size": [3], "kernel_size": 3, "stride": 2, "padding": 1, "transposed": True}, 5),
    ],
)
def test_output_sizes(fields: dict, expected: int) -> None:
    assert build_config(**fields).output_size == (expected,)


def test_non_exact_stride_never_reaches_index_5() -> None:
    config = build_config([6], kernel_size=3, stride=2)
    assert trace(config, *resolve_values(config)[:2]).unused_input == [[5]]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"dilation": 4}, (1, 1)),  # seed: dilated covers all
        ({"stride": 2}, (4, 4)),  # seed: strided
        ({"transposed": True}, (11, 11)),  # seed: transposed upsampling
    ],
)
def test_seed_nine_by_nine(fields: dict, expected: tuple[int, int]) -> None:
    assert build_config([9, 9], kernel_size=3, **fields).output_size == expected


def test_seed_dilation_stack_receptive_fields() -> None:
    fields = receptive_fields([3, 3, 3, 3], [1, 1, 1, 1], [1, 2, 4, 8])
    assert [r for r, _ in fields] == [3, 7, 15, 31]


def test_seed_fcn_bilinear_upsampling() -> None:
    taps = np.array([0.25, 0.75, 0.75, 0.25])
    kernel = np.outer(taps, taps)
    assert {0.5625, 0.1875, 0.0625} == set(np.round(kernel.ravel(), 4).tolist())
    config = build_config([4, 4], kernel_size=4, stride=2, padding=1, transposed=True)
    assert config.output_size == (8, 8)  # doubles the size
    ramp = np.arange(4.0)[None, :, None] * np.ones((1, 4, 4))
    x, w, _ = resolve_values(config, input=ramp, weight=kernel)
    out = trace(config, x, w).output[0]
    # Bilinear interpolation of a ramp is a ramp at half steps, away from the zero-padded border.
    np.testing.assert_allclose(out[1:-1, 3], [0.25, 0.75, 1.25, 1.75, 2.25, 2.75])
    np.testing.assert_allclose(trace(config, np.ones((1, 4, 4)), w).output[0][1:-1, 1:-1], 1.0)


def test_seed_one_by_one_bottleneck_macs() -> None:
    wide = build_config([8, 8], kernel_size=4, padding="same", in_channels=256, out_channels=256)
    squeeze = build_config([8, 8], kernel_size=1, in_channels=256, out_channels=64)
    expand = build_config([8, 8], kernel_size=4, padding="same", in_channels=64, out_channels=256)
    ratio = wide.macs / (squeeze.macs + expand.macs)
    assert ratio == pytest.approx(256 * 256 * 16 / (256 * 64 + 64 * 256 * 16))
    assert round(ratio, 2) == 3.76


GUIDE_FIGURES = [
    # (direct fields, direct output, transposed fields, transposed output)
    ({"input_size": [4], "kernel_size": 3}, 2, {"input_size": [2], "kernel_size": 3}, 4),
    ({"input_size": [5], "kernel_size": 4, "padding": 2}, 6,
     {"input_size": [6], "kernel_size": 4, "padding": 2}, 5),
    ({"input_size": [5], "kernel_size": 3, "padding": 1}, 5,
     {"input_size": [5], "kernel_size": 3, "padding": 1}, 5),
    ({"input_size": [5], "kernel_size": 3, "padding": 2}, 7,
     {"input_size": [7], "kernel_size": 3, "padding": 2}, 5),
    ({"input_size": [5], "kernel_size": 3, "stride": 2}, 2,
     {"input_size": [2], "kernel_size": 3, "stride": 2}, 5),
    ({"input_size": [5], "kernel_size": 3, "stride": 2, "padding": 1}, 3,
     {"input_size": [3], "kernel_size": 3, "stride": 2, "padding": 1}, 5),
    ({"input_size": [6], "kernel_size": 3, "stride": 2, "padding": 1}, 3,
     {"input_size": [3], "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, 6),
]  # fmt: skip


@pytest.mark.parametrize(("direct", "d_out", "transposed", "t_out"), GUIDE_FIGURES)
def test_guide_figures(direct: dict, d_out: int, transposed: dict, t_out: int) -> None:
    assert build_config(**direct).output_size == (d_out,)
    assert build_config(**transposed, transposed=True).output_size == (t_out,)


def test_guide_dilation_figure() -> None:
    assert build_config([7, 7], kernel_size=3, dilation=2).output_size == (3, 3)


@pytest.mark.parametrize(
    ("i", "k", "s", "expected"),
    [
        # TensorFlow "same": the odd padding cell goes after (bottom/right).
        (5, 3, 2, (1, 1, 0)),
        (6, 3, 2, (0, 1, 0)),
        (7, 4, 1, (1, 2, 0)),
        (4, 3, 3, (1, 1, 0)),  # o = 2: (2 − 1)·3 + 3 − 4 = 2
    ],
)
def test_tensorflow_same_direct(i: int, k: int, s: int, expected: tuple[int, int, int]) -> None:
    assert same_padding(i, k, s) == expected
    assert build_config([i], kernel_size=k, stride=s, padding="same").output_size == (-(-i // s),)


def test_tensorflow_same_transposed_outputs_input_times_stride() -> None:
    for k in range(1, 6):
        for s in range(1, 5):
            config = build_config([3], kernel_size=k, stride=s, padding="same", transposed=True)
            assert config.output_size == (3 * s,)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # SPEC.md: Keras's rules for named paddings of transposed layers (Keras 3 gives these).
        ({"input_size": [4], "kernel_size": 2, "stride": 3, "padding": "same", "output_padding": 1},
         10),
        ({"input_size": [8], "kernel_size": 1, "stride": 2, "padding": "valid"}, 16),
        ({"input_size": [8], "kernel_size": 1, "stride": 2, "padding": 0}, 15),  # PyTorch
        ({"input_size": [2], "kernel_size": 4, "stride": 1, "padding": "same"}, 2),
        ({"input_size": [2], "kernel_size": 4, "stride": 1, "padding": "same", "output_padding": 0},
         1),
        # issue 8: output_padding given with "valid" is kept, not clamped away (PyTorch: 10)
        ({"input_size": [2], "kernel_size": 4, "stride": 2, "dilation": 2, "padding": "valid",
          "output_padding": 1}, 10),
    ],
)  # fmt: skip
def test_keras_named_paddings_of_transposed_layers(fields: dict, expected: int) -> None:
    assert build_config(**fields, transposed=True).output_size == (expected,)


def test_transposed_macs_count_only_real_work() -> None:
    """A 3×3 → 7×7 stride-2 transposed layer: each of 9 inputs scatters 9 weights (81), not the
    441 multiplications of the zero-insertion view."""
    config = build_config([3, 3], kernel_size=3, stride=2, transposed=True)
    assert config.output_size == (7, 7)
    assert config.macs == 81
    wide = build_config([4], kernel_size=3, stride=2, transposed=True, in_channels=4,
                        out_channels=6, groups=2)  # fmt: skip
    assert wide.macs == 4 * (6 // 2) * 3 * 4


def test_formulas_show_keras_rule_and_transposed_cost() -> None:
    """SPEC.md's i=4, k=2, s=3, "same", output_padding=1 → 10, written out."""
    from app.arithmetic.formulas import formulas

    config = build_config([4], kernel_size=2, stride=3, padding="same", output_padding=1,
                          transposed=True)  # fmt: skip
    rows = {f["name"]: f for f in formulas(config)}
    keras_row = rows['"same" padding (length, Keras)']
    assert keras_row["substituted"] == "2·floor(2 / 2) − 1 = 1"
    assert keras_row["result"] == "before 0, after 1"
    assert rows["output size (length)"]["result"] == "10"
    assert rows["multiply-adds"]["general"] == "in·(out/groups)·Πk·Πi"
    assert rows["multiply-adds"]["result"] == str(1 * 1 * 2 * 4)
