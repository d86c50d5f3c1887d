'use strict';
// bench/emit.js - events/s of EventBus#emit with a running engine against a
// peer measured in the same run: plain EventEmitter2 emit + JSON.stringify of
// the same payload. Goal (issue): ratio B/A >= 0.5, i.e. forwarding to the C
// engine costs at most 2x the stringify path.
//
//   node bench/emit.js [--seconds 1] [--rounds 5] [--slice 0.1]
//                      [--chunk 10000] [--warmup 1] [--no-fresh]
//   (or BENCH_SECONDS, BENCH_ROUNDS, BENCH_SLICE, BENCH_CHUNK, BENCH_WARMUP,
//    BENCH_FRESH=0)
//
// Contenders (one counting listener on 'order.*' each, same EE2 options):
//   A   EventEmitter2 emit + JSON.stringify(payload)     (peer)
//   B   EventBus with server (engine thread running, no clients)
//   C   EventBus without engine (pure EE2 path), for information
//   A'  / B'  the same as A / B with a fresh payload object built per event
// Each round gives every contender --seconds in total, interleaved in slices
// of --slice seconds (A B C A' B' A B C ..., the start rotated each slice and
// round), so a burst of noise from a neighbour on this 2-core machine hits
// all contenders of a round alike; --slice equal to --seconds gives one block
// per contender per round. One warm-up round is not recorded. Within a slice
// events are emitted in synchronous chunks of --chunk events with a
// setImmediate between chunks, so the bus's microtask flush and the engine's
// drain happen inside the timed window. A slice of B ends only once the
// engine has taken every forwarded event (stats().engine.eventsIn ===
// forwarded); that wait is timed as part of the slice and also shown on its
// own. A full GC runs before each slice, outside the timed window.
// Medians, min and max over rounds; the headline ratio is the median of the
// per-round B/A events/s ratios (same payload object every event). The
// CPU-time ratio (A's CPU µs per event / B's, all threads) is printed too.
// Timings are printed, never asserted. Exit code 1 only when the measurement
// is invalid (dropped events, lost listener calls, engine count mismatch).

const os = require('os');
const fs = require('fs');
const v8 = require('v8');
const vm = require('vm');
const path = require('path');
const { EventEmitter2 } = require('eventemitter2');
const { parseArgs } = require('./lib/common');

// ---- options -------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
function opt(name, env, def, parse) {
  const raw = args[name] !== undefined ? args[name] : process.env[env];
  if (raw === undefined || raw === '') return def;
  const v = parse(raw);
  if (v === undefined || Number.isNaN(v)) {
    console.error(`bench/emit.js: bad value for --${name}: ${raw}`);
    process.exit(2);
  }
  return v;
}
const posNum = (s) => (Number(s) > 0 ? Number(s) : NaN);
const posInt = (s) => (Number.isInteger(Number(s)) && Number(s) > 0 ? Number(s) : NaN);
const bool = (s) => (/^(1|true|yes|on)$/i.test(s) ? true : /^(0|false|no|off)$/i.test(s) ? false : undefined);

const SECONDS = opt('seconds', 'BENCH_SECONDS', 1, posNum);
const ROUNDS = opt('rounds', 'BENCH_ROUNDS', 5, posInt);
const SLICE = Math.min(opt('slice', 'BENCH_SLICE', 0.1, posNum), SECONDS);
const CHUNK = opt('chunk', 'BENCH_CHUNK', 10000, posInt);
const WARMUP = opt('warmup', 'BENCH_WARMUP', 1, (s) => (Number.isInteger(Number(s)) && Number(s) >= 0 ? Number(s) : NaN));
const FRESH = opt('fresh', 'BENCH_FRESH', true, bool);
const GOAL = 0.5;

// A full GC before each slice (outside the timed window) so one contender's
// garbage is not collected on another's clock. Needs --expose-gc, set here at
// run time; without it the bench still runs and says so.
let forceGc = null;
try {
  v8.setFlagsFromString('--expose-gc');
  forceGc = vm.runInNewContext('gc');
} catch {
  forceGc = typeof global.gc === 'function' ? global.gc : null;
}

// ---- payload -------------------------------------------------------------

const PAYLOAD = {
  id: 'ord_7f3a9c21e4b8',
  userId: 'usr_40913',
  items: 3,
  total: 129.97,
  currency: 'EUR',
  createdAt: '2024-05-14T09:21:33.512Z',
};
const PAYLOAD_BYTES = Buffer.byteLength(JSON.stringify(PAYLOAD));

