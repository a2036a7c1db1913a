// An offline file shown in a notebook is an iframe's srcdoc (app/notebook): the frame grows
// to the page's height, so the notebook shows the whole diagram without a scrollbar.

/** Follow the document's height in the frame that holds it, if any (a file opened on its
 * own, or a frame of another origin, has none to follow). */
export function followHeight() {
  let frame = null;
  try { frame = window.frameElement; } catch { return; }
  if (!frame) return;
  const fit = () => { frame.style.height = `${document.documentElement.scrollHeight + 4}px`; };
  new ResizeObserver(fit).observe(document.body);
  fit();
}
