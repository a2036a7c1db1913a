// Stand-in for the front engineer's static/js/i18n.js until it lands: the same
// t(key, ctx) over the page catalogues (static/i18n/en/page.json, views.json), {name}
// placeholders filled from ctx; an unknown key comes back as itself.

const load = (name) => fetch(`/static/i18n/en/${name}.json`).then((r) => r.json()).catch(() => ({}));
const catalogue = Object.assign({}, ...(await Promise.all(["page", "views"].map(load))));

export function t(key, ctx = {}) {
  const text = catalogue[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in ctx ? String(ctx[name]) : whole));
}
