#!/usr/bin/env bash
# Vendor ONNX Runtime Web for the page: the files its plain WebAssembly backend needs, its licence
# and its package.json, from the npm package at the version below. The app serves them itself, so
# the page needs no CDN (offline, in the tests, on a Space). Run from anywhere: bash ui/web/vendor/refresh.sh
set -euo pipefail
VERSION=1.30.0
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/onnxruntime-web"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "onnxruntime-web@$VERSION" >/dev/null && tar xzf onnxruntime-web-*.tgz)
rm -rf "$OUT" && mkdir -p "$OUT"
for file in ort.wasm.min.mjs ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm; do
  cp "$WORK/package/dist/$file" "$OUT/"
done
cp "$WORK/package/package.json" "$OUT/"
# the package names its licence (MIT) without shipping the text; this is the text of the project's LICENSE
cat > "$OUT/LICENSE" <<'LICENSE'
MIT License

Copyright (c) 2018 - present Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
ls -l "$OUT"
