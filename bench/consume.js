'use strict';
// bench/consume.js - durable consumers (bus.consume with a Redis consumer
// group) against a hand-written ioredis XREADGROUP/XACK loop measured in the
// same run, on a redis-server this script starts itself (loopback, free port,
// no persistence) and kills at the end.
//
//   node bench/consume.js [--rounds 3] [--k 50000] [--warmup-k 5000] [--run-warm-k 5000]
//        [--only A,B1,...] [--no-live] [--no-b100] [--max-seconds 170]
//        [--run-timeout 30] [--md]
//
// Needs ioredis 5 (the peer): `npm install --no-save ioredis@5`, and
// `redis-server` on the PATH.
//
// What is measured: events/s processed end to end with a no-op handler:
// from the moment the consumer starts (drain) or the first publish (live)
// until the handler has been called K times AND the group has no pending
// entry left (XPENDING count 0, polled on a separate monitor connection, the
// same way for every contender). Every contender gets its own stream and
// group in every round; the entries are identical: eventwire's field layout
// (t, ts, s, d, i: see ew__flush in native/src/redis.c) with the 127-byte
// order of bench/emit.js as d.
//
// Contenders (the letter is used in the tables and BENCH_JSON):
//   drain: group g is created, then K entries are XADDed (ioredis
//   pipeline), all before the consumer starts; the clock starts when it
//   starts.
//     A   peer: one ioredis connection; loop `XREADGROUP GROUP g c COUNT 100
//         BLOCK 1000 STREAMS s >`, for each entry fields -> object,
//         JSON.parse(d), `await handler(event)`; then `XACK s g id...` of the
//         batch, not awaited: it goes out pipelined with the next XREADGROUP.
//     B1  eventwire, default options: bus.consume('bench.*', noop, { group }).
//     B2  eventwire, { concurrency: 64 }.
//     B3  eventwire, { concurrency: 64, batchSize: 50 } (handler gets arrays).
//     B4  eventwire, { concurrency: 64, batchSize: 100 } - information, round
//         1 only (first written when the engine refused Redis commands of
//         more than 64 arguments, so its acks failed; the limit is 100,000
//         since).
//   live: the consumer runs while a second ioredis connection XADDs the K
//   entries in pipelines of 1,000 (each awaited); the clock starts at the
//   first XADD. Group g is created first, after the warm start's entries.
//     LA  peer loop (A) + the ioredis publisher.
//     LB1 eventwire default options + the ioredis publisher.
//     LB2 eventwire { concurrency: 64 } + the ioredis publisher.
//     PB1/PB2 (information) eventwire publishing itself: the same bus does
//         `await bus.publish('bench.order', payload)` for K events with 4,096
//         outstanding, and consumes them (B1 / B2 options).
// Alternation: every round runs every contender once, in an order rotated
// each round; one unrecorded warm-up round with --warmup-k events first; a
// forced GC before each run, outside the clock.
// Warm start: every run first sends --run-warm-k entries of the same stream
// through a group of its own (`warm`), with the connection (peer) or bus
// (eventwire) and the handler the run then uses, and only then starts the
// clock on group g. A run's connection or bus is new, and code V8 optimized
// around the previous run's objects is thrown away once they are collected
// ("weak objects" in --trace-deopt): without this, every run measured
// TurboFan recompiling the hot path (for eventwire ~25 functions, 50-100 ms
// of CPU on the helper threads in a 0.2 s run), not a consumer that runs
// for hours. Both contenders get the same warm start. The table gives the median
// events/s over the rounds and the median of the per-round ratios to the
// peer of the same mode (A for drain, LA for live and publish).
// Also per run: this process's CPU (JS thread and other threads - the
// engine's thread for eventwire, nothing much for ioredis), redis-server's
// CPU, and the Redis commands executed (INFO commandstats after CONFIG
// RESETSTAT) per 1,000 events.
// Prints a table and one `BENCH_JSON {...}` line. Exit code 1 only when a
// measurement of a recorded contender is invalid (handler calls != K, entries
// left pending, a run past --run-timeout, Redis did not start); a ratio below
// the goal (>= 2) does not change it. Every wait is bounded; new rounds stop
// after --max-seconds.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { median } = require('./lib/procs');
const { ROOT, sleep, parseArgs, machineInfo, redisServerVersion, hiredisVersion, eventwireVersion, loadavg, startRedis, stopRedis } = require('./lib/common');
const { EventBus } = require(path.join(__dirname, '..', 'lib', 'index.js'));

