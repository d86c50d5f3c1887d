'use strict';
// bench/lib/procs.js - the orchestrator's side of bench/fanout.js: child
// processes that answer one line per request line (the bench servers speak
// JSON lines, bench/loadgen.c speaks text lines), /proc readings, and the
// statistics helpers.
const { spawn } = require('child_process');
const fs = require('fs');
const readline = require('readline');

class LineProc {
  /**
   * @param {string} name   for messages
   * @param {string} cmd
   * @param {string[]} args
   * @param {object} [env]
   */
  constructor(name, cmd, args, env) {
    this.name = name;
    this.exited = null;
    this.waiters = [];
    this.lines = [];
    this.stderr = '';
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env || process.env });
    this.pid = this.child.pid;
    this.child.stderr.on('data', (d) => {
      if (this.stderr.length < 20000) this.stderr += d.toString();
    });
    this.child.stdin.on('error', () => {});
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w.resolve(line);
      else this.lines.push(line);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      const err = new Error(`${this.name} exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.slice(-2000)}` : ''}`);
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
  }

  /** The next line from the child (bounded by timeoutMs). */
  next(timeoutMs = 30000) {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise((resolve, reject) => {
      const w = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Writes one line and resolves with the next line the child prints. */
  request(line, timeoutMs = 30000) {
    const p = this.next(timeoutMs);
    this.child.stdin.write(`${line}\n`);
    return p;
  }

  /** Ends the child: closes stdin, then SIGKILLs it after graceMs. */
  async stop(graceMs = 2000) {
    if (this.exited) return;
    try {
      this.child.stdin.end();
    } catch {
      // already closed
    }
    const done = new Promise((r) => this.child.once('exit', r));
    const t = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, graceMs);
    await done;
    clearTimeout(t);
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** JSON-lines wrapper for a bench server process. */
class ServerProc extends LineProc {
  async ready(timeoutMs = 20000) {
    const msg = JSON.parse(await this.next(timeoutMs));
    if (msg.op !== 'ready') throw new Error(`${this.name} did not start: ${JSON.stringify(msg)}`);
    this.port = msg.port;
    return msg;
  }

  async cmd(obj, timeoutMs = 60000) {
    const msg = JSON.parse(await this.request(JSON.stringify(obj), timeoutMs));
    if (msg.op === 'error') throw new Error(`${this.name}: ${msg.message}`);
    return msg;
  }
}

/** Text-lines wrapper for bench/loadgen.c. */
class LoadgenProc extends LineProc {
  static parse(line) {
    const sp = line.indexOf(' ');
    const out = { kind: sp < 0 ? line : line.slice(0, sp) };
    for (const part of (sp < 0 ? '' : line.slice(sp + 1)).split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
    }
    return out;
  }

  async stats() {
    const r = LoadgenProc.parse(await this.request('stats'));
    if (r.kind !== 'STATS') throw new Error(`${this.name}: bad stats reply`);
    const o = {};
    for (const k of Object.keys(r)) if (k !== 'kind') o[k] = Number(r[k]);
    return o;
  }

  async connect(n, conc, timeoutMs) {
    const r = LoadgenProc.parse(await this.request(`connect ${n} ${conc}`, timeoutMs));
    if (r.kind !== 'CONNECTED') throw new Error(`${this.name}: bad connect reply`);
    const nums = (s) => (s ? s.split(',').filter(Boolean).map(Number) : []);
    return {
      ok: Number(r.ok),
      fail: Number(r.fail),
      elapsedUs: Number(r.elapsed_us),
      open: Number(r.open),
      timeout: r.timeout === '1',
      t101: nums(r.t101),
      ack: nums(r.ack),
    };
  }

  async latReset() {
    await this.request('latreset');
  }

  /** [[valueUs, count], ...] */
  async lat() {
    const r = LoadgenProc.parse(await this.request('lat'));
    const hist = r.hist ? r.hist.split(',').filter(Boolean).map((p) => p.split(':').map(Number)) : [];
    return { n: Number(r.n), min: Number(r.min), max: Number(r.max), hist };
  }

  async closeAll() {
    await this.request('closeall');
  }
}

// ---- /proc ---------------------------------------------------------------

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64

/** utime+stime of a process (all threads), in microseconds. */
function procCpuUs(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Busy CPU time of the whole machine (all cores), in microseconds. */
function machineBusyUs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
    return (busy * 1e6) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function procRssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

function procThreads(pid) {
  try {
    const m = /Threads:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// ---- statistics ------------------------------------------------------------

function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** Nearest-rank percentile of raw samples. */
function percentile(xs, p) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return NaN;
  const rank = Math.min(a.length, Math.max(1, Math.ceil((p / 100) * a.length)));
  return a[rank - 1];
}

/** Merges [[value, count]] histograms. */
function mergeHist(hists) {
  const m = new Map();
  for (const h of hists) for (const [v, c] of h) m.set(v, (m.get(v) || 0) + c);
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

/** Nearest-rank percentile of a [[value, count]] histogram (sorted). */
function histPercentile(hist, p) {
  const total = hist.reduce((s, [, c]) => s + c, 0);
  if (!total) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [v, c] of hist) {
    seen += c;
    if (seen >= rank) return v;
  }
  return hist[hist.length - 1][0];
}

module.exports = {
  LineProc,
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
};
