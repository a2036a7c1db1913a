// Presets: the worked examples of SPEC.md and the classic figures of Dumoulin & Visin,
// "A guide to convolution arithmetic for deep learning" (2016), with the transposed
// counterparts in PyTorch's meaning (the layer that maps the direct figure's output
// size back to its input size). Each is a share-link query.

const BILINEAR = "0.0625,0.1875,0.1875,0.0625;0.1875,0.5625,0.5625,0.1875;"
  + "0.1875,0.5625,0.5625,0.1875;0.0625,0.1875,0.1875,0.0625";

export const PRESETS = [
  {
    group: "The guide's figures",
    items: [
      ["No padding, no strides", "input_size=4,4&kernel_size=3"],
      ["No padding, no strides, transposed", "input_size=2,2&kernel_size=3&transposed=1"],
      ["Arbitrary padding, no strides", "input_size=5,5&kernel_size=4&padding=2"],
      ["Arbitrary padding, no strides, transposed",
        "input_size=6,6&kernel_size=4&padding=2&transposed=1"],
      ["Half padding, no strides", "input_size=5,5&kernel_size=3&padding=1"],
      ["Half padding, no strides, transposed",
        "input_size=5,5&kernel_size=3&padding=1&transposed=1"],
      ["Full padding, no strides", "input_size=5,5&kernel_size=3&padding=2"],
      ["Full padding, no strides, transposed",
        "input_size=7,7&kernel_size=3&padding=2&transposed=1"],
      ["No padding, strides", "input_size=5,5&kernel_size=3&stride=2"],
      ["No padding, strides, transposed", "input_size=2,2&kernel_size=3&stride=2&transposed=1"],
      ["Padding, strides", "input_size=5,5&kernel_size=3&stride=2&padding=1"],
      ["Padding, strides, transposed",
        "input_size=3,3&kernel_size=3&stride=2&padding=1&transposed=1"],
      ["Padding, strides (odd)", "input_size=6,6&kernel_size=3&stride=2&padding=1"],
      ["Padding, strides (odd), transposed",
        "input_size=3,3&kernel_size=3&stride=2&padding=1&output_padding=1&transposed=1"],
      ["Dilation", "input_size=7,7&kernel_size=3&dilation=2"],
    ],
  },
  {
    group: "Worked examples",
    items: [
      ["Seed: TensorFlow conv2d_transpose, \"same\"",
        "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"],
      ["Padded strided: 5 → 3", "input_size=5,5&kernel_size=3&stride=2&padding=1"],
      ["Half (same) padding: 5 → 5", "input_size=5,5&kernel_size=3&padding=1"],
      ["Full padding: 5 → 7", "input_size=5,5&kernel_size=3&padding=full"],
      ["Non-exact stride: 6 → 2, index 5 never reached", "input_size=6,6&kernel_size=3&stride=2"],
      ["Stride 2 loses a size: 6 → 3", "input_size=6,6&kernel_size=3&stride=2&padding=1"],
      ["Transposed back to 6 (output_padding=1)",
        "input_size=3,3&kernel_size=3&stride=2&padding=1&output_padding=1&transposed=1"],
      ["Seed: dilated 3×3 covers all of 9×9", "input_size=9,9&kernel_size=3&dilation=4"],
      ["Seed: strided 9×9 → 4×4", "input_size=9,9&kernel_size=3&stride=2"],
      ["Seed: transposed upsampling 9×9 → 11×11", "input_size=9,9&kernel_size=3&transposed=1"],
      ["Seed: FCN bilinear 2× upsampling",
        `input_size=4,4&kernel_size=4&stride=2&padding=1&transposed=1&weight=${BILINEAR}&fill=arange`],
      ["Seed: 1×1 convolution mixes channels",
        "input_size=4,4&kernel_size=1&in_channels=3&out_channels=2"],
      ["Groups: 4 → 4 channels in 2 groups",
        "input_size=4,4&kernel_size=3&padding=1&in_channels=4&out_channels=4&groups=2"],
      ["1-D: length 8, stride 2", "input_size=8&kernel_size=3&stride=2&padding=1"],
      ["Large: 64×64 input", "input_size=64,64&kernel_size=3&padding=1"],
    ],
  },
];

/** Fill a <select> with the presets, grouped. */
export function fillPresets(select) {
  for (const { group, items } of PRESETS) {
    const optgroup = document.createElement("optgroup");
    optgroup.label = group;
    for (const [name, query] of items) optgroup.append(new Option(name, query));
    select.append(optgroup);
  }
}
