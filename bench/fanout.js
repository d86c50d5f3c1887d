'use strict';
// bench/fanout.js - fan-out of eventwire against peers in the same run, all
// broadcasting the same ~120-byte JSON envelope to the same C clients, in
// three comparisons ("suites"):
//
//   ws   eventwire's /ws vs a `ws` server and a uWebSockets.js server (npm
//        `uws-pack`): contenders eventwire, uws, ws.
//   sio  eventwire's /socket.io/ vs a socket.io 4.8 server, both driven as
//        Socket.IO v5 / Engine.IO v4 over WebSocket: eventwire-sio, socketio.
//   sse  eventwire's /events (Server-Sent Events) vs a minimal Node `http`
//        SSE broadcaster, shown next to eventwire's own /ws numbers of the
//        same run: eventwire-sse, node-sse.
//
//   node bench/fanout.js [--quick] [--servers eventwire,uws,ws,eventwire-sio,
//        socketio,eventwire-sse,node-sse] [--rounds 5] [--sio-rounds 3]
//        [--sse-rounds 3] [--clients 100,1000] [--burst-seconds 3]
//        [--warmup 1] [--paced 1000x50,100x500] [--paced-seconds 6]
//        [--idle 5000] [--idle-rounds 3] [--conc 64] [--loadgens 1]
//        [--chunk 64] [--window 1024] [--uws-dir DIR] [--write-md [ws,sio,sse]]
//        [--md-file FILE] [--max-seconds 650] [--quiet-pct 20]
//        [--quiet-wait 8] [--clean-pct 30]
//
// --servers picks the contenders (a suite runs when any of its contenders
// is listed); --rounds is the ws suite's rounds, --sio-rounds and
// --sse-rounds the others'. Measures, per contender:
//   1. deliveries/s (events received by all clients per second) with 100 and
//      1,000 clients: the server emits as fast as it can for --warmup +
//      --burst-seconds; the rate is read at the clients over the last
//      --burst-seconds. Median over the rounds.
//   2. (ws suite only) p50/p99 emit->receive latency at a fixed 50k
//      deliveries/s (1,000 clients x 50 events/s, and 100 x 500/s): every
//      event carries its send time (CLOCK_MONOTONIC us, process.hrtime) and
//      the C client subtracts it from its own clock on receipt.
//   3. server RSS per idle subscribed connection with --idle connections:
//      (VmRSS after - VmRSS before) / N, on a fresh server process, both
//      readings after a full GC and a pause.
//   4. connections/s and connect p50/p95/p99 while opening those --idle
//      connections with --conc handshakes in flight: time from connect() to
//      the subscription's ack (/ws: the sub op's ack; Socket.IO: the 431 ack
//      of 421["subscribe",...], after the open packet and the 40 connect;
//      SSE: the `retry:` field that starts the stream), and to the 101 (SSE:
//      the 200 head).
//
// --quick: 3 ws rounds and 2 sio/sse rounds of 0.5 s + 1 s bursts, only the
// 1,000 x 50/s paced run, one idle round: about 3 minutes. The full run takes
// about 11 minutes (it stops starting new work after --max-seconds; the ws
// suite's 4th and 5th rounds come last, so they are what a busy box cuts).
// The box may be shared: before each measurement the script waits (up to
// --quiet-wait s) until other processes use under --quiet-pct % of a core,
// and medians use the runs during which they stayed under --clean-pct % (all
// runs, marked ~, when none did).
//
// Each server runs in its own process (bench/servers/{eventwire,ws,uws,
// socketio,node-sse}.js, driven over stdin/stdout by bench/lib/child.js; the
// eventwire process serves /ws, /socket.io/ and /events at once). The clients
// are bench/loadgen.c (epoll, raw sockets; --proto ws|sio|sse), compiled at
// startup with `cc -O2 -o <tmp>/loadgen bench/loadgen.c`, in --loadgens
// processes; their CPU use (getrusage) is reported so one can see they are
// not saturated. Servers run one at a time, in an order rotated every round.
// All traffic is on 127.0.0.1. Prints a table per suite, then one
// `BENCH_JSON {...}` line; with --write-md it also writes the results of
// each suite that ran (or of the listed ones: --write-md sio,sse) into the
// "## Fan-out (bench/fanout.js)" section of
// BENCHMARKS.md (only the part between that suite's result markers when
// they exist). Every wait is bounded. Exit code 1 when a measurement is
// invalid (lost events, failed connections, a server that did not start).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const {
  ServerProc,
  LoadgenProc,
  procCpuUs,
  machineBusyUs,
  procRssKb,
  procThreads,
  median,
  percentile,
  mergeHist,
  histPercentile,
} = require('./lib/procs');
const { parseArgs, sh: shCommon } = require('./lib/common');

const { performance } = require('perf_hooks');