let Redis;
try {
  Redis = require('ioredis');
} catch {
  console.error('bench/consume.js needs ioredis 5 for its peer: npm install --no-save ioredis@5');
  process.exit(1);
}

// ---- options -------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
const num = (name, def) => (args[name] === undefined ? def : Number(args[name]));
const O = {
  rounds: num('rounds', 3),
  k: num('k', 50000),
  warmupK: num('warmup-k', 5000),
  runWarmK: num('run-warm-k', 5000),
  maxSeconds: num('max-seconds', 170),
  runTimeoutS: num('run-timeout', 30),
  live: args.live !== 'false',
  b100: args.b100 !== 'false',
  only: args.only ? new Set(args.only.split(',')) : null,
  md: args.md === 'true',
};
for (const [k, v] of Object.entries(O)) {
  if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) {
    console.error(`bad --${k}`);
    process.exit(2);
  }
}
const GOAL = 2; // eventwire / peer events/s

const TYPE = 'bench.order';
const PAYLOAD = {
  id: 'ord_7f3a9c21e4b8',
  userId: 'usr_40913',
  items: 3,
  total: 129.97,
  currency: 'EUR',
  createdAt: '2024-05-14T09:21:33.512Z',
};
const PAYLOAD_JSON = JSON.stringify(PAYLOAD); // 127 bytes
const PUB_SOURCE = 'bench-publisher';
const PUB_INSTANCE = 'bench-publisher-1'; // not any bus's instance: a "remote" event for the relay
const GROUP = 'g';
const WARM_GROUP = 'warm';

// ---- environment ---------------------------------------------------------------

const ENV = {
  ...machineInfo(),
  redis: redisServerVersion(),
  ioredis: require('ioredis/package.json').version,
  hiredis: hiredisVersion(),
  eventwire: eventwireVersion(),
  loadavg: loadavg(),
};

// ---- redis-server ----------------------------------------------------------------

let redis = null; // { child, port, url, pid }
function cleanup() {
  stopRedis(redis);
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

// ---- /proc readings ---------------------------------------------------------------

const CLK_TCK = 100;
function statCpuUs(file) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
  } catch {
    return NaN;
  }
}
/** { total, js, other, redis } CPU µs: this process (JS thread / the rest) and redis-server. */
function cpuSnap() {
  const u = process.cpuUsage();
  const total = u.user + u.system;
  const js = statCpuUs(`/proc/self/task/${process.pid}/stat`);
  return { total, js, redis: statCpuUs(`/proc/${redis.pid}/stat`) };
}
function cpuDiff(a, b) {
  const total = b.total - a.total;
  const js = b.js - a.js;
  return { total, js, other: Math.max(0, total - js), redis: b.redis - a.redis };
}

const gcFn = (() => {
  if (typeof global.gc === 'function') return global.gc;
  try {
    require('v8').setFlagsFromString('--expose-gc');
    return require('vm').runInNewContext('gc');
  } catch {
    return null;
  }
})();
const gc = () => gcFn && gcFn();

// ---- redis helpers -------------------------------------------------------------------

function client() {
  return new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
}

function xaddArgs(stream) {
  return [stream, '*', 't', TYPE, 'ts', String(Date.now()), 's', PUB_SOURCE, 'd', PAYLOAD_JSON, 'i', PUB_INSTANCE];
}

