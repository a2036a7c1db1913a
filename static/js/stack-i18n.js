// The stack page's strings: t(key, vars) over the message catalogue the server embeds in
// the page's initial state (static/i18n/<language>/*.json, merged). Same contract as the
// front-end's static/js/i18n.js, so it can be swapped for it: "{name}" placeholders are
// filled from vars; an unknown key comes back as it is.

const element = document.getElementById("initial-state");
export const initial = element ? JSON.parse(element.textContent) : {};
const catalogue = initial.catalogue || {};

export function t(key, vars = {}) {
  const template = catalogue[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** 1234567 → "1,234,567" (the page's one number format). */
export function formatNumber(value) {
  return Number(value).toLocaleString("en-US");
}
