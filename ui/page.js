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

  // A slider's number box applies its value when it loses focus (Gradio sends "release" on blur) and
  // ignores Enter, so a typed 0.3 waited for the next click, which then redrew what was clicked. Enter
  // in any number box now applies what was typed, as a person expects.
  document.addEventListener('keydown', (event) => {
    const box = event.target;
    if (event.key === 'Enter' && box instanceof HTMLInputElement && box.type === 'number'
        && box.getAttribute('aria-label')?.startsWith('number input for ')) box.blur();
  });
}
