"""The im2col view as a picture (app/render/gemm.py): the patch matrix it draws is
F.unfold's, the product F.conv2d's output (direct) or each input cell's scaled kernel
(transposed, from the weight itself); one GIF frame per column; refusals named."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient
from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"


def drawn(svg: bytes, grid: str) -> dict[tuple[int, int], float]:
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("data-grid") == grid:
            texts = [t.text for t in group.iter(f"{SVG}text") if t.text]
            row, col = map(int, group.attrib["data-index"].split(","))
            found[row, col] = float(texts[0].replace("−", "-")) if texts else 0.0
    return found


def as_matrix(cells: dict[tuple[int, int], float]) -> np.ndarray:
    rows, cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    matrix = np.zeros((rows, cols))
    for (r, c), value in cells.items():
        matrix[r, c] = value
    return matrix


def test_direct_patch_matrix_is_f_unfold_and_product_is_f_conv2d(client: TestClient) -> None:
    query = "input_size=4,5&kernel_size=2,3&stride=1,2&padding=1&in_channels=2&out_channels=3"
    trace = client.get(f"/api/trace?{query}&steps=0").json()
    x = torch.tensor(trace["input"], dtype=torch.float64)[None]
    w = torch.tensor(trace["weight"], dtype=torch.float64)
    unfold = F.unfold(x, (2, 3), padding=1, stride=(1, 2))[0].numpy()
    y = F.conv2d(x, w, padding=1, stride=(1, 2))[0].numpy()
    last = unfold.shape[1]  # one step per window: the last shows every column written
    svg = client.get(f"/api/render.svg?{query}&view=im2col&step={last}")
    assert svg.status_code == 200, svg.text
    np.testing.assert_array_equal(as_matrix(drawn(svg.content, "patch")), unfold)
    np.testing.assert_array_equal(as_matrix(drawn(svg.content, "product")), y.reshape(3, -1))
    weights = as_matrix(drawn(svg.content, "wmatrix"))  # blank cells are zeros: no tap
    np.testing.assert_array_equal(weights, w.numpy().reshape(3, -1))


def test_transposed_product_columns_are_scaled_kernels(client: TestClient) -> None:
    query = "input_size=2,3&kernel_size=3&stride=2&transposed=1&in_channels=2&out_channels=2"
    trace = client.get(f"/api/trace?{query}&steps=0").json()
    x, w = np.array(trace["input"]), np.array(trace["weight"])  # w: [in, out, 3, 3]
    expected = np.einsum("cokl,cn->okln", w, x.reshape(2, -1)).reshape(2 * 9, -1)
    svg = client.get(f"/api/render.svg?{query}&view=im2col&step=6").content
    np.testing.assert_array_equal(as_matrix(drawn(svg, "product")), expected)
    np.testing.assert_array_equal(as_matrix(drawn(svg, "patch")), x.reshape(2, -1))
    assert "col2im" in svg.decode()


def test_one_gif_frame_per_column(client: TestClient) -> None:
    direct = client.get("/api/render.gif?input_size=5,5&stride=2&padding=1&view=im2col")
    assert Image.open(io.BytesIO(direct.content)).n_frames == 9
    one_d = client.get("/api/render.gif?input_size=6&kernel_size=3&transposed=1&view=im2col")
    assert Image.open(io.BytesIO(one_d.content)).n_frames == 6  # transposed: an input cell
    assert one_d.headers["content-disposition"] == (
        'inline; filename="conv-transpose1d-6-k3-im2col.gif"'
    )


@pytest.mark.parametrize(
    ("query", "field", "type"),
    [
        ("input_size=4,4&op=max_pool&view=im2col", "op", "im2col_pool"),
        ("input_size=48,48&in_channels=4&out_channels=4&view=im2col", "input_size",
         "too_many_matrix_entries"),
        ("input_size=3,4,4&view=im2col", "view", "view_not_for_dimensions"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(client: TestClient, query: str, field: str, type: str) -> None:
    [error] = client.get(f"/api/render.png?{query}").json()["detail"]
    assert (error["loc"], error["type"]) == (["query", field], type)


@pytest.mark.parametrize(("channels", "said"), [(1, "1 output value;"), (2, "2 output values;")])
def test_a_column_counts_its_output_values_in_words(
    client: TestClient, channels: int, said: str
) -> None:
    """A one-channel layer's column gives "1 output value", not "1 output values"."""
    query = f"input_size=3,3&kernel_size=2&out_channels={channels}&view=im2col&step=1"
    title = ET.fromstring(client.get(f"/api/render.svg?{query}").content).find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert said in title.text
