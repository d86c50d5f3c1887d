'use strict';
// bench/lib/redis-latency-child.js - one side of bench/redis.js's relay
// latency measurement: a bus on the shared Redis, in its own process.
//
//   node bench/lib/redis-latency-child.js --role pub|sub --redis URL
//        [--stream KEY] [--max-seconds S]
//
// pub (instance A) publishes `lat.tick` events { n, h, w } at a fixed rate in
// timer-paced batches: h = CLOCK_MONOTONIC in µs (process.hrtime.bigint(), one
// clock for every process of the machine), w = performance.timeOrigin +
// performance.now() in ms (the wall-clock based cross-check).
// sub (instance B) listens with bus.on('lat.tick') - these events reach it
// only through Redis (XADD by A, XREAD BLOCK by B's relay) - and records
// receive - send for every event with n >= the armed start.
//
// JSON lines on stdin/stdout, one reply per command (it echoes `op`):
//   pub: {"op":"run","rate":R,"batch":B,"seconds":S,"warmupSeconds":W}
//        -> { sent, ok, failed, warmupN, maxLateMs, lateBatches, ackUs: {...} }
//   sub: {"op":"arm","from":N,"total":T,"perSecond":R}  -> { }
//        {"op":"count"}                    -> { received, recorded }
//        {"op":"summary"}                  -> { received, recorded, dup, outOfOrder, mono: {...}, wall: {...},
//                                             seconds: [{ n, p50, p99, max }] per second of sending }
//   both: {"op":"stats"} -> bus.stats(); {"op":"quit"}
// The process exits by itself when stdin closes or after --max-seconds.
const path = require('path');
const readline = require('readline');
const { performance } = require('perf_hooks');
const { EventBus } = require(path.join(__dirname, '..', '..', 'lib', 'index.js'));

