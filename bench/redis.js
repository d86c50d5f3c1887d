'use strict';
// bench/redis.js - eventwire in Redis Streams mode against peers measured in
// the same run, on a redis-server this script starts itself (loopback, free
// port, no persistence) and kills at the end.
//
//   node bench/redis.js [--rounds 3] [--n 200000] [--windows 20000,5000]
//        [--emit-chunk 10000] [--queue-size 262144]
//        [--lat-rate 10000] [--lat-batch 100] [--lat-seconds 5] [--lat-warmup 1]
//        [--lat-runs 2] [--fan-rounds 4] [--fan-clients 100] [--burst-seconds 3]
//        [--warmup 1] [--chunk 64] [--window 1024] [--paced-rate 500]
//        [--paced-seconds 3] [--no-paced] [--quiet-pct 25] [--quiet-wait 1.5]
//        [--clean-pct 30] [--max-seconds 170]
//        [--write-md] [--md-file FILE]
// (--rounds 0, --lat-runs 0 or --fan-rounds 0 skips that part.)
//
// Measures:
//   1. Publish throughput. `await bus.publish()` of --n small events (the
//      127-byte order of bench/emit.js) with a sliding window of outstanding
//      publishes (each of --windows; refilled by half a window at a time),
//      timed from the first publish to the last resolved stream id; and
//      `bus.emit()` of --n events in synchronous chunks of --emit-chunk (a
//      setImmediate between chunks), timed until stats().engine.redisWritten
//      has grown by --n. Peer (same server, same run): `redis-benchmark -p P
//      -P 64 -n N -q XADD bench:peer '*' f v` (its default 50 connections);
//      for information also the XADD eventwire sends (same five fields, same
//      `MAXLEN ~ 100000`), with 50 connections and with 1 (eventwire writes
//      on one). Contenders alternate, order rotated every round; headline =
//      median of the per-round publish/peer ratios (rounds in which other
//      processes used <= --clean-pct of a core during both runs, or all).
//      Goal: >= 0.5. The CPU per event of the client side (this process, all
//      threads / redis-benchmark) and of redis-server is reported too.
//   2. Relay latency A -> B: two buses in two child processes
//      (bench/lib/redis-latency-child.js) on the same Redis stream. A
//      publishes --lat-batch events every --lat-batch/--lat-rate seconds
//      (10k events/s), each stamped with CLOCK_MONOTONIC (process.hrtime, one
//      clock for all processes) and with performance.timeOrigin +
//      performance.now() (cross-check). B's bus.on listener records receive -
//      send. p50/p99/max over --lat-seconds after --lat-warmup, --lat-runs
//      times; headline = the run with the least CPU used by other processes.
//      Goal: p99 < 5 ms.
//   3. Cost of durability on fan-out: the C clients of bench/loadgen.c (the
//      colleague's fan-out load client, compiled to a temp dir) connect
//      --fan-clients /ws clients to bench/servers/eventwire.js (with
//      --redis for "on"; the bus of bench/fanout.js's eventwire contender),
//      driven by bench/lib/child.js's burst/rate loop); deliveries/s counted at the
//      clients, Redis on vs off alternated in each of --fan-rounds rounds.
//      Headline = median of the per-round on/off ratios. Goal: >= 0.9 (Redis
//      costs <= 10 %). With --paced-rate, round 1 also measures emit ->
//      client latency at --paced-rate events/s (information).
// Prints tables and one `BENCH_JSON {...}` line; --write-md appends the
// "## Redis (bench/redis.js)" section to BENCHMARKS.md (or rewrites only its
// results block when the section exists). Every wait is bounded; new work
// stops after --max-seconds. Exit code 1 only when a measurement is invalid
// (lost or failed events, Redis or a child that did not start); a ratio below
// its goal does not change the exit code.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { performance } = require('perf_hooks');
const { ServerProc, LoadgenProc, procCpuUs, machineBusyUs, median, mergeHist, histPercentile } = require('./lib/procs');
const { sleep, parseArgs, sh, machineInfo, redisServerVersion, hiredisVersion, eventwireVersion, loadavg, startRedis, stopRedis } = require('./lib/common');
const { EventBus } = require(path.join(__dirname, '..', 'lib', 'index.js'));

const ROOT = path.join(__dirname, '..');
const immediate = () => new Promise((r) => setImmediate(r));

// ---- options -------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
// Counts of runs may be 0 (that part is skipped); everything else must be > 0.
const MAY_BE_ZERO = new Set(['rounds', 'lat-runs', 'fan-rounds']);
function opt(name, def, parse = Number) {
  if (args[name] === undefined) return def;
  const v = parse(args[name]);
  if (v === undefined || (typeof v === 'number' && !(v > 0 || (v === 0 && MAY_BE_ZERO.has(name)))) || (Array.isArray(v) && (!v.length || v.some((x) => !(x > 0))))) {
    console.error(`bench/redis.js: bad value for --${name}: ${args[name]}`);
    process.exit(2);
  }
  return v;
}
const intList = (s) => s.split(',').map((x) => Number(x.trim()));

const O = {
  rounds: opt('rounds', 3),
  n: opt('n', 200000),
  windows: opt('windows', [20000, 5000], intList),
  emitChunk: opt('emit-chunk', 10000),
  queueSize: opt('queue-size', 262144),
  latRate: opt('lat-rate', 10000),
  latBatch: opt('lat-batch', 100),
  latSeconds: opt('lat-seconds', 5),
  latWarmup: opt('lat-warmup', 1),
  latRuns: opt('lat-runs', 2),
  fanRounds: opt('fan-rounds', 4),
  fanClients: opt('fan-clients', 100),
  burstSeconds: opt('burst-seconds', 3),
  warmup: opt('warmup', 1),
  pacedRate: args.paced === 'false' ? 0 : opt('paced-rate', 500),
  pacedSeconds: opt('paced-seconds', 3),
  quietPct: opt('quiet-pct', 25),
  quietWait: opt('quiet-wait', 1.5),
  cleanPct: opt('clean-pct', 30),
  maxSeconds: opt('max-seconds', 170),
  chunk: opt('chunk', 64),
  window: opt('window', 1024),
  writeMd: args['write-md'] === 'true',
};
const T0 = Date.now();
const overTime = () => Date.now() - T0 > O.maxSeconds * 1000;

const GOALS = { publishRatio: 0.5, latencyP99Ms: 5, fanoutRatio: 0.9 };

// The order of bench/emit.js: 127 bytes of JSON.
const PAYLOAD = { id: 'ord_7f3a9c21e4b8', userId: 'usr_40913', items: 3, total: 129.97, currency: 'EUR', createdAt: '2024-05-14T09:21:33.512Z' };
const PAYLOAD_JSON = JSON.stringify(PAYLOAD);

// ---- environment ------------------------------------------------------------------

const ENV = {
  ...machineInfo(),
  redis: redisServerVersion(),
  redisBenchmark: sh('redis-benchmark', ['--version']),
  hiredis: hiredisVersion(),
  eventwire: eventwireVersion(),
  loadavg: loadavg(),
};

