// The page's own behaviour, run once when it loads (app.launch passes this file as `js`).
() => {
  // A slider's number box applies its value when it loses focus (Gradio sends "release" on blur) and
  // ignores Enter, so a typed 0.3 waited for the next click, which then redrew what was clicked. Enter
  // in any number box now applies what was typed, as a person expects.
  document.addEventListener('keydown', (event) => {
    const box = event.target;
    if (event.key === 'Enter' && box instanceof HTMLInputElement && box.type === 'number'
        && box.getAttribute('aria-label')?.startsWith('number input for ')) box.blur();
  });
}