const ROOT = path.join(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- options -----------------------------------------------------------------

// (no --no-NAME form here: `--no-x` sets args['no-x'])
const args = parseArgs(process.argv.slice(2), { negations: false });
const QUICK = args.quick === 'true';
function opt(name, full, quick, parse = Number) {
  if (args[name] === undefined) return QUICK ? quick : full;
  const v = parse(args[name]);
  if (v === undefined || (typeof v === 'number' && !(v >= 0))) {
    console.error(`bench/fanout.js: bad value for --${name}: ${args[name]}`);
    process.exit(2);
  }
  return v;
}
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const intList = (s) => list(s).map(Number);
const pacedList = (s) =>
  list(s).map((p) => {
    const m = /^(\d+)x(\d+)$/.exec(p);
    if (!m) return undefined;
    return { clients: Number(m[1]), rate: Number(m[2]) };
  });

// The contenders: which server script, which client protocol, which suite.
const SIO_PATH = '/socket.io/?EIO=4&transport=websocket';
const SSE_PATH = '/events?pattern=bench.*';
const CONTENDERS = {
  eventwire: { suite: 'ws', server: 'eventwire', proto: 'ws', path: '/ws', label: 'eventwire' },
  uws: { suite: 'ws', server: 'uws', proto: 'ws', path: '/ws', label: 'uWS (uws-pack)', short: 'uWS' },
  ws: { suite: 'ws', server: 'ws', proto: 'ws', path: '/ws', label: 'ws' },
  'eventwire-sio': { suite: 'sio', server: 'eventwire', proto: 'sio', path: SIO_PATH, label: 'eventwire /socket.io/' },
  socketio: { suite: 'sio', server: 'socketio', proto: 'sio', path: SIO_PATH, label: 'socket.io', short: 'socket.io' },
  'eventwire-sse': { suite: 'sse', server: 'eventwire', proto: 'sse', path: SSE_PATH, label: 'eventwire SSE' },
  'node-sse': { suite: 'sse', server: 'node-sse', proto: 'sse', path: SSE_PATH, label: 'Node http SSE', short: 'Node SSE' },
};
const ALL = Object.keys(CONTENDERS);

const O = {
  rounds: opt('rounds', 5, 3),
  sioRounds: opt('sio-rounds', 3, 2),
  sseRounds: opt('sse-rounds', 3, 2),
  servers: opt('servers', ALL, ALL, list),
  clients: opt('clients', [100, 1000], [100, 1000], intList),
  burstSeconds: opt('burst-seconds', 3, 1),
  warmup: opt('warmup', 1, 0.5),
  paced: opt('paced', [{ clients: 1000, rate: 50 }, { clients: 100, rate: 500 }], [{ clients: 1000, rate: 50 }], pacedList),
  pacedSeconds: opt('paced-seconds', 6, 3),
  idle: opt('idle', 5000, 5000),
  idleRounds: opt('idle-rounds', 3, 1),
  conc: opt('conc', 64, 64),
  loadgens: opt('loadgens', 1, 1),
  chunk: opt('chunk', 64, 64),
  window: opt('window', 1024, 1024),
  maxSeconds: opt('max-seconds', 650, 165),
  // This box may be shared: before each measurement wait (up to quietWait s)
  // until other processes use at most quietPct % of a core; summaries use the
  // runs during which they used at most cleanPct % (all runs if none).
  quietPct: opt('quiet-pct', 20, 20),
  quietWait: opt('quiet-wait', 8, 1.5),
  cleanPct: opt('clean-pct', 30, 30),
  // --write-md: the blocks of every suite that ran; --write-md sio,sse: only those
  writeMd: args['write-md'] !== undefined && args['write-md'] !== 'false',
  mdSuites: args['write-md'] === undefined || args['write-md'] === 'true' ? null : list(args['write-md']),
};
if (O.paced.some((p) => !p) || O.rounds < 1 || O.loadgens < 1 || O.conc < 1 || O.chunk < 1) {
  console.error('bench/fanout.js: bad options');
  process.exit(2);
}
if (O.servers.some((n) => !CONTENDERS[n])) {
  console.error(`bench/fanout.js: --servers takes ${ALL.join(',')}`);
  process.exit(2);
}
// keep the canonical order (it is the column order of the tables)
O.servers = ALL.filter((n) => O.servers.includes(n));
const T0 = Date.now();
const deadline = T0 + O.maxSeconds * 1000;
const overTime = () => Date.now() > deadline;

// ---- environment -------------------------------------------------------------------

function readJson(p) {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch {
    return null;
  }
}

function findUwsDir() {
  const cands = [];
  if (args['uws-dir']) cands.push(args['uws-dir']);
  if (process.env.UWS_PACK_DIR) cands.push(process.env.UWS_PACK_DIR);
  cands.push(ROOT);
  for (const c of cands) {
    for (const p of [path.join(c, 'node_modules', 'uws-pack'), c]) {
      const pj = readJson(path.join(p, 'package.json'));
      if (pj && pj.name === 'uws-pack' && fs.existsSync(path.join(p, 'dist', 'index.mjs'))) return { dir: p, version: pj.version };
    }
  }
  return null;
}

const sh = (cmd, cmdArgs) => shCommon(cmd, cmdArgs, 0); // no timeout

const uws = findUwsDir();
if (!uws && O.servers.includes('uws')) {
  console.error('bench/fanout.js: uws-pack not found (npm install --no-save uws-pack, or --uws-dir DIR): running without uWS');
  O.servers = O.servers.filter((s) => s !== 'uws');
}
const ENV = {
  date: new Date().toISOString(),
  nproc: Number(sh('nproc', [])) || os.cpus().length,
  cpu: (os.cpus()[0] && os.cpus()[0].model) || 'unknown',
  kernel: os.release(),
  node: process.version,
  eventwire: (readJson(path.join(ROOT, 'package.json')) || {}).version,
  ws: (readJson(path.join(ROOT, 'node_modules', 'ws', 'package.json')) || {}).version || null,
  uwsPack: uws ? uws.version : null,
  socketIo: (readJson(path.join(ROOT, 'node_modules', 'socket.io', 'package.json')) || {}).version || null,
  libwebsockets: sh('pkg-config', ['--modversion', '--with-path', path.join(ROOT, 'build-lws', 'install', 'lib', 'pkgconfig'), 'libwebsockets']),
  cc: (sh('cc', ['--version']) || '').split('\n')[0],
};
if (ENV.socketIo) CONTENDERS.socketio.label = `socket.io ${ENV.socketIo}`;

// The comparisons. `main` is eventwire's contender, `cols` the contenders
// shown (`extra`: taken from another suite of the same run, no runs of its
// own), `goals` the issue's targets (vs: a peer; abs: bytes per idle conn).
const SUITES = {
  ws: {
    key: 'ws',
    title: 'WebSocket (/ws)',
    marker: 'results',
    main: 'eventwire',
    cols: ['eventwire', 'uws', 'ws'],
    extra: [],
    rounds: O.rounds,
    paced: true,
    goals: {
      deliveries: { vs: 'uws', min: 1.0, text: '≥ 1.0× uWS' },
      rss: { abs: 1536, text: '≤ 1.5 KB (1,536 B)' },
      connRate: { vs: 'uws', min: 1.0, text: '≥ 1.0× uWS' },
      p99: { vs: 'uws', max: 1.0, text: '≤ uWS' },
    },
  },
  sio: {
    key: 'sio',
    title: 'Socket.IO (/socket.io/)',
    marker: 'socketio',
    main: 'eventwire-sio',
    cols: ['eventwire-sio', 'socketio'],
    extra: [],
    rounds: O.sioRounds,
    paced: false,
    goals: {
      deliveries: { vs: 'socketio', min: 10, text: '≥ 10× socket.io' },
      rss: { abs: 2048, text: '≤ 2 KB (2,048 B)' },
      connRate: { vs: 'socketio', min: 10, text: '≥ 10× socket.io' },
    },
  },
  sse: {
    key: 'sse',
    title: 'Server-Sent Events (/events)',
    marker: 'sse',
    main: 'eventwire-sse',
    cols: ['eventwire-sse', 'node-sse', 'eventwire'],
    extra: ['eventwire'],
    rounds: O.sseRounds,
    paced: false,
    goals: {},
  },
};
for (const su of Object.values(SUITES)) {
  su.run = su.cols.filter((n) => !su.extra.includes(n) && O.servers.includes(n));
  su.active = su.run.length > 0 && su.rounds > 0;
}
const ACTIVE = Object.values(SUITES).filter((su) => su.active);
if (O.mdSuites && O.mdSuites.some((k) => !SUITES[k])) {
  console.error(`bench/fanout.js: --write-md takes a list of ${Object.keys(SUITES).join(',')}`);
  process.exit(2);
}

// ---- processes -------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-fanout-'));
const LOADGEN = path.join(tmp, 'loadgen');
const live = new Set();

function cleanup() {
  for (const p of live) p.kill();
  live.clear();
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

async function startServer(name) {
  const env = { ...process.env };
  if (uws) env.UWS_PACK_DIR = uws.dir;
  const script = CONTENDERS[name].server;
  const p = new ServerProc(name, process.execPath, ['--expose-gc', path.join(__dirname, 'servers', `${script}.js`), '--max-seconds', String(O.maxSeconds + 120)], env);
  live.add(p);
  await p.ready();
  return p;
}

function startLoadgens(port, name) {
  const { proto, path: urlPath } = CONTENDERS[name];
  const out = [];
  for (let i = 0; i < O.loadgens; i++) {
    const p = new LoadgenProc(`loadgen${i}`, LOADGEN, ['--port', String(port), '--host', '127.0.0.1', '--proto', proto, '--path', urlPath, '--max-seconds', String(O.maxSeconds + 120)]);
    live.add(p);
    out.push(p);
  }
  return out;
}

async function stopAll(srv, lgs) {
  await Promise.all(
    lgs.map(async (l) => {
      try {
        await l.closeAll();
        await l.request('quit', 2000).catch(() => {});
      } catch {
        // gone already
      }
      await l.stop(1000);
      live.delete(l);
    })
  );
  try {
    await srv.cmd({ op: 'quit' }, 5000);
  } catch {
    // killed below
  }
  await srv.stop(2000);
  live.delete(srv);
}

const split = (n, parts) => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));