// ---- processes we own ----------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-redis-bench-'));
const LOADGEN = path.join(tmp, 'loadgen');
const live = new Set(); // LineProc children
let redis = null; // { child, port, url }

function cleanup() {
  for (const p of live) p.kill();
  live.clear();
  stopRedis(redis);
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
  } catch {
    // best effort
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

function redisCli(...cmd) {
  return sh('redis-cli', ['-p', String(redis.port), ...cmd]);
}

/**
 * Runs redis-benchmark (bounded) and resolves { rps, cpuUs }: its requests/s
 * and its own CPU time (bash's `times` after it exits: the children's user
 * and system time). Runs in its own process group, killed whole on timeout.
 */
function redisBenchmark(benchArgs, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const script = 'redis-benchmark "$@"; rc=$?; echo "@@TIMES"; times; exit $rc';
    const child = spawn('bash', ['-c', script, 'bash', '-p', String(redis.port), ...benchArgs], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.length > 200000) out = out.slice(-20000);
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      const text = out.replace(/\r/g, '\n');
      const ms = [...text.matchAll(/:\s*([\d.]+) requests per second/g)];
      const tail = text.slice(text.lastIndexOf('@@TIMES'));
      const tm = [...tail.matchAll(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/g)];
      const cpuUs = tm.length >= 2 ? (Number(tm[1][1]) * 60 + Number(tm[1][2]) + Number(tm[1][3]) * 60 + Number(tm[1][4])) * 1e6 : NaN;
      if (code !== 0 || !ms.length) reject(new Error(`redis-benchmark exited ${code}: ${text.slice(-300)}`));
      else resolve({ rps: Number(ms[ms.length - 1][1]), cpuUs });
    });
  });
}

// ---- CPU readings ------------------------------------------------------------------

/** utime+stime (µs) of this process's main thread and of its other threads. */
function threadCpu() {
  const out = { main: 0, other: 0 };
  let tids = [];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return { main: NaN, other: NaN };
  }
  for (const tid of tids) {
    try {
      const s = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const us = ((Number(f[11]) + Number(f[12])) * 1e6) / 100;
      if (Number(tid) === process.pid) out.main += us;
      else out.other += us;
    } catch {
      // thread gone
    }
  }
  return out;
}

/** CPU (µs) of the processes of this benchmark. */
function ourCpuUs(pids) {
  const u = process.cpuUsage();
  return pids.reduce((t, p) => t + (procCpuUs(p) || 0), u.user + u.system);
}
/**
 * Busy CPU of the machine (µs) as user + nice + system, without irq/softirq
 * time: on loopback most softirq work is this benchmark's own traffic and is
 * charged to no process.
 */
function machineTaskUs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return ((f[0] + f[1] + f[2]) * 1e6) / 100;
  } catch {
    return machineBusyUs();
  }
}
function otherSnap(pids) {
  return { t: performance.now(), machine: machineTaskUs(), ours: ourCpuUs(pids) };
}
function otherPct(a, b) {
  return Math.max(0, (100 * (b.machine - a.machine - (b.ours - a.ours))) / ((b.t - a.t) * 1000));
}
/** Waits (<= --quiet-wait) until other processes use <= --quiet-pct of a core. */
async function waitQuiet(pids) {
  const end = Date.now() + O.quietWait * 1000;
  let pct;
  for (;;) {
    const a = otherSnap(pids);
    await sleep(200);
    pct = otherPct(a, otherSnap(pids));
    if (pct <= O.quietPct || Date.now() >= end) return pct;
  }
}
// A full GC before each throughput run, outside the timing.
const gcFn = (() => {
  if (typeof global.gc === 'function') return global.gc;
  try {
    require('v8').setFlagsFromString('--expose-gc');
    return require('vm').runInNewContext('gc');
  } catch {
    return null;
  }
})();
function gc() {
  if (gcFn) gcFn();
}

// ---- 1. publish throughput ------------------------------------------------------------

const EW_STREAM = 'bench:ew';

async function waitUntil(pred, timeoutMs, stepMs = 1) {
  const end = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}

/**
 * Waits (bounded) until the relay of `bus` has read back what it wrote: every
 * XADD answered and redisRelayed == redisWritten, or redisRelayed unchanged for
 * 500 ms (entries trimmed by MAXLEN ~ before the relay reached them are never
 * read: they are counted as skipped). Resolves { ok, ms } where ms is the time
 * of the last read-back.
 */
async function relayCatchUp(bus, e0, timeoutMs = 30000) {
  // earlier runs may have left entries the relay never read: count from e0
  const behind = (e) => e.redisWritten - e0.redisWritten - (e.redisRelayed - e0.redisRelayed);
  const t = performance.now();
  const end = t + timeoutMs;
  let last = -1;
  let lastChange = t;
  for (;;) {
    const e = bus.stats().engine;
    const now = performance.now();
    if (e.redisRelayed !== last) {
      last = e.redisRelayed;
      lastChange = now;
    }
    if (e.redisQueued === 0 && behind(e) <= 0) return { ok: true, ms: now - t };
    if (e.redisQueued === 0 && now - lastChange > 500) return { ok: true, ms: lastChange - t };
    if (now > end) return { ok: false, ms: now - t };
    await sleep(2);
  }
}

