// The stack page's strings go through the page's one translation function, t(key, vars)
// in i18n.js, over the catalogue the server embeds in the initial state (stack.json's
// keys included). The initial state also carries the stack presets.

import { initialState } from "../state.js";

export { lang, t, tOr, updateLanguageLinks, withLang } from "../i18n.js";

export const initial = initialState();

/** 1234567 → "1,234,567" (the page's one number format). */
export function formatNumber(value) {
  return Number(value).toLocaleString("en-US");
}
