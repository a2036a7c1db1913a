"""GET/POST /api/im2col: the dense GEMM of a layer (SPEC.md, "im2col")."""

import numpy as np
from fastapi.testclient import TestClient


def test_the_guide_example_as_one_matrix_product(client: TestClient) -> None:
    query = "input_size=4,4&kernel_size=3&input=" + ";".join(
        ",".join(str(4 * r + c) for c in range(4)) for r in range(4)
    )
    body = client.get(f"/api/im2col?{query}&fill=ones").json()
    assert np.shape(body["input_matrix"]) == (9, 4) and np.shape(body["weight_matrix"]) == (1, 9)
    # window (0, 0) reads rows 0–2, columns 0–2 of the arange input; ones kernel: 45, 54, 81, 90
    assert [row[0] for row in body["input_matrix"]] == [0, 1, 2, 4, 5, 6, 8, 9, 10]
    assert body["product"] == [[45, 54, 81, 90]]
    assert body["output"] == [[[45, 54], [81, 90]]]
    assert body["memory"] == {"input_cells": 16, "matrix_cells": 36}
    assert client.post("/api/im2col", json={"input_size": [4, 4], "kernel_size": 3,
                                            "input": [[[4 * r + c for c in range(4)]
                                                       for r in range(4)]],
                                            "fill": "ones"}).json() == body  # fmt: skip


def test_transposed_is_a_product_then_col2im(client: TestClient) -> None:
    body = client.get(
        "/api/im2col?input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1"
        "&input=1,2;3,4&fill=ones"
    ).json()
    assert np.shape(body["weight_matrix"]) == (9, 1) and body["input_matrix"] == [[1, 2, 3, 4]]
    assert body["full_size"] == [5, 5] and body["padding"] == [[0, 1], [0, 1]]
    assert body["output"] == [[[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]]


def test_refusals_name_the_field(client: TestClient) -> None:
    pool = client.get("/api/im2col?input_size=4&op=max_pool").json()["detail"][0]
    assert (pool["loc"][-1], pool["type"]) == ("op", "im2col_pool")
    big = client.get("/api/im2col?input_size=48,48&in_channels=4&out_channels=4").json()
    assert big["detail"][0]["ctx"]["limit_name"] == "max_matrix_entries"


def test_3d_pictures_are_drawn_and_other_views_refused_by_name(client: TestClient) -> None:
    for route in ("render.svg", "render.png", "render.gif"):
        assert client.get(f"/api/{route}?input_size=3,4,4&kernel_size=2").status_code == 200
        response = client.get(f"/api/{route}?input_size=3,4,4&kernel_size=2&view=overlap")
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "view_not_for_dimensions"