async function runPublish(bus, n, window) {
  let sent = 0;
  let done = 0;
  let failed = 0;
  let firstErr = null;
  const t0 = performance.now();
  const finished = new Promise((resolve) => {
    const settle = () => {
      done++;
      if (done === n) resolve(true);
      else if (sent < n && sent - done <= window / 2) pump();
    };
    const bad = (err) => {
      failed++;
      if (!firstErr) firstErr = err;
      settle();
    };
    function pump() {
      while (sent < n && sent - done < window) {
        sent++;
        bus.publish('bench.order', PAYLOAD).then(settle, bad);
      }
    }
    pump();
  });
  let timer;
  const ok = await Promise.race([finished, new Promise((r) => (timer = setTimeout(() => r(false), 120000)))]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  return { ms, count: done, failed, timedOut: !ok, error: firstErr ? `${firstErr.code}: ${firstErr.message}` : null };
}

async function runEmit(bus, n, chunk) {
  const w0 = bus.stats().engine.redisWritten;
  const r0 = bus.stats().engine.redisRejected;
  const t0 = performance.now();
  for (let i = 0; i < n; ) {
    const k = Math.min(chunk, n - i);
    for (let j = 0; j < k; j++) bus.emit('bench.order', PAYLOAD);
    i += k;
    await immediate();
  }
  const emitMs = performance.now() - t0;
  const ok = await waitUntil(() => {
    const e = bus.stats().engine;
    return e.redisWritten - w0 >= n || e.redisRejected > r0;
  }, 120000);
  const ms = performance.now() - t0;
  const e = bus.stats().engine;
  return { ms, emitMs, count: e.redisWritten - w0, failed: e.redisRejected - r0, timedOut: !ok };
}

const PEERS = {
  'peer.fv': {
    label: "redis-benchmark -P 64 XADD bench:peer '*' f v (peer, 50 conns)",
    args: (n) => ['-P', '64', '-n', String(n), '-q', 'XADD', 'bench:peer', '*', 'f', 'v'],
    key: 'bench:peer',
  },
  'peer.shape50': {
    label: "redis-benchmark -P 64, eventwire's XADD (one packed field, MAXLEN ~), 50 conns",
    args: (n) => ['-P', '64', '-n', String(n), '-q', ...shapeArgs('bench:peer2')],
    key: 'bench:peer2',
  },
  'peer.shape1': {
    label: "redis-benchmark -P 64, eventwire's XADD, 1 conn",
    args: (n) => ['-c', '1', '-P', '64', '-n', String(n), '-q', ...shapeArgs('bench:peer3')],
    key: 'bench:peer3',
  },
};
function shapeArgs(key) {
  // What eventwire's engine sends for bus.emit('bench.order', PAYLOAD)
  // (native/src/redis_entry.c): one field "ew", the event as a JSON object.
  const inst = `${os.hostname()}-${process.pid}#1-abcdef`;
  const packed = `{"t":"bench.order","ts":${Date.now()},"s":${JSON.stringify(`${os.hostname()}-${process.pid}`)},"i":${JSON.stringify(inst)},"q":123456,"d":${PAYLOAD_JSON}}`;
  return ['XADD', key, 'MAXLEN', '~', '100000', '*', 'ew', packed];
}

async function runPeer(key, n) {
  const p = PEERS[key];
  redisCli('DEL', p.key);
  const t0 = performance.now();
  const { rps, cpuUs } = await redisBenchmark(p.args(n));
  const ms = performance.now() - t0;
  redisCli('DEL', p.key);
  return { rps, ms, cpuUs };
}

async function throughputPhase(problems) {
  const bus = new EventBus({ source: `${os.hostname()}-${process.pid}`, redis: { url: redis.url, stream: EW_STREAM, queueSize: O.queueSize } });
  const busErrors = [];
  bus.on('error', (e) => busErrors.push(e.message));
  await bus.listen();
  const contenders = [...O.windows.map((w) => `ew.publish.${w}`), 'ew.emit', ...Object.keys(PEERS)];
  const runs = Object.fromEntries(contenders.map((c) => [c, []]));

  async function one(c, n, record, round = -1) {
    gc();
    const before = record ? await waitQuiet([redis.pid]) : NaN;
    const e0 = bus.stats().engine;
    const th0 = threadCpu();
    const rd0 = procCpuUs(redis.pid);
    const os0 = otherSnap([redis.pid]);
    const lag = { max: 0 };
    const sampler = c.startsWith('ew.')
      ? setInterval(() => {
          const e = bus.stats().engine;
          const behind = e.redisWritten - e0.redisWritten - (e.redisRelayed - e0.redisRelayed);
          if (behind > lag.max) lag.max = behind;
        }, 5)
      : null;
    let r;
    if (c.startsWith('ew.publish.')) r = await runPublish(bus, n, Number(c.slice('ew.publish.'.length)));
    else if (c === 'ew.emit') r = await runEmit(bus, n, O.emitChunk);
    else r = await runPeer(c, n);
    if (sampler) clearInterval(sampler);
    const th1 = threadCpu();
    const rd1 = procCpuUs(redis.pid);
    const os1 = otherSnap([redis.pid]);
    const out = { n, round, otherPctBefore: before };
    if (c.startsWith('ew.')) {
      out.evPerSec = (r.count / r.ms) * 1000;
      out.ms = r.ms;
      out.failed = r.failed;
      out.timedOut = r.timedOut;
      out.count = r.count;
      if (r.error) out.error = r.error;
      if (r.emitMs !== undefined) out.emitLoopMs = r.emitMs;
      out.jsUsPerEv = (th1.main - th0.main) / n;
      out.otherThreadsUsPerEv = (th1.other - th0.other) / n;
      out.clientUsPerEv = out.jsUsPerEv + out.otherThreadsUsPerEv;
      out.redisUsPerEv = (rd1 - rd0) / n;
      out.otherPct = otherPct(os0, os1);
      const cu = await relayCatchUp(bus, e0);
      const e1 = bus.stats().engine;
      out.relayCatchUpMs = cu.ms;
      out.relayCaughtUp = cu.ok;
      out.relayMaxLag = lag.max;
      // written by this run but never read back by the relay (trimmed first)
      out.relaySkipped = e1.redisWritten - e0.redisWritten - (e1.redisRelayed - e0.redisRelayed);
      if (record && (r.failed || r.timedOut || r.count !== n)) problems.push(`${c}: ${r.count}/${n} written, ${r.failed} failed${r.timedOut ? ', timed out' : ''}${r.error ? ` (${r.error})` : ''}`);
      if (record && !cu.ok) problems.push(`${c}: the relay did not read back every event within 30 s`);
    } else {
      out.evPerSec = r.rps;
      out.ms = r.ms;
      // redis-benchmark's own CPU (the peer's client side) per request
      out.clientUsPerEv = r.cpuUs / n;
      out.otherPct = Math.max(0, otherPct(os0, os1) - (100 * r.cpuUs) / ((os1.t - os0.t) * 1000));
      // redis-server's CPU per request; redis-benchmark's own CPU is not counted
      out.redisUsPerEv = (rd1 - rd0) / n;
    }
    if (record) runs[c].push(out);
    return out;
  }

  // warm-up, not recorded
  const wn = Math.min(O.n, 20000);
  for (const c of contenders) await one(c, wn, false);
  for (let r = 0; r < O.rounds && !overTime(); r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    const bits = [];
    for (const c of order) {
      try {
        const x = await one(c, O.n, true, r);
        bits.push(`${c} ${fmtRate(x.evPerSec)}/s`);
      } catch (err) {
        problems.push(`${c} round ${r + 1}: ${err.message}`);
        bits.push(`${c} FAILED`);
      }
    }
    console.log(`throughput round ${r + 1}: ${bits.join(', ')}`);
  }
  const stats = bus.stats();
  await bus.close();
  if (busErrors.length) problems.push(`throughput bus reported ${busErrors.length} error(s): ${busErrors[0]}`);
  return { runs, engine: stats.engine, publishFailed: stats.publishFailed };
}

// ---- 2. relay latency --------------------------------------------------------------------

async function latencyPhase(problems) {
  const child = path.join(__dirname, 'lib', 'redis-latency-child.js');
  const mk = (role) => {
    const p = new ServerProc(`latency-${role}`, process.execPath, [child, '--role', role, '--redis', redis.url, '--stream', 'bench:latency', '--max-seconds', String(O.maxSeconds + 120)]);
    live.add(p);
    return p;
  };
  const B = mk('sub');
  const A = mk('pub');
  try {
    await Promise.all([B.ready(), A.ready()]);
    const batches = Math.round(((O.latSeconds + O.latWarmup) * O.latRate) / O.latBatch);
    const total = batches * O.latBatch;
    const warmupN = Math.round((O.latWarmup * O.latRate) / O.latBatch) * O.latBatch;
    const runs = [];
    for (let k = 0; k < O.latRuns && !(k > 0 && overTime()); k++) {
      await B.cmd({ op: 'arm', from: warmupN, total, perSecond: O.latRate });
      const pids = [redis.pid, A.pid, B.pid];
      const quiet = await waitQuiet(pids);
      const a = otherSnap(pids);
      const rd0 = procCpuUs(redis.pid);
      const ca0 = procCpuUs(A.pid);
      const cb0 = procCpuUs(B.pid);
      const run = await A.cmd({ op: 'run', rate: O.latRate, batch: O.latBatch, seconds: O.latSeconds, warmupSeconds: O.latWarmup }, (O.latSeconds + O.latWarmup + 30) * 1000);
      const b = otherSnap(pids);
      const secs = (b.t - a.t) / 1000;
      const cpu = {
        redisPct: (100 * (procCpuUs(redis.pid) - rd0)) / 1e6 / secs,
        pubPct: (100 * (procCpuUs(A.pid) - ca0)) / 1e6 / secs,
        subPct: (100 * (procCpuUs(B.pid) - cb0)) / 1e6 / secs,
      };
      const end = Date.now() + 5000;
      let cnt;
      do {
        cnt = await B.cmd({ op: 'count' });
        if (cnt.received >= total) break;
        await sleep(20);
      } while (Date.now() < end);
      const s = await B.cmd({ op: 'summary' });
      if (run.failed || run.ok !== total) problems.push(`latency run ${k + 1}: ${run.ok}/${total} publishes resolved, ${run.failed} failed`);
      if (s.received !== total || s.dup || s.outOfOrder) problems.push(`latency run ${k + 1}: B received ${s.received}/${total} events (${s.dup} duplicates, ${s.outOfOrder} out of order)`);
      const r = { run: k + 1, sent: run.sent, total, warmupN, pub: run, sub: s, cpu, otherPct: otherPct(a, b), otherPctBefore: quiet };
      runs.push(r);
      console.log(`latency run ${k + 1}: p50 ${fmtMs(s.mono.p50)}, p99 ${fmtMs(s.mono.p99)}, max ${fmtMs(s.mono.max)} (other processes ${r.otherPct.toFixed(0)}%)`);
    }
    return { mode: 'two child processes', runs };
  } finally {
    for (const p of [A, B]) {
      try {
        await p.cmd({ op: 'quit' }, 5000);
      } catch {
        // killed below
      }
      await p.stop(2000);
      live.delete(p);
    }
    redisCli('DEL', 'bench:latency');
  }
}

// ---- 3. fan-out with Redis on / off ------------------------------------------------------

async function allStats(lgs) {
  const ss = await Promise.all(lgs.map((l) => l.stats()));
  const sum = (k) => ss.reduce((s, x) => s + x[k], 0);
  return { events: sum('events'), evbytes: sum('evbytes'), frames: sum('frames'), open: sum('open'), closed: sum('closed'), cpuUs: sum('utime_us') + sum('stime_us'), monoUs: ss[0].mono_us };
}

async function fanSession(mode, round, paced) {
  const stream = `bench:fanout:${round}`;
  const srvArgs = [path.join(__dirname, 'servers', 'eventwire.js'), '--max-seconds', String(O.maxSeconds + 120)];
  if (mode === 'on') srvArgs.push('--redis', redis.url, '--stream', stream);
  const srv = new ServerProc(`fanout-${mode}`, process.execPath, ['--expose-gc', ...srvArgs]);
  live.add(srv);
  const lgs = [];
  try {
    await srv.ready();
    const lg = new LoadgenProc('loadgen', LOADGEN, ['--port', String(srv.port), '--host', '127.0.0.1', '--path', '/ws', '--max-seconds', String(O.maxSeconds + 120)]);
    live.add(lg);
    lgs.push(lg);
    const c = await lg.connect(O.fanClients, 64, 30000);
    const endC = Date.now() + 5000;
    let info;
    do {
      info = await srv.cmd({ op: 'info' });
      if (info.clients >= O.fanClients) break;
      await sleep(50);
    } while (Date.now() < endC);
    if (c.fail || info.clients < O.fanClients) throw new Error(`${c.fail} connects failed, server has ${info.clients}/${O.fanClients} clients`);
    await sleep(200);
    const pids = [redis.pid, srv.pid, lg.pid];
    // burst
    const quiet = await waitQuiet(pids);
    const s0 = await allStats(lgs);
    const secs = O.warmup + O.burstSeconds;
    const pBurst = srv.cmd({ op: 'burst', seconds: secs, chunk: O.chunk, window: O.window }, (secs + 30) * 1000);
    await sleep(O.warmup * 1000);
    const a = await allStats(lgs);
    const ca = procCpuUs(srv.pid);
    const ra = procCpuUs(redis.pid);
    const oa = otherSnap(pids);
    await sleep(O.burstSeconds * 1000);
    const b = await allStats(lgs);
    const cb = procCpuUs(srv.pid);
    const rb = procCpuUs(redis.pid);
    const ob = otherSnap(pids);
    const br = await pBurst;
    const expected = br.emitted * O.fanClients;
    let end = await allStats(lgs);
    const until = Date.now() + 10000;
    while (end.events - s0.events < expected && Date.now() < until) {
      await sleep(50);
      end = await allStats(lgs);
    }
    const dt = (b.monoUs - a.monoUs) / 1e6;
    const dps = (b.events - a.events) / dt;
    const out = {
      mode,
      deliveriesPerSec: dps,
      eventsPerSec: dps / O.fanClients,
      serverCpuPct: (100 * (cb - ca)) / 1e6 / dt,
      redisCpuPct: (100 * (rb - ra)) / 1e6 / dt,
      loadgenCpuPct: (100 * (b.cpuUs - a.cpuUs)) / 1e6 / dt,
      otherPct: otherPct(oa, ob),
      otherPctBefore: quiet,
      eventsPerFrame: (b.events - a.events) / Math.max(1, b.frames - a.frames),
      emitted: br.emitted,
      expected,
      received: end.events - s0.events,
      lost: expected - (end.events - s0.events),
      drained: br.drained,
      flowWaits: br.waits,
      closedByServer: end.closed - s0.closed,
    };
    if (paced) {
      const ps = O.warmup + O.pacedSeconds;
      const p = srv.cmd({ op: 'rate', rate: O.pacedRate, seconds: ps }, (ps + 30) * 1000);
      await sleep(O.warmup * 1000);
      await lg.latReset();
      await sleep(O.pacedSeconds * 1000);
      const lat = await lg.lat();
      await p;
      const hist = mergeHist([lat.hist]);
      out.paced = { rate: O.pacedRate, samples: lat.n, p50Us: histPercentile(hist, 50), p99Us: histPercentile(hist, 99), maxUs: lat.max };
    }
    out.serverStats = (await srv.cmd({ op: 'info' })).stats;
    return out;
  } finally {
    for (const l of lgs) {
      try {
        await l.closeAll();
        await l.request('quit', 2000).catch(() => {});
      } catch {
        // gone
      }
      await l.stop(1000);
      live.delete(l);
    }
    try {
      await srv.cmd({ op: 'quit' }, 5000);
    } catch {
      // killed below
    }
    await srv.stop(2000);
    live.delete(srv);
    redisCli('DEL', stream);
  }
}

async function fanoutPhase(problems, notes) {
  execFileSync('cc', ['-O2', '-o', LOADGEN, path.join(__dirname, 'loadgen.c')], { stdio: 'inherit' });
  const runs = { off: [], on: [] };
  const ratios = [];
  for (let r = 0; r < O.fanRounds && !overTime(); r++) {
    const order = r % 2 ? ['on', 'off'] : ['off', 'on'];
    const got = {};
    for (const mode of order) {
      if (overTime()) break;
      try {
        let x;
        try {
          x = await fanSession(mode, r, r === 0 && O.pacedRate > 0);
        } catch (err) {
          notes.push(`fan-out Redis ${mode}, round ${r + 1} failed and was run again: ${err.message.split('\n')[0]}`);
          x = await fanSession(mode, r, r === 0 && O.pacedRate > 0);
        }
        runs[mode].push(x);
        got[mode] = x;
        if (x.lost > 0) problems.push(`fan-out Redis ${mode}, round ${r + 1}: ${x.lost} deliveries lost`);
        if (x.closedByServer > 0) problems.push(`fan-out Redis ${mode}, round ${r + 1}: ${x.closedByServer} connections closed by the server`);
      } catch (err) {
        problems.push(`fan-out Redis ${mode}, round ${r + 1}: ${err.message}`);
      }
    }
    if (got.on && got.off) ratios.push({ round: r, ratio: got.on.deliveriesPerSec / got.off.deliveriesPerSec, quiet: isQuiet(got.on) && isQuiet(got.off) });
    console.log(
      `fan-out round ${r + 1}: ${order
        .filter((m) => got[m])
        .map((m) => `Redis ${m} ${fmtRate(got[m].deliveriesPerSec)}/s (server ${got[m].serverCpuPct.toFixed(0)}%, redis ${got[m].redisCpuPct.toFixed(0)}%, other ${got[m].otherPct.toFixed(0)}%)`)
        .join(', ')}${got.on && got.off ? `, on/off ${ratios[ratios.length - 1].ratio.toFixed(3)}` : ''}`
    );
  }
  return { runs, ratios };
}

// ---- report --------------------------------------------------------------------------

function fmtNum(x, d = 0) {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
}
function fmtRate(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}
const fmtMs = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a');
const fmtUs = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const met = (ok) => (ok ? 'met' : 'MISSED');

function table(head, rows, md) {
  if (md) return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  const w = head.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)];
}

