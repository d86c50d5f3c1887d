'use strict';
// A real `redis-server` per test: spawned on a free port without persistence,
// ready once it answers PING; stop (SIGKILL), restart on the same port,
// pause/resume (SIGSTOP/SIGCONT), and commands through a tiny RESP client
// (no npm Redis client is installed) or redis-cli.
const { spawn, execFile } = require('child_process');
const net = require('net');
const { freePort } = require('./net');

/** Encodes a command as a RESP array of bulk strings. */
function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = Buffer.from(String(a));
    out += `$${s.length}\r\n${s.toString('binary')}\r\n`;
  }
  return Buffer.from(out, 'binary');
}

/**
 * A resumable RESP2 reader: feed() it chunks, replies collect in `out`.
 * Keeps only the unfinished element's bytes between chunks (big XRANGE
 * replies parse in linear time). Errors become { error: 'msg' }.
 */
class RespReader {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.stack = []; // arrays being filled: { arr, n }
    this.out = [];
  }

  feed(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const buf = this.buf;
    let pos = 0;
    for (;;) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) break;
      const kind = String.fromCharCode(buf[pos]);
      const line = buf.toString('utf8', pos + 1, eol);
      let next = eol + 2;
      let value;
      if (kind === '+') value = line;
      else if (kind === '-') value = { error: line };
      else if (kind === ':') value = Number(line);
      else if (kind === '$') {
        const len = Number(line);
        if (len < 0) value = null;
        else {
          if (buf.length < next + len + 2) break; // the bulk is not all here yet
          value = buf.toString('utf8', next, next + len);
          next += len + 2;
        }
      } else if (kind === '*') {
        const n = Number(line);
        if (n > 0) {
          this.stack.push({ arr: [], n });
          pos = next;
          continue;
        }
        value = n < 0 ? null : [];
      } else {
        throw new Error(`RESP: unexpected type byte ${JSON.stringify(kind)}`);
      }
      pos = next;
      this._push(value);
    }
    this.buf = buf.subarray(pos);
  }

  _push(value) {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.out.push(value);
        return;
      }
      top.arr.push(value);
      if (top.arr.length < top.n) return;
      this.stack.pop();
      value = top.arr;
    }
  }
}

/**
 * Runs commands on one short-lived connection and resolves their replies in
 * order. `commands` is an array of argument arrays.
 */
function respCommands(port, commands, { timeoutMs = 3000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const reader = new RespReader();
    const replies = reader.out;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`redis :${port} did not answer ${JSON.stringify(commands.map((c) => c[0]))} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(Buffer.concat(commands.map(encode))));
    sock.on('data', (chunk) => {
      try {
        reader.feed(chunk);
      } catch (err) {
        clearTimeout(timer);
        sock.destroy();
        reject(err);
        return;
      }
      if (replies.length >= commands.length) {
        clearTimeout(timer);
        sock.end();
        resolve(replies);
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    });
  });
}

async function respCommand(port, args, opts) {
  const [reply] = await respCommands(port, [args], opts);
  return reply;
}

/** redis-cli with the given arguments; resolves stdout (trimmed). */
function cli(port, args, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** XRANGE key - + as [{ id, fields: { k: v } }] (RESP client, db 0 unless given). */
// A packed entry ("ew": one JSON object, native/src/redis_entry.c) as the
// field-per-key strings an entry had before: d and m as JSON text, numbers
// as digits.
function unpack(json) {
  const o = JSON.parse(json);
  const fields = {};
  for (const [k, v] of Object.entries(o)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return fields;
}

async function xrange(port, key, { db = 0, password } = {}) {
  const cmds = [];
  if (password) cmds.push(['AUTH', password]);
  if (db) cmds.push(['SELECT', db]);
  cmds.push(['XRANGE', key, '-', '+']);
  const replies = await respCommands(port, cmds);
  const rows = replies[replies.length - 1];
  if (rows && rows.error) throw new Error(rows.error);
  return rows.map(([id, kv]) => {
    const fields = {};
    for (let i = 0; i < kv.length; i += 2) fields[kv[i]] = kv[i + 1];
    return { id, fields: fields.ew === undefined ? fields : unpack(fields.ew), raw: fields };
  });
}

const live = new Set();

class RedisServer {
  constructor(port, extraArgs = []) {
    this.port = port;
    this.extraArgs = extraArgs;
    this.proc = null;
    this.password = null;
    const i = extraArgs.indexOf('--requirepass');
    if (i >= 0) this.password = extraArgs[i + 1];
  }

  static async start(extraArgs = []) {
    const server = new RedisServer(await freePort(), extraArgs);
    await server.start();
    return server;
  }

  /** Spawns redis-server on this.port and waits until it answers PING. */
  async start({ timeoutMs = 5000 } = {}) {
    if (this.proc) throw new Error('redis-server already running');
    const args = ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1',
      '--daemonize', 'no', '--loglevel', 'warning', '--dir', require('os').tmpdir(), ...this.extraArgs];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(this);
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server exited at start: ${output}`);
      }
      try {
        const cmds = this.password ? [['AUTH', this.password], ['PING']] : [['PING']];
        const replies = await respCommands(this.port, cmds, { timeoutMs: 500 });
        if (replies[replies.length - 1] === 'PONG') return this;
      } catch (err) {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`redis-server on :${this.port} did not answer PING within ${timeoutMs} ms: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL (the dataset is gone: there is no persistence). */
  async kill() {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    live.delete(this);
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(proc.pid, 'SIGCONT'); // a stopped process dies on SIGKILL anyway; be explicit
      } catch (err) {
        // gone
      }
      proc.kill('SIGKILL');
    }
    await this.exited;
    // The port is free once the process is gone (no TIME_WAIT on the listener).
  }

  /** Kills and starts again on the same port with an empty dataset. */
  async restart() {
    await this.kill();
    await this.start();
  }

  pause() {
    process.kill(this.proc.pid, 'SIGSTOP');
  }

  resume() {
    if (!this.proc) return; // killed: nothing to resume
    process.kill(this.proc.pid, 'SIGCONT');
  }

  /** One command through the RESP client (AUTH first when a password is set). */
  async command(...args) {
    const cmds = this.password ? [['AUTH', this.password], args] : [args];
    const replies = await respCommands(this.port, cmds);
    return replies[replies.length - 1];
  }

  cli(...args) {
    return cli(this.port, this.password ? ['-a', this.password, '--no-auth-warning', ...args] : args);
  }

  xrange(key = 'eventwire:events', opts = {}) {
    return xrange(this.port, key, { password: this.password, ...opts });
  }

  /** CLIENT LIST parsed into [{ id, addr, cmd, ... }]. */
  async clients() {
    const text = await this.command('CLIENT', 'LIST');
    return text.split('\n').filter(Boolean).map((line) => {
      const o = {};
      for (const kv of line.trim().split(' ')) {
        const eq = kv.indexOf('=');
        o[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      return o;
    });
  }

  url(suffix = '') {
    return `redis://127.0.0.1:${this.port}${suffix}`;
  }
}

/** Kills every redis-server these helpers started and did not stop yet. */
async function killAll() {
  await Promise.all([...live].map((s) => s.kill()));
}

module.exports = { RedisServer, RespReader, respCommand, respCommands, cli, xrange, unpack, killAll, encode };
