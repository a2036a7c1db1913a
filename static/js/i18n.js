// The page's one translation function: t(key, vars) over the message catalogue
// static/i18n/<language>/*.json, which the server embeds in the page's initial state
// (all parts merged by app/i18n/messages.py: page.json for the page's own strings, views.json,
// stack.json, the API's error messages…). "{name}" placeholders are filled from vars. A
// key with no entry comes back as it is, like the server's t(). Plural forms: entries
// "key.one" / "key.other", chosen by vars.count.

import { initialState } from "./state.js";

const catalogue = initialState().catalogue || {};

export function t(key, vars = {}) {
  let template = catalogue[key];
  if ("count" in vars && catalogue[`${key}.one`] !== undefined) {
    template = catalogue[`${key}.${vars.count === 1 ? "one" : "other"}`];
  }
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