// Runs during which other processes used at most --clean-pct of a core
// ("quiet"); all runs when none was quiet.
const isQuiet = (x) => Number.isFinite(x.otherPct) && x.otherPct <= O.cleanPct;
function cleanRuns(rs) {
  const q = rs.filter(isQuiet);
  return { use: q.length ? q : rs, quiet: q.length, all: rs.length };
}
function ratioSummary(pairs) {
  // pairs: [{ ratio, quiet }]
  const q = pairs.filter((x) => x.quiet);
  const use = (q.length ? q : pairs).map((x) => x.ratio);
  return { median: median(use), min: Math.min(...use), max: Math.max(...use), quiet: q.length, all: pairs.length, perRound: pairs.map((x) => x.ratio), perRoundQuiet: pairs.map((x) => x.quiet) };
}

function summarise(res) {
  const S = { throughput: {}, ratios: {}, latency: null, fanout: null, goals: {} };
  const T = res.throughput;
  if (T) {
    for (const [c, all] of Object.entries(T.runs)) {
      if (!all.length) continue;
      const { use: rs, quiet } = cleanRuns(all);
      const m = (k) => median(rs.map((x) => x[k]));
      S.throughput[c] = {
        runs: all.length,
        quiet,
        evPerSec: m('evPerSec'),
        min: Math.min(...all.map((x) => x.evPerSec)),
        max: Math.max(...all.map((x) => x.evPerSec)),
        jsUsPerEv: m('jsUsPerEv'),
        otherThreadsUsPerEv: m('otherThreadsUsPerEv'),
        clientUsPerEv: m('clientUsPerEv'),
        redisUsPerEv: m('redisUsPerEv'),
        relayCatchUpMs: m('relayCatchUpMs'),
        relayMaxLag: Math.max(...all.map((x) => (Number.isFinite(x.relayMaxLag) ? x.relayMaxLag : 0))),
        relaySkipped: all.reduce((t, x) => t + (x.relaySkipped || 0), 0),
        otherPct: median(all.map((x) => x.otherPct)),
        perRound: all.map((x) => x.evPerSec),
      };
    }
    // What Redis alone allows: a core ÷ its CPU per eventwire event.
    const pub = S.throughput[`ew.publish.${O.windows[0]}`];
    const fv = S.throughput['peer.fv'];
    if (pub && fv && pub.redisUsPerEv > 0) {
      const evPerSec = 1e6 / pub.redisUsPerEv;
      S.ceiling = { redisUsPerEv: pub.redisUsPerEv, evPerSec, vsPeer: evPerSec / fv.evPerSec };
    }
    // per-round ratios against each peer (rounds in which both were quiet)
    const ew = [...O.windows.map((w) => `ew.publish.${w}`), 'ew.emit'];
    for (const c of ew) {
      for (const p of Object.keys(PEERS)) {
        const pairs = [];
        for (const a of T.runs[c] || []) {
          const b = (T.runs[p] || []).find((x) => x.round === a.round);
          if (b) pairs.push({ ratio: a.evPerSec / b.evPerSec, quiet: isQuiet(a) && isQuiet(b) });
        }
        if (pairs.length) S.ratios[`${c}/${p}`] = ratioSummary(pairs);
      }
    }
    const head = S.ratios[`ew.publish.${O.windows[0]}/peer.fv`];
    if (head) S.goals.publish = { ratio: head.median, goal: GOALS.publishRatio, met: head.median >= GOALS.publishRatio };
  }
  if (res.latency && res.latency.runs.length) {
    // headline: the run during which other processes used the least CPU
    const runs = res.latency.runs;
    const best = runs.reduce((x, y) => (y.otherPct < x.otherPct ? y : x));
    const one = (L) => ({
      run: L.run,
      samples: L.sub.recorded,
      received: L.sub.received,
      total: L.total,
      mono: L.sub.mono,
      wall: L.sub.wall,
      ackMs: L.pub.ackMs,
      maxLateMs: L.pub.maxLateMs,
      lateBatches: L.pub.lateBatches,
      cpu: L.cpu,
      otherPct: L.otherPct,
      perSecond: L.sub.seconds,
    });
    S.latency = {
      mode: res.latency.mode,
      rate: O.latRate,
      batch: O.latBatch,
      seconds: O.latSeconds,
      headline: one(best),
      runs: runs.map(one),
    };
    S.goals.latency = { p99Ms: best.sub.mono.p99, run: best.run, goal: GOALS.latencyP99Ms, met: best.sub.mono.p99 < GOALS.latencyP99Ms, allRunsP99Ms: runs.map((r) => r.sub.mono.p99) };
  }
  if (res.fanout) {
    const F = res.fanout;
    const f = {};
    for (const mode of ['off', 'on']) {
      const all = F.runs[mode];
      if (!all.length) continue;
      const { use: rs, quiet } = cleanRuns(all);
      const m = (k) => median(rs.map((x) => x[k]));
      f[mode] = {
        runs: all.length,
        quiet,
        deliveriesPerSec: m('deliveriesPerSec'),
        min: Math.min(...all.map((x) => x.deliveriesPerSec)),
        max: Math.max(...all.map((x) => x.deliveriesPerSec)),
        serverCpuPct: m('serverCpuPct'),
        redisCpuPct: m('redisCpuPct'),
        deliveriesPerCpuSec: median(rs.map((x) => x.deliveriesPerSec / ((x.serverCpuPct + x.redisCpuPct) / 100))),
        loadgenCpuPct: m('loadgenCpuPct'),
        eventsPerFrame: m('eventsPerFrame'),
        otherPct: median(all.map((x) => x.otherPct)),
        lost: all.reduce((t, x) => t + Math.max(0, x.lost), 0),
        paced: (all.find((x) => x.paced) || {}).paced || null,
        perRound: all.map((x) => x.deliveriesPerSec),
      };
    }
    if (f.on && f.off) f.cpuRatio = f.on.deliveriesPerCpuSec / f.off.deliveriesPerCpuSec;
    f.ratio = F.ratios.length ? ratioSummary(F.ratios) : null;
    S.fanout = f;
    if (f.ratio) S.goals.fanout = { ratio: f.ratio.median, goal: GOALS.fanoutRatio, met: f.ratio.median >= GOALS.fanoutRatio };
  }
  return S;
}

