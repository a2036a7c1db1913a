// Presets are data (static/presets/layer.json): the worked examples of SPEC.md, the
// classic figures of Dumoulin & Visin, "A guide to convolution arithmetic for deep
// learning" (2016), and the seed questions' examples. Each is a share-link query,
// optionally with a view and the next preset of a linked series (WaveNet's layers).

import { slug, tOr } from "./i18n.js";

// Fetched beside this module (so under the same content-hashed URL), after the first paint.
const loaded = fetch(new URL("../presets/layer.json", import.meta.url))
  .then((response) => response.json())
  .then((presets) => presets.groups)
  .catch(() => []);

let byId = new Map();

/** A preset's name in the page's language (presets.json: preset.<id>). */
export const presetName = (preset) => tOr(`preset.${preset.id}`, preset.name);

export function presetById(id) {
  return byId.get(id);
}

/** Fill a <select> with the presets, grouped; option values are preset ids. */
export async function fillPresets(select) {
  const groups = await loaded;
  byId = new Map(groups.flatMap((g) => g.items).map((p) => [p.id, p]));
  for (const { name, items } of groups) {
    const optgroup = document.createElement("optgroup");
    optgroup.label = tOr(`preset.group.${slug(name)}`, name);
    for (const item of items) optgroup.append(new Option(presetName(item), item.id));
    select.append(optgroup);
  }
}
