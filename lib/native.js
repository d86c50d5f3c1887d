'use strict';
// Loads the compiled addon once, with an error that says how to fix a
// missing build instead of a bare MODULE_NOT_FOUND.
const path = require('path');

const candidates = [
  process.env.EVENTWIRE_ADDON,
  path.join(__dirname, '..', 'build', 'Release', 'eventwire.node'),
  path.join(__dirname, '..', 'build', 'Debug', 'eventwire.node'),
].filter(Boolean);

function load() {
  let lastError;
  for (const file of candidates) {
    try {
      return require(file);
    } catch (err) {
      lastError = err;
      if (err && err.code !== 'MODULE_NOT_FOUND') break;
    }
  }
  const err = new Error(
    'eventwire: the native addon is not built or cannot load (' +
      (lastError && lastError.message) +
      '). Install the system packages (Debian: build-essential cmake pkg-config ' +
      'libev-dev libhiredis-dev libcjson-dev libssl-dev) ' +
      'and run `npm run build` in the eventwire package.'
  );
  err.code = 'ERR_ADDON_NOT_BUILT';
  err.cause = lastError;
  throw err;
}

module.exports = load();