const LABELS = () => ({
  ...Object.fromEntries(O.windows.map((w) => [`ew.publish.${w}`, `eventwire await publish(), ${fmtNum(w)} outstanding`])),
  'ew.emit': 'eventwire emit() until redisWritten (info)',
  ...Object.fromEntries(Object.entries(PEERS).map(([k, p]) => [k, k === 'peer.fv' ? p.label : `${p.label} (info)`])),
});

const perRoundText = (r) => r.perRound.map((x, i) => `${x.toFixed(3)}${r.perRoundQuiet[i] ? '*' : ''}`).join(' ');

function reportLines(S, md) {
  const L = [];
  const labels = LABELS();
  if (Object.keys(S.throughput).length) {
    L.push(md ? `**1. Publish throughput** (${fmtNum(O.n)} events per run, ${O.rounds} rounds; medians over the quiet runs, where other processes used ≤ ${O.cleanPct} % of a core, or over all runs when none was quiet; min–max over all runs):` : `1. publish throughput (${fmtNum(O.n)} events per run, ${O.rounds} rounds; medians over quiet runs, other processes <= ${O.cleanPct}% of a core)`);
    L.push('');
    const rows = Object.entries(S.throughput).map(([c, t]) => [
      labels[c] || c,
      fmtNum(t.evPerSec),
      `${fmtNum(t.min)}–${fmtNum(t.max)}`,
      `${t.quiet || 'none'}/${t.runs}`,
      fmtUs(t.clientUsPerEv),
      c.startsWith('ew.') ? `${fmtUs(t.jsUsPerEv)} + ${fmtUs(t.otherThreadsUsPerEv)}` : '–',
      fmtUs(t.redisUsPerEv),
      c.startsWith('ew.') ? fmtNum(t.relayCatchUpMs) : '–',
      c.startsWith('ew.') ? fmtNum(t.relayMaxLag) : '–',
      c.startsWith('ew.') ? `${fmtNum(t.relaySkipped)} of ${fmtNum(t.runs * O.n)}` : '–',
    ]);
    L.push(...table(['contender', 'ev/s (median)', 'min–max', 'quiet runs', 'client CPU µs/ev', 'JS + other threads', 'redis-server CPU µs/ev', 'relay catch-up ms', 'relay max lag (events)', 'never read back by the relay'], rows, md));
    L.push('');
    const rr = Object.entries(S.ratios).map(([k, r]) => {
      const [c, p] = k.split('/');
      const headline = c === `ew.publish.${O.windows[0]}` && p === 'peer.fv';
      const name = `${c.replace('ew.', '')} / ${p.replace('peer.', 'peer ')}`;
      return [headline && md ? `**${name}** (headline)` : headline ? `${name} (headline)` : name, headline && md ? `**${r.median.toFixed(3)}**` : r.median.toFixed(3), `${r.min.toFixed(3)}–${r.max.toFixed(3)}`, perRoundText(r), headline ? `≥ ${GOALS.publishRatio}: ${met(r.median >= GOALS.publishRatio)}` : ''];
    });
    L.push(...table(['ratio', 'median', 'min–max', 'per round (* = both runs quiet)', 'goal'], rr, md));
    L.push('');
    const c = S.ceiling;
    if (c) {
      L.push(`Ceiling set by redis-server alone: one core ÷ its CPU per eventwire event (${fmtUs(c.redisUsPerEv)} µs: the XADD and the relay's read-back) = ${fmtNum(c.evPerSec)} ev/s = ${c.vsPeer.toFixed(3)}× the peer. What publish() could reach with a client that cost nothing, Redis on a core of its own.`);
      L.push('');
    }
  }
  if (S.latency) {
    const lat = S.latency;
    const l = lat.headline;
    L.push(md ? `**2. Relay latency A → B** (${lat.mode}, ${fmtNum(lat.rate)} events/s in batches of ${lat.batch}, ${lat.runs.length} run(s) of ${lat.seconds} s measured, ${fmtNum(l.samples)} samples each; headline = run ${l.run}, the one with the least CPU used by other processes):` : `2. relay latency A -> B (${lat.mode}, ${fmtNum(lat.rate)} ev/s, batches of ${lat.batch}, ${lat.runs.length} run(s) of ${lat.seconds} s; headline = run ${l.run}, least other-process CPU)`);
    L.push('');
    const row = (name, s, r) => [name, fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.p999), fmtMs(s.max), `${r.otherPct.toFixed(0)}%`, `${fmtNum(r.received)}/${fmtNum(r.total)}`];
    const rows = [];
    for (const r of lat.runs) {
      const h = r.run === l.run;
      rows.push(row(`run ${r.run}: A publish() → B on(), CLOCK_MONOTONIC${h ? ' (headline)' : ''}`, r.mono, r));
      rows.push(row(`run ${r.run}: same, timeOrigin + performance.now()`, r.wall, r));
      rows.push(row(`run ${r.run}: A publish() → stream id resolved (info)`, r.ackMs, r));
    }
    L.push(...table(['', 'p50', 'p90', 'p99', 'p99.9', 'max', 'other processes', 'B received'], rows, md));
    L.push('');
    for (const r of lat.runs) {
      if (r.perSecond && r.perSecond.length) L.push(`${md ? '' : '   '}Run ${r.run}, p99 (max) per second of sending: ${r.perSecond.map((x) => `${x.p99.toFixed(2)} (${x.max.toFixed(1)})`).join(', ')} ms; CPU: redis-server ${r.cpu.redisPct.toFixed(0)}%, A ${r.cpu.pubPct.toFixed(0)}%, B ${r.cpu.subPct.toFixed(0)}% of a core; A's batches at most ${r.maxLateMs.toFixed(2)} ms late.`, '');
    }
    L.push(`${md ? '' : '   '}Goal p99 < ${GOALS.latencyP99Ms} ms: ${met(S.goals.latency.met)} (${fmtMs(l.mono.p99)} in run ${l.run}; all runs: ${S.goals.latency.allRunsP99Ms.map((x) => fmtMs(x)).join(', ')}).`);
    L.push('');
  }
  if (S.fanout && (S.fanout.on || S.fanout.off)) {
    const f = S.fanout;
    L.push(md ? `**3. Fan-out to ${O.fanClients} WebSocket clients, Redis off vs on** (bursts of ${O.warmup} s warm-up + ${O.burstSeconds} s, ${O.fanRounds} rounds, on/off order alternated; medians over quiet runs as above):` : `3. fan-out to ${O.fanClients} clients, Redis off vs on (${O.fanRounds} rounds)`);
    L.push('');
    const rows = ['off', 'on'].filter((m) => f[m]).map((m) => [
      `Redis ${m}`,
      fmtNum(f[m].deliveriesPerSec),
      `${fmtNum(f[m].min)}–${fmtNum(f[m].max)}`,
      `${f[m].quiet || 'none'}/${f[m].runs}`,
      fmtNum(f[m].deliveriesPerSec / O.fanClients),
      `${f[m].serverCpuPct.toFixed(0)}%`,
      `${f[m].redisCpuPct.toFixed(0)}%`,
      `${f[m].loadgenCpuPct.toFixed(0)}%`,
      fmtRate(f[m].deliveriesPerCpuSec),
      f[m].eventsPerFrame.toFixed(2),
      f[m].paced ? `${fmtMs(f[m].paced.p50Us / 1000)} / ${fmtMs(f[m].paced.p99Us / 1000)}` : 'n/a',
      String(f[m].lost),
    ]);
    L.push(...table(['mode', 'deliveries/s (median)', 'min–max', 'quiet runs', 'events/s', 'server CPU', 'redis CPU', 'loadgen CPU', 'deliveries per (server + redis) CPU-s', 'events/frame', O.pacedRate ? `emit→client p50 / p99 at ${O.pacedRate}/s (info)` : 'emit→client (info)', 'lost'], rows, md));
    L.push('');
    if (f.ratio) L.push(`${md ? '' : '   '}on/off deliveries ratio: median ${md ? '**' : ''}${f.ratio.median.toFixed(3)}${md ? '**' : ''} (per round ${perRoundText(f.ratio)}, * = both runs quiet; median over ${f.ratio.quiet ? `the ${f.ratio.quiet} quiet rounds` : 'all rounds (none quiet)'}); goal ≥ ${GOALS.fanoutRatio} (Redis costs ≤ 10 %): ${met(f.ratio.median >= GOALS.fanoutRatio)}. Deliveries per CPU-second (server + redis-server), on/off: ${Number.isFinite(f.cpuRatio) ? f.cpuRatio.toFixed(3) : 'n/a'} (information).`);
    L.push('');
  }
  return L;
}