// Fresh object per event, same shape and size as PAYLOAD.
function makeOrder(i) {
  return {
    id: 'ord_7f3a9c21e4b8',
    userId: 'usr_40913',
    items: (i & 7) + 1,
    total: 129.97,
    currency: 'EUR',
    createdAt: '2024-05-14T09:21:33.512Z',
  };
}

const EVENT = 'order.placed';
const PATTERN = 'order.*';
let sink; // keeps results alive so nothing is optimised away

// ---- contenders ----------------------------------------------------------

function counter() {
  const c = { calls: 0 };
  c.listener = function onOrder() {
    c.calls++;
  };
  return c;
}

function makePeer(fresh) {
  const ee = new EventEmitter2({ wildcard: true, delimiter: '.' });
  const c = counter();
  ee.on(PATTERN, c.listener);
  const chunk = fresh
    ? (n) => {
        for (let i = 0; i < n; i++) {
          const p = makeOrder(i);
          ee.emit(EVENT, p);
          sink = JSON.stringify(p);
        }
      }
    : (n) => {
        for (let i = 0; i < n; i++) {
          ee.emit(EVENT, PAYLOAD);
          sink = JSON.stringify(PAYLOAD);
        }
      };
  return { counter: c, chunk };
}

function makeBusContender(bus, fresh) {
  const c = counter();
  bus.on(PATTERN, c.listener);
  const chunk = fresh
    ? (n) => {
        for (let i = 0; i < n; i++) sink = bus.emit(EVENT, makeOrder(i));
      }
    : (n) => {
        for (let i = 0; i < n; i++) sink = bus.emit(EVENT, PAYLOAD);
      };
  return { counter: c, chunk };
}

const tick = () => new Promise(setImmediate);

// Waits until the engine has taken every event the bus handed to it.
async function drainEngine(bus) {
  for (;;) {
    const s = bus.stats();
    if (!s.engine || s.engine.eventsIn + s.engine.badRecords >= s.forwarded) return;
    await tick();
  }
}

async function runSlice(ct, seconds) {
  if (forceGc) forceGc();
  await tick();
  const budget = BigInt(Math.round(seconds * 1e9));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const deadline = t0 + budget;
  let events = 0;
  do {
    ct.chunk(CHUNK);
    events += CHUNK;
    await tick(); // bus flush (microtask) + engine drain run here
  } while (process.hrtime.bigint() < deadline);
  const tEmit = process.hrtime.bigint();
  if (ct.drain) await ct.drain();
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const wallS = Number(t1 - t0) / 1e9;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return {
    events,
    wallS,
    drainMs: Number(t1 - tEmit) / 1e6,
    eps: events / wallS,
    cpuS,
  };
}

// ---- statistics / formatting --------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmtK = (x) => `${(x / 1e3).toFixed(0)}k`;
const r3 = (x) => Math.round(x * 1000) / 1000;
function pad(cols, widths) {
  return cols.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  const c = os.cpus();
  return c.length ? c[0].model : 'unknown';
}

// ---- main ----------------------------------------------------------------