/** XADDs n entries in pipelines of `chunk`, each awaited. */
async function publishEntries(conn, stream, n, chunk = 2000) {
  for (let i = 0; i < n; i += chunk) {
    const p = conn.pipeline();
    const m = Math.min(chunk, n - i);
    for (let j = 0; j < m; j++) p.xadd(...xaddArgs(stream));
    const res = await p.exec();
    for (const [err] of res) if (err) throw err;
  }
}

async function commandStats(mon) {
  const info = await mon.info('commandstats');
  const out = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([a-z|]+):calls=(\d+)/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Polls XPENDING until the group has nothing pending (bounded). */
async function waitAcked(mon, stream, deadline) {
  let last = -1;
  while (Date.now() < deadline) {
    const x = await mon.xpending(stream, GROUP);
    last = Number(x[0]);
    if (last === 0) return 0;
  }
  return last;
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// ---- the contenders ----------------------------------------------------------------

/** The peer: a hand-written ioredis XREADGROUP/XACK loop. */
async function peerLoop(conn, stream, k, handler, stop, group = GROUP) {
  let ack = null;
  let handled = 0;
  while (handled < k && !stop.stopped) {
    const res = await conn.xreadgroup('GROUP', group, 'c1', 'COUNT', 100, 'BLOCK', 1000, 'STREAMS', stream, '>');
    if (!res) continue;
    const entries = res[0][1];
    const ids = new Array(entries.length);
    for (let j = 0; j < entries.length; j++) {
      const [id, fields] = entries[j];
      const f = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      await handler({ id, type: f.t, data: JSON.parse(f.d), source: f.s, timestamp: Number(f.ts) });
      ids[j] = id;
    }
    handled += entries.length;
    if (ids.length) ack = conn.xack(stream, group, ...ids); // pipelined with the next XREADGROUP
  }
  if (ack) await ack;
}

const EW_OPTS = {
  B1: {},
  B2: { concurrency: 64 },
  B3: { concurrency: 64, batchSize: 50 },
  B4: { concurrency: 64, batchSize: 100 },
};

const CONTENDERS = [
  { id: 'A', mode: 'drain', peer: true, label: 'A   peer: ioredis XREADGROUP COUNT 100 + XACK loop' },
  { id: 'B1', mode: 'drain', ew: 'B1', label: 'B1  eventwire consume, default options (concurrency 1)' },
  { id: 'B2', mode: 'drain', ew: 'B2', label: 'B2  eventwire consume, concurrency 64' },
  { id: 'B3', mode: 'drain', ew: 'B3', label: 'B3  eventwire consume, concurrency 64, batchSize 50' },
  { id: 'B4', mode: 'drain', ew: 'B4', info: true, once: true, label: 'B4  eventwire consume, concurrency 64, batchSize 100 (info)' },
  { id: 'LA', mode: 'live', peer: true, label: 'LA  live: peer loop + ioredis XADD pipeline' },
  { id: 'LB1', mode: 'live', ew: 'B1', label: 'LB1 live: eventwire default + ioredis XADD pipeline' },
  { id: 'LB2', mode: 'live', ew: 'B2', label: 'LB2 live: eventwire concurrency 64 + ioredis XADD pipeline' },
  { id: 'PB1', mode: 'publish', ew: 'B1', info: true, label: 'PB1 bus.publish → same bus consume, default (info)' },
  { id: 'PB2', mode: 'publish', ew: 'B2', info: true, label: 'PB2 bus.publish → same bus consume, concurrency 64 (info)' },
];
const PEER_OF = { drain: 'A', live: 'LA', publish: 'LA' };

// The no-op handlers: one pair for the process, as an application has one
// (a handler made per run would die with its run, and the optimized code
// that inlined it with it). `counting` is the current run's counter.
let counting = () => {};
const noopOne = async () => counting(1);
const noopAny = async (e) => counting(Array.isArray(e) ? e.length : 1);

/** Warm start (see the top): `n` entries through the warm group with the
 * run's own connection or bus and handler. */
async function warmStart(c, n, conn, bus, stream) {
  if (n <= 0) return;
  let seen = 0;
  const done = deferred();
  counting = (m) => {
    seen += m;
    if (seen >= n) done.resolve();
  };
  const stop = { stopped: false };
  const timer = setTimeout(() => {
    stop.stopped = true;
    done.resolve();
  }, O.runTimeoutS * 1000);
  try {
    if (c.peer) {
      await peerLoop(conn, stream, n, noopOne, stop, WARM_GROUP);
    } else {
      const warm = bus.consume('bench.*', EW_OPTS[c.ew].batchSize ? noopAny : noopOne, { group: WARM_GROUP, ...EW_OPTS[c.ew] });
      await done.promise;
      await warm.close();
    }
  } finally {
    clearTimeout(timer);
  }
  if (seen < n) throw new Error(`warm start: ${seen}/${n} entries handled within --run-timeout`);
}

/** One run of one contender; resolves its measurement. */
async function runOne(c, k, round, mon, warmK = O.runWarmK) {
  const stream = `bench:consume:r${round}:${c.id}`;
  await mon.del(stream);
  // The warm group's entries first, then group g from after them; the run's
  // own entries (drain) only after the warm start, so a warm consumer that
  // reads ahead (eventwire prefetches) finds nothing past the warm ones.
  await mon.xgroup('CREATE', stream, WARM_GROUP, '0', 'MKSTREAM');
  if (warmK > 0) await publishEntries(mon, stream, warmK);
  await mon.xgroup('CREATE', stream, GROUP, '$');
  const res = { id: c.id, round, k, valid: true, problems: [] };
  let calls = 0;
  const all = deferred();
  const count = (n) => {
    calls += n;
    if (calls >= k) all.resolve();
  };
  const stop = { stopped: false };
  let deadline = 0;
  let timer = null;

  let conn = null;
  let pubConn = null;
  let bus = null;
  const errors = {};
  let consumer = null;
  let loop = null;
  try {
    if (c.peer) {
      conn = client();
      await conn.ping();
    } else {
      bus = new EventBus({ redis: { url: redis.url, stream } });
      bus.on('error', (err) => {
        const code = (err && err.code) || 'error';
        errors[code] = (errors[code] || 0) + 1;
      });
      await bus.listen();
    }
    if (c.mode === 'live') {
      pubConn = client();
      await pubConn.ping();
    }
    try {
      await warmStart(c, warmK, conn, bus, stream);
    } catch (err) {
      res.problems.push(err.message);
      res.valid = false;
      return res;
    }
    if (c.mode === 'drain') {
      const relayed0 = bus ? bus.stats().engine.redisRelayed : 0;
      await publishEntries(mon, stream, k);
      // The bus's relay reads them too (it fans out what the stream gets):
      // done before the clock, as when the bus started after them.
      const until = Date.now() + 10000;
      while (bus && bus.stats().engine.redisRelayed - relayed0 < k && Date.now() < until) await sleep(5);
    }
    counting = count;
    deadline = Date.now() + O.runTimeoutS * 1000;
    timer = setTimeout(() => {
      stop.stopped = true;
      all.resolve();
    }, O.runTimeoutS * 1000);
    gc();
    await mon.config('RESETSTAT');
    const cpu0 = cpuSnap();
    const t0 = process.hrtime.bigint();

    let pub = null;
    if (c.mode === 'live') pub = publishEntries(pubConn, stream, k, 1000);
    if (c.mode === 'publish') pub = busPublish(bus, k, 4096, stop);
    if (c.peer) loop = peerLoop(conn, stream, k, noopOne, stop);
    else consumer = bus.consume('bench.*', EW_OPTS[c.ew].batchSize ? noopAny : noopOne, { group: GROUP, ...EW_OPTS[c.ew] });
    if (pub) pub.catch((err) => res.problems.push(`publish: ${err.message}`));

    await all.promise;
    if (loop) await Promise.race([loop, sleep(Math.max(0, deadline - Date.now()))]);
    const tHandled = process.hrtime.bigint();
    const ackDeadline = c.info && c.ew === 'B4' ? Math.min(deadline, Date.now() + 1000) : deadline;
    const pending = await waitAcked(mon, stream, ackDeadline);
    const t1 = process.hrtime.bigint();
    const cpu1 = cpuSnap();
    clearTimeout(timer);
    if (pub) await Promise.race([pub, sleep(Math.max(0, deadline - Date.now()))]).catch(() => {});
    const cmds = await commandStats(mon);

    const ms = Number(t1 - t0) / 1e6;
    res.ms = ms;
    res.evs = (k / ms) * 1000;
    res.handledMs = Number(tHandled - t0) / 1e6;
    res.ackTailMs = Number(t1 - tHandled) / 1e6;
    const cpu = cpuDiff(cpu0, cpu1);
    res.cpuUsPerEv = { process: cpu.total / k, js: cpu.js / k, other: cpu.other / k, redis: cpu.redis / k };
    res.cpuWall = { process: cpu.total / (ms * 1000), redis: cpu.redis / (ms * 1000) };
    const per1k = (n) => ((n || 0) * 1000) / k;
    res.cmdsPer1k = {
      xreadgroup: per1k(cmds.xreadgroup),
      xack: per1k(cmds.xack),
      xadd: per1k(cmds.xadd),
      other: per1k(Object.entries(cmds).filter(([n]) => !['xreadgroup', 'xack', 'xadd', 'xpending', 'config|resetstat', 'info'].includes(n))
        .reduce((s, [, v]) => s + v, 0)),
      otherNames: Object.keys(cmds).filter((n) => !['xreadgroup', 'xack', 'xadd', 'xpending', 'config|resetstat', 'info'].includes(n)),
    };
    res.errors = errors;
    await sleep(5); // a late duplicate would show here
    res.calls = calls;
    res.pending = pending;
    if (stop.stopped) res.problems.push(`not done within --run-timeout ${O.runTimeoutS} s (${calls}/${k} handled)`);
    if (calls !== k) res.problems.push(`${calls} handler calls for ${k} entries`);
    if (pending !== 0) res.problems.push(`${pending} entries still pending (XPENDING) after the handler saw all`);
    if (Object.keys(errors).length) res.problems.push(`bus errors: ${JSON.stringify(errors)}`);
    res.valid = res.problems.length === 0;
  } finally {
    clearTimeout(timer);
    stop.stopped = true;
    if (consumer) await Promise.race([consumer.close(), sleep(3000)]);
    if (bus) await Promise.race([bus.close(), sleep(5000)]);
    if (loop) await Promise.race([loop.catch(() => {}), sleep(1500)]);
    if (conn) conn.disconnect();
    if (pubConn) pubConn.disconnect();
    await mon.del(stream, `${stream}:dlq:${GROUP}`);
  }
  return res;
}

/** `await bus.publish()` of k events with `window` outstanding. */
function busPublish(bus, k, window, stop) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    let failed = null;
    const pump = () => {
      while (sent < k && sent - done < window && !stop.stopped) {
        sent++;
        bus.publish(TYPE, PAYLOAD).then(() => {
          done++;
          if (done === k) resolve();
          else if (sent - done <= window / 2) pump();
        }, (err) => {
          failed = failed || err;
          reject(err);
        });
      }
    };
    pump();
    if (failed) reject(failed);
  });
}