function argOf(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const ROLE = argOf('--role');
const REDIS = argOf('--redis');
const STREAM = argOf('--stream', 'bench:latency');
const MAX_SECONDS = Number(argOf('--max-seconds', '600')) || 600;
if ((ROLE !== 'pub' && ROLE !== 'sub') || !REDIS) {
  console.error('usage: redis-latency-child.js --role pub|sub --redis URL');
  process.exit(2);
}
setTimeout(() => process.exit(3), MAX_SECONDS * 1000).unref();

const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const monoUs = () => Number(process.hrtime.bigint() / 1000n);
const wallMs = () => performance.timeOrigin + performance.now();

function summarise(arr, n) {
  const a = Float64Array.from(arr.subarray(0, n)).sort();
  if (!n) return { n: 0 };
  const pct = (p) => a[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  return { n, min: a[0], p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), max: a[n - 1], mean: sum / n };
}

// p50/p99/max of the monotonic latency per second of sending (events
// n - from in [k * perSecond, (k + 1) * perSecond)).
function perSecondSummary() {
  if (!sub.perSecond || !sub.recorded) return [];
  const buckets = [];
  for (let i = 0; i < sub.recorded; i++) {
    const k = Math.floor(sub.idx[i] / sub.perSecond);
    (buckets[k] || (buckets[k] = [])).push(sub.mono[i]);
  }
  return buckets.filter(Boolean).map((b) => {
    const s = summarise(Float64Array.from(b), b.length);
    return { n: s.n, p50: s.p50, p99: s.p99, max: s.max };
  });
}

const bus = new EventBus({ source: `bench-${ROLE}`, redis: { url: REDIS, stream: STREAM } });
bus.on('error', () => {});

// ---- sub ---------------------------------------------------------------------

const sub = { from: Infinity, total: 0, perSecond: 0, received: 0, recorded: 0, dup: 0, outOfOrder: 0, last: -1, seen: null, mono: null, wall: null, idx: null };
if (ROLE === 'sub') {
  bus.on('lat.tick', (d) => {
    const m = monoUs();
    const w = wallMs();
    sub.received++;
    const n = d.n;
    if (n < sub.last) sub.outOfOrder++;
    sub.last = n;
    if (sub.seen && n < sub.seen.length) {
      if (sub.seen[n]) {
        sub.dup++;
        return;
      }
      sub.seen[n] = 1;
    }
    if (n >= sub.from && sub.recorded < sub.mono.length) {
      sub.mono[sub.recorded] = (m - d.h) / 1000; // ms
      sub.wall[sub.recorded] = w - d.w;
      sub.idx[sub.recorded] = n - sub.from;
      sub.recorded++;
    }
  });
}

// ---- pub ---------------------------------------------------------------------

async function run({ rate, batch, seconds, warmupSeconds }) {
  const period = (batch * 1000) / rate;
  const batches = Math.round(((seconds + warmupSeconds) * rate) / batch);
  const total = batches * batch;
  const warmupN = Math.round((warmupSeconds * rate) / batch) * batch;
  const ack = new Float64Array(total);
  let ok = 0;
  let failed = 0;
  let settled = 0;
  let maxLateMs = 0;
  let lateBatches = 0;
  let n = 0;
  const t0 = performance.now() + 5;
  for (let k = 0; k < batches; k++) {
    const due = t0 + k * period;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const late = performance.now() - due;
    if (late > maxLateMs) maxLateMs = late;
    if (late > period) lateBatches++;
    for (let i = 0; i < batch; i++, n++) {
      const idx = n;
      const h = monoUs();
      bus.publish('lat.tick', { n: idx, h, w: wallMs() }).then(
        () => {
          ack[idx] = (monoUs() - h) / 1000;
          ok++;
          settled++;
        },
        () => {
          ack[idx] = NaN;
          failed++;
          settled++;
        }
      );
    }
  }
  const sentMs = performance.now() - t0;
  const end = Date.now() + 10000;
  while (settled < total && Date.now() < end) await sleep(5);
  const acks = ack.subarray(warmupN).filter((x) => Number.isFinite(x));
  return { sent: n, ok, failed, warmupN, sentMs, maxLateMs, lateBatches, ackMs: summarise(acks, acks.length) };
}

// ---- command loop ---------------------------------------------------------------

async function handle(cmd) {
  switch (cmd.op) {
    case 'run':
      if (ROLE !== 'pub') throw new Error('run: pub only');
      return run(cmd);
    case 'arm':
      sub.from = cmd.from;
      sub.total = cmd.total;
      sub.perSecond = cmd.perSecond || 0;
      sub.idx = new Float64Array(Math.max(0, cmd.total - cmd.from));
      sub.seen = new Uint8Array(cmd.total);
      sub.mono = new Float64Array(Math.max(0, cmd.total - cmd.from));
      sub.wall = new Float64Array(Math.max(0, cmd.total - cmd.from));
      sub.received = sub.recorded = sub.dup = sub.outOfOrder = 0;
      sub.last = -1;
      return {};
    case 'count':
      return { received: sub.received, recorded: sub.recorded };
    case 'summary':
      return {
        received: sub.received,
        recorded: sub.recorded,
        dup: sub.dup,
        outOfOrder: sub.outOfOrder,
        mono: summarise(sub.mono || new Float64Array(0), sub.recorded),
        wall: summarise(sub.wall || new Float64Array(0), sub.recorded),
        seconds: perSecondSummary(),
      };
    case 'stats':
      return { stats: bus.stats() };
    case 'quit':
      await bus.close();
      send({ op: 'quit' });
      setTimeout(() => process.exit(0), 20).unref();
      return null;
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

let busy = Promise.resolve();
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
  busy = busy
    .then(() => handle(cmd))
    .then(
      (r) => r && send({ op: cmd.op, ...r }),
      (err) => send({ op: 'error', message: String((err && err.stack) || err) })
    );
});
rl.on('close', () => process.exit(0));

bus.listen().then(
  () => send({ op: 'ready', name: ROLE, pid: process.pid }),
  (err) => {
    send({ op: 'error', message: `start failed: ${(err && err.stack) || err}` });
    process.exit(1);
  }
);
