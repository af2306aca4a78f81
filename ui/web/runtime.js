// ONNX Runtime Web, vendored under vendor/onnxruntime-web (see its refresh.sh): loaded once per page,
// on the plain WebAssembly backend with one thread (no cross-origin isolation needed), and one
// inference session per model graph, made the first time a graph is asked for.

const VENDOR = new URL('vendor/onnxruntime-web/', import.meta.url).href;
let runtime = null; // the ort module, once loaded
const sessions = new Map(); // graph url -> Promise of an InferenceSession

export async function loadRuntime() {
  if (!runtime) {
    if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly');
    const binary = unpacked(document.querySelector('link[data-genlab-packed]')?.getAttribute('href'));
    runtime = Promise.all([import(VENDOR + 'ort.wasm.min.mjs'), binary]).then(([ort, wasm]) => {
      ort.env.wasm.wasmPaths = VENDOR; // absolute: it resolves against the module, not the page
      if (wasm) ort.env.wasm.wasmBinary = wasm;
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = 'error';
      setUp(ort);
      performance.mark('genlab:runtime'); // when the runtime could run (the browser benchmark reads it)
      return ort;
    });
    runtime.catch(() => { runtime = null; }); // a later call may try again
  }
  return runtime;
}

// Sets the WebAssembly backend up now, without waiting for a model's graph: the runtime compiles its
// WebAssembly while it downloads (served as application/wasm), and a first graph, fetched meanwhile, then
// only makes its session. The runtime sets its backend up on the first session made (there is no other
// way in), so this makes the smallest graph there is, and lets it go; the graphs' sessions share
// the backend, and report any failure to set it up themselves.
function setUp(ort) {
  ort.InferenceSession.create(SMALLEST_GRAPH).then((made) => made.release()).catch(() => {});
}

// ONNX's smallest model, y = Identity(x) over one float, as protocol-buffer bytes (onnx.proto's field numbers).
const SMALLEST_GRAPH = (() => {
  const varint = (field, value) => [field << 3, value];
  const message = (field, ...parts) => { const bytes = parts.flat(); return [(field << 3) | 2, bytes.length, ...bytes]; };
  const text = (field, value) => message(field, [...new TextEncoder().encode(value)]);
  const oneFloat = (field, name) => message(field, text(1, name), // ValueInfoProto: name, type
    message(2, message(1, varint(1, 1), message(2, message(1, varint(1, 1)))))); // tensor: FLOAT, shape [1]
  const node = message(1, text(1, 'x'), text(2, 'y'), text(4, 'Identity')); // NodeProto: input, output, op_type
  const graph = message(7, node, text(2, 'g'), oneFloat(11, 'x'), oneFloat(12, 'y'));
  return new Uint8Array([...varint(1, 8), ...graph, ...message(8, varint(2, 17))]); // IR version 8, opset 17
})();

// The runtime's WebAssembly from a gzipped copy, unpacked in the page (DecompressionStream), or null where the
// page's head names none (ui/web.py's head). The static site ships it so (ui/site.py): a static host may send a file as it is, and the runtime's
// WebAssembly is most of a first visit; the app's server compresses it on the way instead (ui/web.py's CompressedFiles).
async function unpacked(url) {
  if (!url) return null;
  const response = await fetch(new URL(url, document.baseURI).href);
  if (!response.ok) throw new Error(`genlab: ${response.status} for the runtime`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes; // a host that sent it with Content-Encoding: gzip
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

// The session of a graph: its bytes are fetched while the runtime loads (on a first visit both come at
// once, rather than the graph after the runtime).
export async function session(url) {
  const absolute = new URL(url, document.baseURI).href;
  if (!sessions.has(absolute)) {
    const graph = fetch(absolute).then((response) => {
      if (!response.ok) throw new Error(`genlab: ${response.status} for a model's graph`);
      return response.arrayBuffer();
    });
    const made = Promise.all([loadRuntime(), graph]).then(([ort, bytes]) => ort.InferenceSession.create(
      new Uint8Array(bytes), { executionProviders: ['wasm'] }));
    made.catch(() => sessions.delete(absolute));
    sessions.set(absolute, made);
  }
  return sessions.get(absolute);
}

// Runs a graph on float32 inputs (and int64 ones given as BigInt64Array); returns the named output's data
// (or, given a list of names, each one's).
export async function run(graph, feeds, output) {
  const ort = await loadRuntime();
  const tensors = {};
  for (const [name, { data, dims }] of Object.entries(feeds)) {
    tensors[name] = new ort.Tensor(data instanceof BigInt64Array ? 'int64' : 'float32', data, dims);
  }
  const results = await graph.run(tensors);
  return Array.isArray(output) ? output.map((name) => results[name].data) : results[output].data;
}