// ---- report ----------------------------------------------------------------------------

function fmtInt(x) {
  return Number.isFinite(x) ? String(Math.round(x)).replace(/\B(?=(\d{3})+$)/g, ',') : '–';
}
function fmt(x, d = 2) {
  return Number.isFinite(x) ? x.toFixed(d) : '–';
}

function summarise(results) {
  const byId = {};
  for (const r of results) (byId[r.id] = byId[r.id] || []).push(r);
  const rows = [];
  for (const c of CONTENDERS) {
    const rs = byId[c.id];
    if (!rs || !rs.length) continue;
    const ok = rs.filter((r) => r.valid);
    const peerId = PEER_OF[c.mode];
    const ratios = [];
    if (!c.peer) {
      for (const r of ok) {
        const p = (byId[peerId] || []).find((x) => x.round === r.round && x.valid);
        if (p) ratios.push(r.evs / p.evs);
      }
    }
    const med = (f) => (ok.length ? median(ok.map(f)) : NaN);
    rows.push({
      id: c.id,
      label: c.label,
      mode: c.mode,
      info: !!c.info,
      runs: rs.length,
      valid: ok.length,
      evs: { median: med((r) => r.evs), min: ok.length ? Math.min(...ok.map((r) => r.evs)) : NaN, max: ok.length ? Math.max(...ok.map((r) => r.evs)) : NaN },
      perRound: rs.map((r) => (r.valid ? Math.round(r.evs) : null)),
      ratio: ratios.length ? { vs: peerId, median: median(ratios), perRound: ratios } : null,
      cpuUsPerEv: { process: med((r) => r.cpuUsPerEv.process), js: med((r) => r.cpuUsPerEv.js), other: med((r) => r.cpuUsPerEv.other), redis: med((r) => r.cpuUsPerEv.redis) },
      cpuWall: { process: med((r) => r.cpuWall.process), redis: med((r) => r.cpuWall.redis) },
      cmdsPer1k: { xreadgroup: med((r) => r.cmdsPer1k.xreadgroup), xack: med((r) => r.cmdsPer1k.xack), other: med((r) => r.cmdsPer1k.other) },
      otherCmds: [...new Set(rs.flatMap((r) => (r.cmdsPer1k ? r.cmdsPer1k.otherNames : [])))],
      ackTailMs: med((r) => r.ackTailMs),
      problems: [...new Set(rs.flatMap((r) => r.problems))],
      // B4 never validates: what it did, for the report
      raw: c.info && c.ew === 'B4' ? rs.map((r) => ({ evsHandled: (r.k / r.handledMs) * 1000, pending: r.pending, errors: r.errors })) : undefined,
    });
  }
  return rows;
}

