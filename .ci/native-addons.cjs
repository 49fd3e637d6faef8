// Preloaded (NODE_OPTIONS=--require) by .ci/run for the suite's run on a second Node version.
// node_modules holds native addons built for the machine's Node; an addon built for another
// Node's ABI (NODE_MODULE_VERSION) lives in $GREENLIGHT_NATIVE_ADDONS/<ABI>/<file>.node, and
// this Node loads that one instead. N-API addons (onnxruntime-node) are ABI-stable: never there,
// never redirected. A process of the machine's Node (no directory for its ABI) is left alone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = process.env.GREENLIGHT_NATIVE_ADDONS;
if (root) {
  const dir = path.join(root, process.versions.modules);
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    const alt = path.join(dir, path.basename(filename));
    return dlopen.call(this, module, fs.existsSync(alt) ? alt : filename, ...rest);
  };
}
