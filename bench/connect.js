'use strict';
// bench/connect.js - Socket.IO connect storms against the machine's floor.
//
// bench/fanout.js measures connections/s of eventwire's /socket.io/ against
// socket.io 4.8. This adds the third column that says what the machine
// allows: bench/floor.c, a C server that makes only the syscalls of the
// handshake (accept4, one read and one canned write per step). Same load
// generator (bench/loadgen.c --proto sio: upgrade, open packet, 40 → 40{…},
// 421["subscribe",…] → 431), same number of connections and handshakes in
// flight, a fresh server process per run, the three servers one at a time
// in an order rotated per round.
//
//   node bench/connect.js [--rounds 5] [--n 5000] [--conc 64] [--md]
//
// Reported per server (medians over the rounds): connections/s, server CPU
// per connection, load generator CPU per connection, the machine's busy CPU
// (all processes, softirq included) per connection and in % of its cores.
// --md writes the table into BENCHMARKS.md between the connect markers.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs, machineInfo } = require('./lib/common');
const { ServerProc, LoadgenProc, procCpuUs, machineBusyUs, median } = require('./lib/procs');

const args = parseArgs(process.argv.slice(2));
const O = {
  rounds: Number(args.rounds || 5),
  n: Number(args.n || 5000),
  conc: Number(args.conc || 64),
  md: args.md === 'true',
};
const SIO_PATH = '/socket.io/?EIO=4&transport=websocket';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ew-connect-'));
const LOADGEN = path.join(TMP, 'loadgen');
const FLOOR = path.join(TMP, 'floor');
const SERVERS = {
  floor: { label: 'floor (bench/floor.c)', cmd: () => [FLOOR, []] },
  'eventwire-sio': { label: 'eventwire /socket.io/', cmd: () => [process.execPath, ['--expose-gc', path.join(__dirname, 'servers', 'eventwire.js')]] },
  socketio: { label: 'socket.io 4.8', cmd: () => [process.execPath, ['--expose-gc', path.join(__dirname, 'servers', 'socketio.js')]] },
};
const NAMES = Object.keys(SERVERS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(name) {
  const [cmd, argv] = SERVERS[name].cmd();
  const srv = new ServerProc(name, cmd, argv);
  await srv.ready();
  const lg = new LoadgenProc('loadgen', LOADGEN, ['--port', String(srv.port), '--host', '127.0.0.1', '--proto', 'sio', '--path', SIO_PATH]);
  try {
    await sleep(300);
    const s0 = procCpuUs(srv.pid);
    const l0 = await lg.stats();
    const m0 = machineBusyUs();
    const c = await lg.connect(O.n, O.conc, 90000);
    const m1 = machineBusyUs();
    const l1 = await lg.stats();
    const s1 = procCpuUs(srv.pid);
    const info = await srv.cmd({ op: 'info' });
    if (c.fail || c.ok !== O.n || info.clients !== O.n) {
      throw new Error(`${name}: ${c.ok} connected, ${c.fail} failed, the server counts ${info.clients} of ${O.n}`);
    }
    const wallUs = l1.mono_us - l0.mono_us;
    return {
      connPerSec: c.ok / (c.elapsedUs / 1e6),
      serverUsPerConn: (s1 - s0) / c.ok,
      loadgenUsPerConn: (l1.utime_us + l1.stime_us - l0.utime_us - l0.stime_us) / c.ok,
      machineUsPerConn: (m1 - m0) / c.ok,
      machinePct: (100 * (m1 - m0)) / (wallUs * os.cpus().length),
    };
  } finally {
    await lg.request('closeall').catch(() => {});
    await lg.request('quit', 2000).catch(() => {});
    await lg.stop(1000);
    await srv.cmd({ op: 'quit' }, 5000).catch(() => {});
    await srv.stop(2000);
  }
}

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const rate = (x) => (x >= 1000 ? `${fmt(x / 1000, 1)} k` : fmt(x));

async function main() {
  execFileSync('cc', ['-O2', '-o', LOADGEN, path.join(__dirname, 'loadgen.c')], { stdio: 'inherit' });
  execFileSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-o', FLOOR, path.join(__dirname, 'floor.c')], { stdio: 'inherit' });
  const env = machineInfo();
  console.log(`connect: ${O.rounds} rounds of ${fmt(O.n)} Socket.IO connections, ${O.conc} handshakes in flight, one loadgen; ${env.nproc} cores, ${env.cpu}, Linux ${env.kernel}, Node ${process.version}`);
  const res = Object.fromEntries(NAMES.map((n) => [n, []]));
  const problems = [];
  for (let r = 0; r < O.rounds; r++) {
    for (let i = 0; i < NAMES.length; i++) {
      const name = NAMES[(i + r) % NAMES.length];
      try {
        const x = await run(name);
        res[name].push(x);
        console.log(`round ${r + 1} ${name.padEnd(13)} ${rate(x.connPerSec)} conn/s; CPU per connection: server ${fmt(x.serverUsPerConn)} µs, loadgen ${fmt(x.loadgenUsPerConn)} µs, machine ${fmt(x.machineUsPerConn)} µs (${fmt(x.machinePct)}% of the cores busy)`);
      } catch (err) {
        problems.push(`round ${r + 1} ${name}: ${err.message}`);
        console.log(`round ${r + 1} ${name} FAILED: ${err.message}`);
      }
    }
  }
  const m = (name, k) => median(res[name].map((x) => x[k]));
  const rows = [
    ['connections/s (median)', 'connPerSec', rate],
    ['  server CPU per connection', 'serverUsPerConn', (x) => `${fmt(x)} µs`],
    ['  loadgen CPU per connection', 'loadgenUsPerConn', (x) => `${fmt(x)} µs`],
    ['  machine CPU per connection (all processes, softirq)', 'machineUsPerConn', (x) => `${fmt(x)} µs`],
    ['  machine busy during the storm (% of all cores)', 'machinePct', (x) => `${fmt(x)}%`],
  ];
  const lines = [
    `| metric | ${NAMES.map((n) => SERVERS[n].label).join(' | ')} |`,
    `|---|${NAMES.map(() => '---:').join('|')}|`,
    ...rows.map(([label, k, f]) => `| ${label} | ${NAMES.map((n) => f(m(n, k))).join(' | ')} |`),
  ];
  const ew = m('eventwire-sio', 'connPerSec');
  const sio = m('socketio', 'connPerSec');
  const floor = m('floor', 'connPerSec');
  const summary = [
    `eventwire ÷ socket.io: **${fmt(ew / sio, 2)}×**; floor ÷ socket.io: **${fmt(floor / sio, 2)}×** (the most any server could show here); eventwire ÷ floor: **${fmt(ew / floor, 2)}×**.`,
    `Runs per server: ${NAMES.map((n) => `${n} ${res[n].length}`).join(', ')}${problems.length ? `; problems: ${problems.join('; ')}` : ''}.`,
  ];
  console.log('');
  console.log(lines.join('\n'));
  console.log('');
  console.log(summary.join('\n'));
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'connect', env, options: O, results: res, ratios: { eventwireVsSocketio: ew / sio, floorVsSocketio: floor / sio, eventwireVsFloor: ew / floor }, problems })}`);
  if (O.md) {
    const file = path.join(__dirname, '..', 'BENCHMARKS.md');
    const START = '<!-- connect:results:start -->';
    const END = '<!-- connect:results:end -->';
    const md = fs.readFileSync(file, 'utf8');
    const a = md.indexOf(START);
    const b = md.indexOf(END);
    if (a < 0 || b < a) throw new Error('BENCHMARKS.md has no connect markers');
    const block = [
      '',
      `Run: ${new Date().toISOString().slice(0, 16)}Z, nproc ${env.nproc}, ${env.cpu}, Linux ${env.kernel}, Node ${process.version}; ${O.rounds} rounds of ${fmt(O.n)} connections, ${O.conc} in flight.`,
      '',
      ...lines,
      '',
      ...summary,
      '',
    ].join('\n');
    fs.writeFileSync(file, md.slice(0, a + START.length) + block + md.slice(b));
    console.log('BENCHMARKS.md updated');
  }
  fs.rmSync(TMP, { recursive: true, force: true });
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
