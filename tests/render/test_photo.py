"""The picture view as a picture (app/render/photo.py): input and output drawn as images, the
output stretched to its range with the scale written; the pixels and the scale's numbers are
F.conv2d's on the trace's input; a GIF of it is one frame."""

import base64
import io
import xml.etree.ElementTree as ET

import numpy as np
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient
from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"
SOBEL = "input_size=128,128&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1"


def images(svg: bytes) -> dict[str, np.ndarray]:
    """``data-grid`` → the pixels of each image the SVG embeds (one per input/output)."""
    found = {}
    for image in ET.fromstring(svg).iter(f"{SVG}image"):
        data = image.attrib["href"].split("base64,", 1)[1]
        found[image.attrib["data-grid"]] = np.asarray(
            Image.open(io.BytesIO(base64.b64decode(data)))
        )
    return found


def test_sobel_on_the_astronaut_is_f_conv2d_stretched_to_its_scale(client: TestClient) -> None:
    x = np.array(client.get(f"/api/trace?{SOBEL}&steps=0").json()["input"], dtype=np.float64)
    sobel = torch.tensor([[[[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]]], dtype=torch.float64)
    y = F.conv2d(torch.tensor(x)[None], sobel, padding=1)[0, 0].numpy()
    response = client.get(f"/api/render.svg?{SOBEL}&view=picture")
    assert response.status_code == 200, response.text
    drawn = images(response.content)
    assert drawn["picture-input"].shape == (128, 128, 3)
    assert (drawn["picture-input"][..., 0] == x[0]).all()  # 0–255 drawn as it is
    low, high = y.min(), y.max()
    expected = np.floor((y - low) / (high - low) * 255 + 0.5)
    assert (drawn["picture-output-0"][..., 0] == expected).all()
    text = response.content.decode()
    for number in (low, high):  # the scale's ends
        assert f">{int(number)}<".replace("-", "−") in text
    assert "from −976 (black) to 989 (white)" in text  # the caption states the same range


def test_a_step_outlines_its_pixel_and_window(client: TestClient) -> None:
    """Step 300 of the 128×128 output is output (2, 43): its 3×3 window on the input."""
    svg = client.get(f"/api/render.svg?{SOBEL}&view=picture&step=300").content.decode()
    assert "output[2, 43] = " in svg and "from 9 input pixels" in svg
    assert svg.count('stroke="#f0a400"') == 2  # the output pixel, the window on the input


def test_rgb_transposed_upsampling_and_sizes(client: TestClient) -> None:
    query = ("input_size=32,32&input=image:coffee&in_channels=3&kernel_size=4&stride=2"
             "&padding=1&transposed=1&fill=ones&view=picture")  # fmt: skip
    svg = client.get(f"/api/render.svg?{query}")
    assert svg.status_code == 200, svg.text
    drawn = images(svg.content)
    assert drawn["picture-input"].shape == (32, 32, 3)
    assert drawn["picture-output-0"].shape == (64, 64, 3)  # the output: twice the size
    root = ET.fromstring(svg.content)
    png = Image.open(io.BytesIO(client.get(f"/api/render.png?{query}").content))
    assert png.format == "PNG"
    assert png.size == (int(root.attrib["width"]), int(root.attrib["height"]))


def test_the_gif_of_the_picture_view_is_one_still_frame(client: TestClient) -> None:
    response = client.get(f"/api/render.gif?{SOBEL}&view=picture")
    assert response.status_code == 200, response.text
    gif = Image.open(io.BytesIO(response.content))
    assert gif.n_frames == 1
    assert response.headers["content-disposition"] == (
        'inline; filename="conv2d-128x128-k3-p1-picture.gif"'
    )
    # its palette is the picture's own: the Sobel output keeps its greys
    colours = np.unique(np.asarray(gif.convert("RGB")).reshape(-1, 3), axis=0)
    assert len(colours) > 64
    for bad in ("first=2", "last=2"):
        refused = client.get(f"/api/render.gif?{SOBEL}&view=picture&{bad}")
        assert refused.json()["detail"][0]["type"] == "value_out_of_range"


def test_picture_sizes_follow_the_picture_limits(client: TestClient) -> None:
    """An image input may be max_picture_size (256) in the picture view; the cell views keep
    max_spatial_size_2d (64)."""
    big = "input_size=256,256&input=image:chelsea&kernel_size=5&fill=ones"
    assert client.get(f"/api/render.png?{big}&view=picture").status_code == 200
    refused = client.get(f"/api/render.png?{big}").json()["detail"][0]
    assert refused["type"] == "above_limit" and refused["ctx"]["limit_name"] == (
        "max_spatial_size_2d"
    )
