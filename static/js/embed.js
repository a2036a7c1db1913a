// Wiring of /embed: only the diagram and the player, sized to its frame; autoplay
// loops like the classic GIFs. Parameters: autoplay=1, step=N, speed=, controls=0,
// theme=light|dark, view=canvas|scatter|matrix|overlap.

import { initialState, stepIndex } from "./state.js";
import { Viewer } from "./viewer.js";

const state = initialState();
const page = state.page;
const root = document.getElementById("viewer");
const diagram = root.querySelector(".diagram");
// The frame's height, less what sits under the diagram (numbers, player, link back).
const below = () => document.body.scrollHeight - diagram.offsetHeight;
const viewer = new Viewer(root, { loop: true, maxCell: 64, height: () => window.innerHeight - below() - 16 });
await viewer.load(state.trace, { view: page.view, step: stepIndex(page) }); // step=N from 1
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
if (page.autoplay === "1") viewer.player.play();