function envLine() {
  return `${ENV.date}, nproc ${ENV.nproc}, ${ENV.cpu}, Linux ${ENV.kernel}, Node ${ENV.node}, redis-server ${ENV.redis} (${(ENV.redisBenchmark || '').replace(/^redis-benchmark\s*/, 'redis-benchmark ')}), hiredis ${ENV.hiredis || '?'}, eventwire ${ENV.eventwire}, load average at start ${ENV.loadavg.join(' / ')}`;
}

function writeMarkdown(S, problems, notes, elapsed) {
  const file = args['md-file'] ? path.resolve(args['md-file']) : path.join(ROOT, 'BENCHMARKS.md');
  const START = '<!-- redis:results:start -->';
  const END = '<!-- redis:results:end -->';
  const goals = [
    S.goals.publish ? `publish/peer ${S.goals.publish.ratio.toFixed(3)} (goal ≥ ${GOALS.publishRatio}): **${met(S.goals.publish.met)}**` : null,
    S.goals.latency ? `relay p99 ${fmtMs(S.goals.latency.p99Ms)} (goal < ${GOALS.latencyP99Ms} ms; all runs ${S.goals.latency.allRunsP99Ms.map((x) => fmtMs(x)).join(', ')}): **${met(S.goals.latency.met)}**` : null,
    S.goals.fanout ? `fan-out on/off ${S.goals.fanout.ratio.toFixed(3)} (goal ≥ ${GOALS.fanoutRatio}): **${met(S.goals.fanout.met)}**` : null,
  ].filter(Boolean);
  const block = [
    START,
    '',
    `Run: ${envLine()}; ${elapsed.toFixed(0)} s.`,
    '',
    `Goals: ${goals.join('; ')}.`,
    '',
    ...reportLines(S, true),
    ...(problems.length || notes.length ? [...problems.map((p) => `- PROBLEM: ${p}`), ...notes.map((n) => `- NOTE: ${n}`), ''] : []),
    END,
  ].join('\n');
  // Re-read right before writing: other sections may have been added since.
  const cur = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  let next;
  const si = cur.indexOf(START);
  const ei = cur.indexOf(END);
  if (si >= 0 && ei > si) {
    next = cur.slice(0, si) + block + cur.slice(ei + END.length);
  } else {
    next = `${cur.replace(/\s*$/, '')}\n\n${INTRO}\n${block}\n`;
  }
  fs.writeFileSync(file, next);
  return file;
}

