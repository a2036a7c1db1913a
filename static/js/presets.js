// Presets are data (static/presets/layer.json): the worked examples of SPEC.md, the
// classic figures of Dumoulin & Visin, "A guide to convolution arithmetic for deep
// learning" (2016), and the seed questions' examples. Each is a share-link query,
// optionally with a view and the next preset of a linked series (WaveNet's layers).

import presets from "../presets/layer.json" with { type: "json" };

export const PRESETS = presets.groups;

const byId = new Map(PRESETS.flatMap((g) => g.items).map((p) => [p.id, p]));

export function presetById(id) {
  return byId.get(id);
}

/** Fill a <select> with the presets, grouped; option values are preset ids. */
export function fillPresets(select) {
  for (const { name, items } of PRESETS) {
    const optgroup = document.createElement("optgroup");
    optgroup.label = name;
    for (const item of items) optgroup.append(new Option(item.name, item.id));
    select.append(optgroup);
  }
}
