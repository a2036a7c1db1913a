// The page's one translation function: t(key, vars) over the message catalogue
// static/i18n/<language>/*.json, which the server embeds in the page's initial state in
// the page's language (all parts merged by app/i18n/messages.py, English where a part has
// no entry yet). "{name}" placeholders are filled from vars. A key with no entry comes back
// as it is, like the server's t(). Plural forms: entries "key.one" / "key.other" (the CLDR
// categories of the language), chosen by vars.count with the browser's Intl.PluralRules —
// the same rules the server takes from Babel (bn, hi: "one" for 0 and 1; vi: "other" only).

import { initialState } from "./state.js";

const state = initialState();
const catalogue = state.catalogue || {};

/** The page's language (<html lang>), and whether its link names it (?lang=). */
export const lang = state.lang || document.documentElement.lang || "en";
const explicit = Boolean(state.lang_explicit);
const plurals = new Intl.PluralRules(lang);

export function t(key, vars = {}) {
  let template = catalogue[key];
  if (typeof vars.count === "number" && catalogue[`${key}.other`] !== undefined) {
    template = catalogue[`${key}.${plurals.select(vars.count)}`] ?? catalogue[`${key}.other`];
  }
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** The catalogue's words for `key` if it has them, else `fallback` (data written in English,
 * such as a preset added before its translation, is shown as it is). */
export function tOr(key, fallback, vars = {}) {
  return catalogue[key] === undefined ? fallback : t(key, vars);
}

/** A part of a data file's English name as a key: "The guide's figures" → "the-guide-s-figures". */
export const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** A query the page writes into a link (share, embed, picture, twin, API call) keeps
 * ?lang= when the page was opened with it, so whoever follows the link reads the same
 * language. */
export function withLang(query) {
  if (!explicit) return query;
  return [query, `lang=${lang}`].filter(Boolean).join("&");
}

/** A picture the page links to is in the page's language, however it was chosen (English,
 * the pictures' default, unless the link named it). */
export const inPageLang = (query) => (!explicit && lang === "en" ? query
  : [query, `lang=${lang}`].filter(Boolean).join("&"));

/** The switcher's links follow the address bar: the same page and query in another language. */
export function updateLanguageLinks() {
  const params = new URLSearchParams(location.search);
  params.delete("lang");
  const rest = params.toString().replace(/%2C/gi, ",").replace(/%3B/gi, ";").replace(/%3A/gi, ":")
    .replace(/%7C/gi, "|");
  for (const link of document.querySelectorAll("a[data-lang]")) {
    link.href = `${location.pathname}?${[rest, `lang=${link.dataset.lang}`].filter(Boolean).join("&")}`;
  }
}