const INTRO = `## Redis (bench/redis.js)

\`\`\`sh
node bench/redis.js                 # ~1.5–2.5 min: starts its own redis-server on a free loopback port
node bench/redis.js --rounds 5 --fan-rounds 6 --max-seconds 400
node bench/redis.js --write-md      # also appends / rewrites the results block below
\`\`\`

Needs \`redis-server\`, \`redis-benchmark\` and \`redis-cli\` on the PATH and a C
compiler (for \`bench/loadgen.c\`). The script starts \`redis-server --port P
--save '' --appendonly no --bind 127.0.0.1\` itself and kills it at the end. It
prints tables and one \`BENCH_JSON {...}\` line. Exit code 1 only when a
measurement is invalid (lost or failed events, a child that did not start).

**Goals (issue):** (1) \`await publish()\` events/s ≥ 0.5× a
\`redis-benchmark -P 64 XADD bench:peer '*' f v\` pipeline on the same server;
(2) p99 of the relay latency from instance A's \`publish()\` to instance B's
\`on\` listener < 5 ms at 10k events/s; (3) fan-out deliveries/s to 100
WebSocket clients with Redis on ≥ 0.9× Redis off (durability costs ≤ 10 %).

### Method

* **1. Publish throughput.** One \`new EventBus({ redis: { url, stream:
  'bench:ew', queueSize: 262144 } })\` (no server) in the script's process.
  \`bus.publish('bench.order', order)\` of 200,000 events, the 127-byte order
  of \`bench/emit.js\`, with a sliding window of outstanding publishes (20,000
  headline, 5,000 too): when half the window has resolved the next half is
  fired in one go. Timed from the first call to the last stream id received.
  \`bus.emit\` (information): 200,000 events in synchronous chunks of 10,000
  with a \`setImmediate\` between chunks, timed until
  \`stats().engine.redisWritten\` has grown by 200,000 (the offline-queue bound
  \`queueSize\` is raised from its default 10,000 so a fire-and-forget burst is
  not refused). After every eventwire run the script waits, outside the
  timing, until the bus's relay has read back everything it wrote ("relay
  catch-up"), so one run's read-back does not load the next run.
  **Peer**: \`redis-benchmark -p P -P 64 -n 200000 -q XADD bench:peer '*' f v\`
  (50 connections, its default) on the same server. For information, the
  XADD eventwire actually sends (\`MAXLEN ~ 100000 * t bench.order ts <ms> s
  <source> d <127-byte JSON> i <instance>\`), with 50 connections and with 1
  (eventwire writes on one connection). Peer streams are deleted before and
  after each run. Contenders alternate, the order rotated every round, after
  an unrecorded warm-up of 20,000 each. Headline = median of the per-round
  ratios, over the rounds in which both runs were quiet (see Noise). CPU per
  event ("client CPU"): the bus process's main (JS) thread plus its other
  threads (engine thread + V8 helpers) from \`/proc/self/task/*/stat\`, or
  redis-benchmark's own CPU (bash \`times\`); redis-server's from
  \`/proc/<pid>/stat\` (10 ms ticks). The table also shows how far the bus's
  relay fell behind its own writes and how many events it never read back.
* **2. Relay latency A → B.** Two child processes
  (\`bench/lib/redis-latency-child.js\`), each with one bus on the same stream.
  B listens with \`bus.on('lat.tick')\`; A publishes 100 events every 10 ms
  (10,000/s, timer-paced against absolute due times) with \`publish()\`, each
  carrying \`h\` = CLOCK_MONOTONIC µs (\`process.hrtime.bigint()\`, one clock
  for all processes of the machine) and \`w\` = \`performance.timeOrigin +
  performance.now()\`. B records receive − send for every event after a 1 s
  warm-up (5 s measured, 50,000 samples) and checks none is missing,
  duplicated or out of order. Two runs with the same processes; the headline
  is the run during which other processes used the least CPU (all runs are
  listed). The path: A's JS → engine inbox → XADD
  (pipelined) → Redis → B's relay \`XREAD BLOCK\` → B's engine → B's JS thread
  (\`JSON.parse\` + EE2 emit). A's own \`publish()\` → stream id time is shown
  too.
* **3. Fan-out, Redis on vs off.** Reuses the fan-out machinery unchanged:
  \`bench/loadgen.c\` (compiled to a temp dir) connects 100 /ws clients
  subscribed to \`bench.*\` and counts deliveries; the server is
  \`bench/servers/eventwire.js\` (bench/fanout.js's eventwire contender;
  \`--redis URL\` for "on"), driven by
  \`bench/lib/child.js\`'s burst loop (64 emits per loop turn, 1 ms pause
  while more than 1,024 events per client are queued; with Redis the queue
  also counts events waiting for XADD and written but not read back).
  Deliveries are counted at the clients over 3 s after 1 s of warm-up; every
  emitted event is checked to have reached every client. With Redis on,
  events reach clients only through the stream (XADD, then the relay's
  XREAD), so the path is longer, not just the write. Each session is a fresh
  server process; off/on order alternates every round; headline = median of
  the per-round on/off ratios. Round 1 also measures emit → client latency at
  500 events/s (50k deliveries/s) in both modes, for information.
* **Noise.** 2 shared cores run the bus, redis-server, the load client and
  other people's processes. Before each measurement the script waits (up to
  1.5 s) for other processes to use under 25 % of a core, and measures the
  CPU they use during the run (machine user + system time from \`/proc/stat\`
  minus this benchmark's processes; irq/softirq time, mostly our own loopback
  traffic, is left out). Medians use the "quiet" runs, during which other
  processes used ≤ 30 % of a core (all runs when none was quiet).
`;

