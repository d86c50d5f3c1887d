'use strict';
// The `eventwire` command (bin/eventwire.js) as a separate process, for the
// tests that drive it: its output grows on proc.out / proc.err and
// proc.done resolves with { code, signal } when it exits. The caller kills
// what is still running (procs it passes collect them).
const path = require('path');
const { spawn } = require('child_process');

const BIN = path.join(__dirname, '..', '..', 'bin', 'eventwire.js');

function startCli(args, { env = {}, procs = null } = {}) {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  p.out = '';
  p.err = '';
  p.stdout.on('data', (d) => (p.out += d));
  p.stderr.on('data', (d) => (p.err += d));
  p.done = new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
  if (procs) procs.push(p);
  return p;
}

module.exports = { startCli, BIN };
