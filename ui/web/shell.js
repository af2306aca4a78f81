// The static site's shell: draws the lab's page with no server behind it, from the part of Gradio's page
// config that ui/site.py keeps (in the page's #genlab-site script): the tabs the page runs itself, their
// text, the controls the page modules read, and the modules' own components. It draws each component
// closely enough to Gradio's that the modules find it by the same ids and selectors (knobs.js), so the
// very modules the Gradio page runs run here: one implementation, two shells. A module's trigger(event)
// runs the listeners Gradio would run in the page alone (`fn=None`, `js=`); there is no server to ask.
// A tab's components are drawn when it is first opened, as Gradio mounts them, so a tab's graphs load
// only then. Choosing another model replays what the server answered that choice when the site was
// written (config.choices: the new specs, the sliders' labels, the model's card and diagram).

import { shown } from './live.js';
import { marked } from './vendor/marked/marked.esm.js';

const config = JSON.parse(document.getElementById('genlab-site').textContent);
window.genlabSite = config; // warm.js reads the live components' specs here, as it reads Gradio's config there
const components = new Map(config.components.map((component) => [component.id, component]));
const blocks = new Map(); // component id -> { get(), set(value) } of a drawn component
const drawn = new Map(); // component id -> its element, once drawn
let radios = 0; // names for radio groups

// Markdown as Gradio's page shows it: formulas between the component's delimiters are kept from the
// Markdown parser (which would eat their backslashes and underscores) and typeset by KaTeX.
export function markdownHtml(text, delimiters = []) {
  const formulas = [];
  let source = text ?? '';
  for (const { left, right } of [...delimiters].sort((a, b) => b.left.length - a.left.length)) {
    const pattern = new RegExp(`${escapeRegExp(left)}[\\s\\S]+?${escapeRegExp(right)}`, 'g');
    source = source.replace(pattern, (formula) => `\u0000${formulas.push(formula) - 1}\u0000`);
  }
  return marked.parse(source).replace(/\u0000(\d+)\u0000/g, (_, i) => escapeHtml(formulas[Number(i)]));
}

function showMarkdown(element, text, delimiters) {
  element.innerHTML = markdownHtml(text, delimiters);
  if (delimiters.some(({ left }) => (text ?? '').includes(left))) { // typeset once on screen (an accordion opened)
    shown(element).then(typesetting).then(() => window.renderMathInElement(element, { delimiters, throwOnError: false }))
      .catch((error) => console.warn('genlab: KaTeX did not load; formulas show as written', error));
  }
}

// KaTeX (its scripts and stylesheet), loaded once a formula is shown: a first visit may show none.
let katex = null;
function typesetting() {
  const vendored = (file) => new URL(`vendor/katex/${file}`, import.meta.url).href;
  katex ??= Promise.all([loaded(make('link', { rel: 'stylesheet', href: vendored('katex.min.css') })),
    loaded(make('script', { src: vendored('katex.min.js') })).then(() => loaded(make('script', { src: vendored('auto-render.min.js') })))]);
  return katex;
}

