// The lab's words defined where a tab shows them. The glossary (ui/glossary.py) comes in the page's
// <head> as JSON; this module finds its terms in what the tabs show and defines them on hover, on
// keyboard focus and on a tap, in one popover.
//
// Where a term sits decides how it is marked, so that nothing Gradio's Svelte components own is split:
// - in text Gradio renders as HTML (Markdown, gr.HTML: `.prose`), whose whole content Svelte replaces
//   on every update, the first mention of each term in a block is wrapped in a focusable span;
// - a component's label, which Svelte updates as one text node, is itself the place to hover, focus or
//   tap, for every term it holds: no text is added to it, so it still names its input as it did.
// New content (a tab opened, a result streamed in) is marked as it arrives.

const PROSE = '.prose';
const LABELS = '[data-testid="block-info"], .info-text, [data-testid="block-label"], .label-wrap > span';  // titles, a knob's info line
const SKIPPED = 'script, style, textarea, input, select, button, code, pre, svg, .term, .term-label, '
  + '.genlab-live-picture, .surprisal';  // and the text a model wrote

let popover;
let shownFor;

/** Every spelling of every term as one pattern, longest first ("KL share" before "KL"), whole words only. */
function matcher(glossary) {
  const byText = new Map();
  for (const { term, spellings } of glossary) for (const text of spellings) byText.set(text.toLowerCase(), term);
  const escaped = [...byText.keys()].sort((a, b) => b.length - a.length)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));  // "-" needs no escape outside a class
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_-])`, 'giu');
  return { pattern, termOf: (text) => byText.get(text.toLowerCase()) };
}

/** The terms a piece of text mentions, in order, each once. */
export function termsIn(text, { pattern, termOf }) {
  return [...new Set([...text.matchAll(pattern)].map((match) => termOf(match[0])))];
}

function markProse(block, words) {
  const marked = new Set([...block.querySelectorAll('.term')].map((span) => span.dataset.term));
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest(SKIPPED) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (let node of texts) {
    let consumed = 0;  // the node loses its front as each term is cut off it
    for (const match of [...node.data.matchAll(words.pattern)]) {
      const term = words.termOf(match[0]);
      if (marked.has(term)) continue;
      marked.add(term);
      const word = node.splitText(match.index - consumed);
      node = word.splitText(match[0].length);
      consumed = match.index + match[0].length;
      const span = document.createElement('span');
      Object.assign(span, { className: 'term', tabIndex: 0, textContent: word.data });
      span.dataset.term = term;
      word.replaceWith(span);
    }
  }
}

function markLabel(label, words) {
  const terms = termsIn(label.textContent, words).join(',');
  if ((label.dataset.terms ?? '') === terms) return;
  if (!terms) {
    label.classList.remove('term-label');
    delete label.dataset.terms;
    return label.removeAttribute('tabindex');
  }
  label.classList.add('term-label');
  label.dataset.terms = terms;
  if (!label.closest('button')) label.tabIndex = 0;  // a title inside a button: the button takes the focus
}

/** Mark what is in `element` and, if it sits in a block or a label, that block or label. */
function mark(element, words) {
  const prose = [...element.querySelectorAll(PROSE), element.closest(PROSE)];
  for (const block of new Set(prose)) if (block && !block.closest(SKIPPED)) markProse(block, words);
  const labels = [...element.querySelectorAll(LABELS), element.closest(LABELS)];
  for (const label of new Set(labels)) if (label) markLabel(label, words);
}

function show(trigger, definitions) {
  const terms = (trigger.dataset.term ?? trigger.dataset.terms).split(',');
  popover.replaceChildren(...terms.map((term) => {
    const line = document.createElement('p');
    const name = document.createElement('b');
    name.textContent = term;
    line.append(name, `: ${definitions.get(term)}`);
    return line;
  }));
  popover.hidden = false;
  shownFor = trigger;
  place();
}

/** Under the term, or above it where there is no room below; kept beside it as the page scrolls. */
function place() {
  if (!shownFor) return;
  const box = shownFor.getBoundingClientRect();
  const width = Math.min(320, window.innerWidth - 16);
  popover.style.width = `${width}px`;
  popover.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - width - 8))}px`;
  const below = box.bottom + 6;
  const height = popover.offsetHeight;
  popover.style.top = `${below + height <= window.innerHeight || box.top < height + 6 ? below : box.top - height - 6}px`;
}

function hide() {
  popover.hidden = true;
  shownFor = null;
}

/** Mark the page's terms now and as content arrives, and define them on hover, focus and tap. */
export function defineTerms(root = document.body) {
  const source = document.getElementById('genlab-glossary');
  if (!source) return;
  const glossary = JSON.parse(source.textContent);
  const words = matcher(glossary);
  const definitions = new Map(glossary.map(({ term, definition }) => [term, definition]));
  popover = Object.assign(document.createElement('div'), { className: 'genlab-term-popover', hidden: true });
  popover.setAttribute('role', 'tooltip');
  document.body.append(popover);

  const trigger = (event) => event.target.closest?.('.term, .term-label');
  const mouse = (event) => event.pointerType === 'mouse';  // a finger's tap is a click, not a hover
  root.addEventListener('pointerover', (event) => { const t = trigger(event); if (mouse(event) && t && t !== shownFor) show(t, definitions); });
  root.addEventListener('pointerout', (event) => {
    if (mouse(event) && trigger(event) && !trigger(event).contains(event.relatedTarget)) hide();
  });
  root.addEventListener('focusin', (event) => { const t = trigger(event); if (t) show(t, definitions); });
  root.addEventListener('focusout', (event) => { if (trigger(event)) hide(); });
  root.addEventListener('click', (event) => {  // a tap: phones that do not focus what is tapped
    const t = trigger(event);
    if (!t) return popover.contains(event.target) || hide();
    show(t, definitions);
    if (t.closest('label')) event.preventDefault();  // asking what a label means does not click its input
  });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') hide(); });
  window.addEventListener('scroll', place, { passive: true, capture: true });
  window.addEventListener('resize', place);

  // Only what changed is looked at again, once a frame: a streaming text or a dragged slider changes
  // the page many times a second.
  const changed = new Set();
  new MutationObserver((records) => {
    if (!changed.size) requestAnimationFrame(() => {
      for (const element of changed) if (element?.isConnected) mark(element, words);
      changed.clear();
    });
    for (const { target } of records) changed.add(target.nodeType === Node.ELEMENT_NODE ? target : target.parentElement);
  }).observe(root, { childList: true, subtree: true, characterData: true });
  mark(root, words);
}