async function main() {
  const { EventBus } = require(path.join(__dirname, '..', 'lib'));
  // One bus per contender, so every emit calls exactly one listener (the
  // same local dispatch work as the peer's emitter). B and B' each get their
  // own engine; an idle engine thread only waits in epoll.
  const buses = [];
  const addresses = [];
  async function engineBus() {
    const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
    buses.push(bus);
    const a = await bus.listen();
    addresses.push(`${a.host}:${a.port}`);
    return bus;
  }
  const busB = await engineBus();
  const localBus = new EventBus();
  buses.push(localBus);

  const contenders = [
    { key: 'A', label: 'A  EE2 emit + JSON.stringify (peer)', ...makePeer(false) },
    { key: 'B', label: 'B  EventBus, engine running', bus: busB, ...makeBusContender(busB, false) },
    { key: 'C', label: 'C  EventBus, no engine (info)', bus: localBus, ...makeBusContender(localBus, false) },
  ];
  if (FRESH) {
    const busB2 = await engineBus();
    contenders.push(
      { key: "A'", label: "A' peer, fresh object per event", ...makePeer(true) },
      { key: "B'", label: "B' engine, fresh object per event", bus: busB2, ...makeBusContender(busB2, true) }
    );
  }
  for (const ct of contenders) {
    ct.made = 0;
    if (ct.bus && ct.bus !== localBus) ct.drain = () => drainEngine(ct.bus);
  }

  const env = {
    node: process.version,
    v8: process.versions.v8,
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpuModel(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
  console.log(`eventwire emit benchmark - node ${env.node} (V8 ${env.v8}), ${env.nproc} CPU(s): ${env.cpu}`);
  console.log(`${env.platform}, ${env.date}`);
  console.log(`payload ${PAYLOAD_BYTES} B JSON; ${ROUNDS} round(s) x ${SECONDS} s per contender ` +
    `in slices of ${(SECONDS / Math.max(1, Math.round(SECONDS / SLICE))).toFixed(3)} s, chunks of ${CHUNK}, ` +
    `${WARMUP} warm-up round(s), forced GC between slices: ${forceGc ? 'yes' : 'no'}`);
  console.log(`engines listening on ${addresses.join(', ')} (no clients)\n`);

  // One round: every contender gets SECONDS in slices of SLICE, interleaved.
  const slices = Math.max(1, Math.round(SECONDS / SLICE));
  async function runRound(r) {
    const n = contenders.length;
    const acc = new Map(contenders.map((c) => [c.key, { events: 0, wallS: 0, cpuS: 0, drainMs: [] }]));
    for (let i = 0; i < slices; i++) {
      for (let k = 0; k < n; k++) {
        const ct = contenders[(r + i + k) % n];
        const res = await runSlice(ct, SECONDS / slices);
        ct.made += res.events;
        const a = acc.get(ct.key);
        a.events += res.events;
        a.wallS += res.wallS;
        a.cpuS += res.cpuS;
        a.drainMs.push(res.drainMs);
      }
    }
    for (const a of acc.values()) {
      a.eps = a.events / a.wallS;
      a.drainMs = Math.max(...a.drainMs);
    }
    return acc;
  }

  for (let w = 0; w < WARMUP; w++) await runRound(w);

  const results = new Map(contenders.map((c) => [c.key, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const acc = await runRound(r);
    const line = [];
    for (const ct of contenders) {
      const res = acc.get(ct.key);
      results.get(ct.key).push(res);
      line.push(`${ct.key} ${fmtK(res.eps)}/s`);
    }
    const ra = acc.get('B').eps / acc.get('A').eps;
    console.log(`round ${r + 1}/${ROUNDS}: ${line.join(', ')}  (B/A ${ra.toFixed(3)})`);
  }

  // ---- checks ------------------------------------------------------------
  const problems = [];
  const engines = {};
  for (const ct of contenders) {
    if (ct.counter.calls !== ct.made) problems.push(`${ct.key}: listener ran ${ct.counter.calls}x for ${ct.made} emits`);
    if (!ct.drain) continue;
    await ct.drain();
    const st = ct.bus.stats();
    const k = ct.key;
    if (st.emitted !== ct.made) problems.push(`${k}: bus counted ${st.emitted} emits, bench made ${ct.made}`);
    if (st.dropped.inboxFull !== 0) problems.push(`${k}: ${st.dropped.inboxFull} event(s) dropped (inbox full)`);
    if (st.forwarded !== st.emitted) problems.push(`${k}: forwarded ${st.forwarded} != emitted ${st.emitted}`);
    if (st.engine.eventsIn !== st.forwarded) problems.push(`${k}: engine took ${st.engine.eventsIn} of ${st.forwarded} forwarded`);
    if (st.engine.badRecords !== 0) problems.push(`${k}: ${st.engine.badRecords} bad record(s) in the engine`);
    engines[k] = {
      emitted: st.emitted,
      forwarded: st.forwarded,
      eventsIn: st.engine.eventsIn,
      batches: st.batches,
      wakeups: st.engine.wakeups,
      bytesIn: st.engine.bytesIn,
      inboxHighWaterEvents: st.engine.inboxHighWaterEvents,
      inboxHighWaterBytes: st.engine.inboxHighWaterBytes,
      droppedInboxFull: st.dropped.inboxFull,
      badRecords: st.engine.badRecords,
    };
  }

  // ---- report ------------------------------------------------------------
  const out = {};
  const widths = [36, 11, 11, 11, 9, 8, 10];
  console.log('\n' + pad(['contender', 'median ev/s', 'min ev/s', 'max ev/s', 'CPU/wall', 'CPU µs/ev', 'drain ms'], widths));
  console.log(pad(widths.map((w) => '-'.repeat(w)), widths));
  for (const ct of contenders) {
    const rs = results.get(ct.key);
    const eps = summary(rs.map((x) => x.eps));
    const cpuS = rs.reduce((t, x) => t + x.cpuS, 0);
    const wallS = rs.reduce((t, x) => t + x.wallS, 0);
    const events = rs.reduce((t, x) => t + x.events, 0);
    const drain = ct.drain ? summary(rs.map((x) => x.drainMs)) : null;
    out[ct.key] = {
      label: ct.label.replace(/^\S+\s+/, ''),
      eventsPerSec: { median: Math.round(eps.median), min: Math.round(eps.min), max: Math.round(eps.max) },
      perRound: rs.map((x) => Math.round(x.eps)),
      cpuPerWall: r3(cpuS / wallS),
      cpuMicrosPerEvent: r3((cpuS * 1e6) / events),
      wallMicrosPerEvent: r3((wallS * 1e6) / events),
      events,
    };
    if (drain) out[ct.key].drainMs = { median: r3(drain.median), max: r3(drain.max) };
    console.log(pad([
      ct.label,
      fmtInt(eps.median),
      fmtInt(eps.min),
      fmtInt(eps.max),
      (cpuS / wallS).toFixed(2),
      ((cpuS * 1e6) / events).toFixed(3),
      drain ? `${drain.median.toFixed(2)}/${drain.max.toFixed(2)}` : '-',
    ], widths));
  }
  console.log('(CPU/wall: process CPU time over wall time, all threads; > 1 means a second core was used.' +
    ' drain ms: median over rounds / max of the longest wait per round for the engine after a slice\'s last chunk, timed inside the slice)');

  const ratios = {};
  function ratio(num, den, note) {
    if (!results.has(num) || !results.has(den)) return;
    const per = results.get(num).map((x, i) => x.eps / results.get(den)[i].eps);
    const s = summary(per);
    const ofMedians = out[num].eventsPerSec.median / out[den].eventsPerSec.median;
    const cpuRatio = out[den].cpuMicrosPerEvent / out[num].cpuMicrosPerEvent;
    ratios[`${num}/${den}`] = {
      median: r3(s.median), min: r3(s.min), max: r3(s.max), ofMedians: r3(ofMedians), cpuRatio: r3(cpuRatio), perRound: per.map(r3),
    };
    console.log(`ratio ${`${num}/${den}`.padEnd(5)} median ${s.median.toFixed(3)}  (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}; ` +
      `ratio of medians ${ofMedians.toFixed(3)}; CPU-time ratio ${cpuRatio.toFixed(3)})${note ? `  ${note}` : ''}`);
    console.log(`            per round: ${per.map((x) => x.toFixed(3)).join(' ')}`);
  }
  console.log('');
  ratio('B', 'A', '<- headline (same payload object)');
  ratio("B'", "A'", '(fresh object per event)');
  ratio('C', 'A', '(info: no engine, no stringify)');

  const headline = ratios['B/A'].median;
  console.log(`\ngoal: B/A >= ${GOAL} (forwarding to C costs at most 2x the stringify path): ` +
    `${headline.toFixed(3)} -> ${headline >= GOAL ? 'met' : 'NOT met'}`);
  for (const [k, e] of Object.entries(engines)) {
    console.log(`engine ${k}: emitted ${e.emitted}, forwarded ${e.forwarded}, eventsIn ${e.eventsIn}, ` +
      `batches ${e.batches}, wakeups ${e.wakeups}, inbox high water ${e.inboxHighWaterEvents} events / ` +
      `${e.inboxHighWaterBytes} B, dropped.inboxFull ${e.droppedInboxFull}, badRecords ${e.badRecords}`);
  }
  if (problems.length) console.log(`INVALID MEASUREMENT: ${problems.join('; ')}`);
  else console.log('checks: no event dropped, engine took every forwarded event, every listener call accounted for');

  for (const bus of buses) await bus.close();

  const json = {
    bench: 'emit',
    env,
    config: { seconds: SECONDS, rounds: ROUNDS, slice: SLICE, chunk: CHUNK, warmup: WARMUP, fresh: FRESH, payloadBytes: PAYLOAD_BYTES, forcedGc: Boolean(forceGc) },
    contenders: out,
    ratios,
    goal: { ratio: 'B/A', min: GOAL, value: headline, met: headline >= GOAL },
    engines,
    valid: problems.length === 0,
    problems,
    sinkType: typeof sink,
  };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  if (problems.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
