// /learn: a kernel that learns, played step by step (SPEC.md, "Learning"). The page asks
// POST /api/learn once per setting and plays the trajectory it answers: the kernel's cells
// (colour and value), dL/dW, the target, the update w ← w − lr·dL/dW of the current step
// with its numbers, and the loss curve. The address bar holds the share link
// (/learn?<query>&step=n&cell=ky,kx: the cell whose update is followed). Keys: Space plays/pauses, ← → step, Home resets.

import { t } from "../i18n.js";
import { initialState } from "../state.js";
import { fmt } from "../trace.js";
import { drawKernel, drawLoss } from "./draw.js";

const $ = (id) => document.getElementById(id);
const state = initialState();
const FIELDS = ["task", "target_kernel", "lr", "steps", "samples", "size", "data", "seed"];
let result = null;
let cur = 0;
let timer = null;
let picked = [0, 0];

/** A form value for JSON: a number when it reads as one, else the text (the API names it). */
function number(text) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

function kernelOf(text) {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return trimmed.split(";").map((row) => row.split(",").map((v) => number(v) ?? v));
}

function fillForm(params) {
  const task = params.get("task") || "upsample2x";
  const defaults = state.defaults[task] || state.defaults.upsample2x;
  $("f-task").value = task;
  for (const name of ["lr", "steps", "samples", "size"]) $(`f-${name}`).value = params.get(name) ?? defaults[name];
  $("f-seed").value = params.get("seed") ?? "0";
  $("f-data").value = params.get("data") || "random";
  $("f-target_kernel").value = params.get("target_kernel") || (task === "kernel" ? "0,1,0;1,-4,1;0,1,0" : "");
  $("target-field").hidden = task !== "kernel";
}

function body() {
  const task = $("f-task").value;
  const request = { task, data: $("f-data").value };
  for (const name of ["lr", "steps", "samples", "size", "seed"]) {
    const value = number($(`f-${name}`).value);
    if (value !== undefined) request[name] = value;
  }
  if (task === "kernel") request.target_kernel = kernelOf($("f-target_kernel").value);
  return request;
}

function showErrors(detail) {
  const box = $("messages");
  box.replaceChildren(...detail.map((error) => {
    const p = document.createElement("p");
    const field = error.loc[error.loc.length - 1];
    p.textContent = `${field}: ${error.msg_local || error.msg}`;
    $(`f-${field}`)?.setAttribute("aria-invalid", "true");
    return p;
  }));
}

async function run(step = 0) {
  pause();
  for (const name of FIELDS) $(`f-${name}`)?.removeAttribute("aria-invalid");
  $("messages").replaceChildren();
  const response = await fetch("/api/learn", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body()),
  });
  const answer = await response.json();
  if (!response.ok) { showErrors(answer.detail || []); return; }
  result = answer;
  $("scrub").max = String(result.trajectory.length - 1);
  $("learn-about").textContent = t(`learn.about.${result.config.task}`);
  $("layer-link").href = `/?${result.layer}`;
  const diverged = $("diverged");
  diverged.hidden = !result.diverged;
  diverged.textContent = result.diverged
    ? t("learn.diverged", { lr: fmt(result.config.lr), steps: result.trajectory.length - 1 })
    : "";
  const cell = (new URLSearchParams(location.search).get("cell") || "0,0").split(",").map(Number);
  const k = result.target_kernel.length;
  picked = cell.length === 2 && cell.every((v) => Number.isInteger(v) && v >= 0 && v < k) ? cell : [0, 0];
  show(Math.min(step, result.trajectory.length - 1));
}

/** A loss as a person reads it: 0.3846, or 2.1e-7 once it is tiny. */
function lossText(value) {
  return value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential(2) : fmt(value);
}

function kernelText(kernel) {
  return kernel.map((row) => row.map((v) => fmt(Math.round(v * 10000) / 10000).replace("−", "-")).join(",")).join(";");
}

