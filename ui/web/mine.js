// The static site's Train tab: open a model trained in the whole lab (its Train tab's "For the static site"
// file, ui/site.py's page_model) and run it here. The file holds what the lab's own model radio answered
// choosing that visitor's model (the specs its page modules run it with, its sliders), keyed by the
// components' elem_ids, and the model's graphs; the graphs become blob URLs and the answers are replayed
// into the page (shell.js), as choosing a pretrained model replays the answers the site holds.

const FORMAT = 'genlab page model', VERSION = 1; // ui/site.py's PAGE_MODEL

export function start({ element }) {
  const input = element.querySelector('input[type=file]');
  const notice = element.querySelector('.genlab-notice');
  input.addEventListener('change', async () => {
    notice.textContent = '';
    let model;
    try {
      model = JSON.parse(await input.files[0].text());
    } catch {
      model = null;
    }
    if (model?.format !== FORMAT || model.version !== VERSION) {
      notice.textContent = "⚠ That is not a model file from the lab's Train tab (its \"For the static site\" button writes one).";
      return;
    }
    let answers = JSON.stringify(model.answers);
    for (const [url, graph] of Object.entries(model.graphs)) {
      const bytes = Uint8Array.from(atob(graph), (char) => char.charCodeAt(0));
      answers = answers.replaceAll(url, URL.createObjectURL(new Blob([bytes])));
    }
    const missing = window.genlabShell.replayNamed(JSON.parse(answers));
    notice.textContent = missing.length ? `⚠ This page has no place for ${missing.join(', ')}: the file may come from another version of the lab.`
      : `Your model runs in the ${model.tab} tab now.`;
  });
}
