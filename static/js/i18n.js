// The page's one translation function: t(key, vars) over the message catalogue
// static/i18n/<language>/page.json and views.json (the page's own strings; the API's messages come
// already rendered by the server's catalogue, app/messages.py). "{name}" placeholders
// are filled from vars. A key with no entry is returned as it is, like the server's t().
// Plural forms: "key.one" / "key.other", chosen by vars.count.

import page from "../i18n/en/page.json" with { type: "json" };
import views from "../i18n/en/views.json" with { type: "json" };

const catalogue = { ...page, ...views }; // one catalogue; a key lives in one file only

export function t(key, vars = {}) {
  let template = catalogue[key];
  if ("count" in vars && catalogue[`${key}.one`] !== undefined) {
    template = catalogue[`${key}.${vars.count === 1 ? "one" : "other"}`];
  }
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