function show(n) {
  if (!result) return;
  cur = n;
  const trail = result.trajectory;
  const entry = trail[n];
  const target = result.target_kernel;
  const scale = Math.max(...target.flat().map(Math.abs), ...entry.weight.flat().map(Math.abs), 1e-9);
  const gradScale = Math.max(...entry.grad_weight.flat().map(Math.abs), 1e-12);
  const pick = (cell) => { picked = cell; show(cur); };
  drawKernel($("weight-grid"), entry.weight, scale, { name: "w", selected: picked, onPick: pick });
  drawKernel($("grad-grid"), entry.grad_weight, gradScale, { name: "dL/dW", selected: picked, onPick: pick });
  drawKernel($("target-grid"), target, scale, { name: t("learn.target"), selected: picked, onPick: pick });
  drawLoss($("loss"), trail.map((s) => s.loss), n);
  const [ky, kx] = picked;
  const lr = result.config.lr;
  const w = entry.weight[ky][kx];
  const g = entry.grad_weight[ky][kx];
  const next = trail[n + 1];
  $("update").textContent = next
    ? t("learn.update", {
      index: `${ky},${kx}`, w: fmt(w), lr: fmt(lr), g: fmt(g), next: fmt(next.weight[ky][kx]),
    })
    : t("learn.update.last", { index: `${ky},${kx}`, w: fmt(w), target: fmt(target[ky][kx]) });
  $("scrub").value = String(n);
  $("step-text").textContent = t("learn.step", { step: n, steps: trail.length - 1, loss: lossText(entry.loss) });
  $("loss-text").textContent = t("learn.loss.text", {
    first: lossText(trail[0].loss), now: lossText(entry.loss), step: n,
  });
  const params = new URLSearchParams(result.query);
  if (n) params.set("step", String(n));
  if (picked[0] || picked[1]) params.set("cell", picked.join(","));
  history.replaceState(null, "", `/learn?${params.toString().replace(/%2C/gi, ",").replace(/%3B/gi, ";").replace(/%3A/gi, ":")}`);
  $("layer-link").href = `/?${result.layer}&weight=${kernelText(entry.weight)}`;
}

function pause() {
  if (timer) clearInterval(timer);
  timer = null;
  $("play").textContent = "▶";
  $("play").setAttribute("aria-label", t("player.play"));
}

function play() {
  if (!result) return;
  if (cur >= result.trajectory.length - 1) show(0);
  $("play").textContent = "⏸";
  $("play").setAttribute("aria-label", t("player.pause"));
  timer = setInterval(() => {
    if (cur >= result.trajectory.length - 1) { pause(); return; }
    show(cur + 1);
  }, 50);
}

const toggle = () => (timer ? pause() : play());
const step = (by) => { pause(); if (result) show(Math.max(0, Math.min(result.trajectory.length - 1, cur + by))); };

$("play").addEventListener("click", toggle);
$("back").addEventListener("click", () => step(-1));
$("forward").addEventListener("click", () => step(1));
$("reset").addEventListener("click", () => { pause(); show(0); });
$("scrub").addEventListener("input", () => { pause(); show(Number($("scrub").value)); });
$("learn-form").addEventListener("submit", (e) => { e.preventDefault(); run(0); });
$("f-task").addEventListener("change", () => {
  const params = new URLSearchParams({ task: $("f-task").value });
  fillForm(params);
});
$("copy-link").addEventListener("click", async (e) => {
  try { await navigator.clipboard.writeText(location.href); e.currentTarget.textContent = t("learn.copied"); } catch { /* no clipboard: the address bar holds it */ }
});
document.addEventListener("keydown", (e) => {
  if (e.target.closest?.("input:not([type=range]), textarea, select") || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === " ") { e.preventDefault(); toggle(); }
  else if (e.key === "ArrowRight") { e.preventDefault(); step(1); }
  else if (e.key === "ArrowLeft") { e.preventDefault(); step(-1); }
  else if (e.key === "Home") { e.preventDefault(); pause(); show(0); }
});

const params = new URLSearchParams(location.search);
fillForm(params);
run(Number(params.get("step")) || 0);