// ---- main ------------------------------------------------------------------------------

async function main() {
  redis = await startRedis();
  console.log(`redis: ${envLine()}`);
  console.log(`redis: redis-server pid ${redis.pid} on 127.0.0.1:${redis.port}`);
  const problems = [];
  const notes = [];
  const res = {};
  const phase = async (name, fn) => {
    if (overTime()) {
      notes.push(`${name} skipped: over --max-seconds ${O.maxSeconds}`);
      return null;
    }
    const t = Date.now();
    try {
      const r = await fn(problems, notes);
      console.log(`${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return r;
    } catch (err) {
      problems.push(`${name}: ${err.message}`);
      console.log(`${name} FAILED: ${err.stack || err.message}`);
      return null;
    }
  };
  res.throughput = await phase('throughput', throughputPhase);
  res.latency = await phase('latency', latencyPhase);
  res.fanout = await phase('fan-out', fanoutPhase);
  if (overTime()) notes.push(`stopped starting new work after --max-seconds ${O.maxSeconds}: fewer runs than asked`);

  const S = summarise(res);
  for (const [c, t] of Object.entries(S.throughput)) {
    if (t.relaySkipped > 0) {
      notes.push(`${c}: the bus's relay never read back ${fmtNum(t.relaySkipped)} of ${fmtNum(t.runs * O.n)} events it wrote (max ${fmtNum(t.relayMaxLag)} events behind; MAXLEN ~ ${fmtNum(100000)} trimmed them first), so they reached no WebSocket client and no other instance's listeners`);
    }
  }
  console.log('');
  for (const l of reportLines(S, false)) console.log(l);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  for (const n of notes) console.log(`NOTE: ${n}`);
  const elapsed = (Date.now() - T0) / 1000;
  const json = {
    bench: 'redis',
    env: ENV,
    options: O,
    summary: S,
    raw: {
      throughput: res.throughput && res.throughput.runs,
      latency: res.latency,
      fanout: res.fanout && { ratios: res.fanout.ratios, runs: res.fanout.runs },
    },
    goals: S.goals,
    problems,
    notes,
    elapsedSeconds: elapsed,
  };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  if (O.writeMd) console.log(`wrote ${writeMarkdown(S, problems, notes, elapsed)}`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => {
    cleanup();
    process.exit(code);
  },
  (err) => {
    console.error(err);
    cleanup();
    process.exit(1);
  }
);