async function allStats(lgs) {
  const ss = await Promise.all(lgs.map((l) => l.stats()));
  const sum = (k) => ss.reduce((s, x) => s + x[k], 0);
  return {
    events: sum('events'),
    evbytes: sum('evbytes'),
    frames: sum('frames'),
    reads: sum('reads'),
    open: sum('open'),
    closed: sum('closed'),
    errors: sum('errors'),
    cpuUs: ss.map((x) => x.utime_us + x.stime_us),
    monoUs: ss[0].mono_us,
  };
}

function cpuPct(a, b) {
  const dt = b.monoUs - a.monoUs;
  const per = a.cpuUs.map((c, i) => (100 * (b.cpuUs[i] - c)) / dt);
  return { total: per.reduce((s, x) => s + x, 0), max: Math.max(...per) };
}

// CPU used by everything but this benchmark's processes, in % of one core.
function ourCpuUs(srv, lgs) {
  const u = process.cpuUsage();
  return procCpuUs(srv.pid) + lgs.reduce((t, l) => t + procCpuUs(l.pid), 0) + u.user + u.system;
}
function otherSnap(srv, lgs) {
  return { t: performance.now(), machine: machineBusyUs(), ours: ourCpuUs(srv, lgs) };
}
function otherPct(a, b) {
  return Math.max(0, (100 * (b.machine - a.machine - (b.ours - a.ours))) / ((b.t - a.t) * 1000));
}

async function waitQuiet(srv, lgs) {
  const t0 = Date.now();
  const end = t0 + O.quietWait * 1000;
  for (;;) {
    const a = otherSnap(srv, lgs);
    await sleep(250);
    const pct = otherPct(a, otherSnap(srv, lgs));
    if (pct <= O.quietPct || Date.now() >= end) return { waitedMs: Date.now() - t0, otherPct: pct };
  }
}

async function connectAll(lgs, n, conc) {
  if (n <= 0) return { ok: 0, fail: 0, elapsedUs: 0, t101: [], ack: [] };
  const ns = split(n, lgs.length);
  const cs = split(conc, lgs.length).map((c) => Math.max(1, c));
  const rs = await Promise.all(lgs.map((l, i) => l.connect(ns[i], cs[i], 90000)));
  return {
    ok: rs.reduce((s, r) => s + r.ok, 0),
    fail: rs.reduce((s, r) => s + r.fail, 0),
    elapsedUs: Math.max(...rs.map((r) => r.elapsedUs)),
    t101: rs.flatMap((r) => r.t101),
    ack: rs.flatMap((r) => r.ack),
  };
}

async function waitClients(srv, n, ms) {
  const end = Date.now() + ms;
  let info;
  do {
    info = await srv.cmd({ op: 'info' });
    if (info.clients >= n) return info;
    await sleep(50);
  } while (Date.now() < end);
  return info;
}

// ---- measurements ------------------------------------------------------------------

async function measureBurst(srv, lgs, clients) {
  const quiet = await waitQuiet(srv, lgs);
  const s0 = await allStats(lgs);
  const secs = O.warmup + O.burstSeconds;
  const pBurst = srv.cmd({ op: 'burst', seconds: secs, chunk: O.chunk, window: O.window }, (secs + 30) * 1000);
  await sleep(O.warmup * 1000);
  const a = await allStats(lgs);
  const ca = procCpuUs(srv.pid);
  const oa = otherSnap(srv, lgs);
  await sleep(O.burstSeconds * 1000);
  const b = await allStats(lgs);
  const cb = procCpuUs(srv.pid);
  const ob = otherSnap(srv, lgs);
  const br = await pBurst;
  const expected = br.emitted * clients;
  let end = await allStats(lgs);
  const until = Date.now() + 10000;
  while (end.events - s0.events < expected && Date.now() < until) {
    await sleep(50);
    end = await allStats(lgs);
  }
  const dt = (b.monoUs - a.monoUs) / 1e6;
  const dps = (b.events - a.events) / dt;
  const lg = cpuPct(a, b);
  const serverCpuPct = (100 * (cb - ca)) / 1e6 / dt;
  return {
    deliveriesPerSec: dps,
    eventsPerSec: dps / clients,
    serverCpuPct,
    deliveriesPerCpuSec: dps / (serverCpuPct / 100),
    otherCpuPct: otherPct(oa, ob),
    quietWaitMs: quiet.waitedMs,
    loadgenCpuPct: lg.total,
    loadgenMaxProcCpuPct: lg.max,
    bytesPerEvent: (b.evbytes - a.evbytes) / Math.max(1, b.events - a.events),
    eventsPerFrame: (b.events - a.events) / Math.max(1, b.frames - a.frames),
    eventsPerRead: (b.events - a.events) / Math.max(1, b.reads - a.reads),
    emitted: br.emitted,
    expected,
    received: end.events - s0.events,
    lost: expected - (end.events - s0.events),
    drained: br.drained,
    flowWaits: br.waits,
    closedByServer: end.closed - s0.closed,
  };
}