function table(rows, md) {
  const head = ['contender', 'ev/s median', 'min–max', 'ratio vs peer (median; per round)', 'CPU µs/ev: process (JS thread + other) / redis-server', 'process CPU/wall', 'XREADGROUP / XACK / other cmds per 1k ev', 'ack tail ms'];
  const body = rows.map((r) => [
    r.label + (r.valid < r.runs ? ` [${r.runs - r.valid}/${r.runs} runs invalid]` : ''),
    r.valid ? fmtInt(r.evs.median) : 'invalid',
    r.valid ? `${fmtInt(r.evs.min)}–${fmtInt(r.evs.max)}` : '–',
    r.ratio ? `${fmt(r.ratio.median, 3)} vs ${r.ratio.vs}; ${r.ratio.perRound.map((x) => x.toFixed(3)).join(' ')}` : '–',
    r.valid ? `${fmt(r.cpuUsPerEv.process)} (${fmt(r.cpuUsPerEv.js)} + ${fmt(r.cpuUsPerEv.other)}) / ${fmt(r.cpuUsPerEv.redis)}` : '–',
    r.valid ? fmt(r.cpuWall.process) : '–',
    r.valid ? `${fmt(r.cmdsPer1k.xreadgroup, 1)} / ${fmt(r.cmdsPer1k.xack, 1)} / ${fmt(r.cmdsPer1k.other, 1)}` : '–',
    r.valid ? fmt(r.ackTailMs, 2) : '–',
  ]);
  if (md) {
    return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...body.map((b) => `| ${b.join(' | ')} |`)];
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((x, i) => (i ? String(x).padStart(w[i]) : String(x).padEnd(w[i]))).join('  ');
  return [line(head), ...body.map(line)];
}

