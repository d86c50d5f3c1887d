'use strict';
// bench/lib/child.js - the side every bench server process shares
// (bench/servers/*.js): the command loop on stdin/stdout (one JSON object per
// line each way), the burst and paced emit drivers, and the envelope text
// (or object) the peers broadcast.
//
// A server module calls serve({ name, start, emit, backlog, clients, stats,
// close }):
//   start()      -> Promise<port>: listen on 127.0.0.1, ephemeral port
//   emit(n)      one event, stamped with nowUs(), to every subscribed client
//   backlog()    events queued in the server per client, not yet handed to
//                the kernel (the burst driver's flow control)
//   clients()    connected, subscribed clients (WebSocket, Socket.IO or SSE)
//   stats()      anything worth reporting
//   close()      -> Promise
//
// Commands (the reply echoes `op`):
//   {"op":"burst","seconds":S,"chunk":K,"window":W}  emit K events per turn
//        of the event loop for S seconds, pausing 1 ms while more than W
//        events per client are queued in the server; then waits (<= 10 s)
//        for the server's queues to empty.
//   {"op":"rate","rate":R,"seconds":S}  R events/s for S seconds, on time.
//   {"op":"gc"}  full GC (the process runs with --expose-gc).
//   {"op":"info"}  { clients, rssKb, stats }.
//   {"op":"quit"}  close and exit.
// The process exits by itself when stdin closes or after --max-seconds.

const readline = require('readline');
const { performance } = require('perf_hooks');

/** CLOCK_MONOTONIC in microseconds: the clock bench/loadgen.c reads. */
function nowUs() {
  const t = process.hrtime();
  return t[0] * 1e6 + Math.floor(t[1] / 1e3);
}

// The peers' pre-serialised event: the same fields, in the same order and of
// the same sizes as the envelope eventwire's engine builds for
// bus.emit('bench.tick', { t, n }) with source 'bench'.
let lastMs = 0;
let seq = 0;
function envelopeText(t, n) {
  const ms = Date.now();
  if (ms === lastMs) seq++;
  else {
    lastMs = ms;
    seq = 0;
  }
  return `{"id":"${ms}-${seq}","type":"bench.tick","data":{"t":${t},"n":${n}},"source":"bench","timestamp":${ms}}`;
}

// The same envelope as an object (same key order), for a peer whose library
// serialises what it is given (socket.io): JSON.stringify gives envelopeText.
function envelopeObject(t, n) {
  const ms = Date.now();
  if (ms === lastMs) seq++;
  else {
    lastMs = ms;
    seq = 0;
  }
  return { id: `${ms}-${seq}`, type: 'bench.tick', data: { t, n }, source: 'bench', timestamp: ms };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const immediate = () => new Promise((r) => setImmediate(r));

function readRssKb() {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function maxSecondsArg() {
  const i = process.argv.indexOf('--max-seconds');
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return v > 0 ? v : 1200;
}

function serve(impl) {
  const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  const lifetime = setTimeout(() => process.exit(3), maxSecondsArg() * 1000);
  lifetime.unref();
  let busy = Promise.resolve();

  async function burst({ seconds, chunk, window }) {
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let n = 0;
    let waits = 0;
    let maxBacklog = 0;
    while (performance.now() < end) {
      const b = impl.backlog();
      if (b > maxBacklog) maxBacklog = b;
      if (b > window) {
        waits++;
        await sleep(1);
        continue;
      }
      for (let i = 0; i < chunk; i++) impl.emit(n++);
      await immediate();
    }
    const emitMs = performance.now() - t0;
    let drained = false;
    const drainEnd = performance.now() + 10000;
    while (performance.now() < drainEnd) {
      if (impl.backlog() <= 0) {
        drained = true;
        break;
      }
      await sleep(2);
    }
    return { emitted: n, emitMs, drainMs: performance.now() - t0 - emitMs, drained, waits, maxBacklog };
  }

  async function rate({ rate, seconds }) {
    const total = Math.round(rate * seconds);
    const t0 = performance.now();
    const hardEnd = t0 + seconds * 1000 + 5000;
    let n = 0;
    let maxLateMs = 0;
    while (n < total && performance.now() < hardEnd) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
      if (due > n) {
        const late = now - (t0 + (n * 1000) / rate);
        if (late > maxLateMs) maxLateMs = late;
      }
      while (n < due) impl.emit(n++);
      const nextAt = t0 + (n * 1000) / rate;
      await sleep(Math.max(0, nextAt - performance.now()));
    }
    return { emitted: n, ms: performance.now() - t0, maxLateMs };
  }

  async function handle(cmd) {
    switch (cmd.op) {
      case 'burst':
        return { op: 'burst', ...(await burst(cmd)) };
      case 'rate':
        return { op: 'rate', ...(await rate(cmd)) };
      case 'gc':
        if (typeof global.gc === 'function') {
          global.gc();
          global.gc();
        }
        await sleep(50);
        return { op: 'gc', gc: typeof global.gc === 'function' };
      case 'info':
        return { op: 'info', clients: impl.clients(), rssKb: readRssKb(), stats: impl.stats ? impl.stats() : null };
      case 'quit':
        await impl.close();
        send({ op: 'quit' });
        setTimeout(() => process.exit(0), 20).unref();
        return null;
      default:
        return { op: 'error', message: `unknown op ${cmd.op}` };
    }
  }

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch {
      send({ op: 'error', message: 'bad JSON' });
      return;
    }
    busy = busy.then(() => handle(cmd)).then(
      (r) => r && send(r),
      (err) => send({ op: 'error', message: String((err && err.stack) || err) })
    );
  });
  rl.on('close', () => process.exit(0));

  impl.start().then(
    (port) => send({ op: 'ready', name: impl.name, port, pid: process.pid, rssKb: readRssKb() }),
    (err) => {
      send({ op: 'error', message: `start failed: ${(err && err.stack) || err}` });
      process.exit(1);
    }
  );
}

module.exports = { serve, nowUs, envelopeText, envelopeObject, sleep };