async function measurePaced(srv, lgs, clients, rate) {
  const quiet = await waitQuiet(srv, lgs);
  const secs = O.warmup + O.pacedSeconds;
  const p = srv.cmd({ op: 'rate', rate, seconds: secs }, (secs + 30) * 1000);
  await sleep(O.warmup * 1000);
  await Promise.all(lgs.map((l) => l.latReset()));
  const a = await allStats(lgs);
  const ca = procCpuUs(srv.pid);
  const oa = otherSnap(srv, lgs);
  await sleep(O.pacedSeconds * 1000);
  const lats = await Promise.all(lgs.map((l) => l.lat()));
  const b = await allStats(lgs);
  const cb = procCpuUs(srv.pid);
  const ob = otherSnap(srv, lgs);
  const pr = await p;
  const hist = mergeHist(lats.map((l) => l.hist));
  const dt = (b.monoUs - a.monoUs) / 1e6;
  const lg = cpuPct(a, b);
  return {
    clients,
    rate,
    deliveriesPerSec: (b.events - a.events) / dt,
    samples: lats.reduce((s, l) => s + l.n, 0),
    p50Us: histPercentile(hist, 50),
    p90Us: histPercentile(hist, 90),
    p99Us: histPercentile(hist, 99),
    p999Us: histPercentile(hist, 99.9),
    maxUs: Math.max(...lats.map((l) => l.max)),
    serverCpuPct: (100 * (cb - ca)) / 1e6 / dt,
    loadgenCpuPct: lg.total,
    otherCpuPct: otherPct(oa, ob),
    quietWaitMs: quiet.waitedMs,
    maxLateMs: pr.maxLateMs,
  };
}

async function fanoutSession(name) {
  const srv = await startServer(name);
  const lgs = startLoadgens(srv.port, name);
  const out = { bursts: {}, paced: {}, connect: {} };
  const paced = SUITES[CONTENDERS[name].suite].paced ? O.paced : [];
  try {
    let connected = 0;
    const sizes = [...new Set([...O.clients, ...paced.map((p) => p.clients)])].sort((x, y) => x - y);
    for (const n of sizes) {
      if (overTime()) break;
      const c = await connectAll(lgs, n - connected, O.conc);
      connected += c.ok;
      const info = await waitClients(srv, n, 5000);
      if (c.fail || info.clients < n) throw new Error(`${name}: ${c.fail} connects failed, server has ${info.clients}/${n} clients`);
      await sleep(200);
      if (O.clients.includes(n)) out.bursts[n] = await measureBurst(srv, lgs, n);
      for (const pc of paced.filter((x) => x.clients === n)) {
        if (overTime()) break;
        out.paced[`${pc.clients}x${pc.rate}`] = await measurePaced(srv, lgs, pc.clients, pc.rate);
      }
    }
    out.serverStats = (await srv.cmd({ op: 'info' })).stats;
    out.threads = procThreads(srv.pid);
  } finally {
    await stopAll(srv, lgs);
  }
  return out;
}

async function idleSession(name) {
  const srv = await startServer(name);
  const lgs = startLoadgens(srv.port, name);
  try {
    await sleep(300);
    await srv.cmd({ op: 'gc' });
    await sleep(200);
    const rss0 = procRssKb(srv.pid);
    const quiet = await waitQuiet(srv, lgs);
    const oa = otherSnap(srv, lgs);
    const la = await allStats(lgs);
    const ca = procCpuUs(srv.pid);
    const c = await connectAll(lgs, O.idle, O.conc);
    const cb = procCpuUs(srv.pid);
    const lb = await allStats(lgs);
    const ob = otherSnap(srv, lgs);
    const info = await waitClients(srv, O.idle, 10000);
    await sleep(1000);
    await srv.cmd({ op: 'gc' });
    await sleep(300);
    const rss1 = procRssKb(srv.pid);
    const s = await allStats(lgs);
    return {
      n: c.ok,
      fail: c.fail,
      serverClients: info.clients,
      openAtEnd: s.open,
      rssBeforeKb: rss0,
      rssAfterKb: rss1,
      rssPerConnBytes: ((rss1 - rss0) * 1024) / Math.max(1, c.ok),
      connPerSec: c.ok / (c.elapsedUs / 1e6),
      // CPU during the connect storm, in % of a core
      serverCpuPct: (100 * (cb - ca)) / (lb.monoUs - la.monoUs),
      loadgenCpuPct: cpuPct(la, lb).max,
      serverUsPerConn: (cb - ca) / Math.max(1, c.ok),
      otherCpuPct: otherPct(oa, ob),
      quietWaitMs: quiet.waitedMs,
      connectMs: {
        ack: { p50: percentile(c.ack, 50) / 1000, p95: percentile(c.ack, 95) / 1000, p99: percentile(c.ack, 99) / 1000 },
        t101: { p50: percentile(c.t101, 50) / 1000, p95: percentile(c.t101, 95) / 1000, p99: percentile(c.t101, 99) / 1000 },
      },
    };
  } finally {
    await stopAll(srv, lgs);
  }
}

// ---- report ------------------------------------------------------------------------