function loaded(element) { // a script or stylesheet put in the head: resolves once it has loaded
  return new Promise((resolve, reject) => {
    element.addEventListener('load', resolve, { once: true });
    element.addEventListener('error', () => reject(new Error(`${element.src || element.href} did not load`)), { once: true });
    document.head.append(element);
  });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function make(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

function titled(props, control) { // a control under its label and info line, as Gradio's blocks are
  const label = make('label', { class: 'genlab-block-title' });
  if (props.show_label !== false && props.label) label.append(make('span', { 'data-testid': 'block-info' }, props.label));
  if (props.info) label.append(make('span', { class: 'info-text' }, props.info));
  label.append(control);
  return label;
}

// Each kind of component: draws it into `block` (the element with its elem_id) and returns how its value
// is read and set.
const KINDS = {
  markdown(block, props) {
    block.classList.add('prose');
    const set = (value) => showMarkdown(block, value, props.latex_delimiters ?? []);
    set(props.value);
    let value = props.value;
    return { get: () => value, set: (next) => { value = next; set(next); } };
  },
  html(block, props, id) {
    const own = { value: props.value };
    const watchers = [];
    const template = props.html_template ?? '${value}';
    const filled = template.includes('${value}'); // a picture of its value (a diagram, a card): drawn again with it
    const render = () => {
      block.innerHTML = filled ? template.replaceAll('${value}', own.value ?? '') : template;
      if (props.css_template) block.prepend(make('style', {}, props.css_template));
    };
    render();
    if (props.js_on_load) {
      const watch = (name, callback) => watchers.push(callback);
      try {
        new Function('element', 'props', 'trigger', 'watch', props.js_on_load)(block, own, (event) => trigger(id, event), watch);
      } catch (error) {
        console.error('genlab: a component did not start', error);
      }
    }
    return {
      get: () => own.value,
      set(value) {
        own.value = value;
        if (filled) render();
        watchers.forEach((callback) => callback());
      },
    };
  },
  slider(block, props) {
    const number = make('input', { type: 'number', min: props.minimum, max: props.maximum, step: props.step, value: props.value });
    const range = make('input', { type: 'range', min: props.minimum, max: props.maximum, step: props.step, value: props.value,
                                  'aria-label': props.label });
    range.addEventListener('input', () => { number.value = range.value; });
    number.addEventListener('input', () => { range.value = number.value; });
    block.append(titled(props, number), range);
    return { get: () => Number(range.value), set: (value) => { range.value = number.value = value; } };
  },
  number(block, props) {
    const input = make('input', { type: 'number', min: props.minimum, max: props.maximum, step: props.step ?? 1, value: props.value });
    block.append(titled(props, input));
    return { get: () => Number(input.value), set: (value) => { input.value = value; } };
  },
  radio(block, props, id) {
    const name = `genlab-radio-${radios++}`;
    const group = make('fieldset', { class: 'genlab-radio' }, make('legend', { 'data-testid': 'block-info' }, props.label ?? ''));
    if (props.info) group.append(make('span', { class: 'info-text' }, props.info));
    for (const [label, value] of props.choices) {
      group.append(make('label', {}, make('input', { type: 'radio', name, value, checked: value === props.value }), label));
    }
    block.append(group);
    const answers = config.choices?.[id];
    if (answers) group.addEventListener('change', (event) => replay(answers[event.target.value] ?? []));
    return {
      get: () => group.querySelector('input:checked')?.value ?? null,
      set: (value) => { for (const input of group.querySelectorAll('input')) input.checked = input.value === value; },
    };
  },
  dropdown(block, props) {
    const select = make('select', {}, ...props.choices.map(([label, value]) => make('option', { value, selected: value === props.value }, label)));
    block.append(titled(props, select));
    return { get: () => select.value, set: (value) => { select.value = value; } };
  },
  checkbox(block, props) {
    const input = make('input', { type: 'checkbox', checked: Boolean(props.value) });
    block.append(make('label', { class: 'genlab-check' }, input, make('span', { 'data-testid': 'block-info' }, props.label ?? '')));
    return { get: () => input.checked, set: (value) => { input.checked = Boolean(value); } };
  },
  textbox(block, props) {
    const box = make('textarea', { rows: props.lines ?? 1, readonly: props.interactive === false });
    box.value = props.value ?? '';
    block.append(titled(props, box));
    return { get: () => box.value, set: (value) => { box.value = value ?? ''; } };
  },
  button(block, props, id) {
    block.classList.add(props.variant ?? 'secondary', props.size ?? 'lg');
    block.textContent = props.value;
    block.addEventListener('click', () => trigger(id, 'click')); // its in-page listeners (What's happening's Measure)
    return { get: () => props.value, set: () => {} };
  },
  label(block, props) {
    const shown = make('div', { class: 'genlab-label-value' });
    block.append(make('span', { 'data-testid': 'block-label' }, props.label ?? ''), shown);
    const set = (value) => {
      const confidences = value?.confidences ?? [];
      shown.replaceChildren(make('h2', { 'data-testid': 'label-output-value' }, value?.label ?? ''),
        ...confidences.slice(0, props.num_top_classes ?? confidences.length).map(({ label, confidence }) => make('div',
          { class: 'genlab-confidence' }, make('span', {}, label), make('meter', { value: confidence }), make('span', {}, `${Math.round(100 * confidence)}%`))));
    };
    let value = props.value;
    set(value);
    return { get: () => value, set: (next) => { value = next; set(next); } };
  },
  image(block, props) {
    if (props.show_label !== false && props.label) block.append(make('span', { 'data-testid': 'block-label' }, props.label));
    const picture = make('img', { alt: props.label ?? '', src: props.value?.url });
    block.append(picture);
    return { get: () => props.value, set: (value) => { picture.src = value?.url ?? ''; } };
  },
};

const LAYOUTS = {
  row: () => make('div', { class: 'genlab-row' }),
  column: (props) => make('div', { class: 'genlab-column', style: `flex-grow:${props.scale ?? 1};min-width:${props.min_width ?? 160}px` }),
  form: () => make('div', { class: 'genlab-form' }),
  group: () => make('div', { class: 'genlab-form' }),
  accordion: (props) => make('details', { open: Boolean(props.open), class: (props.elem_classes ?? []).join(' ') },
    make('summary', { class: 'label-wrap' }, make('span', {}, props.label))),
};

// Draws the node (of config.layout) and its children into parent.
function draw(node, parent) {
  const component = components.get(node.id);
  const props = component?.props ?? {};
  if (component?.type === 'tabs') return drawTabs(node, parent);
  const element = component ? (LAYOUTS[component.type]?.(props) ?? make(component.type === 'button' ? 'button' : 'div',
    { id: props.elem_id, class: `block genlab-${component.type} ${(props.elem_classes ?? []).join(' ')}` })) : parent;
  if (component && props.elem_id) element.id = props.elem_id;
  if (component) drawn.set(node.id, element);
  if (component && props.visible === false) element.hidden = true;
  if (component && component.type in KINDS) blocks.set(node.id, KINDS[component.type](element, props, node.id));
  for (const child of node.children ?? []) draw(child, element);
  if (element !== parent) parent.append(element);
}

// Tabs as Gradio's: a row of tab buttons; a tab's content is drawn the first time it is chosen.
function drawTabs(node, parent) {
  const bar = make('div', { class: 'genlab-tab-bar', role: 'tablist' });
  const panels = make('div', {});
  const tabs = node.children.map((child) => {
    const props = components.get(child.id).props;
    const button = make('button', { role: 'tab', type: 'button', 'aria-selected': 'false' }, props.label);
    const panel = make('div', { role: 'tabpanel', hidden: true });
    bar.append(button);
    panels.append(panel);
    return { child, button, panel, drawn: false };
  });
  function choose(tab) {
    for (const other of tabs) {
      other.button.setAttribute('aria-selected', String(other === tab));
      other.panel.hidden = other !== tab;
    }
    if (!tab.drawn) {
      tab.drawn = true;
      for (const child of tab.child.children ?? []) draw(child, tab.panel);
    }
  }
  tabs.forEach((tab) => tab.button.addEventListener('click', () => choose(tab)));
  parent.append(make('div', { class: 'genlab-tabs' }, bar, panels));
  choose(tabs[0]);
}

// Answers keyed by elem_id (a visitor's own model, mine.js): each replayed into its component, drawn now or
// when its tab first opens (one the site left out is passed over); the page modules' specs this page has no
// component for (a file from another version of the lab).
window.genlabShell = {
  replayNamed(answers) {
    const named = new Map(config.components.filter((c) => c.props.elem_id).map((c) => [c.props.elem_id, c]));
    const missing = [];
    for (const [name, answer] of answers) {
      const component = named.get(name);
      if (!component) {
        if (typeof answer === 'string' && answer.includes('"server_blocks"')) missing.push(name);
      } else if (drawn.has(component.id)) replay([[component.id, answer]]);
      else if (answer?.__type__ === 'update') Object.assign(component.props, answer);
      else component.props.value = answer;
    }
    return missing;
  },
};

// What the server answered a choice: each component's new value, or a gr.update of some of its props.
function replay(answers) {
  for (const [id, answer] of answers) {
    if (answer?.__type__ === 'update') update(id, answer);
    else blocks.get(id)?.set(answer);
    trigger(id, 'change');
  }
}

function update(id, changes) {
  const element = drawn.get(id);
  if (!element) return;
  if ('visible' in changes) element.hidden = !changes.visible;
  const label = element.querySelector('[data-testid=block-info], [data-testid=block-label], summary > span');
  if ('label' in changes && label) label.textContent = changes.label;
  if ('label' in changes) element.querySelectorAll('[aria-label]').forEach((named) => named.setAttribute('aria-label', changes.label));
  if ('info' in changes && label) { // the line under a label: made where the first model had none
    let info = element.querySelector('.info-text');
    if (!info) label.after(info = make('span', { class: 'info-text' }));
    info.textContent = changes.info ?? '';
  }
  for (const [prop, attribute] of [['minimum', 'min'], ['maximum', 'max'], ['step', 'step']]) {
    if (prop in changes) element.querySelectorAll('input').forEach((input) => input.setAttribute(attribute, changes[prop]));
  }
  if ('value' in changes) blocks.get(id)?.set(changes.value);
}

// What Gradio does when a component fires `event`: runs the listeners on it that run in the page, their
// inputs' values in, their outputs set (and a `change` heard from each output).
async function trigger(id, event) {
  for (const listener of config.dependencies) {
    if (!listener.targets.some(([target, name]) => target === id && name === event)) continue;
    const inputs = listener.inputs.map((input) => blocks.get(input)?.get());
    let result;
    try {
      result = await (0, eval)(`(${listener.js})`)(...inputs); // the listener's own code, as Gradio's page runs it
    } catch (error) { // Gradio's page would ask the server now (the listener's failure chain): there is none here
      console.warn('genlab: this needs a server, and the page has none', error);
      continue;
    }
    if (result === undefined) continue;
    if (listener.outputs.length === 1 && !Array.isArray(result)) result = [result];
    for (const [i, output] of listener.outputs.entries()) {
      blocks.get(output)?.set(result[i]);
      trigger(output, 'change');
    }
  }
}

draw(config.layout, document.getElementById('genlab-shell'));
