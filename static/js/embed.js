// Wiring of /embed: only the diagram and the player, sized to its frame; autoplay
// loops like the classic GIFs. Parameters: autoplay=1, step=N, speed=, controls=0,
// theme=light|dark, view=canvas|scatter|matrix|overlap.

import { initialState, stepIndex } from "./state.js";
import { startGuides } from "./tours/page.js";
import { Viewer } from "./viewer.js";

const state = initialState();
const page = state.page;
const root = document.getElementById("viewer");
const diagram = root.querySelector(".diagram");
// The frame's height, less what sits under the diagram (numbers, player, link back).
const below = () => document.body.scrollHeight - diagram.offsetHeight;
const options = {
  loop: true, maxCell: 64, height: () => window.innerHeight - below() - 16, stackOnPhone: false,
};
const viewer = new Viewer(root, options);
let raw = state.trace;
await viewer.load(raw, { view: page.view, step: stepIndex(page) }); // step=N from 1
// A tour (tour=, stop=) with its own Previous / Next, or two diagrams (compare=).
const full = document.getElementById("full-page");
await startGuides({
  viewer, page, tour: state.tour, titleOf: () => "", current: () => raw, embed: true, options,
  hooks: { link: () => "", shown: () => {} },
  show: async (trace, { view, step }) => {
    raw = trace;
    await viewer.load(trace, { view, step });
  },
});
document.addEventListener("convscope:stop", () => { full.href = `/${location.search}`; });
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
if (page.autoplay === "1") viewer.player.play();