function fmtNum(x, digits = 0) {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
function fmtRate(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}
function fmtUs(us) {
  if (!Number.isFinite(us)) return 'n/a';
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(0)} µs`;
}
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');

// The runs during which other processes stayed under --clean-pct, or all.
function cleanRuns(runs) {
  const clean = runs.filter((x) => x.otherCpuPct <= O.cleanPct);
  return { use: clean.length ? clean : runs, clean: clean.length, all: runs.length };
}

function summarise(results) {
  const S = {};
  for (const name of O.servers) {
    const r = results[name];
    if (!r.fan.length && !r.idle.length) continue;
    const s = { bursts: {}, paced: {}, idle: null };
    for (const n of O.clients) {
      const all = r.fan.map((f) => f.bursts[n]).filter(Boolean);
      if (!all.length) continue;
      const { use: runs, clean } = cleanRuns(all);
      const m = (k) => median(runs.map((x) => x[k]));
      s.bursts[n] = {
        runs: all.length,
        clean,
        deliveriesPerSec: m('deliveriesPerSec'),
        min: Math.min(...all.map((x) => x.deliveriesPerSec)),
        max: Math.max(...all.map((x) => x.deliveriesPerSec)),
        serverCpuPct: m('serverCpuPct'),
        deliveriesPerCpuSec: m('deliveriesPerCpuSec'),
        otherCpuPct: m('otherCpuPct'),
        loadgenCpuPct: m('loadgenCpuPct'),
        loadgenMaxProcCpuPct: Math.max(...runs.map((x) => x.loadgenMaxProcCpuPct)),
        bytesPerEvent: m('bytesPerEvent'),
        eventsPerFrame: m('eventsPerFrame'),
        eventsPerRead: m('eventsPerRead'),
        lost: all.reduce((t, x) => t + Math.max(0, x.lost), 0),
        closedByServer: all.reduce((t, x) => t + x.closedByServer, 0),
      };
    }
    for (const p of O.paced) {
      const key = `${p.clients}x${p.rate}`;
      const all = r.fan.map((f) => f.paced[key]).filter(Boolean);
      if (!all.length) continue;
      const { use: runs, clean } = cleanRuns(all);
      const m = (k) => median(runs.map((x) => x[k]));
      s.paced[key] = {
        runs: all.length,
        clean,
        deliveriesPerSec: m('deliveriesPerSec'),
        p50Us: m('p50Us'),
        p99Us: m('p99Us'),
        p999Us: m('p999Us'),
        maxUs: Math.max(...runs.map((x) => x.maxUs)),
        serverCpuPct: m('serverCpuPct'),
        loadgenCpuPct: m('loadgenCpuPct'),
        otherCpuPct: m('otherCpuPct'),
      };
    }
    if (r.idle.length) {
      const { use: runs, clean } = cleanRuns(r.idle);
      const m = (f) => median(runs.map(f));
      s.idle = {
        runs: r.idle.length,
        clean,
        n: r.idle[0].n,
        rssPerConnBytes: m((x) => x.rssPerConnBytes),
        rssBeforeKb: m((x) => x.rssBeforeKb),
        rssAfterKb: m((x) => x.rssAfterKb),
        connPerSec: m((x) => x.connPerSec),
        serverCpuPct: m((x) => x.serverCpuPct),
        loadgenCpuPct: m((x) => x.loadgenCpuPct),
        serverUsPerConn: m((x) => x.serverUsPerConn),
        ackP50Ms: m((x) => x.connectMs.ack.p50),
        ackP95Ms: m((x) => x.connectMs.ack.p95),
        ackP99Ms: m((x) => x.connectMs.ack.p99),
        t101P95Ms: m((x) => x.connectMs.t101.p95),
        otherCpuPct: m((x) => x.otherCpuPct),
        fail: r.idle.reduce((t, x) => t + x.fail, 0),
      };
    }
    s.threads = r.fan.length ? r.fan[0].threads : null;
    S[name] = s;
  }
  return S;
}

// The rows of a suite's table; vals follow su.cols.
function buildRows(su, S) {
  const rows = [];
  const get = (name, f) => (S[name] ? f(S[name]) : NaN);
  // q(s): how many quiet runs the median of the row came from (0 = only noisy runs)
  let q = () => 1;
  const add = (label, f, fmt, goal, noRatio) => rows.push({ label, vals: su.cols.map((n) => get(n, f)), f, fmt, goal, noRatio, q });
  const pct = (x) => (Number.isFinite(x) ? `${x.toFixed(0)}%` : 'n/a');
  for (const n of O.clients) {
    q = (s) => (s.bursts[n] ? s.bursts[n].clean : 1);
    add(`deliveries/s, ${fmtNum(n)} clients (burst, median)`, (s) => s.bursts[n] && s.bursts[n].deliveriesPerSec, fmtRate, su.goals.deliveries);
  }
  for (const n of O.clients) {
    q = (s) => (s.bursts[n] ? s.bursts[n].clean : 1);
    add(`  server CPU (% of a core), ${fmtNum(n)} cl`, (s) => s.bursts[n] && s.bursts[n].serverCpuPct, pct, null, true);
    add(`  deliveries per server CPU-second, ${fmtNum(n)} cl`, (s) => s.bursts[n] && s.bursts[n].deliveriesPerCpuSec, fmtRate);
    add(`  loadgen CPU (% of a core, max per process), ${fmtNum(n)} cl`, (s) => s.bursts[n] && s.bursts[n].loadgenMaxProcCpuPct, pct, null, true);
  }
  if (su.paced) {
    for (const p of O.paced) {
      const key = `${p.clients}x${p.rate}`;
      q = (s) => (s.paced[key] ? s.paced[key].clean : 1);
      add(`p50 latency, ${fmtNum(p.clients)} cl × ${p.rate}/s`, (s) => s.paced[key] && s.paced[key].p50Us, fmtUs);
      add(`p99 latency, ${fmtNum(p.clients)} cl × ${p.rate}/s`, (s) => s.paced[key] && s.paced[key].p99Us, fmtUs, su.goals.p99);
    }
  }
  q = (s) => (s.idle ? s.idle.clean : 1);
  add(`RSS per idle connection (${fmtNum(O.idle)} conns)`, (s) => s.idle && s.idle.rssPerConnBytes, (x) => (Number.isFinite(x) ? `${fmtNum(x)} B` : 'n/a'), su.goals.rss);
  add(`connections/s (${O.conc} in flight)`, (s) => s.idle && s.idle.connPerSec, fmtRate, su.goals.connRate);
  add('  server CPU per connection (connect storm)', (s) => s.idle && s.idle.serverUsPerConn, fmtUs);
  const ackWhat = { ws: 'sub ack', sio: 'subscribe ack (431)', sse: 'stream start (retry:; /ws: sub ack)' }[su.key];
  add(`connect p95, to ${ackWhat}`, (s) => s.idle && s.idle.ackP95Ms * 1000, fmtUs);
  add(su.key === 'sse' ? 'connect p95, to the 200 head (/ws: 101)' : 'connect p95, to 101', (s) => s.idle && s.idle.t101P95Ms * 1000, fmtUs);
  return rows;
}

const shortName = (n) => CONTENDERS[n].short || CONTENDERS[n].label;
// Ratio columns: su.main ÷ every other column.
function ratioCols(su) {
  return su.cols.filter((n) => n !== su.main);
}
function ratioHead(su, peer) {
  if (su.key === 'sse') return peer === 'eventwire' ? 'SSE ÷ /ws' : `SSE ÷ ${shortName(peer)}`;
  return `eventwire/${shortName(peer)}`;
}
function colHead(su, n) {
  return su.extra.includes(n) ? `${CONTENDERS[n].label} /ws (same run)` : CONTENDERS[n].label;
}

function goalText(row, S, su) {
  if (!row.goal) return '';
  const noisy = [S[su.main], row.goal.vs && S[row.goal.vs]].some((s) => s && row.q(s) === 0);
  const text = goalVerdict(row, S, su);
  return noisy && !row.goal.abs ? `${text} (no quiet run: unreliable)` : text;
}

function goalVerdict(row, S, su) {
  const ew = S[su.main] ? row.f(S[su.main]) : NaN;
  if (!Number.isFinite(ew)) return 'n/a (no eventwire result)';
  const g = row.goal;
  if (g.abs) {
    const ok = ew <= g.abs;
    return `${g.text}: ${ok ? 'met' : `MISSED by ${fmtNum(ew - g.abs)} B (${((ew / g.abs - 1) * 100).toFixed(0)}% over)`}`;
  }
  if (!S[g.vs]) return 'n/a (peer not run)';
  const r = ratio(ew, row.f(S[g.vs]));
  if (!Number.isFinite(r)) return 'n/a';
  if (g.min !== undefined) return `${g.text}: ${r >= g.min ? 'met' : `MISSED (${((1 - r / g.min) * 100).toFixed(0)}% short)`}`;
  return `${g.text}: ${r <= g.max ? 'met' : `MISSED (${((r / g.max - 1) * 100).toFixed(0)}% over)`}`;
}

function tableLines(su, rows, S, md) {
  const peers = ratioCols(su);
  const hasGoals = Object.keys(su.goals).length > 0;
  const mi = su.cols.indexOf(su.main);
  const head = ['metric', ...su.cols.map((n) => colHead(su, n)), ...peers.map((p) => ratioHead(su, p)), ...(hasGoals ? ['goal (issue)'] : [])];
  const body = rows.map((row) => {
    const ew = row.vals[mi];
    return [
      row.label,
      ...row.vals.map((v, i) => row.fmt(v) + (S[su.cols[i]] && row.q(S[su.cols[i]]) === 0 ? ' ~' : '')),
      ...peers.map((p) => (row.noRatio ? '' : fmtRatio(ratio(ew, row.vals[su.cols.indexOf(p)])))),
      ...(hasGoals ? [goalText(row, S, su)] : []),
    ];
  });
  const textCol = (i) => i === 0 || (hasGoals && i === head.length - 1);
  if (md) {
    return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (textCol(i) ? '---' : '---:')).join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)];
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (textCol(i) ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...body.map(line)];
}

function detailLines(names, S, md) {
  const out = [];
  const bullet = md ? '- ' : '  ';
  for (const name of names) {
    const s = S[name];
    if (!s) continue;
    const parts = [];
    for (const n of O.clients) {
      const b = s.bursts[n];
      if (!b) continue;
      parts.push(
        `${n} cl: ${fmtRate(b.deliveriesPerSec)}/s (min ${fmtRate(b.min)}, max ${fmtRate(b.max)} over ${b.runs} runs, median of ${b.clean || b.runs} ${b.clean ? 'quiet' : 'NOISY'} ones), server CPU ${b.serverCpuPct.toFixed(0)}% (${fmtRate(b.deliveriesPerCpuSec)} deliveries per CPU-second), loadgen CPU ${b.loadgenCpuPct.toFixed(0)}% (max per process ${b.loadgenMaxProcCpuPct.toFixed(0)}%), other processes ${b.otherCpuPct.toFixed(0)}%, ${b.bytesPerEvent.toFixed(1)} B/event payload, ${b.eventsPerFrame.toFixed(2)} events/frame, ${b.eventsPerRead.toFixed(1)} events/read, lost ${b.lost}`
      );
    }
    for (const [key, p] of Object.entries(s.paced)) {
      parts.push(`paced ${key}/s (${p.clean || p.runs} of ${p.runs} runs${p.clean ? ' quiet' : ', NOISY'}): ${fmtRate(p.deliveriesPerSec)} deliveries/s, p50 ${fmtUs(p.p50Us)}, p99 ${fmtUs(p.p99Us)}, p99.9 ${fmtUs(p.p999Us)}, max ${fmtUs(p.maxUs)}, server CPU ${p.serverCpuPct.toFixed(0)}%, loadgen CPU ${p.loadgenCpuPct.toFixed(0)}%, other processes ${p.otherCpuPct.toFixed(0)}%`);
    }
    if (s.idle) {
      const i = s.idle;
      const head = CONTENDERS[name].proto === 'sse' ? '200 head' : '101';
      parts.push(`idle ${fmtNum(i.n)}: RSS ${fmtNum(i.rssBeforeKb)} → ${fmtNum(i.rssAfterKb)} kB = ${fmtNum(i.rssPerConnBytes)} B/conn; ${fmtRate(i.connPerSec)} conn/s (server CPU ${i.serverCpuPct.toFixed(0)}%, loadgen CPU ${i.loadgenCpuPct.toFixed(0)}% while connecting); connect to ack p50/p95/p99 ${i.ackP50Ms.toFixed(2)}/${i.ackP95Ms.toFixed(2)}/${i.ackP99Ms.toFixed(2)} ms, to ${head} p95 ${i.t101P95Ms.toFixed(2)} ms (${i.runs} runs, ${i.clean} quiet, ${i.fail} connections failed), other processes ${i.otherCpuPct.toFixed(0)}%`);
    }
    out.push(`${bullet}**${CONTENDERS[name].label}** (${s.threads} threads): ${parts.join('; ')}`.replace(/\*\*/g, md ? '**' : ''));
  }
  return out;
}

function envLine() {
  return `${ENV.date.slice(0, 10)}, nproc ${ENV.nproc}, ${ENV.cpu}, Linux ${ENV.kernel}, Node ${ENV.node}, eventwire ${ENV.eventwire} (libwebsockets ${ENV.libwebsockets || '?'}), ws ${ENV.ws || 'n/a'}, uws-pack ${ENV.uwsPack || 'n/a'} (uWebSockets.js v20), socket.io ${ENV.socketIo || 'n/a'}, loadgen built with ${ENV.cc}`;
}

function settingsLine(su) {
  const paced = su.paced ? `; paced ${O.warmup}s + ${O.pacedSeconds}s` : '';
  return `${su.rounds} rounds (servers one at a time, order rotated per round); bursts ${O.warmup}s warm-up + ${O.burstSeconds}s measured, chunk ${O.chunk} events per loop turn, window ${O.window} events/client queued in the server${paced}; ${fmtNum(O.idle)} idle connections (${Math.min(O.idleRounds, su.rounds)} rounds), ${O.conc} handshakes in flight; ${O.loadgens} loadgen process(es)${QUICK ? '; --quick' : ''}`;
}

const RATIO_NOTE = {
  ws: 'Ratios are eventwire ÷ peer: above 1 is better for deliveries/s and connections/s, below 1 is better for latency, memory and connect time.',
  sio: 'Ratios are eventwire ÷ socket.io: above 1 is better for deliveries/s and connections/s, below 1 is better for memory and connect time.',
  sse: 'Ratios are eventwire SSE ÷ the other column: the Node SSE peer, and eventwire\'s own /ws measured in this same run (the /ws table may come from another run: compare its Run line). Above 1 is better for deliveries/s and connections/s, below 1 is better for memory and connect time. The issue sets no numeric SSE goal.',
};

function suiteBlock(su, S, problems, notes) {
  const mine = (x) => !x.suite || x.suite === su.key;
  const P = problems.filter(mine).map((x) => x.text);
  const N = notes.filter(mine).map((x) => x.text);
  const START = `<!-- fanout:${su.marker}:start -->`;
  const END = `<!-- fanout:${su.marker}:end -->`;
  const block = [
    START,
    '',
    `Run: ${envLine()}.`,
    '',
    `Settings: ${settingsLine(su)}.`,
    '',
    ...tableLines(su, buildRows(su, S), S, true),
    '',
    `${RATIO_NOTE[su.key]} A \`~\` marks a median taken from runs during which other processes used more than --clean-pct of a core (no quiet run).`,
    '',
    ...detailLines(su.run, S, true),
    '',
    ...(P.length || N.length ? [...P.map((p) => `- PROBLEM: ${p}`), ...N.map((n) => `- NOTE: ${n}`), ''] : []),
    END,
  ].join('\n');
  return { START, END, block };
}

