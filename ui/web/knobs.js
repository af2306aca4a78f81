// Reading and setting Gradio's own controls from the page, by their blocks' ids: a tab drawn in the
// page follows the controls a person uses, and moves them where the tab's own logic does (a new seed,
// a walk started again), so what the server would be sent stays what is on screen.

// A number box's or a slider's value (NaN when the block is not on the page or holds no number).
export function numberIn(id) {
  const input = document.querySelector(`#${id} input[type=range], #${id} input[type=number]`);
  return input && input.value !== '' ? Number(input.value) : NaN;
}

// The chosen value of a radio group (its checked input's value) or of a dropdown (its text box in Gradio's
// page, its select in the static site's).
export function choiceIn(id) {
  const block = document.getElementById(id);
  const radio = block?.querySelector('input[type=radio]:checked');
  return radio ? radio.value : block?.querySelector('select, input')?.value ?? '';
}

// A text box's text, and whether a checkbox is ticked.
export function textIn(id) {
  return document.querySelector(`#${id} textarea, #${id} input`)?.value ?? '';
}

export function checkedIn(id) {
  return Boolean(document.querySelector(`#${id} input[type=checkbox]`)?.checked);
}

// Sets a number box or slider (and a slider's number box) as a person typing or dragging would: Gradio
// hears an input event, and so do the page's live pictures.
export function setNumber(id, value) {
  for (const input of document.querySelectorAll(`#${id} input[type=range], #${id} input[type=number]`)) {
    if (Number(input.value) === value) continue;
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
}

// Calls back when a person clicks the button block with this id (checked when the click happens, so a
// button Gradio renders again later still counts).
export function onClick(id, callback) {
  document.addEventListener('click', (event) => {
    if (event.target.closest?.(`#${id}`)) callback(event);
  }, true);
}
