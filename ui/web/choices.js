// Choosing a pretrained model in the page (ui/choices.py): what the server answered that choice once, for
// everyone (genlab/choices.json: the page modules' specs, the sliders' labels, the card, the diagram), put
// into the tab's blocks by a listener that runs in the page alone. decide() runs first, on the radio's input
// event: it throws where the server must take the choice (a visitor's own model, which only the server has;
// a tab whose page modules draw on the server now: the runtime did not load),
// and Gradio then runs the server's listeners instead, as before; else replay() gives the blocks' new values.

const ANSWERS = 'genlab/choices.json';
let recorded = null; // a promise of { radio elem_id: { model: [[component id, value], ...] } }

export function load() {
  recorded ??= fetch(new URL(ANSWERS, document.baseURI).href).then((response) => {
    if (!response.ok) throw new Error(`genlab: ${response.status} for the recorded model choices`);
    return response.json();
  });
  recorded.catch(() => { recorded = null; }); // a later choice asks again
  return recorded;
}

function specIn(value) { // a page module's spec (ui/web.py's PageSpec JSON), or null
  try {
    const spec = typeof value === 'string' ? JSON.parse(value) : null;
    return spec && typeof spec === 'object' && 'server_blocks' in spec ? spec : null;
  } catch {
    return null;
  }
}

function elementOf(component) { // a component's block on the page, by the elem_id Gradio's config gives it
  const elemId = window.gradio_config?.components.find((c) => c.id === component)?.props?.elem_id;
  return elemId ? document.getElementById(elemId) : null;
}

export async function decide(radio, model) {
  const answers = (await load())[radio]?.[model];
  if (!answers) throw new Error('genlab: the server takes this choice');
  for (const [component, value] of answers) {
    const spec = specIn(value);
    if (!spec) continue;
    const mode = elementOf(component)?.querySelector('[data-mode]')?.dataset.mode; // none: not started yet
    if (spec.why || (mode && mode !== 'page')) throw new Error('genlab: the server draws this tab now');
  }
}

// The values of `ids` (the blocks the replay sets, after the radio's last choice) for this choice; undefined
// leaves a block as it is.
export async function replay(radio, model, ids) {
  const answers = new Map((await load())[radio][model]);
  return [model, ...ids.map((id) => answers.get(id))];
}
