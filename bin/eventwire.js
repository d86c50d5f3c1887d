#!/usr/bin/env node
'use strict';
// The `eventwire` command (lib/cli.js does the work).
const { run } = require('../lib/cli');

const ctrl = new AbortController();
process.once('SIGINT', () => ctrl.abort());
process.once('SIGTERM', () => ctrl.abort());
run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: ctrl.signal,
}).then((code) => {
  process.exitCode = code;
  // tail and serve end on their own once aborted; nothing else keeps running.
});