const FANOUT_HEADING = '## Fan-out (bench/fanout.js)';
const SUB_HEADING = { sio: '### Socket.IO', sse: '### SSE' };

// [start, end) of the Fan-out section in text (end: the next "## " heading or EOF).
function fanoutSection(text) {
  const a = text.indexOf(`\n${FANOUT_HEADING}\n`);
  if (a < 0) return null;
  const b = text.indexOf('\n## ', a + FANOUT_HEADING.length + 1);
  return [a + 1, b < 0 ? text.length : b + 1];
}

function writeMarkdown(S, problems, notes) {
  const file = args['md-file'] ? path.resolve(args['md-file']) : path.join(ROOT, 'BENCHMARKS.md');
  // Re-read right before writing: another section may have been added since.
  let cur = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  for (const su of ACTIVE) {
    if (O.mdSuites && !O.mdSuites.includes(su.key)) continue;
    const { START, END, block } = suiteBlock(su, S, problems, notes);
    const si = cur.indexOf(START);
    const ei = cur.indexOf(END);
    if (si >= 0 && ei > si) {
      cur = cur.slice(0, si) + block + cur.slice(ei + END.length);
      continue;
    }
    if (su.key === 'ws' && !fanoutSection(cur)) {
    const intro = [
      FANOUT_HEADING,
      '',
      '```sh',
      'node bench/fanout.js                 # /ws, Socket.IO and SSE suites, about 11 min',
      'node bench/fanout.js --quick         # shorter rounds, 1 idle round, about 3 min',
      'node bench/fanout.js --write-md      # also rewrites the results blocks below',
      '```',
      '',
      'Needs `uws-pack` for the uWebSockets.js peer (`npm install --no-save uws-pack@20`, or',
      '`--uws-dir DIR` / `UWS_PACK_DIR` pointing at a directory where it is installed); without it',
      'the uWS column is skipped. Prints a table and one `BENCH_JSON {...}` line; exit code 1 only',
      'when a measurement is invalid (lost events, failed connections, a server that did not start).',
      '',
      '**Goals (issue):** deliveries/s ≥ 1.0× uWS; ≤ 1.5 KB of server RSS per idle connection;',
      'connections/s ≥ uWS; p99 latency at a fixed 50k deliveries/s ≤ uWS.',
      '',
      '### Method',
      '',
      '* **Servers**, each in its own process, one at a time, order rotated every round',
      '  (`bench/servers/*.js`, driven over stdin/stdout by `bench/lib/child.js`):',
      '  * **eventwire**: `new EventBus({ source: \'bench\', server: { host: \'127.0.0.1\', heartbeatMs: 0,',
      '    maxConnections: 100000, backlog: { maxFrames: 65536, maxBytes: 64 MiB } } })`; every event is',
      '    `bus.emit(\'bench.tick\', { t, n })` and the engine builds and fans out its envelope.',
      '  * **ws** 8: `http` server + `WebSocketServer({ path: \'/ws\', perMessageDeflate: false })`; every',
      '    event is serialised once into a Buffer and `ws.send(buf, { binary: false })` to each client.',
      '  * **uWS** (`uws-pack`, the uWebSockets.js v20 binaries): `App().ws(\'/*\', { compression: DISABLED,',
      '    maxBackpressure: 64 MiB, ... })`, `ws.subscribe(\'bench\')` on open, one `app.publish(\'bench\', text)`',
      '    per event.',
      '  * The peers broadcast to every connection, but parse the client\'s `sub` op and ack it',
      '    (`{"op":"ack","ref":1}`) like eventwire does.',
      '* **Payload.** The peers send a pre-serialised string with the fields, order and sizes of',
      '  eventwire\'s envelope: `{"id":"<ms>-<seq>","type":"bench.tick","data":{"t":<µs>,"n":<n>},"source":"bench","timestamp":<ms>}`.',
      '  `t` is the send time (CLOCK_MONOTONIC µs, `process.hrtime()`). The payload bytes per event',
      '  measured at the clients are in the details below (118–124 B, plus a 2-byte frame header).',
      '* **Clients:** `bench/loadgen.c`, compiled at start with `cc -O2`. One process drives all',
      '  sockets with non-blocking raw sockets and one epoll loop: TCP connect, HTTP upgrade, a',
      '  masked `{"op":"sub","patterns":["bench.*"],"ref":1}`, then it parses every frame, counts',
      '  events and computes latency from `t` against its own CLOCK_MONOTONIC. Its CPU use',
      '  (getrusage) is reported.',
      '* **Burst (deliveries/s):** the server emits 64 events per event-loop turn and pauses 1 ms while',
      '  more than 1,024 events per client are queued inside it (eventwire: engine inbox + per-connection',
      '  backlog; peers: `bufferedAmount` / `getBufferedAmount()`). Deliveries are counted at the',
      '  clients over the measured seconds after the warm-up. Every emitted event is checked to have',
      '  reached every client.',
      '* **Paced latency:** 1,000 clients × 50 events/s and 100 clients × 500 events/s (50,000',
      '  deliveries/s each); p50/p99 of emit→receive over the measured seconds.',
      '* **Idle connections:** a fresh server process; VmRSS (`/proc/<pid>/status`) after a full GC,',
      '  then 5,000 connections are opened with 64 handshakes in flight and subscribed, then VmRSS',
      '  again after 1 s and a full GC. connections/s = 5,000 ÷ (first connect() → last sub ack);',
      '  connect time per connection = connect() → sub ack (and → 101).',
      '* **Noise.** The machine has 2 cores, shared by the server, the load generator and other',
      '  people\'s processes. Before each measurement the script waits (up to 8 s) until other processes',
      '  use under 20 % of a core, and the medians use only the runs in which they stayed under 30 %',
      '  ("quiet" runs; all runs when none was quiet).',
      '* **Caveats.** eventwire runs two threads (JS + engine), ws and uWS one: see the server CPU and',
      '  deliveries per CPU-second rows. On loopback the sender\'s `sendmsg` also runs the receiver\'s',
      '  TCP input path, so server CPU includes part of the receiving cost. Server and load generator',
      '  together use most of the 2 cores during bursts.',
      '',
    ].join('\n');
      cur = `${cur.replace(/\s*$/, '')}\n\n${intro}\n${block}\n`;
      continue;
    }
    if (!fanoutSection(cur)) cur = `${cur.replace(/\s*$/, '')}\n\n${FANOUT_HEADING}\n`;
    const [a, b] = fanoutSection(cur);
    const section = cur.slice(a, b);
    const sub = su.key === 'ws' ? '### Method' : SUB_HEADING[su.key];
    const h = section.indexOf(`\n${sub}\n`);
    let at;
    let insert;
    if (h >= 0) {
      // at the end of that subsection
      const nxt = section.indexOf('\n### ', h + sub.length + 1);
      at = a + (nxt < 0 ? section.length : nxt + 1);
      insert = `${block}\n\n`;
    } else {
      at = b;
      insert = `${su.key === 'ws' ? '### Results' : sub}\n\n${block}\n\n`;
    }
    const before = cur.slice(0, at).replace(/\s*$/, '\n\n');
    cur = before + insert + cur.slice(at).replace(/^\s*/, '');
  }
  fs.writeFileSync(file, cur.replace(/\s*$/, '\n'));
  return file;
}

