// Started once the page is idle: loads the runtime and makes the session of the CNN that reads the
// live pictures' digits (the first session is what sets the WebAssembly runtime up: most of the wait),
// so that a tab with a live picture draws in the page soon after it opens. The live components'
// specs are in Gradio's page config before their tabs are opened. A visitor who asked their browser
// to save data fetches nothing until a tab needs it.

import { session } from './runtime.js';

export function warmUp() {
  if (navigator.connection?.saveData) return;
  const specs = (window.gradio_config?.components ?? [])
    .filter((component) => component.props?.elem_classes?.includes('genlab-live-picture'))
    .map((component) => JSON.parse(component.props.value));
  const readers = new Set(specs.map((spec) => spec.reader).filter(Boolean));
  for (const url of readers) session(url).catch((error) => console.warn('genlab: the runtime did not load', error));
}
