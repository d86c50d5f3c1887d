'use strict';
// bench/lib/common.js - helpers shared by the bench scripts (bench/emit.js,
// bench/fanout.js, bench/consume.js, bench/redis.js): command-line parsing,
// machine info, a free loopback port, and a throw-away redis-server
// (loopback, free port, no persistence).

const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const ROOT = path.join(__dirname, '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- options -------------------------------------------------------------------

/**
 * `--name value`, `--name=value`, `--flag` ('true') and, unless
 * `negations: false`, `--no-name` ('false') -> { name: string }.
 * Arguments not starting with `--` are ignored.
 */
function parseArgs(argv, { negations = true } = {}) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (negations && a.startsWith('--no-')) out[a.slice(5)] = 'false';
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = 'true';
  }
  return out;
}

// ---- environment ---------------------------------------------------------------

/** stdout of a command, trimmed, or null when it fails (timeout 0: none). */
function sh(cmd, cmdArgs, timeout = 10000) {
  try {
    return execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout }).trim();
  } catch {
    return null;
  }
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // fall through
  }
  return (os.cpus()[0] && os.cpus()[0].model) || 'unknown';
}

/** { date, nproc, cpu, kernel, node }: the first fields of a script's ENV. */
function machineInfo() {
  return {
    date: new Date().toISOString(),
    nproc: Number(sh('nproc', [])) || os.cpus().length,
    cpu: cpuModel(),
    kernel: os.release(),
    node: process.version,
  };
}

/** The version of `redis-server --version` (v=...), or null. */
const redisServerVersion = () => (/v=(\S+)/.exec(sh('redis-server', ['--version']) || '') || [])[1] || null;
const hiredisVersion = () => sh('pkg-config', ['--modversion', 'hiredis']);
const eventwireVersion = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const loadavg = () => os.loadavg().map((x) => Number(x.toFixed(2)));

// ---- redis-server ----------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves the first reply line, or null (bounded). */
function redisLine(port, line, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (v) => {
      clearTimeout(t);
      sock.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(null), timeoutMs);
    sock.on('connect', () => sock.write(`${line}\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.slice(0, buf.indexOf('\r\n')));
    });
    sock.on('error', () => done(null));
  });
}

/**
 * Starts redis-server on a free loopback port without persistence (3
 * attempts, each waiting up to 5 s for +PONG); resolves { child, port, url,
 * pid } or throws with the tail of its output.
 */
async function startRedis() {
  let lastErr = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keep = (d) => {
      if (out.length < 20000) out += d;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => {
      out += String(e);
    });
    const end = Date.now() + 5000;
    while (Date.now() < end && child.exitCode === null) {
      if ((await redisLine(port, 'PING', 300)) === '+PONG') return { child, port, url: `redis://127.0.0.1:${port}`, pid: child.pid };
      await sleep(50);
    }
    lastErr = out.slice(-500);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  throw new Error(`redis-server did not start: ${lastErr}`);
}

/** SIGKILLs a redis from startRedis() if it is still running (null: nothing). */
function stopRedis(redis) {
  if (redis && redis.child.exitCode === null && redis.child.signalCode === null) {
    try {
      redis.child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

module.exports = {
  ROOT,
  sleep,
  parseArgs,
  sh,
  cpuModel,
  machineInfo,
  redisServerVersion,
  hiredisVersion,
  eventwireVersion,
  loadavg,
  freePort,
  redisLine,
  startRedis,
  stopRedis,
};
