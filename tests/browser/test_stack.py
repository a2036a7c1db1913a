"""The stack explorer in Chromium: build a stack, paste a ResNet stem, click a receptive field,
reopen the link — what a person does, checked against what the API says."""

import re

from playwright.sync_api import Page, expect

RESNET_STEM = """\
self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
self.bn1 = nn.BatchNorm2d(64)
self.relu = nn.ReLU(inplace=True)
self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
"""


def watch_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_build_a_stack_then_paste_a_resnet_stem(page: Page, live_server: str) -> None:
    problems = watch_errors(page)
    page.goto(f"{live_server}/stack?input_size=8,8&in_channels=1")
    expect(page.locator("#flow .shape")).to_have_count(1)
    page.get_by_role("button", name="Add layer").click()
    page.get_by_role("button", name="Add layer").click()
    expect(page.locator("#flow .shape")).to_have_count(3)
    stride = page.get_by_label("Layer 2 stride")
    stride.fill("2")
    expect(page.locator("#flow .shape").last).to_have_text("(1, 4, 4)")
    expect(page).to_have_url(re.compile(r"layer=conv,c1,k3,p1,b&layer=conv,c1,k3,s2,p1,b"))
    page.get_by_role("button", name="Remove layer 1").click()
    expect(page.locator("#flow .shape")).to_have_count(2)

    page.get_by_label("input_size").fill("224,224")
    page.get_by_label("input_size").press("Enter")
    page.get_by_text("Paste PyTorch or Keras code").click()
    page.get_by_label("Code to paste").fill(RESNET_STEM)
    page.get_by_role("button", name="Use this code").click()
    expect(page.locator("#paste-result")).to_contain_text("skipped: BatchNorm2d, ReLU")
    expect(page.locator("#flow .shape")).to_have_text(
        ["(3, 224, 224)", "(64, 112, 112)", "(64, 56, 56)"]
    )
    # Too big for the one-layer page (64 per dimension): it says so instead of clamping.
    refusal = page.locator("#stack-rows tr").first.locator(".refusal")
    expect(refusal).to_contain_text("Too big to animate cell by cell")  # a learner's words
    expect(refusal.get_by_role("link")).to_have_text(re.compile(r"Open a 3×\d+×\d+ crop"))

    page.get_by_label("Code to paste").fill("nn.Conv2d(3, 8, 3)\nnn.LSTM(8, 2)")
    page.get_by_role("button", name="Use this code").click()
    expect(page.locator("#paste-result")).to_contain_text("line 2: LSTM is not supported")
    assert len(problems) == 1 and "422" in problems[0]  # that refusal, and nothing else


def test_receptive_field_grows_and_the_link_reopens_the_stack(page: Page, live_server: str) -> None:
    problems = watch_errors(page)
    page.goto(f"{live_server}/stack?preset=dilation")
    expect(page.locator("#lesson")).to_contain_text("3, 7, 15 and 31")
    expect(page.locator(".field-cell")).to_have_text(
        ["3×3 · jump 1×1", "7×7 · jump 1×1", "15×15 · jump 1×1", "31×31 · jump 1×1"]
    )
    page.locator('[data-grid=output][data-index="10,12"]').click()
    expect(page).to_have_url(re.compile(r"probe=4:10,12"))
    # 31×31 around (10, 12), clipped by the top and left edges: rows 0–25, columns 0–27.
    expect(page.locator("[data-grid=input].rf")).to_have_count(26 * 28)
    slider = page.get_by_label("After layer")
    slider.fill("1")
    expect(page.locator("[data-grid=input].rf")).to_have_count(9)
    slider.fill("2")
    expect(page.locator("[data-grid=input].rf")).to_have_count(49)

    # Without a mouse: the arrow keys move the probed cell.
    page.get_by_label("Output of layer 4: arrow keys move the probed cell").press("ArrowDown")
    expect(page).to_have_url(re.compile(r"probe=4:11,12"))
    expect(page.locator('[data-grid=output][data-index="11,12"]')).to_have_class(
        re.compile("chosen")
    )
    page.keyboard.press("ArrowUp")
    expect(page).to_have_url(re.compile(r"probe=4:10,12"))

    link = page.url
    page.goto("about:blank")
    page.goto(link)
    expect(page.locator("#flow .shape")).to_have_count(5)
    expect(page.locator('[data-grid=output][data-index="10,12"]')).to_have_class(
        re.compile("chosen")
    )
    expect(page.locator("[data-grid=input].rf")).to_have_count(26 * 28)
    assert problems == []


def test_bottleneck_preset_says_3_76(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/stack?preset=bottleneck")
    expect(page.locator(".compare-ratio")).to_have_text("this stack does 3.76× fewer multiply-adds")
    expect(page.locator("#stack-total .total-macs")).to_have_text("4,456,448")
    page.get_by_label("Preset").select_option("resnet-stem")
    expect(page.locator("#flow .shape").last).to_have_text("(64, 56, 56)")
    expect(page.locator(".field-rect")).to_have_count(1)  # 224×224: drawn to scale


def test_stack_embed_shows_the_stack_without_the_editor(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/stack/embed?input_size=16&in_channels=1&layer=conv,c2,k3,d2")
    expect(page.locator("#flow .shape")).to_have_text(["(1, 16)", "(2, 12)"])
    expect(page.locator("#layers")).to_have_count(0)


def test_layer_fields_say_in_plain_words_what_they_are(page: Page, live_server: str) -> None:
    """Each layer field: a plain label, its code name beside it, and a one-line explanation
    on hover and on focus (a tap focuses it), read to screen readers as its description."""
    page.goto(f"{live_server}/stack?input_size=8,8&in_channels=1&layer=convt,c2,k3,s2,b")
    stride = page.get_by_label("Layer 1 stride")  # the accessible name keeps the code name
    field = page.locator("label.field", has=stride)
    expect(field.locator(".plain")).to_have_text("Stride")
    expect(field.locator("code")).to_have_text("stride")
    tip = field.locator(".tip")
    expect(tip).to_be_hidden()
    stride.focus()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("How many cells the window jumps")
    expect(stride).to_have_attribute("aria-describedby", tip.get_attribute("id") or "")
    bias = page.locator("label.field.check", has=page.get_by_label("Layer 1 bias"))
    expect(bias.locator(".plain")).to_have_text("Bias")
    padding = page.locator("label.field", has=page.get_by_label("Layer 1 output_padding"))
    expect(padding.locator(".plain")).to_have_text("Extra output cells")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
