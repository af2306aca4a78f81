// A square to draw a digit in with a mouse, a pen or a finger: the Classify tab's and the VAE explorer's.
// A plain 2-D canvas (no WebGL: Gradio's sketchpad ran a WebGL editor whose renders, in a browser
// without a graphics card, took much of the processor at each tab switch), with Undo and Clear.
//
// Its value (props.value) is the drawing as a PNG data URL, black strokes on a transparent background,
// or '' when nothing is drawn; after each stroke, undo or clear it sends it to the server with the
// component's `input` event (genlab.inference.preprocess.open_drawing reads it). The page hears of every
// change, a stroke's moves too, as a bubbling 'genlab-drawing' event whose detail says whether the pad
// is blank, whether the drawing was sent (its value set: a stroke ended, an undo, a clear), and gives its
// pixels (ImageData) when asked: Classify reads the digit in the page as it is drawn.

export const SIDE = 280; // the drawing's pixels a side; the preprocessing crops to the ink, so any size reads alike
const BRUSH = SIDE / 14; // stroke width: a digit's strokes about as thick, for its size, as MNIST's

export function start({ element, props, trigger }) {
  const canvas = element.querySelector('canvas');
  canvas.width = canvas.height = SIDE;
  const context = canvas.getContext('2d');
  const strokes = []; // each a list of [x, y] in the canvas's pixels
  let stroke = null; // the one being drawn

  function at(event) {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (SIDE / box.width), (event.clientY - box.top) * (SIDE / box.height)];
  }

  function paint(points) {
    context.beginPath();
    context.moveTo(...points[0]);
    for (const point of points.slice(1)) context.lineTo(...point);
    if (points.length === 1) context.lineTo(points[0][0] + 0.01, points[0][1]); // a tap is a dot
    context.stroke();
  }

  function repaint() {
    context.clearRect(0, 0, SIDE, SIDE);
    Object.assign(context, { lineWidth: BRUSH, lineCap: 'round', lineJoin: 'round', strokeStyle: '#000' });
    strokes.forEach(paint);
  }

  function announce(sent = false) {
    const pixels = () => context.getImageData(0, 0, SIDE, SIDE);
    element.dispatchEvent(new CustomEvent('genlab-drawing', { bubbles: true, detail: { blank: !strokes.length, sent, pixels } }));
  }

  function send() {
    props.value = strokes.length ? canvas.toDataURL('image/png') : '';
    announce(true);
    trigger('input');
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    stroke = [at(event)];
    strokes.push(stroke);
    paint(stroke);
    announce();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!stroke) return;
    const moves = event.getCoalescedEvents?.() ?? [event]; // every pointer position since the last event
    for (const each of moves) stroke.push(at(each));
    paint(stroke.slice(-moves.length - 1));
    announce();
  });
  const finish = () => {
    if (!stroke) return;
    stroke = null;
    send();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  // A finger's stroke is the drawing's alone: no scroll, zoom or tap gesture comes of it (without this,
  // Chromium gave no click for the first tap after a stroke, on Clear, say).
  canvas.addEventListener('touchstart', (event) => event.preventDefault(), { passive: false });

  element.querySelector('[data-action=undo]').addEventListener('click', () => {
    if (!strokes.length) return;
    strokes.pop();
    repaint();
    send();
  });
  element.querySelector('[data-action=clear]').addEventListener('click', () => {
    if (!strokes.length) return;
    strokes.length = 0;
    repaint();
    send();
  });
  repaint();
}