// A session that fails (a server that does not start, a timeout) is run once
// more; the failure stays listed as a problem.
async function retryOnce(fn, what, notes) {
  try {
    return await fn();
  } catch (err) {
    notes.push(`${what} failed and was run again: ${err.message}`);
    console.log(`${what} FAILED (${err.message}), retrying once`);
    if (overTime()) throw err;
    return fn();
  }
}

// ---- main ----------------------------------------------------------------------------

async function main() {
  if (!ACTIVE.length) {
    console.error('bench/fanout.js: nothing to run (check --servers and the rounds options)');
    return 2;
  }
  execFileSync('cc', ['-O2', '-o', LOADGEN, path.join(__dirname, 'loadgen.c')], { stdio: 'inherit' });
  console.log(`fanout: ${envLine()}`);
  for (const su of ACTIVE) console.log(`fanout: ${su.key}: ${su.run.join(', ')}: ${settingsLine(su)}`);
  const results = {};
  for (const n of O.servers) results[n] = { fan: [], idle: [] };
  const problems = [];
  const notes = [];
  const noteList = [];
  const suiteOf = (name) => CONTENDERS[name].suite;
  const maxRounds = Math.max(...ACTIVE.map((su) => su.rounds));
  // Every round runs each suite's fan-out sessions, then (the first
  // --idle-rounds rounds) the idle sessions. The ws suite has the most
  // rounds: its last ones come after every other suite is done.
  for (let r = 0; r < maxRounds && !overTime(); r++) {
    const suites = ACTIVE.filter((su) => r < su.rounds);
    for (const su of suites) {
      const order = su.run.map((_, i) => su.run[(i + r) % su.run.length]);
      for (const name of order) {
        if (overTime()) break;
        const t = Date.now();
        try {
          const f = await retryOnce(() => fanoutSession(name), `${name} fan-out round ${r + 1}`, noteList);
          results[name].fan.push(f);
          const bits = Object.entries(f.bursts).map(([n, b]) => `${n} cl ${fmtRate(b.deliveriesPerSec)}/s (srv ${b.serverCpuPct.toFixed(0)}%, lg ${b.loadgenCpuPct.toFixed(0)}%, other ${b.otherCpuPct.toFixed(0)}%${b.lost ? `, LOST ${b.lost}` : ''})`);
          bits.push(...Object.entries(f.paced).map(([k, p]) => `${k}/s p50 ${fmtUs(p.p50Us)} p99 ${fmtUs(p.p99Us)} (other ${p.otherCpuPct.toFixed(0)}%)`));
          console.log(`round ${r + 1} ${name.padEnd(13)} fan-out: ${bits.join(', ')} [${((Date.now() - t) / 1000).toFixed(1)}s]`);
          for (const [n, b] of Object.entries(f.bursts)) {
            if (b.lost > 0) problems.push({ suite: su.key, text: `${name}: ${b.lost} events lost with ${n} clients` });
            if (b.closedByServer > 0) problems.push({ suite: su.key, text: `${name}: ${b.closedByServer} connections closed by the server during a burst` });
          }
        } catch (err) {
          problems.push({ suite: su.key, text: `${name} fan-out round ${r + 1}: ${err.message}` });
          console.log(`round ${r + 1} ${name} fan-out FAILED: ${err.message}`);
        }
      }
    }
    if (r >= O.idleRounds) continue;
    for (const su of suites) {
      const order = su.run.map((_, i) => su.run[(i + r) % su.run.length]);
      for (const name of order) {
        if (overTime()) break;
        const t = Date.now();
        try {
          const i = await retryOnce(() => idleSession(name), `${name} idle round ${r + 1}`, noteList);
          results[name].idle.push(i);
          console.log(`round ${r + 1} ${name.padEnd(13)} idle ${i.n}: ${fmtNum(i.rssPerConnBytes)} B/conn, ${fmtRate(i.connPerSec)} conn/s (srv ${i.serverCpuPct.toFixed(0)}%, lg ${i.loadgenCpuPct.toFixed(0)}%), connect p95 ${i.connectMs.ack.p95.toFixed(2)} ms (other ${i.otherCpuPct.toFixed(0)}%) [${((Date.now() - t) / 1000).toFixed(1)}s]`);
          if (i.fail) problems.push({ suite: su.key, text: `${name}: ${i.fail} of ${O.idle} connections failed` });
        } catch (err) {
          problems.push({ suite: su.key, text: `${name} idle round ${r + 1}: ${err.message}` });
          console.log(`round ${r + 1} ${name} idle FAILED: ${err.message}`);
        }
      }
    }
  }
  for (const text of noteList) {
    const name = text.split(' ')[0];
    notes.push({ suite: CONTENDERS[name] ? suiteOf(name) : null, text });
  }
  if (overTime()) notes.push({ suite: null, text: `stopped starting new work after --max-seconds ${O.maxSeconds}: fewer runs than asked` });

  const S = summarise(results);
  const json = { bench: 'fanout', env: ENV, options: { ...O, quick: QUICK }, summary: S, suites: {}, problems: problems.map((p) => p.text), notes: notes.map((n) => n.text) };
  for (const su of ACTIVE) {
    const rows = buildRows(su, S);
    console.log('');
    console.log(`== ${su.title}: ${su.cols.map((n) => colHead(su, n)).join(' vs ')}`);
    for (const l of tableLines(su, rows, S, false)) console.log(l);
    const mi = su.cols.indexOf(su.main);
    json.suites[su.key] = {
      contenders: su.cols,
      ratios: Object.fromEntries(rows.map((row) => [row.label, Object.fromEntries(ratioCols(su).map((p) => [p, ratio(row.vals[mi], row.vals[su.cols.indexOf(p)])]))])),
      goals: Object.fromEntries(rows.filter((r) => r.goal).map((r) => [r.label, goalText(r, S, su)])),
    };
  }
  console.log('~ = median of noisy runs only (other processes used a core while it ran)');
  console.log('');
  for (const l of detailLines(O.servers, S, false)) console.log(l);
  if (problems.length || notes.length) {
    console.log('');
    for (const p of problems) console.log(`PROBLEM: ${p.text}`);
    for (const n of notes) console.log(`NOTE: ${n.text}`);
  }
  json.elapsedSeconds = (Date.now() - T0) / 1000;
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  if (O.writeMd) console.log(`wrote ${writeMarkdown(S, problems, notes)}`);
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
