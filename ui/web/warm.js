// Started once the page is idle: loads the runtime and makes the session of the CNN that reads the
// live pictures' digits, and (in Gradio's page) fetches the recorded model choices (choices.js) (the first session is what sets the WebAssembly runtime up: most of the wait),
// so that a tab with a live picture draws in the page soon after it opens. The live components'
// specs are in the page's config (Gradio's, or the static site's: ui/web/shell.js) before their tabs are opened. It waits until the tab on screen
// draws in the page (or WAIT_MS), so that on a slow link it does not take the first tab's bandwidth. A
// visitor who asked their browser to save data fetches nothing until a tab needs it.

import { load as loadChoices } from './choices.js';
import { session } from './runtime.js';

const WAIT_MS = 15000;

function firstTabInThePage() {
  const until = performance.now() + WAIT_MS;
  return new Promise((resolve) => (function check() {
    const modes = Object.values(window.genlab?.modes ?? {});
    if ((modes.length && modes.every((mode) => mode === 'page')) || performance.now() > until) resolve();
    else setTimeout(check, 250);
  })());
}

export async function warmUp() {
  if (navigator.connection?.saveData) return;
  await firstTabInThePage();
  const specs = ((window.gradio_config ?? window.genlabSite)?.components ?? []) // Gradio's page, or the static site's
    .filter((component) => component.props?.elem_classes?.includes('genlab-live-picture'))
    .map((component) => JSON.parse(component.props.value));
  const readers = new Set(specs.map((spec) => spec.reader).filter(Boolean));
  for (const url of readers) session(url).catch((error) => console.warn('genlab: the runtime did not load', error));
  if (window.gradio_config) loadChoices().catch(() => {}); // a model choice replayed in the page waits for nothing
}
