// The page's own behaviour, run once when it loads (app.launch passes this file as `js`).
() => {
  // Gradio's sketchpad starts with no tool chosen, and its Clear button puts it back there ("select
  // the draw tool to start"): whenever a sketchpad waits for a tool, pick the brush, so a person can
  // always draw at once. A tool the person chose (the eraser, say) is left alone.
  const pickBrush = () => document.querySelectorAll('button[title="Brush"]').forEach((brush) => {
    const waiting = brush.closest(".block")?.querySelector(".empty");
    if (waiting && brush.offsetParent !== null && !brush.classList.contains("highlight")) brush.click();
  });
  new MutationObserver(pickBrush).observe(document.body, { childList: true, subtree: true });
  pickBrush();
}