// ---- main ----------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  redis = await startRedis();
  console.log(`redis-server ${ENV.redis} pid ${redis.pid} on 127.0.0.1:${redis.port}; ioredis ${ENV.ioredis}; node ${ENV.node}; nproc ${ENV.nproc}; ${ENV.cpu}; load ${ENV.loadavg.join(' ')}`);
  const mon = client();
  await mon.ping();
  let list = CONTENDERS.filter((c) => (!O.only || O.only.has(c.id)) && (O.live || c.mode === 'drain') && (O.b100 || c.id !== 'B4'));
  const results = [];
  const problems = [];
  try {
    if (O.warmupK > 0) {
      process.stdout.write(`warm-up (${O.warmupK} events each, not recorded) ...`);
      for (const c of list.filter((x) => x.id !== 'B4')) await runOne(c, O.warmupK, 0, mon);
      console.log(' done');
    }
    for (let round = 1; round <= O.rounds; round++) {
      if ((Date.now() - started) / 1000 > O.maxSeconds) {
        problems.push(`stopped before round ${round}: --max-seconds ${O.maxSeconds} reached`);
        break;
      }
      const rot = list.filter((c) => !c.once || round === 1);
      const order = rot.map((_, i) => rot[(i + round - 1) % rot.length]);
      const line = [];
      for (const c of order) {
        const r = await runOne(c, O.k, round, mon);
        results.push(r);
        line.push(`${c.id} ${r.valid ? fmtInt(r.evs) : 'invalid'}`);
        if (!r.valid && !c.info) problems.push(`round ${round} ${c.id}: ${r.problems.join('; ')}`);
      }
      console.log(`round ${round} (${((Date.now() - started) / 1000).toFixed(0)} s): ${line.join(', ')}`);
    }
  } finally {
    mon.disconnect();
  }
  const rows = summarise(results);
  console.log('');
  console.log(`K = ${O.k} events per run, ${O.rounds} rounds; ev/s = K / (consumer start or first publish → K handler calls and XPENDING 0)`);
  for (const l of table(rows, O.md)) console.log(l);
  const head = rows.find((r) => r.id === 'B1');
  const best = rows.filter((r) => r.mode === 'drain' && !r.info && r.ratio).sort((a, b) => b.ratio.median - a.ratio.median)[0];
  console.log('');
  if (head && head.ratio) console.log(`headline B1/A (default options): ${fmt(head.ratio.median, 3)}; goal ≥ ${GOAL}: ${head.ratio.median >= GOAL ? 'met' : 'NOT met'}`);
  if (best && best.ratio) console.log(`best drain configuration ${best.id}/A: ${fmt(best.ratio.median, 3)}; goal ≥ ${GOAL}: ${best.ratio.median >= GOAL ? 'met' : 'NOT met'}`);
  for (const r of rows) if (r.problems.length) console.log(`${r.id}: ${r.problems.join('; ')}`);
  for (const p of problems) console.log(`problem: ${p}`);
  const elapsed = (Date.now() - started) / 1000;
  ENV.loadavgEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`elapsed ${elapsed.toFixed(0)} s; load average at start ${ENV.loadavg.join(' / ')}, at end ${ENV.loadavgEnd.join(' / ')}`);
  console.log(`BENCH_JSON ${JSON.stringify({
    bench: 'consume',
    env: ENV,
    options: O.only ? { ...O, only: [...O.only] } : O,
    goal: GOAL,
    headline: head && head.ratio ? { id: 'B1', vs: 'A', ratio: head.ratio.median, met: head.ratio.median >= GOAL } : null,
    best: best && best.ratio ? { id: best.id, vs: 'A', ratio: best.ratio.median, met: best.ratio.median >= GOAL } : null,
    rows,
    problems,
    elapsedS: elapsed,
  })}`);
  return problems.length ? 1 : 0;
}

main().then((code) => {
  cleanup();
  process.exit(code);
}, (err) => {
  console.error(err && err.stack ? err.stack : err);
  cleanup();
  process.exit(1);
});
