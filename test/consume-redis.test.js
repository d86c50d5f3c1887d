'use strict';
// Durable consumers in Redis mode (lib/consumer.js, RedisGroup): consumer
// groups on the bus's stream, shared between processes, retries, dead
// letters, XAUTOCLAIM of a dead worker's entries, batches, concurrency,
// startFrom, close() and a Redis outage. Every test has its own redis-server
// (test/helpers/redis.js); separate workers run test/fixtures/consumer-worker.js.
const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { RedisServer } = require('./helpers/redis');
const { waitFor } = require('./helpers/net');
const { TestClient } = require('./helpers/wsclient');

jest.setTimeout(30000);

const STREAM = 'eventwire:events';
const WORKER = path.join(__dirname, 'fixtures', 'consumer-worker.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Everything a test opened, closed in afterEach whatever happened.
const servers = [];
const buses = [];
const workers = [];
const clients = [];
const tmpDirs = [];
const busErrors = new WeakMap();

async function startRedis(extraArgs) {
  const s = await RedisServer.start(extraArgs);
  servers.push(s);
  return s;
}

async function openBus(server, extra = {}) {
  const bus = new EventBus({ redis: server.url(), ...extra });
  const errors = [];
  busErrors.set(bus, errors);
  bus.on('error', (err) => errors.push(err));
  buses.push(bus);
  await bus.listen();
  return bus;
}

async function closeBuses(...list) {
  await Promise.all(list.map((b) => b.close()));
}

/** A worker process (fixtures/consumer-worker.js) with its reports. */
class Worker {
  constructor(server) {
    this.proc = fork(WORKER, [server.url()], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.pid = this.proc.pid;
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.handled = [];
    this.hung = [];
    this.replies = new Map();
    this.seq = 0;
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'listen-failed') reject(new Error(`worker listen failed: ${m.code} ${m.message}`));
        else if (m.kind === 'handled') this.handled.push(m);
        else if (m.kind === 'hung') this.hung.push(m);
        else if (m.kind === 'reply') {
          const r = this.replies.get(m.seq);
          if (r) {
            this.replies.delete(m.seq);
            r(m);
          }
        }
      });
      this.proc.once('exit', () => reject(new Error(`worker exited before ready: ${this.stderr}`)));
    });
    workers.push(this);
  }

  request(cmd, body = {}, timeoutMs = 5000) {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(seq);
        reject(new Error(`worker ${this.pid} did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(seq, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(m.error));
        else resolve(m);
      });
      this.proc.send({ cmd, seq, ...body });
    });
  }

  consume(pattern, options, extra = {}) {
    return this.request('consume', { pattern, options, ...extra });
  }

  async close() {
    const r = await this.request('close', {}, 15000);
    await this.exited;
    return r;
  }

  kill(signal = 'SIGKILL') {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

async function startWorker(server) {
  const w = new Worker(server);
  await w.ready;
  return w;
}

// ---- Redis inspection (through the helper's RESP client) ----------------------

/** XPENDING <stream> <group> summary: the number of pending entries. */
async function xpending(server, group) {
  const r = await server.command('XPENDING', STREAM, group);
  if (r && r.error) throw new Error(r.error);
  return r[0];
}

/** XINFO GROUPS as { name: { pending, lag, 'last-delivered-id', ... } }. */
async function groupsInfo(server) {
  const r = await server.command('XINFO', 'GROUPS', STREAM);
  if (!Array.isArray(r)) return {};
  const out = {};
  for (const g of r) {
    const o = {};
    for (let i = 0; i + 1 < g.length; i += 2) o[g[i]] = g[i + 1];
    out[o.name] = o;
  }
  return out;
}

function waitGroups(server, names, timeoutMs = 5000) {
  return waitFor(async () => {
    const info = await groupsInfo(server);
    return names.every((n) => info[n]);
  }, { timeoutMs, what: `groups ${names.join(', ')}` });
}

/** Waits until a group has read the whole stream and acked everything. */
function waitDrained(server, group, timeoutMs = 10000) {
  return waitFor(async () => {
    const g = (await groupsInfo(server))[group];
    return g && g.pending === 0 && g.lag === 0;
  }, { timeoutMs, what: `group ${group} drained (pending 0, lag 0)` });
}

function range(from, to) {
  const out = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function countBy(list) {
  const m = new Map();
  for (const x of list) m.set(x, (m.get(x) || 0) + 1);
  return m;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(buses.splice(0).map((b) => {
    let timer;
    const limit = new Promise((r) => { timer = setTimeout(r, 5000); });
    return Promise.race([b.close(), limit]).catch(() => {}).finally(() => clearTimeout(timer));
  }));
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

// ---- the tests ----------------------------------------------------------------------

test('two worker processes in one group share the work: every matching event exactly once, non-matching never', async () => {
  const server = await startRedis();
  const [a, b] = await Promise.all([startWorker(server), startWorker(server)]);
  await a.consume('order.*', { group: 'billing', consumer: 'wa', concurrency: 4 }, { delayMs: 2 });
  await b.consume('order.*', { group: 'billing', consumer: 'wb', concurrency: 4 }, { delayMs: 2 });
  await waitGroups(server, ['billing']);

  const pub = await openBus(server);
  const types = (n) => (n % 5 === 3 ? 'user.created' : n % 5 === 4 ? 'order.item.added' : n % 2 ? 'order.paid' : 'order.created');
  const ids = await Promise.all(range(0, 200).map((n) => pub.publish(types(n), { n })));
  const matching = range(0, 200).filter((n) => n % 5 < 3);
  expect(matching).toHaveLength(120);

  await waitFor(() => new Set([...a.handled, ...b.handled].map((h) => h.n)).size >= 120, {
    timeoutMs: 15000, what: 'all 120 matching events handled',
  });
  await waitDrained(server, 'billing');
  await sleep(300); // a late duplicate would show up here

  const all = [...a.handled, ...b.handled];
  const counts = countBy(all.map((h) => h.n));
  expect([...counts.keys()].sort((x, y) => x - y)).toEqual(matching); // union = all, nothing else
  expect([...counts.values()].every((k) => k === 1)).toBe(true); // exactly once
  const na = new Set(a.handled.map((h) => h.n));
  expect(b.handled.filter((h) => na.has(h.n))).toEqual([]); // intersection empty
  expect(a.handled.length).toBeGreaterThan(0);
  expect(b.handled.length).toBeGreaterThan(0);
  expect(a.handled.length + b.handled.length).toBe(120);
  for (const h of all) {
    expect(h.id).toBe(ids[h.n]);
    expect(h.type).toBe(types(h.n));
    expect(h.attempt).toBe(1);
  }
  expect(await xpending(server, 'billing')).toBe(0);
  expect(await server.cli('XPENDING', STREAM, 'billing')).toMatch(/^0\b/);

  await closeBuses(pub);
  expect(native.allocLive()).toBe(0);
  const [ra, rb] = await Promise.all([a.close(), b.close()]);
  expect(ra.allocLive).toBe(0);
  expect(rb.allocLive).toBe(0);
  expect(ra.errors).toEqual([]);
  expect(rb.errors).toEqual([]);
});

test('a worker SIGKILLed mid-handler: its pending event is claimed (XAUTOCLAIM) and handled by the other worker, none lost', async () => {
  const server = await startRedis();
  const [a, b] = await Promise.all([startWorker(server), startWorker(server)]);
  // Whichever worker gets n = 7 first hangs on it (first delivery only).
  const extra = { hangOn: [7], hangAttempts: 1 };
  await a.consume('task.*', { group: 'g', consumer: 'wa', ackTimeoutMs: 500 }, extra);
  await b.consume('task.*', { group: 'g', consumer: 'wb', ackTimeoutMs: 500 }, extra);
  await waitGroups(server, ['g']);

  const pub = await openBus(server);
  const ids = await Promise.all(range(0, 30).map((n) => pub.publish('task.run', { n })));

  const hung = await waitFor(() => a.hung[0] || b.hung[0], { timeoutMs: 5000, what: 'a worker hanging on n=7' });
  const victim = a.hung.length ? a : b;
  const survivor = victim === a ? b : a;
  const victimName = victim === a ? 'wa' : 'wb';
  await victim.kill('SIGKILL');
  const killedAt = Date.now();
  expect(hung.n).toBe(7);
  expect(hung.id).toBe(ids[7]);
  expect(hung.attempt).toBe(1);

  await waitFor(() => new Set([...victim.handled, ...survivor.handled].map((h) => h.n)).size >= 30, {
    timeoutMs: 10000, what: 'every event handled by one of the workers',
  });
  const claimed = survivor.handled.filter((h) => h.n === 7);
  expect(claimed).toHaveLength(1);
  expect(claimed[0].id).toBe(ids[7]);
  expect(claimed[0].attempt).toBeGreaterThanOrEqual(2);
  expect(victim.handled.find((h) => h.n === 7)).toBeUndefined();
  expect(Date.now() - killedAt).toBeLessThan(10000);
  // Nothing lost: every n was handled; and nothing stays pending.
  expect([...new Set([...victim.handled, ...survivor.handled].map((h) => h.n))].sort((x, y) => x - y)).toEqual(range(0, 30));
  await waitFor(async () => (await xpending(server, 'g')) === 0, { timeoutMs: 5000, what: 'XPENDING 0' });
  const perConsumer = await server.command('XPENDING', STREAM, 'g', '-', '+', '100', victimName);
  expect(perConsumer).toEqual([]);

  await closeBuses(pub);
  expect(native.allocLive()).toBe(0);
  const r = await survivor.close();
  expect(r.allocLive).toBe(0);
});

test('a handler that throws N times is retried with backoff and acked once; one that always throws is dead-lettered; retry(id) reaches this group only; purge()', async () => {
  const server = await startRedis();
  const busA = await openBus(server);
  const busB = await openBus(server, { server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 } });

  const calls = []; // { n, attempt, at, id }
  let heal = false;
  busA.consume('job.*', (e) => {
    const n = e.data.n;
    calls.push({ n, attempt: e.attempt, at: Date.now(), id: e.id });
    const k = calls.filter((c) => c.n === n).length;
    if (n === 1 && k <= 2) throw new Error(`flaky ${n}`);
    if ((n === 2 || n === 3 || n === 4) && !heal) throw new Error(`always fails ${n}`);
  }, { group: 'workers', consumer: 'c1', concurrency: 2, maxRetries: 3, retryDelayMs: 100 });

  // Watchers that must not see a retried dead letter.
  const audit = [];
  busB.consume('job.*', (e) => { audit.push(e.data.n); }, { group: 'audit' });
  const plain = [];
  busB.on('job.*', (d) => plain.push(d.n));
  const ws = new TestClient(busB.address().port);
  clients.push(ws);
  await ws.sub(['job.*']);
  await waitGroups(server, ['workers', 'audit']);

  const id1 = await busA.publish('job.run', { n: 1 });
  const id2 = await busA.publish('job.run', { n: 2 });

  const dlqKey = `${STREAM}:dlq:workers`;
  await waitFor(async () => calls.filter((c) => c.n === 2).length === 4 && calls.filter((c) => c.n === 1).length === 3 &&
    Number(await server.command('XLEN', dlqKey)) === 1, { timeoutMs: 10000, what: 'n=1 done and n=2 dead-lettered' });
  await waitDrained(server, 'workers');

  // n = 1: three tries, backoff ~100 then ~200 ms (±25%), acked once.
  const c1 = calls.filter((c) => c.n === 1);
  expect(c1.map((c) => c.attempt)).toEqual([1, 2, 3]);
  expect(c1.every((c) => c.id === id1)).toBe(true);
  const g1 = c1[1].at - c1[0].at;
  const g2 = c1[2].at - c1[1].at;
  expect(g1).toBeGreaterThanOrEqual(70);
  expect(g1).toBeLessThan(400);
  expect(g2).toBeGreaterThanOrEqual(145);
  expect(g2).toBeGreaterThan(g1);
  // n = 2: 1 + maxRetries tries, then the dead-letter stream.
  const c2 = calls.filter((c) => c.n === 2);
  expect(c2.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
  expect(c2[3].at - c2[2].at).toBeGreaterThanOrEqual(295);
  const rows = await server.xrange(dlqKey);
  expect(rows).toHaveLength(1);
  expect(rows[0].fields).toMatchObject({
    id: id2, error: 'always fails 2', attempts: '4', consumer: 'c1', group: 'workers',
  });
  expect(JSON.parse(rows[0].fields.e)).toMatchObject({ id: id2, type: 'job.run', data: { n: 2 } });
  expect(await xpending(server, 'workers')).toBe(0);

  const dead = busA.deadLetters('workers');
  const listed = await dead.list();
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({
    id: id2, error: 'always fails 2', attempts: 4, consumer: 'c1',
    envelope: { id: id2, type: 'job.run', data: { n: 2 } },
  });

  // Everyone saw the originals.
  await waitFor(() => audit.length >= 2 && plain.length >= 2 && ws.events.length >= 2, { timeoutMs: 5000, what: 'originals seen' });
  expect(audit).toEqual([1, 2]);
  expect(plain).toEqual([1, 2]);
  expect(ws.events.map((e) => e.data.n)).toEqual([1, 2]);

  // retry(id): back for this group only.
  heal = true;
  await expect(dead.retry(id2)).resolves.toBe(true);
  await busA.publish('job.sentinel', { n: 99 }); // written after the retried entry
  await waitFor(() => calls.filter((c) => c.n === 2).length === 5, { timeoutMs: 5000, what: 'retried dead letter handled' });
  await waitFor(() => audit.includes(99) && plain.includes(99) && ws.events.some((e) => e.data.n === 99), {
    timeoutMs: 5000, what: 'sentinel seen by the watchers',
  });
  await waitDrained(server, 'audit');
  await waitDrained(server, 'workers');
  expect(calls.filter((c) => c.n === 2)[4].attempt).toBe(1);
  expect(calls.filter((c) => c.n === 99)).toHaveLength(1);
  expect(audit).toEqual([1, 2, 99]);
  expect(plain).toEqual([1, 2, 99]);
  expect(ws.events.map((e) => e.data.n)).toEqual([1, 2, 99]);
  expect(await dead.list()).toEqual([]);

  // purge(): two new dead letters, then none.
  heal = false;
  await Promise.all([busA.publish('job.run', { n: 3 }), busA.publish('job.run', { n: 4 })]);
  await waitFor(async () => Number(await server.command('XLEN', dlqKey)) === 2, { timeoutMs: 10000, what: 'two more dead letters' });
  expect((await dead.list()).map((d) => d.envelope.data.n).sort()).toEqual([3, 4]);
  await expect(dead.purge()).resolves.toBe(2);
  expect(await dead.list()).toEqual([]);
  expect(Number(await server.command('XLEN', dlqKey))).toBe(0);
  await expect(dead.purge()).resolves.toBe(0);
  await waitDrained(server, 'workers');

  expect(busErrors.get(busA)).toEqual([]);
  expect(busErrors.get(busB)).toEqual([]);
  ws.close();
  await closeBuses(busA, busB);
  expect(native.allocLive()).toBe(0);
});

test('deadLetter option: a stream name of its own; getSubscriberStats() counts retries and dead letters', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  bus.consume('x.*', (e) => {
    if (e.data.n === 0) throw new Error('nope');
  }, { group: 'gx', consumer: 'cx', maxRetries: 1, retryDelayMs: 10, deadLetter: 'my-dlq' });
  await waitGroups(server, ['gx']);
  const id0 = await bus.publish('x.y', { n: 0 });
  await bus.publish('x.y', { n: 1 });
  await waitFor(async () => Number(await server.command('XLEN', 'my-dlq')) === 1, { timeoutMs: 5000, what: 'dead letter in my-dlq' });
  await waitDrained(server, 'gx');
  expect(Number(await server.command('EXISTS', `${STREAM}:dlq:gx`))).toBe(0);
  expect((await bus.deadLetters('gx').list()).map((d) => d.id)).toEqual([id0]);
  // The stats poll runs every max(250, min(1000, ackTimeoutMs / 2)) ms.
  await sleep(1100);
  const [s] = bus.getSubscriberStats();
  expect(s.consumers).toHaveLength(1);
  expect(s.consumers[0]).toMatchObject({
    group: 'gx', consumer: 'cx', processed: 1, failed: 2, retried: 1, deadLettered: 1, inFlight: 0, queued: 0,
  });
  expect(s).toMatchObject({ group: 'gx', patterns: ['x.*'], lag: 0, pending: 0 });
  expect(s.deadLetters).toBe(1); // the group's dead-letter count (XLEN my-dlq)
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('a retried dead letter is the same event: id (the idempotency key), data, metadata, priority, version', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const seen = [];
  let fail = true;
  bus.consume('doc.*', (e) => {
    seen.push(e);
    if (fail) throw new Error('down');
  }, { group: 'docs', maxRetries: 0 });
  await waitGroups(server, ['docs']);
  const id = await bus.publish('doc.saved', { n: 1 }, { metadata: { trace: 't-1' }, priority: 'high', version: 3 });
  await waitFor(async () => (await bus.deadLetters('docs').list()).length === 1, { timeoutMs: 5000, what: 'dead letter' });
  fail = false;
  await bus.deadLetters('docs').retry(id);
  await waitFor(() => seen.length === 2, { timeoutMs: 5000, what: 'retried event handled' });
  const [first, again] = seen;
  expect(first.id).toBe(id);
  expect({ ...again, attempt: undefined }).toEqual({ ...first, attempt: undefined });
  await waitDrained(server, 'docs');
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('batches in Redis mode: batchSize events per call, in stream order, a partial batch after batchTimeoutMs', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const batches = [];
  bus.consume('b.*', (events) => {
    batches.push({ at: Date.now(), isArray: Array.isArray(events), ns: events.map((e) => e.data.n), ids: events.map((e) => e.id) });
  }, { group: 'batch', batchSize: 10, batchTimeoutMs: 150 });
  const ids = await Promise.all(range(0, 25).map((n) => bus.publish('b.x', { n })));
  await waitFor(() => batches.reduce((k, b) => k + b.ns.length, 0) >= 25, { timeoutMs: 5000, what: '25 events in batches' });
  expect(batches.every((b) => b.isArray)).toBe(true);
  expect(batches.map((b) => b.ns.length)).toEqual([10, 10, 5]);
  expect(batches.flatMap((b) => b.ns)).toEqual(range(0, 25));
  expect(batches.flatMap((b) => b.ids)).toEqual(ids);

  // Three events alone: one batch of three, once batchTimeoutMs has passed.
  const t0 = Date.now();
  await Promise.all(range(25, 28).map((n) => bus.publish('b.x', { n })));
  await waitFor(() => batches.length === 4, { timeoutMs: 5000, what: 'the partial batch' });
  expect(batches[3].ns).toEqual([25, 26, 27]);
  expect(batches[3].at - t0).toBeGreaterThanOrEqual(140);
  await waitDrained(server, 'batch');
  expect(batches).toHaveLength(4);
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('concurrency caps in Redis mode: at most `concurrency` handlers (or batches) at once, and the cap is reached', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const track = () => {
    const t = { active: 0, max: 0, done: [] };
    t.run = async (ns) => {
      t.active++;
      t.max = Math.max(t.max, t.active);
      await sleep(60);
      t.active--;
      t.done.push(...ns);
    };
    return t;
  };
  const single = track();
  const batched = track();
  const batchSizes = [];
  bus.consume('c.*', (e) => single.run([e.data.n]), { group: 'conc', concurrency: 3 });
  bus.consume('d.*', (events) => {
    batchSizes.push(events.length);
    return batched.run(events.map((e) => e.data.n));
  }, { group: 'concbatch', concurrency: 2, batchSize: 4, batchTimeoutMs: 20 });
  await Promise.all([
    ...range(0, 15).map((n) => bus.publish('c.x', { n })),
    ...range(0, 16).map((n) => bus.publish('d.x', { n })),
  ]);
  await waitFor(() => single.done.length >= 15 && batched.done.length >= 16, { timeoutMs: 8000, what: 'all handled' });
  await waitDrained(server, 'conc');
  await waitDrained(server, 'concbatch');
  expect(single.max).toBe(3);
  expect(single.done.sort((x, y) => x - y)).toEqual(range(0, 15));
  expect(batched.max).toBe(2);
  expect(batchSizes.every((k) => k >= 1 && k <= 4)).toBe(true);
  expect(batched.done.sort((x, y) => x - y)).toEqual(range(0, 16));
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('concurrency 1 keeps stream order in Redis mode, a retried event before any later one', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const starts = [];
  const done = [];
  let failedOnce = false;
  bus.consume('o.*', async (e) => {
    starts.push(e.data.n);
    await sleep((e.data.n * 7) % 4);
    if (e.data.n === 5 && !failedOnce) {
      failedOnce = true;
      throw new Error('once');
    }
    done.push({ n: e.data.n, id: e.id });
  }, { group: 'ordered', concurrency: 1, retryDelayMs: 20 });
  const ids = await Promise.all(range(0, 40).map((n) => bus.publish('o.x', { n })));
  await waitFor(() => done.length >= 40, { timeoutMs: 8000, what: '40 events' });
  await waitDrained(server, 'ordered');
  expect(done.map((d) => d.n)).toEqual(range(0, 40));
  expect(done.map((d) => d.id)).toEqual(ids);
  expect(starts).toEqual([0, 1, 2, 3, 4, 5, 5, ...range(6, 40)]);
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test("startFrom '0' gets the events published before the group existed, '$' only new ones, an id those after it", async () => {
  const server = await startRedis();
  const pub = await openBus(server);
  const pre = await Promise.all(range(0, 5).map((n) => pub.publish('evt.pre', { n })));

  const bus = await openBus(server);
  const got = { all: [], fresh: [], mid: [] };
  bus.consume('evt.*', (e) => { got.all.push(e.data.n); }, { group: 'all', startFrom: '0' });
  bus.consume('evt.*', (e) => { got.fresh.push(e.data.n); }, { group: 'fresh', startFrom: '$' });
  bus.consume('evt.*', (e) => { got.mid.push(e.data.n); }, { group: 'mid', startFrom: pre[2] });
  await waitGroups(server, ['all', 'fresh', 'mid']);
  await Promise.all(range(5, 10).map((n) => pub.publish('evt.post', { n })));

  await waitFor(() => got.all.length >= 10 && got.fresh.length >= 5 && got.mid.length >= 7, {
    timeoutMs: 5000, what: 'all three groups served',
  });
  await Promise.all(['all', 'fresh', 'mid'].map((g) => waitDrained(server, g)));
  await sleep(200);
  expect(got.all).toEqual(range(0, 10));
  expect(got.fresh).toEqual(range(5, 10));
  expect(got.mid).toEqual(range(3, 10));
  await closeBuses(pub, bus);
  expect(native.allocLive()).toBe(0);
});

test('a group whose patterns match a few entries of a long backlog gets through it at once (reads the patterns leave empty are not the end of the stream)', async () => {
  const server = await startRedis();
  const pub = await openBus(server);
  for (let i = 0; i < 5000; i++) pub.emit('noise.x', { i });
  await Promise.all(range(0, 5).map((n) => pub.publish('rare.hit', { n }))); // after the noise, on the same connection
  const bus = await openBus(server);
  const got = [];
  bus.consume('rare.*', (e) => { got.push(e.data.n); }, { group: 'rare', startFrom: '0' });
  // Before: a read of 4 left empty by the patterns looked like the end of
  // the stream, and the next came with the 1 s tick (~4 entries a second).
  await waitFor(() => got.length === 5, { timeoutMs: 15000, what: 'the 5 rare events, past 5,000 others' });
  expect(got).toEqual(range(0, 5));
  await waitDrained(server, 'rare');
  await closeBuses(pub, bus);
  expect(native.allocLive()).toBe(0);
});

test('close() waits for an in-flight handler and acks it; what was not fetched goes to the next consumer of the group', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const started = [];
  let finishedAt = 0;
  bus.consume('slow.*', async (e) => {
    started.push(e.data.n);
    await sleep(400);
    finishedAt = Date.now();
  }, { group: 'slow', concurrency: 1, prefetch: 1 }); // hold only what runs: the rest stays unfetched
  const ids = await Promise.all(range(0, 3).map((n) => bus.publish('slow.x', { n })));
  await waitFor(() => started.length === 1, { timeoutMs: 5000, what: 'the handler started' });
  const closing = bus.close();
  await closing;
  const closedAt = Date.now();
  expect(started).toEqual([0]);
  expect(finishedAt).toBeGreaterThan(0); // the handler ran to its end...
  expect(finishedAt).toBeLessThanOrEqual(closedAt); // ...before close() resolved
  expect(native.allocLive()).toBe(0);
  // Acked: nothing pending in the group, and no error on the way.
  expect(await server.command('XPENDING', STREAM, 'slow')).toEqual([0, null, null, null]);
  expect(busErrors.get(bus).map((e) => `${e.code}: ${e.message}`)).toEqual([]);

  // The next consumer of the group gets the rest, not the acked one.
  const next = await openBus(server);
  const got = [];
  next.consume('slow.*', (e) => { got.push(e.id); }, { group: 'slow' });
  await waitFor(() => got.length >= 2, { timeoutMs: 5000, what: 'the rest of the events' });
  await waitDrained(server, 'slow');
  expect(got).toEqual(ids.slice(1));
  await closeBuses(next);
  expect(native.allocLive()).toBe(0);
});

test('Redis down while consuming and back (data kept): consumption resumes and nothing is lost', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ew-consume-'));
  tmpDirs.push(dir);
  const server = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  const bus = await openBus(server);
  const pub = await openBus(server);
  const handled = [];
  bus.consume('out.*', (e) => { handled.push({ n: e.data.n, id: e.id }); }, { group: 'g', ackTimeoutMs: 1000 });
  await waitGroups(server, ['g']);
  await Promise.all(range(0, 10).map((n) => pub.publish('out.x', { n })));
  await waitFor(() => handled.length >= 10, { timeoutMs: 5000, what: 'first 10' });
  await waitDrained(server, 'g');

  await server.kill();
  await waitFor(() => pub.stats().redis === 'connecting' && bus.stats().redis === 'connecting', {
    timeoutMs: 5000, what: 'buses see Redis down',
  });
  // Published during the outage: queued in the engine, written after reconnect.
  const during = range(10, 20).map((n) => pub.publish('out.x', { n }));
  await sleep(600);
  expect(handled.map((h) => h.n)).toEqual(range(0, 10));
  await server.start();
  const ids = await Promise.all(during);
  expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
  // Published after it is back.
  const after = await Promise.all(range(20, 25).map((n) => pub.publish('out.x', { n })));
  await waitFor(() => handled.length >= 25, { timeoutMs: 10000, what: 'all 25 handled' });
  await waitDrained(server, 'g');
  await sleep(200);
  const counts = countBy(handled.map((h) => h.n));
  expect([...counts.keys()].sort((x, y) => x - y)).toEqual(range(0, 25));
  expect([...counts.values()].every((k) => k === 1)).toBe(true);
  expect(handled.slice(10).map((h) => h.id)).toEqual([...ids, ...after]);
  await closeBuses(bus, pub);
  expect(native.allocLive()).toBe(0);
});

test('Redis restarted empty while consuming: the group comes back and the events written after reconnect are consumed', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const pub = await openBus(server);
  const handled = [];
  bus.consume('out.*', (e) => { handled.push(e.data.n); }, { group: 'g', ackTimeoutMs: 1000 });
  await waitGroups(server, ['g']);
  await Promise.all(range(0, 5).map((n) => pub.publish('out.x', { n })));
  await waitFor(() => handled.length >= 5, { timeoutMs: 5000, what: 'first 5' });

  await server.kill();
  await waitFor(() => pub.stats().redis === 'connecting', { timeoutMs: 5000, what: 'Redis down' });
  const during = range(5, 10).map((n) => pub.publish('out.x', { n }));
  await sleep(300);
  await server.start(); // the helper's server has no persistence: an empty dataset
  await Promise.all(during);
  await Promise.all(range(10, 15).map((n) => pub.publish('out.x', { n })));
  await waitFor(() => handled.length >= 15, { timeoutMs: 4000, what: 'all 15 handled' }).catch(() => {});
  const errors = [...new Set(busErrors.get(bus).map((e) => e.message))];
  expect({ handled: handled.slice().sort((x, y) => x - y), errors }).toEqual({ handled: range(0, 15), errors: [] });
  await closeBuses(bus, pub);
  expect(native.allocLive()).toBe(0);
});

test('a consumer whose fetch failed catches up on its periodic tick, without waiting for a new event', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const handled = [];
  // ackTimeoutMs 500: housekeeping every 250 ms.
  bus.consume('t.*', (e) => { handled.push(e.data.n); }, { group: 'g', consumer: 'only', ackTimeoutMs: 500 });
  await waitGroups(server, ['g']);
  await bus.publish('t.x', { n: 0 });
  await waitFor(() => handled.length === 1, { timeoutMs: 5000, what: 'first event' });
  // A transient failure of XREADGROUP (here: refused by an ACL rule).
  expect(await server.command('ACL', 'SETUSER', 'default', '-xreadgroup')).toBe('OK');
  await Promise.all(range(1, 4).map((n) => bus.publish('t.x', { n })));
  await waitFor(() => busErrors.get(bus).some((e) => /NOPERM|xreadgroup/i.test(e.message)), {
    timeoutMs: 5000, what: 'the failed fetch reported',
  });
  expect(await server.command('ACL', 'SETUSER', 'default', '+xreadgroup')).toBe('OK');
  // No new event: only the periodic tick can fetch the three waiting ones.
  await waitFor(() => handled.length >= 4, { timeoutMs: 3000, what: 'the waiting events' }).catch(() => {});
  expect(handled).toEqual([0, 1, 2, 3]);
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

/** How often Redis ran XINFO GROUPS (INFO commandstats). */
async function xinfoGroupsCalls(server) {
  const info = await server.command('INFO', 'commandstats');
  const m = /cmdstat_xinfo\|groups:calls=(\d+)/.exec(String(info));
  return m ? Number(m[1]) : 0;
}

test('a group whose consumers all closed refreshes its counts once a second, not at its 50 ms tick, and its lag still follows', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  // ackTimeoutMs 150: housekeeping every 50 ms while a consumer is attached.
  const c = bus.consume('t.*', () => {}, { group: 'g', consumer: 'only', ackTimeoutMs: 150 });
  await waitGroups(server, ['g']);
  const a0 = await xinfoGroupsCalls(server);
  await sleep(1000);
  const attached = (await xinfoGroupsCalls(server)) - a0;
  await c.close();
  await sleep(100);
  const d0 = await xinfoGroupsCalls(server);
  await Promise.all(range(0, 3).map((n) => bus.publish('t.x', { n })));
  await sleep(2300);
  const detached = (await xinfoGroupsCalls(server)) - d0;
  // Attached: ~20 in that second; without consumers: one per second.
  expect(attached).toBeGreaterThanOrEqual(10);
  expect(detached).toBeGreaterThanOrEqual(1);
  expect(detached).toBeLessThanOrEqual(3);
  // The stats still see the three events nobody consumes.
  await waitFor(() => bus.getSubscriberStats()[0].lag === 3, { timeoutMs: 2500, what: 'lag 3 in the stats' });
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('an event waiting for its retry in a live consumer is not claimed by another consumer (handled once, no duplicate)', async () => {
  const server = await startRedis();
  const busA = await openBus(server);
  const busB = await openBus(server);
  const calls = [];
  const handler = (who) => (e) => {
    calls.push({ who, attempt: e.attempt });
    if (calls.length <= 2) throw new Error(`fails (call ${calls.length})`);
  };
  const opts = { group: 'g', ackTimeoutMs: 500, maxRetries: 3, retryDelayMs: 400 };
  busA.consume('r.*', handler('A'), { ...opts, consumer: 'ca' });
  await waitGroups(server, ['g']);
  await busA.publish('r.x', { n: 1 });
  await waitFor(() => calls.length === 1, { timeoutMs: 5000, what: 'first try on A' });
  // A second, idle consumer of the group joins while A is backing off
  // (A's retries take ~400 + ~800 ms, longer than ackTimeoutMs).
  busB.consume('r.*', handler('B'), { ...opts, consumer: 'cb' });
  await waitFor(() => calls.some((c) => c.who === 'A' && c.attempt === 3), { timeoutMs: 5000, what: 'A succeeding on try 3' });
  await waitDrained(server, 'g');
  await sleep(300);
  expect(calls).toEqual([{ who: 'A', attempt: 1 }, { who: 'A', attempt: 2 }, { who: 'A', attempt: 3 }]);
  await closeBuses(busA, busB);
  expect(native.allocLive()).toBe(0);
});

test("consume() right after new EventBus() (not connected yet): the group is made once Redis is up, at '$', with no error", async () => {
  const server = await startRedis();
  const pre = await openBus(server);
  await pre.publish('early.old', { n: -1 }); // before the groups exist: '$' must skip it
  // Several buses in a row: the second and later ones of a process used to
  // send XGROUP CREATE before their connection was up.
  const errors = [];
  const handled = [[], [], []];
  const fresh = [0, 1, 2].map((i) => {
    const bus = new EventBus({ redis: server.url() });
    bus.on('error', (err) => errors.push(err.message));
    buses.push(bus);
    bus.consume('early.*', (e) => { handled[i].push(e.data.n); }, { group: `g${i}` }); // synchronously: no connection yet
    return bus;
  });
  await waitGroups(server, ['g0', 'g1', 'g2']);
  await Promise.all(range(0, 5).map((n) => pre.publish('early.x', { n })));
  await waitFor(() => handled.every((h) => h.length >= 5), { timeoutMs: 5000, what: '5 events in each group' });
  await sleep(100);
  expect({ handled: handled.map((h) => h.sort((a, b) => a - b)), errors }).toEqual({ handled: [range(0, 5), range(0, 5), range(0, 5)], errors: [] });
  await closeBuses(pre, ...fresh);
});

test('entries the group does not take are acked unseen by the engine: other types, foreign entries, bad JSON, a dead letter retried for another group', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const handled = [];
  bus.consume('take.*', (e) => { handled.push(e); }, { group: 'g' });
  await waitGroups(server, ['g']);
  const before = bus.stats().engine.badRecords;
  const now = String(Date.now());
  const xadd = (...fields) => server.command('XADD', STREAM, '*', ...fields);
  await bus.publish('other.x', { skip: 'pattern' });
  await xadd('foo', 'bar'); // not written by eventwire
  await xadd('t', 'take.bad', 'ts', now, 'd', '{"broken":'); // data is not JSON
  await xadd('t', 'take.bad', 'ts', 'soon', 'd', '{}'); // timestamp is not a number
  await xadd('t', 'take.bad', 'ts', now, 'd', '{}', 'm', 'not json'); // metadata is not JSON
  await xadd('t', 'bad..type', 'ts', now, 'd', '{}'); // not a valid event name
  await xadd('t', 'take.other', 'ts', now, 'd', '{"n":1}', 'g', 'another-group', 'o', '1-1'); // someone else's retry
  await xadd('t', 'take.mine', 'ts', now, 'd', '{"n":2}', 'g', 'g', 'o', '5-5'); // this group's retry: the first id
  const id = await bus.publish('take.ok', { n: 3 }, { metadata: { m: [1, '"'] }, priority: 'high' });
  await waitFor(() => handled.length >= 2, { timeoutMs: 5000, what: 'the two entries the group takes' });
  await waitFor(async () => (await xpending(server, 'g')) === 0, { timeoutMs: 5000, what: 'nothing left pending' });
  expect(handled.map((e) => [e.id, e.type, e.data])).toEqual([['5-5', 'take.mine', { n: 2 }], [id, 'take.ok', { n: 3 }]]);
  expect(handled[1]).toMatchObject({ priority: 'high', metadata: { m: [1, '"'] }, attempt: 1 });
  expect(typeof handled[1].timestamp).toBe('number');
  // The relay also sees the foreign entries (counted there too), so at least the five.
  expect(bus.stats().engine.badRecords - before).toBeGreaterThanOrEqual(5);
  expect(busErrors.get(bus)).toEqual([]);
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

// The engine hands a read over as separator-delimited records (redis_group.c):
// fields with control characters, raw UTF-8, pretty-printed JSON from another
// writer and a non-id `o` field must all arrive intact and not break a record.
test('group reads carry every field intact: control characters, UTF-8, pretty JSON, version, a foreign o field', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const handled = [];
  bus.consume('rec.*', (e) => { handled.push(e); }, { group: 'g' });
  await waitGroups(server, ['g']);
  const now = Date.now();
  const xadd = (...fields) => server.command('XADD', STREAM, '*', ...fields);
  const ids = [];
  ids.push(await xadd('t', 'rec.ctl', 'ts', String(now), 's', 'line1\nline2\x1f\x1e', 'p', 'high', 'd', '{"a":"x\\u001fy"}'));
  ids.push(await xadd('t', 'rec.utf8', 'ts', String(now + 1), 's', 'café ☕', 'd', '{"emoji":"😀","ü":["ß"]}', 'v', '3'));
  ids.push(await xadd('t', 'rec.pretty', 'ts', String(now + 2), 'd', '{\n  "n": 1,\n  "list": [ 1, 2 ]\n}', 'm', '{ "trace": "t-1" }'));
  ids.push(await xadd('t', 'rec.o', 'ts', String(now + 3), 'd', '{}', 'g', 'g', 'o', 'x","type":"evil'));
  await waitFor(() => handled.length >= 4, { timeoutMs: 5000, what: 'the four entries' });
  // Plain objects: attempt is set on the envelope; compare without it.
  const plain = handled.map(({ attempt, ...rest }) => rest);
  expect(plain).toEqual([
    { id: ids[0], type: 'rec.ctl', data: { a: 'x\x1fy' }, source: 'line1\nline2\x1f\x1e', timestamp: now, priority: 'high' },
    { id: ids[1], type: 'rec.utf8', data: { emoji: '😀', ü: ['ß'] }, source: 'café ☕', timestamp: now + 1, version: 3 },
    { id: ids[2], type: 'rec.pretty', data: { n: 1, list: [1, 2] }, timestamp: now + 2, metadata: { trace: 't-1' } },
    { id: ids[3], type: 'rec.o', data: {}, timestamp: now + 3 }, // an `o` that is not an id is not the idempotency key
  ]);
  // Same key order as every other envelope (JSON.stringify output is stable).
  expect(Object.keys(handled[0])).toEqual(['id', 'type', 'data', 'source', 'timestamp', 'priority', 'attempt']); // escaped form
  expect(Object.keys(handled[1])).toEqual(['id', 'type', 'data', 'source', 'timestamp', 'version', 'attempt']); // record form
  expect(Object.keys(handled[2])).toEqual(['id', 'type', 'data', 'timestamp', 'metadata', 'attempt']);
  expect(handled.every((e) => e.attempt === 1)).toBe(true);
  await waitFor(async () => (await xpending(server, 'g')) === 0, { timeoutMs: 5000, what: 'nothing left pending' });
  expect(busErrors.get(bus)).toEqual([]);
  await closeBuses(bus);
  expect(native.allocLive()).toBe(0);
});

test('slow handlers hold little: two consumers of one group share a burst (prefetch adapts to the pace)', async () => {
  const server = await startRedis();
  const a = await openBus(server);
  const b = await openBus(server);
  const pub = await openBus(server);
  const handled = { a: [], b: [] };
  const slow = (who) => async (e) => {
    await sleep(15);
    handled[who].push(e.data.n);
  };
  a.consume('work.*', slow('a'), { group: 'g', consumer: 'a' });
  b.consume('work.*', slow('b'), { group: 'g', consumer: 'b' });
  await waitGroups(server, ['g']);
  await Promise.all(range(0, 60).map((n) => pub.publish('work.x', { n })));
  await waitFor(() => handled.a.length + handled.b.length === 60, { timeoutMs: 10000, what: 'all 60 handled' });
  // With the default prefetch (2048) a greedy consumer would take the whole
  // burst; at 15 ms per event each holds only a few.
  expect(handled.a.length).toBeGreaterThanOrEqual(15);
  expect(handled.b.length).toBeGreaterThanOrEqual(15);
  expect([...handled.a, ...handled.b].sort((x, y) => x - y)).toEqual(range(0, 60));
  await closeBuses(a, b, pub);
});

describe('close() and the hold on entries (review)', () => {
  test('close() runs a partial batch at once (no batchTimeoutMs wait); a paused consumer leaves its queue pending and closes at once', async () => {
    const server = await startRedis();
    const bus = await openBus(server);
    const batches = [];
    const batched = bus.consume('pb.*', (list) => { batches.push(list.map((e) => e.data.n)); },
      { group: 'pb', batchSize: 10, batchTimeoutMs: 20000, closeTimeoutMs: 10000 });
    await waitGroups(server, ['pb']);
    for (let n = 0; n < 3; n++) await bus.publish('pb.x', { n });
    await waitFor(() => batched.stats().queued === 3, { timeoutMs: 5000, what: 'three entries queued for a batch' });
    const t0 = Date.now();
    await batched.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(batches).toEqual([[0, 1, 2]]);
    await waitDrained(server, 'pb');

    let release;
    const started = [];
    const paused = bus.consume('pp.*', async (e) => {
      started.push(e.data.n);
      if (e.data.n === 0) await new Promise((r) => (release = r));
    }, { group: 'pp', concurrency: 1, closeTimeoutMs: 10000 });
    await waitGroups(server, ['pp']);
    for (let n = 0; n < 4; n++) await bus.publish('pp.x', { n });
    await waitFor(() => started.length === 1 && paused.stats().queued === 3, { timeoutMs: 5000, what: 'one running, three queued' });
    paused.pause();
    const closing = paused.close();
    release();
    const t1 = Date.now();
    await closing;
    expect(Date.now() - t1).toBeLessThan(2000);
    expect(started).toEqual([0]); // paused: the queued ones did not run
    // the running one was acked; the three queued stay pending for another consumer (XAUTOCLAIM)
    await waitFor(async () => (await server.command('XPENDING', STREAM, 'pp'))[0] === 3, { timeoutMs: 5000, what: 'three left pending' });
    await closeBuses(bus);
    expect(native.allocLive()).toBe(0);
  });

  test('close() during a retry backoff: the retry never runs, close() does not wait for it, the entry stays pending', async () => {
    const server = await startRedis();
    const bus = await openBus(server);
    const calls = [];
    const c = bus.consume('rb.*', (e) => {
      calls.push(e.attempt);
      throw new Error('fails');
    }, { group: 'rb', retryDelayMs: 1500, closeTimeoutMs: 10000 });
    await waitGroups(server, ['rb']);
    await bus.publish('rb.x', { n: 1 });
    await waitFor(() => calls.length === 1, { timeoutMs: 5000, what: 'the first try' });
    const t0 = Date.now();
    await c.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await sleep(2000);
    expect(calls).toEqual([1]);
    expect(c.stats()).toMatchObject({ inFlight: 0, retried: 1, deadLettered: 0 });
    expect((await server.command('XPENDING', STREAM, 'rb'))[0]).toBe(1);
    await closeBuses(bus);
  });

  test('a short ackTimeoutMs: the entries a live consumer holds are refreshed often enough that another live consumer never claims them', async () => {
    const server = await startRedis();
    const a = await openBus(server);
    const b = await openBus(server);
    const gotA = [];
    const gotB = [];
    // A holds its entries waiting for a fuller batch (3 of 8) for 2.5 s, far past ackTimeoutMs.
    a.consume('ak.x', (list) => { gotA.push(...list.map((e) => e.data.i)); }, { group: 'ak', ackTimeoutMs: 150, batchSize: 8, batchTimeoutMs: 2500 });
    await waitGroups(server, ['ak']);
    for (let i = 0; i < 3; i++) await a.publish('ak.x', { i });
    await sleep(200);
    b.consume('ak.x', (e) => { gotB.push(e.data.i); }, { group: 'ak', ackTimeoutMs: 150 });
    await waitFor(() => gotA.length === 3, { timeoutMs: 10000, what: "A's batch" });
    await waitDrained(server, 'ak');
    await sleep(300);
    expect(gotA).toEqual([0, 1, 2]);
    expect(gotB).toEqual([]); // B never claimed what A held
    await closeBuses(a, b);
  });

  test('an entry dead workers started maxRetries + 1 times is dead-lettered without another try; one only delivered (claimed along) as often still runs', async () => {
    const server = await startRedis();
    const bus = await openBus(server);
    const poison = await bus.publish('poison.x', { n: 'poison' });
    const innocent = await bus.publish('poison.x', { n: 'innocent' });
    await server.command('XGROUP', 'CREATE', STREAM, 'pz', '0');
    // both delivered five times to workers that died without an ack...
    await server.command('XREADGROUP', 'GROUP', 'pz', 'dead', 'COUNT', '2', 'STREAMS', STREAM, '>');
    for (let i = 0; i < 4; i++) await server.command('XCLAIM', STREAM, 'pz', 'dead', '0', poison, innocent);
    // ...but only the poison one was started by them (as Consumer counts a redelivery's start)
    await server.command('HSET', `${STREAM}:starts:pz`, poison, '4');
    const calls = [];
    const c = bus.consume('poison.*', (e) => { calls.push([e.data.n, e.attempt]); }, { group: 'pz', maxRetries: 3, ackTimeoutMs: 200 });
    await waitFor(async () => (await bus.deadLetters('pz').list()).length === 1 && calls.length === 1, { timeoutMs: 10000, what: 'the dead letter and the run' });
    const [dl] = await bus.deadLetters('pz').list();
    expect(dl).toMatchObject({ id: poison, code: 'ERR_TIMEOUT', consumer: c.name });
    expect(dl.error).toBe('operation timed out: started 5 times by workers that died before it settled; maxRetries 3 spent');
    expect(calls).toEqual([['innocent', 6]]); // run, with the deliveries it had
    await waitDrained(server, 'pz');
    expect(c.stats()).toMatchObject({ deadLettered: 1, processed: 1 });
    // the start counts go with the acks
    await waitFor(async () => (await server.command('EXISTS', `${STREAM}:starts:pz`)) === 0, { what: 'starts hash emptied' });
    await closeBuses(bus);
  });

  test('a claimed entry that starts is counted in the starts hash before its handler runs', async () => {
    const server = await startRedis();
    const bus = await openBus(server);
    const id = await bus.publish('st.x', { n: 1 });
    await server.command('XGROUP', 'CREATE', STREAM, 'st', '0');
    await server.command('XREADGROUP', 'GROUP', 'st', 'dead', 'COUNT', '1', 'STREAMS', STREAM, '>');
    let release = null;
    bus.consume('st.*', () => new Promise((r) => (release = r)), { group: 'st', ackTimeoutMs: 5000 });
    await waitFor(() => release !== null, { timeoutMs: 10000, what: 'the handler running' });
    // counted while the handler runs: a crash now would leave the count behind
    await waitFor(async () => (await server.command('HGET', `${STREAM}:starts:st`, id)) === '1', { what: 'the start counted' });
    release();
    await waitDrained(server, 'st');
    await closeBuses(bus);
  });

  test('dead letters past the first 10,000: list() pages through the stream, `since` filters by event id, retry(id) finds a late one', async () => {
    const server = await startRedis();
    const bus = await openBus(server);
    const c = bus.consume('dl.*', () => {}, { group: 'dlp' });
    await waitGroups(server, ['dlp']);
    // 10,005 dead letters written as the group writes them (XADD of the same fields)
    const dlq = `${STREAM}:dlq:dlp`;
    for (let i = 0; i < 10005; i += 500) {
      const batch = [];
      for (let k = i; k < Math.min(i + 500, 10005); k++) {
        const env = { id: `1000-${k}`, type: 'dl.x', data: { k }, timestamp: 1000 };
        batch.push(server.command('XADD', dlq, '*', 'id', env.id, 'e', JSON.stringify(env), 'error', 'boom', 'code', '',
          'attempts', '4', 'consumer', 'x', 'group', 'dlp', 'failedAt', '1'));
      }
      await Promise.all(batch);
    }
    const tail = await bus.deadLetters('dlp').list({ since: '1000-9999', count: 100 });
    expect(tail.map((d) => d.id)).toEqual(['1000-10000', '1000-10001', '1000-10002', '1000-10003', '1000-10004']);
    expect((await bus.deadLetters('dlp').list()).length).toBe(100);
    expect(await bus.deadLetters('dlp').retry('1000-10003')).toBe(true);
    expect((await bus.deadLetters('dlp').list({ since: '1000-9999' })).map((d) => d.id)).toEqual(['1000-10000', '1000-10001', '1000-10002', '1000-10004']);
    await c.close();
    await closeBuses(bus);
  }, 60000);
});

test('claims survive a failing starts read (the hash key holds a string: WRONGTYPE): the entry is handled, the worker lives', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const id = await bus.publish('wt.x', { n: 1 });
  await server.command('XGROUP', 'CREATE', STREAM, 'wt', '0');
  await server.command('XREADGROUP', 'GROUP', 'wt', 'dead', 'COUNT', '1', 'STREAMS', STREAM, '>');
  await server.command('SET', `${STREAM}:starts:wt`, 'not a hash');
  const got = [];
  bus.consume('wt.*', (e) => { got.push(e.id); }, { group: 'wt', ackTimeoutMs: 200 });
  await waitFor(() => got.length === 1, { timeoutMs: 10000, what: 'the claimed entry handled' });
  expect(got).toEqual([id]);
  await waitDrained(server, 'wt');
  await closeBuses(bus);
});

test('a batch mixing a fresh and a claimed entry counts the claimed one\'s start', async () => {
  const server = await startRedis();
  const bus = await openBus(server);
  const old = await bus.publish('mx.x', { n: 0 });
  await server.command('XGROUP', 'CREATE', STREAM, 'mx', '0');
  await server.command('XREADGROUP', 'GROUP', 'mx', 'dead', 'COUNT', '1', 'STREAMS', STREAM, '>');
  const gates = [];
  const batches = [];
  bus.consume('mx.*', (list) => {
    batches.push(list.map((e) => e.data.n));
    return new Promise((r) => gates.push(r));
  }, { group: 'mx', ackTimeoutMs: 2000, batchSize: 2, batchTimeoutMs: 10000 });
  await waitGroups(server, ['mx']);
  await bus.publish('mx.x', { n: 1 }); // fresh: read first, waits for a second entry
  // the claimed one (idle past the claim time) completes the batch, second in it
  await waitFor(() => batches.length === 1, { timeoutMs: 15000, what: 'the batch' });
  expect(batches[0]).toEqual([1, 0]);
  await waitFor(async () => (await server.command('HGET', `${STREAM}:starts:mx`, old)) === '1', { what: 'the start counted' });
  gates.forEach((r) => r());
  await waitDrained(server, 'mx');
  await closeBuses(bus);
}, 30000);
