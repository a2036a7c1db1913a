// The configuration form: one control per request field, named as the field.
// Validated as you type by asking the API; its own message shows next to the field.

import { TRACE_FIELDS } from "./state.js";

/** Show a field that belongs to one choice of another (data-when-field/-value, from the
 * field table's shown_when: divisor_override with op=avg_pool, target with grad_output=mse)
 * only while that choice is made. */
export function showDependentFields(form) {
  for (const row of form.querySelectorAll("[data-when-field]")) {
    const other = form.elements[row.dataset.whenField];
    row.hidden = !other || other.value.trim() !== row.dataset.whenValue;
  }
}

/** The form's values as query texts; empty means "the default". A hidden field sends
 * nothing (it belongs to a choice not made). */
export function readForm(form) {
  showDependentFields(form);
  const values = {};
  for (const name of TRACE_FIELDS) {
    const control = form.elements[name];
    if (!control || control.closest("[hidden]")) continue;
    if (control.type === "checkbox" && control.dataset.default === "1") {
      values[name] = control.checked ? "" : "0"; // on by default (count_include_pad)
    } else if (control.type === "checkbox") values[name] = control.checked ? "1" : "";
    else if (name === "fill") values[name] = control.value === "random" ? "" : control.value;
    else values[name] = control.value;
  }
  return values;
}

/** Put query texts into the form (a preset, a link). Fields not given are cleared. */
export function writeForm(form, fields) {
  for (const name of TRACE_FIELDS) {
    const control = form.elements[name];
    if (!control) continue;
    const value = fields[name] ?? "";
    if (control.type === "checkbox") {
      const on = value === "" ? control.dataset.default === "1" : ["1", "true"].includes(value.toLowerCase());
      control.checked = on;
    }
    else if (control.tagName === "SELECT") control.value = value || control.options[0].value; // never blank
    else control.value = value;
  }
  showDependentFields(form);
}

/** Show the API's errors next to their fields; returns the ones no field could take. */
export function showErrors(form, errors) {
  const orphans = [];
  for (const name of TRACE_FIELDS) {
    const control = form.elements[name];
    if (!control) continue;
    const error = errors.find((e) => e.field === name);
    const slot = document.getElementById(`err-${name}`);
    slot.textContent = error ? error.msg : "";
    if (error) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
  for (const e of errors) if (!form.elements[e.field]) orphans.push(e);
  return orphans;
}

/** Call onChange(values) on every edit, at most once per frame (onChange cancels the
 * request of the edit before, so typing never queues traces). */
export function watchForm(form, onChange) {
  let frame = 0;
  const fire = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => onChange(readForm(form)));
  };
  form.addEventListener("input", fire);
  form.addEventListener("change", fire);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    cancelAnimationFrame(frame);
    onChange(readForm(form));
  });
}
