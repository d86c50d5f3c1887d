'use strict';
// Redis Streams mode against a real redis-server (one per test, on a free
// port, no persistence, killed in afterEach): two processes on one stream,
// outages, SIGSTOP stalls, killed connections, restarts with an empty
// dataset, the offline queue, AUTH/SELECT/connect failures, SIGKILL of a
// publisher, and maxReconnectAttempts.
const { fork, spawn, spawnSync } = require('child_process');
const net = require('net');
const path = require('path');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { waitFor, httpGet } = require('./helpers/net');
const { TestClient, idKey } = require('./helpers/wsclient');
const { RedisServer, unpack } = require('./helpers/redis');

const FIXTURE = path.join(__dirname, 'fixtures', 'redis-instance.js');
const STREAM = 'eventwire:events';
const SERVER = { port: 0, host: '127.0.0.1', heartbeatMs: 0 };

let redis = null;
const buses = [];
const clients = [];
const children = [];
const cleanups = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const ch of children.splice(0)) {
    if (ch.proc.exitCode === null && ch.proc.signalCode === null) ch.proc.kill('SIGKILL');
  }
  if (redis) redis.resume(); // a paused Redis would hold close() for its 5 s drain
  await Promise.all(buses.splice(0).map((b) => b.close()));
  for (const f of cleanups.splice(0)) await f();
  if (redis) await redis.kill();
  redis = null;
  expect(native.allocLive()).toBe(0);
});

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));
const range = (from, n) => Array.from({ length: n }, (_, k) => from + k);

function makeBus(redisOpts = {}, { server = true, url, ...rest } = {}) {
  const bus = new EventBus({
    redis: { url: url || redis.url(), ...redisOpts },
    ...(server ? { server: SERVER } : {}),
    ...rest,
  });
  buses.push(bus);
  return bus;
}

function client(port) {
  const c = new TestClient(port);
  clients.push(c);
  return c;
}


async function waitHealthy(list, timeoutMs = 10000) {
  await waitFor(async () => {
    for (const b of list) if ((await b.health()).status !== 'ok') return false;
    return true;
  }, { timeoutMs, what: 'health ok on every bus' });
}

function strictlyIncreasing(ids) {
  for (let k = 1; k < ids.length; k++) if (idKey(ids[k]) <= idKey(ids[k - 1])) return false;
  return true;
}

/** Tracks a promise's outcome without leaving a rejection unhandled. */
function track(p) {
  const t = { settled: false, value: undefined, error: undefined };
  t.promise = p.then(
    (v) => { t.settled = true; t.value = v; return v; },
    (e) => { t.settled = true; t.error = e; return undefined; }
  );
  return t;
}

/** A bus in a child process (test/fixtures/redis-instance.js), driven over IPC. */
class Instance {
  constructor(url) {
    this.proc = fork(FIXTURE, [url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(this);
    this.seq = 0;
    this.waiting = new Map();
    this.resolved = [];
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m) => {
        if (m.kind === 'ready') resolve(m);
        else if (m.kind === 'listen-failed') reject(new Error(`child listen failed: ${m.code} ${m.message}`));
        else if (m.kind === 'resolved') this.resolved.push(m);
        else if (m.kind === 'reply') {
          const w = this.waiting.get(m.seq);
          this.waiting.delete(m.seq);
          if (w) (m.error ? w.reject(new Error(m.error)) : w.resolve(m));
        }
      });
      this.proc.once('exit', (code, signal) => reject(new Error(`child exited before ready (${code} ${signal})`)));
    });
  }

  call(cmd, args = {}, timeoutMs = 10000) {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`child did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(seq, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.proc.send({ cmd, seq, ...args });
    });
  }
}

// ---------------------------------------------------------------------------

test('two processes on one Redis: A\'s events reach B\'s listeners and /ws clients in order, exactly once, with the ids publish() resolved', async () => {
  redis = await RedisServer.start();
  const a = new Instance(redis.url());
  const b = new Instance(redis.url());
  const [ra, rb] = await Promise.all([a.ready, b.ready]);
  const wsA = client(ra.port);
  const wsB = client(rb.port);
  await wsA.sub(['**']);
  await wsB.sub(['**']);

  const p1 = await a.call('publish', { n: 300, type: 'order.placed', from: 0 });
  await a.call('emit', { n: 100, type: 'order.noted', from: 300 });
  const p2 = await a.call('publish', { n: 100, type: 'order.shipped', from: 400 });
  expect(p1.ids).toHaveLength(300);
  expect(p2.ids).toHaveLength(100);

  await wsB.waitEvents(500, 10000);
  await wsA.waitEvents(500, 10000);
  const fromB = await waitFor(async () => {
    const r = await b.call('received');
    return r.events.length >= 500 && r.events;
  }, { timeoutMs: 10000, what: 'B to hear 500 events' });
  await settle(150); // anything extra (a duplicate) would arrive now
  const finalB = (await b.call('received')).events;
  const finalA = (await a.call('received')).events;

  // The stream holds exactly the 500 events, in A's order.
  const rows = await redis.xrange();
  expect(await redis.cli('XLEN', STREAM)).toBe('500');
  const streamIds = rows.map((r) => r.id);
  expect(rows.map((r) => JSON.parse(r.fields.d).i)).toEqual(range(0, 500));
  expect(strictlyIncreasing(streamIds)).toBe(true);
  // publish() resolved the stream ids of its events.
  expect(p1.ids).toEqual(streamIds.slice(0, 300));
  expect(p2.ids).toEqual(streamIds.slice(400, 500));

  // B's JS listeners: every event once, in order, with the stream ids.
  expect(finalB).toHaveLength(500);
  expect(fromB.length).toBe(500);
  expect(finalB.map((e) => e.id)).toEqual(streamIds);
  expect(finalB.map((e) => e.data.i)).toEqual(range(0, 500));
  expect(finalB.map((e) => e.type)).toEqual([
    ...Array(300).fill('order.placed'), ...Array(100).fill('order.noted'), ...Array(100).fill('order.shipped'),
  ]);
  // /ws clients of both instances see the same stream ids, once each.
  expect(wsB.events.map((e) => e.id)).toEqual(streamIds);
  expect(wsB.events.map((e) => e.data.i)).toEqual(range(0, 500));
  expect(wsA.events.map((e) => e.id)).toEqual(streamIds);
  // A's own listeners heard each event once (not again from its relay).
  expect(finalA.map((e) => e.data.i)).toEqual(range(0, 500));

  const sa = await a.call('stats');
  const sb = await b.call('stats');
  expect(sa.stats.engine).toMatchObject({ redisWritten: 500, redisRelayed: 500, redisRejected: 0, redisConnected: true });
  expect(sb.stats.engine).toMatchObject({ redisWritten: 0, redisRelayed: 500, redisRejected: 0, redisConnected: true });
  expect(sa.errors).toEqual([]);
  expect(sb.errors).toEqual([]);

  expect((await a.call('close')).allocLive).toBe(0);
  expect((await b.call('close')).allocLive).toBe(0);
  expect(await a.exited).toEqual({ code: 0, signal: null });
  expect(await b.exited).toEqual({ code: 0, signal: null });
}, 30000);

test('outage: A keeps delivering locally, queues 1,000 events, and after a restart every event is in the stream and reaches B exactly once, in order', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ maxReconnectAttempts: 1000 });
  const b = makeBus({ maxReconnectAttempts: 1000 });
  const [{ port: portA }, { port: portB }] = await Promise.all([a.listen(), b.listen()]);
  const wsA = client(portA);
  const wsB = client(portB);
  await wsA.sub(['**']);
  await wsB.sub(['**']);
  const heardA = [];
  const heardB = [];
  a.subscribe('**', (e) => heardA.push(e));
  b.subscribe('**', (e) => heardB.push(e));
  const errors = [];
  a.on('error', (e) => errors.push(e));
  b.on('error', (e) => errors.push(e));

  const warm = await Promise.all(range(0, 5).map((i) => a.publish('warm.up', { i })));
  await wsB.waitEvents(5);
  await wsA.waitEvents(5);
  await waitFor(() => heardB.length === 5, { what: 'warm-up at B' });
  expect(wsB.events.map((e) => e.id)).toEqual(warm);

  await redis.kill();
  await waitFor(async () => (await a.health()).status === 'unavailable' && (await b.health()).status === 'unavailable',
    { timeoutMs: 5000, what: 'health unavailable' });
  const hA = await a.health();
  expect(hA).toMatchObject({ status: 'unavailable', mode: 'redis', redis: { queued: 0, inflight: 0, relayStalled: false } });
  expect(['down', 'connecting']).toContain(hA.redis.state);
  await waitFor(async () => (await a.health()).redis.reconnectAttempts > 0, { what: 'a reconnect attempt' });
  expect(typeof hA.redis.lastError).toBe('string');
  const http503 = await httpGet(portA, '/health');
  expect(http503.status).toBe(503);
  expect(JSON.parse(http503.body)).toMatchObject({ status: 'unavailable', mode: 'redis' });
  expect((await httpGet(portB, '/health')).status).toBe(503);
  expect(a.stats().engine.redisConnected).toBe(false);
  expect(a.stats().engine.redisReconnects).toBe(1);

  // 1,000 events on A during the outage; every 10th through publish().
  const pubs = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 10 === 0) pubs.push(track(a.publish('out.age', { i })));
    else a.emit('out.age', { i });
  }
  // A's listeners and A's /ws client get them now, while Redis is down.
  expect(heardA.slice(5).map((e) => e.data.i)).toEqual(range(0, 1000));
  await wsA.waitEvents(1005, 10000);
  expect(wsA.events.slice(5).map((e) => e.data.i)).toEqual(range(0, 1000));
  expect((await a.health()).redis.queued).toBe(1000);
  expect(pubs.filter((p) => p.settled)).toHaveLength(0);
  expect(heardB).toHaveLength(5);
  expect(wsB.events).toHaveLength(5);

  await redis.start(); // same port, empty dataset
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 15000, what: 'pending publishes to settle' });
  const ids = pubs.map((p) => p.value);
  expect(pubs.filter((p) => p.error).map((p) => p.error.code)).toEqual([]);
  await waitFor(() => heardB.length >= 1005 && wsB.events.length >= 1005, { timeoutMs: 15000, what: `B to get 1,005 (has ${heardB.length}/${wsB.events.length})` });
  await waitHealthy([a, b]);
  await settle(150);

  expect(await redis.cli('XLEN', STREAM)).toBe('1000');
  const rows = await redis.xrange();
  const streamIds = rows.map((r) => r.id);
  expect(rows.map((r) => JSON.parse(r.fields.d).i)).toEqual(range(0, 1000));
  expect(strictlyIncreasing(streamIds)).toBe(true);
  expect(ids).toEqual(streamIds.filter((_, k) => k % 10 === 0));
  const hist = await a.getEventHistory({ count: 10000 });
  expect(hist.map((e) => e.id)).toEqual(streamIds);

  expect(heardB).toHaveLength(1005);
  expect(heardB.slice(5).map((e) => e.id)).toEqual(streamIds);
  expect(heardB.slice(5).map((e) => e.data.i)).toEqual(range(0, 1000));
  expect(wsB.events).toHaveLength(1005);
  expect(wsB.events.slice(5).map((e) => e.id)).toEqual(streamIds);
  // A's /ws client: each event exactly once (delivered during the outage,
  // not again when the relay read it back).
  expect(wsA.events).toHaveLength(1005);
  expect(wsA.events.slice(5).map((e) => e.data.i)).toEqual(range(0, 1000));
  expect(new Set(wsA.events.map((e) => e.id)).size).toBe(1005);
  expect(heardA).toHaveLength(1005);

  const ha = await a.health();
  expect(ha).toMatchObject({ status: 'ok', mode: 'redis', redis: { state: 'ready', queued: 0, inflight: 0, relayStalled: false, reconnectAttempts: 0 } });
  expect((await httpGet(portA, '/health')).status).toBe(200);
  expect(a.stats().engine).toMatchObject({ redisConnected: true, redisQueued: 0, redisWritten: 1005, redisRejected: 0, redisQueueHighWater: 1000 });
  expect(errors).toEqual([]);
}, 40000);

test('SIGSTOP for 1.5 s while emitting, then SIGCONT: everything arrives at B, in order, once', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  const b = makeBus({}, { server: false });
  await Promise.all([a.listen(), b.listen()]);
  const heardB = [];
  b.on('**', (d) => heardB.push(d.i));
  const errors = [];
  a.on('error', (e) => errors.push(e));

  let i = 0;
  const pubs = [];
  const emitFor = (ms) => new Promise((done) => {
    const end = Date.now() + ms;
    const step = () => {
      for (let k = 0; k < 20; k++, i++) {
        if (i % 50 === 0) pubs.push(track(a.publish('tick.tock', { i })));
        else a.emit('tick.tock', { i });
      }
      if (Date.now() < end) setTimeout(step, 5);
      else done();
    };
    step();
  });
  await emitFor(300);
  redis.pause();
  const pausedAt = i;
  await emitFor(1500);
  const duringPause = i - pausedAt;
  expect(duringPause).toBeGreaterThan(0);
  redis.resume();
  await emitFor(300);
  const total = i;

  await waitFor(() => heardB.length >= total, { timeoutMs: 15000, what: `B to get ${total} (has ${heardB.length})` });
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 5000, what: 'publishes' });
  await settle(150);
  expect(heardB).toEqual(range(0, total));
  expect(await redis.cli('XLEN', STREAM)).toBe(String(total));
  expect(pubs.filter((p) => p.error)).toEqual([]);
  expect(strictlyIncreasing(pubs.map((p) => p.value))).toBe(true);
  expect(errors).toEqual([]);
  await waitHealthy([a, b]);
}, 30000);

test('SIGSTOP long enough: health reports the stalled relay (and GET /health 503), then recovers on SIGCONT', async () => {
  redis = await RedisServer.start();
  const a = makeBus();
  const b = makeBus({}, { server: false });
  const [{ port }] = await Promise.all([a.listen(), b.listen()]);
  const heardB = [];
  b.on('**', (d) => heardB.push(d.i));
  expect((await a.health()).redis.relayStalled).toBe(false);

  redis.pause();
  const t0 = Date.now();
  const pubs = range(0, 50).map((i) => track(a.publish('slow.down', { i })));
  const stalled = await waitFor(async () => {
    const h = await a.health();
    return h.redis.relayStalled && h;
  }, { timeoutMs: 8000, what: 'relayStalled' });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(4000); // the engine's stall threshold is 5 s
  expect(stalled).toMatchObject({ status: 'unavailable', mode: 'redis', redis: { relayStalled: true, queued: 50 } });
  const res = await httpGet(port, '/health');
  expect(res.status).toBe(503);
  expect(JSON.parse(res.body).redis.relayStalled).toBe(true);
  expect(pubs.filter((p) => p.settled)).toHaveLength(0);

  redis.resume();
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 5000, what: 'publishes after SIGCONT' });
  await waitFor(() => heardB.length >= 50, { timeoutMs: 5000, what: 'B after SIGCONT' });
  await settle(100);
  expect(pubs.filter((p) => p.error)).toEqual([]);
  expect(heardB).toEqual(range(0, 50));
  await waitHealthy([a, b], 3000);
  expect((await a.health()).redis).toMatchObject({ relayStalled: false, queued: 0, state: 'ready' });
  expect((await httpGet(port, '/health')).status).toBe(200);
}, 30000);

test('killed connections (relay only, then CLIENT KILL TYPE normal) while emitting: B gets every event once, in order', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ maxReconnectAttempts: 1000 }, { server: false });
  const b = makeBus({ maxReconnectAttempts: 1000 }, { server: false });
  await Promise.all([a.listen(), b.listen()]);
  const heardB = [];
  b.on('**', (d) => heardB.push(d.i));
  const errors = [];
  a.on('error', (e) => errors.push(e));
  b.on('error', (e) => errors.push(e));

  let i = 0;
  const killed = [];
  // Round 0 kills the two relays (XREAD); rounds 1..5 every connection. A
  // kill only lands on in-flight XADDs some of the time: five rounds make a
  // double write (at-least-once resend) all but certain to show.
  let before = null;
  for (let round = 0; round < 6; round++) {
    // After a kill, health stays "ok" until an engine has seen the drop: wait
    // until both noticed it (reconnect counted), then for health.
    if (before) {
      await waitFor(() => [a, b].every((x, k) => x.stats().engine.redisReconnects > before[k]),
        { what: 'the drop noticed by both buses' });
    }
    await waitHealthy([a, b]);
    before = [a, b].map((x) => x.stats().engine.redisReconnects);
    // A burst, so XADDs are pipelined and in flight when the kill lands.
    for (let k = 0; k < 2000; k++) a.emit('burst.event', { i: i++ });
    if (round === 0) {
      const relays = (await redis.clients()).filter((c) => c.cmd === 'xread');
      expect(relays).toHaveLength(2);
      for (const c of relays) killed.push(await redis.command('CLIENT', 'KILL', 'ID', c.id));
    } else {
      killed.push(await redis.command('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
    }
  }
  expect(killed).toEqual([1, 1, 4, 4, 4, 4, 4]);
  const total = i;
  await waitFor(() => new Set(heardB).size >= total, { timeoutMs: 20000, what: `B to get ${total} distinct (has ${new Set(heardB).size})` });
  await settle(200);

  const rows = await redis.xrange();
  const inStream = rows.map((r) => JSON.parse(r.fields.d).i);
  const dupB = heardB.length - new Set(heardB).size;
  const dupStream = inStream.length - new Set(inStream).size;
  expect({ dupB, dupStream }).toEqual({ dupB: 0, dupStream: 0 });
  expect(heardB).toEqual(range(0, total));
  expect(inStream).toEqual(range(0, total));
  expect(a.stats().engine.redisReconnects).toBe(6);
  expect(b.stats().engine.redisReconnects).toBe(6);
  expect(a.stats().engine.redisWritten).toBe(total);
  expect(errors).toEqual([]);
}, 40000);

test('Redis restarted with an empty dataset: events still flow; a /ws resume older than the ring gets ERR_HISTORY_GAP, the replay, then live events', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ maxReconnectAttempts: 1000 }, { server: false });
  const b = makeBus({ maxReconnectAttempts: 1000 }, { history: { size: 5 } });
  const [, { port }] = await Promise.all([a.listen(), b.listen()]);
  const heardB = [];
  b.subscribe('**', (e) => heardB.push(e));
  const c1 = client(port);
  await c1.sub(['**']);

  const before = await Promise.all(range(0, 8).map((i) => a.publish('before.restart', { i })));
  await c1.waitEvents(8);
  expect(c1.events.map((e) => e.id)).toEqual(before);

  await redis.restart();
  expect(await redis.cli('XLEN', STREAM)).toBe('0');
  await waitHealthy([a, b], 15000);

  const after = await Promise.all(range(8, 6).map((i) => a.publish('after.restart', { i })));
  await c1.waitEvents(14, 10000);
  await waitFor(() => heardB.length >= 14, { what: 'B listeners after restart' });
  expect(strictlyIncreasing([...before, ...after])).toBe(true);
  expect(c1.events.map((e) => e.id)).toEqual([...before, ...after]);
  expect(heardB.map((e) => e.id)).toEqual([...before, ...after]);
  expect(await redis.cli('XLEN', STREAM)).toBe('6');

  // The ring holds the newest 5 (after[1..5]); since = before[2] is older,
  // so the replay reads the stream, which the restart emptied: the stream's
  // oldest is after[0], and everything it keeps is replayed.
  const c2 = client(port);
  await c2.opened;
  const reply = await c2.op({ op: 'sub', patterns: ['**'], since: before[2] });
  expect(reply).toMatchObject({ op: 'error', code: 'ERR_HISTORY_GAP', oldest: after[0] });
  await c2.waitEvents(6);
  expect(c2.events.map((e) => e.id)).toEqual(after);
  // ...and it is live, not stuck.
  const live = await a.publish('after.restart', { i: 14 });
  await c2.waitEvents(7);
  await c1.waitEvents(15);
  await settle(100);
  expect(c2.events.map((e) => e.id)).toEqual([...after, live]);
  expect(c1.events.map((e) => e.id)).toEqual([...before, ...after, live]);
  // History in Redis mode reads the (new) stream.
  const hist = await b.getEventHistory({ count: 100 });
  expect(hist.map((e) => e.id)).toEqual([...after, live]);
}, 40000);

test('offline queue overflow: queueSize 50, Redis down, 60 publishes → exactly 10 ERR_QUEUE_FULL; emits counted in redisRejected and reported; the 50 resolve later', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ queueSize: 50, maxReconnectAttempts: 1000 }, { server: false });
  await a.listen();
  const errors = [];
  a.on('error', (e) => errors.push(e));
  await redis.kill();
  await waitFor(async () => (await a.health()).status === 'unavailable', { what: 'unavailable' });

  const pubs = range(0, 60).map((i) => track(a.publish('q.full', { i })));
  await waitFor(() => pubs.filter((p) => p.settled).length >= 10, { what: '10 rejections' });
  await settle(100);
  const rejected = pubs.map((p, k) => (p.error ? k : -1)).filter((k) => k >= 0);
  expect(rejected).toEqual(range(50, 10));
  expect(new Set(pubs.filter((p) => p.error).map((p) => p.error.code))).toEqual(new Set(['ERR_QUEUE_FULL']));
  expect(pubs.slice(0, 50).filter((p) => p.settled)).toHaveLength(0);
  const hFull = await a.health();
  expect(hFull).toMatchObject({ status: 'unavailable', redis: { queued: 50, queueSize: 50 } });

  // emit()s refused in one turn: one 'error' event that counts them (not
  // one per event: a flood of refused emits must not flood the outbox)
  for (let k = 0; k < 7; k++) a.emit('q.full', { i: 100 + k });
  await waitFor(() => errors.length >= 1, { what: 'the error event' });
  await settle(100);
  expect(errors.map((e) => e.code)).toEqual(['ERR_QUEUE_FULL']);
  expect(errors[0].message).toMatch(/7 emit\(\)ted event\(s\) refused: the Redis offline queue is full \(redis\.queueSize\)/);
  expect(a.stats().engine).toMatchObject({ redisRejected: 7, redisQueued: 50, redisQueueHighWater: 50 });

  await redis.start();
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 15000, what: 'the first 50 publishes' });
  const ids = pubs.slice(0, 50).map((p) => p.value);
  expect(pubs.slice(0, 50).filter((p) => p.error)).toEqual([]);
  expect(strictlyIncreasing(ids)).toBe(true);
  const rows = await redis.xrange();
  expect(rows.map((r) => r.id)).toEqual(ids);
  expect(rows.map((r) => JSON.parse(r.fields.d).i)).toEqual(range(0, 50));
  await waitHealthy([a]);
  expect(a.stats().engine).toMatchObject({ redisRejected: 7, redisWritten: 50, redisQueued: 0, redisQueueHighWater: 50 });
  expect(errors).toHaveLength(1);
}, 30000);

describe('connecting', () => {
  test('wrong password: listen() rejects ERR_REDIS_UNAVAILABLE naming the AUTH failure; the right one works, and /3 writes to db 3', async () => {
    redis = await RedisServer.start(['--requirepass', 'secret']);
    const wrong = makeBus({}, { server: false, url: `redis://:wrong@127.0.0.1:${redis.port}` });
    const err = await wrong.listen().then(() => null, (e) => e);
    expect(err).not.toBeNull();
    expect(err.code).toBe('ERR_REDIS_UNAVAILABLE');
    expect(err.message).toMatch(/AUTH/);
    expect(err.message).toMatch(/WRONGPASS/);
    const h = await wrong.health();
    expect(h.status).toBe('unavailable');
    expect(h.redis.lastError).toMatch(/AUTH.*WRONGPASS/);

    const right = makeBus({}, { server: false, url: `redis://:secret@127.0.0.1:${redis.port}/3` });
    const reader = makeBus({}, { server: false, url: `redis://:secret@127.0.0.1:${redis.port}/3` });
    const other = makeBus({}, { server: false, url: `redis://:secret@127.0.0.1:${redis.port}` });
    await Promise.all([right.listen(), reader.listen(), other.listen()]);
    const heard = [];
    const heardOther = [];
    reader.subscribe('**', (e) => heard.push(e));
    other.subscribe('**', (e) => heardOther.push(e));
    const id = await right.publish('db.three', { ok: true });
    await waitFor(() => heard.length === 1, { what: 'reader on db 3' });
    await settle(100);
    expect(heard.map((e) => [e.id, e.type, e.data])).toEqual([[id, 'db.three', { ok: true }]]);
    expect(heardOther).toEqual([]);
    expect(await redis.cli('-n', '3', 'XLEN', STREAM)).toBe('1');
    expect(await redis.cli('-n', '0', 'XLEN', STREAM)).toBe('0');
    expect((await redis.xrange(STREAM, { db: 3 })).map((r) => r.id)).toEqual([id]);
  });

  test('no password against a requirepass server: listen() rejects ERR_REDIS_UNAVAILABLE (NOAUTH) instead of hanging', async () => {
    redis = await RedisServer.start(['--requirepass', 'secret']);
    const bus = makeBus({}, { server: false, url: `redis://127.0.0.1:${redis.port}` });
    const outcome = await Promise.race([
      bus.listen().then(() => ({ resolved: true }), (e) => ({ code: e.code, message: e.message })),
      settle(3000).then(() => ({ pending: 'listen() still pending after 3 s' })),
    ]);
    const h = await bus.health();
    expect({ outcome, lastError: h.redis.lastError }).toEqual({
      outcome: { code: 'ERR_REDIS_UNAVAILABLE', message: expect.stringMatching(/NOAUTH|AUTH/) },
      lastError: expect.stringMatching(/NOAUTH|AUTH/),
    });
  });

  test('a closed port: listen() rejects ERR_REDIS_UNAVAILABLE quickly, and the engine keeps retrying', async () => {
    redis = await RedisServer.start(); // only to own a port, then free it
    const port = redis.port;
    await redis.kill();
    const bus = makeBus({ maxReconnectAttempts: 1000 }, { server: false, url: `redis://127.0.0.1:${port}` });
    const t0 = Date.now();
    const err = await bus.listen().then(() => null, (e) => e);
    const elapsed = Date.now() - t0;
    expect(err && err.code).toBe('ERR_REDIS_UNAVAILABLE');
    expect(err.message).toMatch(/Connection refused/);
    expect(elapsed).toBeLessThan(1000);
    const h = await bus.health();
    expect(h).toMatchObject({ status: 'unavailable', mode: 'redis', redis: { queued: 0 } });
    expect(h.redis.lastError).toMatch(/Connection refused/);
    // It keeps trying: Redis appears on the port, and the bus becomes ready.
    redis = new RedisServer(port);
    await redis.start();
    await waitHealthy([bus], 10000);
    await expect(bus.listen()).resolves.toEqual({});
    const id = await bus.publish('late.start', 1);
    expect((await redis.xrange()).map((r) => r.id)).toEqual([id]);
  });

  test('connectTimeoutMs: a listener that never completes the TCP handshake → listen() rejects after the timeout', async () => {
    // A loopback blackhole: a listening socket with a full accept queue that
    // never accepts, so further SYNs are dropped and connect() hangs.
    const py = [
      'import socket, sys, time',
      "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
      'port = s.getsockname()[1]',
      'fill = []',
      'for k in range(3):',
      '    c = socket.socket(); c.setblocking(False)',
      "    try: c.connect(('127.0.0.1', port))",
      '    except BlockingIOError: pass',
      '    fill.append(c)',
      'time.sleep(0.2)',
      'print(port, flush=True)',
      'sys.stdin.read()',
    ].join('\n');
    const hole = spawn('python3', ['-c', py], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(async () => {
      hole.stdin.end();
      hole.kill('SIGKILL');
      if (hole.exitCode === null && hole.signalCode === null) await new Promise((r) => hole.once('exit', r));
    });
    const port = await new Promise((resolve, reject) => {
      hole.once('error', reject);
      hole.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    });
    expect(port).toBeGreaterThan(0);
    // The blackhole really blackholes: a plain connect does not complete.
    const probe = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      const t = setTimeout(() => { s.destroy(); resolve('pending'); }, 500);
      s.once('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
      s.once('error', (e) => { clearTimeout(t); resolve(e.code); });
    });
    expect(probe).toBe('pending');

    const bus = makeBus({ connectTimeoutMs: 300 }, { server: false, url: `redis://127.0.0.1:${port}` });
    const t0 = Date.now();
    const err = await bus.listen().then(() => null, (e) => e);
    const elapsed = Date.now() - t0;
    expect(err && err.code).toBe('ERR_REDIS_UNAVAILABLE');
    expect(err.message).toMatch(/connect timeout/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect((await bus.health()).redis.lastError).toBe('connect timeout');
  });

  test.each([
    ['redis://127.0.0.1:0'],
    ['redis://'],
    ['http://127.0.0.1:6379'],
    ['rediss://127.0.0.1:6379'],
    ['redis://user:pw@127.0.0.1:6379'],
    ['redis://127.0.0.1:6379/x'],
    ['redis://127.0.0.1:6379/-1'],
    ['redis://127.0.0.1:6379/1.5'],
    ['redis://127.0.0.1:6379/3/4'],
    ['redis://127.0.0.1:99999'],
    ['not a url'],
  ])('bad URL %j → the constructor throws ERR_INVALID_OPTION', (url) => {
    let err = null;
    try {
      buses.push(new EventBus({ redis: url }));
    } catch (e) {
      err = e;
    }
    expect(err && err.code).toBe('ERR_INVALID_OPTION');
  });
});

test('a publisher SIGKILLed right after publish() resolved: every resolved id is in the stream with its data', async () => {
  redis = await RedisServer.start();
  const child = new Instance(redis.url());
  await child.ready;
  await child.call('publish-stream', { n: 5000, type: 'crash.test' });
  await waitFor(() => child.resolved.length >= 300, { timeoutMs: 10000, what: '300 resolved publishes' });
  child.proc.kill('SIGKILL');
  const exit = await child.exited;
  expect(exit.signal).toBe('SIGKILL');
  const resolved = child.resolved.slice();
  expect(resolved.length).toBeGreaterThanOrEqual(300);

  const rows = await redis.xrange();
  const byId = new Map(rows.map((r) => [r.id, r.fields]));
  const missing = resolved.filter((r) => !byId.has(r.id)).map((r) => r.id);
  expect(missing).toEqual([]);
  for (const r of resolved) {
    const f = byId.get(r.id);
    expect([f.t, JSON.parse(f.d)]).toEqual(['crash.test', { i: r.i }]);
  }
  // Ids were resolved in stream order, one per event.
  expect(new Set(resolved.map((r) => r.id)).size).toBe(resolved.length);
  expect(rows.length).toBeGreaterThanOrEqual(resolved.length);
}, 30000);

test('maxReconnectAttempts: 2 → after 2 failed attempts the queued publishes reject ERR_REDIS_UNAVAILABLE with an error event; after Redis returns, publishes work', async () => {
  redis = await RedisServer.start();
  const port = redis.port;
  const a = makeBus({ maxReconnectAttempts: 2 }, { server: false });
  await a.listen();
  const errors = [];
  a.on('error', (e) => errors.push(e));

  await redis.kill();
  // Take Redis's place with a server that accepts and drops every
  // connection, to count the engine's reconnect attempts.
  const t0 = Date.now();
  const attempts = [];
  const refuser = net.createServer((s) => {
    attempts.push(Date.now() - t0);
    s.destroy();
  });
  await new Promise((resolve, reject) => {
    refuser.once('error', reject);
    refuser.listen(port, '127.0.0.1', resolve);
  });
  let refuserOpen = true;
  const closeRefuser = () => (refuserOpen ? (refuserOpen = false, new Promise((r) => refuser.close(r))) : Promise.resolve());
  cleanups.push(closeRefuser);

  const pubs = range(0, 3).map((i) => track(a.publish('fail.out', { i })));
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 15000, what: 'queued publishes to fail' });
  const connectionsAtFailure = attempts.slice();
  await waitFor(() => errors.length >= 1, { what: 'error event' });
  await settle(100);
  expect(pubs.map((p) => p.error && p.error.code)).toEqual(Array(3).fill('ERR_REDIS_UNAVAILABLE'));
  expect(errors.map((e) => e.code)).toEqual(['ERR_REDIS_UNAVAILABLE']);
  expect(errors[0].message).toMatch(/3 event\(s\) could not be written to Redis/);
  expect(a.stats().engine).toMatchObject({ redisRejected: 3, redisQueued: 0 });

  await closeRefuser();
  await redis.start();
  await waitHealthy([a], 15000);
  const id = await a.publish('fail.out', { i: 99 });
  const rows = await redis.xrange();
  expect(rows.map((r) => [r.id, JSON.parse(r.fields.d)])).toEqual([[id, { i: 99 }]]);
  expect(errors).toHaveLength(1);

  // Each reconnect attempt opens the two connections (XADD + relay) at once;
  // group them into attempts: the queue must fail after exactly 2.
  const rounds = [];
  for (const t of connectionsAtFailure) {
    if (!rounds.length || t - rounds[rounds.length - 1] > 50) rounds.push(t);
  }
  expect({ failedAttemptsBeforeFailing: rounds.length, connections: connectionsAtFailure.length })
    .toEqual({ failedAttemptsBeforeFailing: 2, connections: 4 });
}, 40000);

// The relay hands JS its events in bursts ("<type> US <envelope> RS" records)
// and parses an envelope only when some listener will get it.
test('remote events reach on(), wildcard subscribe() and onAny() listeners; foreign entries with a non-numeric q are not taken for copies', async () => {
  redis = await RedisServer.start();
  const b = makeBus({}, { server: false });
  const errors = [];
  b.on('error', (e) => errors.push(e));
  await b.listen();
  const onGot = [];
  const subGot = [];
  const anyGot = [];
  b.on('rem.one', (d) => onGot.push(d.i));
  b.subscribe('rem.*', (e) => subGot.push([e.type, e.data.i, e.source]));
  const now = String(Date.now());
  // Another writer: the same instance id and a q that is not a number on every entry.
  for (let i = 0; i < 5; i++) {
    await redis.command('XADD', STREAM, '*', 't', i % 2 ? 'rem.two' : 'rem.one', 'ts', now, 's', 'other\x1fwriter', 'd', JSON.stringify({ i }), 'i', 'other#1', 'q', 'x');
  }
  await waitFor(() => subGot.length >= 5, { timeoutMs: 5000, what: 'the five remote events' });
  expect(subGot).toEqual([['rem.one', 0, 'other\x1fwriter'], ['rem.two', 1, 'other\x1fwriter'], ['rem.one', 2, 'other\x1fwriter'],
    ['rem.two', 3, 'other\x1fwriter'], ['rem.one', 4, 'other\x1fwriter']]);
  expect(onGot).toEqual([0, 2, 4]);
  // onAny only (EE2's hasListeners does not count it in wildcard mode).
  const c = makeBus({}, { server: false });
  await c.listen();
  c.onAny((type, data) => anyGot.push([type, data.i]));
  const a = makeBus({}, { server: false });
  await a.listen();
  for (let i = 0; i < 300; i++) a.emit(`any.t${i % 3}`, { i });
  await a.publish('any.end', { i: 300 });
  await waitFor(() => anyGot.length >= 301, { timeoutMs: 5000, what: '301 events at onAny' });
  expect(anyGot).toEqual(range(0, 301).map((i) => [i === 300 ? 'any.end' : `any.t${i % 3}`, i]));
  expect(errors).toEqual([]);
});

test('entries another writer left with broken JSON reach no listener and no /ws client; they are counted in badRecords', async () => {
  redis = await RedisServer.start();
  const b = makeBus();
  const { port } = await b.listen();
  const got = [];
  b.subscribe('raw.*', (e) => got.push(e.data));
  const ws = client(port);
  await ws.sub(['raw.*']);
  const before = b.stats().engine.badRecords;
  const now = String(Date.now());
  await redis.command('XADD', STREAM, '*', 't', 'raw.bad', 'ts', now, 'd', '{"broken":', 'i', 'w#1', 'q', '1');
  await redis.command('XADD', STREAM, '*', 't', 'raw.bad', 'ts', now, 'd', '{"c":"\x1e"}', 'i', 'w#1', 'q', '2');
  await redis.command('XADD', STREAM, '*', 't', 'raw.bad', 'ts', '"soon"', 'd', '{}', 'i', 'w#1', 'q', '3');
  await redis.command('XADD', STREAM, '*', 't', 'raw.good', 'ts', now, 'd', '{"ok":true}', 'i', 'w#1', 'q', '4');
  await waitFor(() => got.length >= 1, { timeoutMs: 5000, what: 'the good entry' });
  await ws.waitEvents(1);
  await settle(100);
  expect(ws.events.map((e) => [e.type, e.data])).toEqual([['raw.good', { ok: true }]]);
  expect(got).toEqual([{ ok: true }]);
  expect(b.stats().engine.badRecords - before).toBe(3);
});

// The relay's hand-over to JS is bounded: while the JS thread does not take
// other instances' events (blocked here by spawnSync and Atomics.wait), the
// relay stops at 16 MB and reads on once JS takes them. Nothing is lost.
test('a blocked JS thread: the relay pauses at 16 MB of remote events (counted), then delivers every event', async () => {
  redis = await RedisServer.start();
  const b = makeBus({}, { server: false });
  await b.listen();
  const got = [];
  b.on('big.one', (d) => got.push(d));
  const N = 20000;
  const filler = 'x'.repeat(1000); // ~1.1 KB per event: N events are ~22 MB
  const r = spawnSync('redis-benchmark', ['-p', String(redis.port), '-c', '1', '-P', '100', '-n', String(N), '-q',
    'XADD', STREAM, '*', 't', 'big.one', 'ts', '1', 'd', JSON.stringify({ f: filler }), 'i', 'other#1'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  // Still blocked: give the relay time to reach the bound.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
  const paused = b.stats().engine;
  expect(paused.redisRelayPauses).toBeGreaterThanOrEqual(1);
  expect(paused.redisRelayed).toBeLessThan(N); // it stopped before the end
  expect(paused.redisRelayed).toBeGreaterThan(10000); // ~16 MB were read first
  await waitFor(() => got.length >= N, { timeoutMs: 20000, what: `${N} remote events` });
  expect(got.length).toBe(N);
  expect(got.every((d) => d.f === filler)).toBe(true);
  expect(b.stats().engine.redisRelayed).toBe(N);
  expect((await b.health()).redis).toMatchObject({ relayPaused: false, relayStalled: false });
}, 40000);

test('remote events larger than a message batch (40 KB) and nested past 64 levels arrive whole', async () => {
  redis = await RedisServer.start();
  const b = makeBus({}, { server: false });
  await b.listen();
  const got = [];
  b.on('size.*', (d) => got.push(d));
  let deep = { end: true };
  for (let i = 0; i < 200; i++) deep = { n: deep };
  const big = { s: 'y'.repeat(40 * 1024) };
  const now = String(Date.now());
  await redis.command('XADD', STREAM, '*', 't', 'size.big', 'ts', now, 'd', JSON.stringify(big), 'i', 'w#1', 'q', '1');
  await redis.command('XADD', STREAM, '*', 't', 'size.deep', 'ts', now, 'd', JSON.stringify(deep), 'i', 'w#1', 'q', '2');
  await redis.command('XADD', STREAM, '*', 't', 'size.small', 'ts', now, 'd', '{"k":1}', 'i', 'w#1', 'q', '3');
  await waitFor(() => got.length >= 3, { timeoutMs: 5000, what: 'three remote events' });
  expect(got).toEqual([big, deep, { k: 1 }]);
  expect(b.stats().engine.badRecords).toBe(0);
});

// ---- review fixes: give-up, flow control, refused events, connect timeout, health -----

/** A TCP proxy to Redis whose connections can hold their replies or be cut; `refuse` turns new ones away. */
async function redisProxy(port) {
  const conns = [];
  const p = { conns, refuse: false };
  const srv = net.createServer((c) => {
    if (p.refuse) return c.destroy();
    const s = net.connect(port, '127.0.0.1');
    const link = { c, s, hold: null };
    conns.push(link);
    c.on('data', (d) => s.write(d));
    s.on('data', (d) => (link.hold ? link.hold.push(d) : c.write(d)));
    const end = () => { c.destroy(); s.destroy(); };
    for (const x of [c, s]) { x.on('close', end); x.on('error', end); }
  });
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  p.port = srv.address().port;
  cleanups.push(() => { srv.close(); for (const l of conns) { l.c.destroy(); l.s.destroy(); } });
  return p;
}

test('giving up while the command connection is up: XADDs already sent are settled by their own replies, never with the next events\' ids', async () => {
  redis = await RedisServer.start();
  const proxy = await redisProxy(redis.port);
  const a = makeBus({ maxReconnectAttempts: 2 }, { server: false, url: `redis://127.0.0.1:${proxy.port}` });
  a.on('error', () => {});
  await a.listen();
  await waitFor(() => proxy.conns.length === 2, { what: 'two connections' });
  const [cmd, relay] = proxy.conns;
  cmd.hold = []; // the XADD replies are late
  const A = range(0, 3).map((i) => track(a.publish('gv.A', { i })));
  await settle(100);
  proxy.refuse = true;
  relay.c.destroy(); // only the relay fails, for good: the bus gives up after 2 rounds
  await waitFor(async () => (await a.health()).redis.reconnectAttempts >= 2, { timeoutMs: 10000, what: 'the give-up' });
  const B = range(0, 3).map((i) => track(a.publish('gv.B', { i })));
  await settle(300);
  const held = cmd.hold;
  cmd.hold = null;
  for (const d of held) cmd.c.write(d); // the late replies arrive
  await waitFor(() => [...A, ...B].every((p) => p.settled), { timeoutMs: 10000, what: 'every publish settled' });
  const rows = await redis.xrange();
  const idsOf = (type) => rows.filter((r) => r.fields.t === type).map((r) => r.id);
  expect(A.map((p) => p.value)).toEqual(idsOf('gv.A')); // A: their own ids
  for (const p of B) if (!p.error) expect(idsOf('gv.B')).toContain(p.value); // B: never one of A's
  expect(B.filter((p) => !p.error).map((p) => p.value).filter((id) => idsOf('gv.A').includes(id))).toEqual([]);
}, 30000);

test('retention 1 still writes (one XADD at a time)', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ retention: 1 }, { server: false });
  await a.listen();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await a.publish('rt.x', { i }));
  expect(strictlyIncreasing(ids)).toBe(true);
  expect((await a.health()).status).toBe('ok');
}, 20000);

test('Redis refusing writes (maxmemory, OOM): publish() rejects with the reason, health is unavailable (writesRefused) until an XADD is accepted; the own refused events are no "trimmed" gap', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  const errors = [];
  a.on('error', (e) => errors.push(e.message));
  await a.listen();
  await a.publish('oom.x', { n: 0 });
  expect(await redis.command('CONFIG', 'SET', 'maxmemory', '1')).toBe('OK');
  const refused = await a.publish('oom.x', { n: 1 }).then(() => null, (e) => e);
  expect(refused).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE', message: expect.stringMatching(/XADD failed: OOM/) });
  a.emit('oom.x', { n: 2 });
  await waitFor(() => errors.some((m) => /emit\(\)ted event\(s\) refused: XADD failed: OOM/.test(m)), { what: 'the refused emit reported' });
  const h = await a.health();
  expect({ status: h.status, refused: h.redis.writesRefused, state: h.redis.state }).toEqual({ status: 'unavailable', refused: true, state: 'ready' });
  expect(await redis.command('CONFIG', 'SET', 'maxmemory', '0')).toBe('OK');
  const id = await a.publish('oom.x', { n: 3 });
  const h2 = await a.health();
  expect({ status: h2.status, refused: h2.redis.writesRefused }).toEqual({ status: 'ok', refused: false });
  await waitFor(async () => (await a.getEventHistory({ count: 1 }))[0].id === id, { what: 'the relay read it back' });
  await settle(100);
  // Only the two refusals were said; no "trimmed" warning for our own holes in q.
  expect(errors.filter((m) => /trimmed/.test(m))).toEqual([]);
  expect(Number(await redis.command('XLEN', STREAM))).toBe(2);
}, 30000);

test('XADDs refused before the relay read any own entry do not hide a later real gap of this instance', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  const errors = [];
  a.on('error', (e) => errors.push(e.message));
  await a.listen();
  expect(await redis.command('CONFIG', 'SET', 'maxmemory', '1')).toBe('OK');
  for (let i = 0; i < 3; i++) await a.publish('r.x', { i }).catch(() => {}); // q 1..3 refused
  expect(await redis.command('CONFIG', 'SET', 'maxmemory', '0')).toBe('OK');
  const id = await a.publish('r.x', { i: 3 }); // q 4: the relay's first own entry
  await waitFor(async () => (await a.getEventHistory({ count: 1 }))[0].id === id, { what: 'read back' });
  const [[, fields]] = await redis.command('XREVRANGE', STREAM, '+', '-', 'COUNT', '1');
  expect(fields[0]).toBe('ew'); // one packed field (native/src/redis_entry.c)
  const inst = unpack(fields[1]).i;
  // q 5..8 of this instance trimmed before the relay read them: q 9 arrives.
  await redis.command('XADD', STREAM, '*', 't', 'r.x', 'ts', String(Date.now()), 'd', '{}', 'i', inst, 'q', '9');
  await waitFor(() => errors.some((m) => /missed/.test(m)), { what: 'the gap said' });
  expect(errors.filter((m) => /missed/.test(m))).toEqual([expect.stringMatching(/missed 4 event\(s\)/)]);
}, 30000);

test('close() right after a burst writes every event first: the emits and the publishes are all in the stream, each publish() resolved', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  await a.listen();
  for (let i = 0; i < 9000; i++) a.emit('burst.x', { i }); // within the default queueSize (10,000)
  const pubs = range(0, 100).map((i) => track(a.publish('burst.p', { i })));
  await a.close(); // at once: the engine still holds most of them
  await settle(10);
  expect({ unsettled: pubs.filter((p) => !p.settled).length, errors: [...new Set(pubs.filter((p) => p.error).map((p) => `${p.error.code} ${p.error.message}`))] }).toEqual({ unsettled: 0, errors: [] });
  expect(Number(await redis.command('XLEN', STREAM))).toBe(9100);
  const last = await redis.command('XREVRANGE', STREAM, '+', '-', 'COUNT', '1');
  expect(last[0][0]).toBe(pubs[99].value);
}, 30000);

test('close() while Redis does not answer gives up after ~5 s: the unwritten publishes reject ERR_CLOSED, close() resolves', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  await a.listen();
  redis.pause(); // SIGSTOP: connected, never answering
  const pubs = range(0, 5).map((i) => track(a.publish('stuck.x', { i })));
  await settle(100);
  const t0 = Date.now();
  await a.close();
  const took = Date.now() - t0;
  expect(took).toBeGreaterThanOrEqual(4000);
  expect(took).toBeLessThan(15000);
  expect(pubs.map((p) => p.settled && p.error && p.error.code)).toEqual(Array(5).fill('ERR_CLOSED'));
}, 30000);

test('a publish refused by a full offline queue is not delivered locally either (the caller may retry it)', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ queueSize: 2, maxReconnectAttempts: 1000 });
  const { port } = await a.listen();
  a.on('error', () => {});
  const c = client(port);
  await c.sub(['qf.*']);
  await redis.kill();
  await waitFor(async () => (await a.health()).status === 'unavailable', { what: 'unavailable' });
  const pubs = range(0, 3).map((i) => track(a.publish('qf.x', { i })));
  await waitFor(() => pubs[2].settled, { what: 'the third refused' });
  expect(pubs[2].error.code).toBe('ERR_QUEUE_FULL');
  await c.waitEvents(2);
  await settle(200);
  expect(c.events.map((e) => e.data.i)).toEqual([0, 1]);
}, 20000);

test('connectTimeoutMs covers AUTH/SELECT/PING: a Redis that accepts but never answers is given up (ERR_REDIS_UNAVAILABLE), not waited on for ever', async () => {
  redis = await RedisServer.start();
  redis.pause(); // SIGSTOP: the kernel still accepts connections
  const a = makeBus({ connectTimeoutMs: 300, maxReconnectAttempts: 2 }, { server: false });
  const errors = [];
  a.on('error', (e) => errors.push(e));
  const t0 = Date.now();
  const err = await a.listen().then(() => null, (e) => e);
  expect(err && err.code).toBe('ERR_REDIS_UNAVAILABLE');
  expect(err.message).toMatch(/connect timeout/);
  expect(Date.now() - t0).toBeLessThan(8000);
  redis.resume();
}, 20000);

test('health() goes unhealthy while XADDs stay unanswered (CLIENT PAUSE WRITE), and recovers', async () => {
  redis = await RedisServer.start();
  const a = makeBus({}, { server: false });
  await a.listen();
  await redis.command('CLIENT', 'PAUSE', '9000', 'WRITE');
  const p = track(a.publish('hp.x', { i: 1 }));
  await waitFor(async () => (await a.health()).status !== 'ok', { timeoutMs: 8000, what: 'unhealthy' });
  const h = await a.health();
  expect(h.redis.relayStalled).toBe(true);
  expect(p.settled).toBe(false);
  await redis.command('CLIENT', 'UNPAUSE');
  await waitFor(() => p.settled, { timeoutMs: 5000, what: 'the publish' });
  await waitHealthy([a]);
}, 20000);

test('XADDs resent after a drop are found in the stream however much others wrote meanwhile: no duplicate entry, publish() gets the original ids', async () => {
  redis = await RedisServer.start();
  const proxy = await redisProxy(redis.port);
  const a = makeBus({}, { server: false, url: `redis://127.0.0.1:${proxy.port}` });
  a.on('error', () => {});
  await a.listen();
  await a.publish('rs.warm', {}); // an acknowledged id to start the check from
  await waitFor(() => proxy.conns.length === 2, { what: 'two connections' });
  const cmd = proxy.conns[0];
  cmd.hold = []; // Redis applies the XADDs; their replies never arrive
  const pubs = range(0, 10).map((i) => track(a.publish('rs.x', { i })));
  await waitFor(async () => (await redis.command('XLEN', STREAM)) >= 11, { what: 'the 10 applied' });
  // another instance writes 1,500 entries meanwhile (more than one page of the check)
  for (let k = 0; k < 1500; k += 250) {
    await Promise.all(range(k, 250).map((q) => redis.command('XADD', STREAM, '*', 't', 'other.x', 'ts', '1', 'd', '1', 'i', 'other', 'q', String(q + 1))));
  }
  cmd.c.destroy(); // the command connection drops with the 10 unanswered
  await waitFor(() => pubs.every((p) => p.settled), { timeoutMs: 10000, what: 'the 10 settled after the reconnect' });
  const rows = await redis.xrange(STREAM);
  const mine = rows.filter((r) => r.fields.t === 'rs.x');
  expect(mine.map((r) => JSON.parse(r.fields.d).i)).toEqual(range(0, 10)); // once each
  expect(pubs.map((p) => p.value)).toEqual(mine.map((r) => r.id));
}, 30000);

test('an XREAD error reply (the stream key is not a stream) backs the relay off (no tight loop, no reconnect loop), health unavailable; fixed, it recovers', async () => {
  redis = await RedisServer.start();
  const a = makeBus({ maxReconnectAttempts: 1000 }, { server: false });
  a.on('error', () => {});
  await a.listen();
  await redis.command('DEL', STREAM);
  await redis.command('SET', STREAM, 'not a stream');
  await redis.command('CONFIG', 'RESETSTAT');
  await waitFor(async () => (await a.health()).status !== 'ok', { timeoutMs: 8000, what: 'unhealthy' });
  expect((await a.health()).redis.lastError).toMatch(/XREAD failed: WRONGTYPE/);
  const conns0 = Number(/total_connections_received:(\d+)/.exec(await redis.command('INFO', 'stats'))[1]);
  await settle(1500);
  const stats = await redis.command('INFO', 'commandstats');
  const xread = /cmdstat_xread:calls=(\d+)/.exec(stats);
  expect(xread ? Number(xread[1]) : 0).toBeLessThan(15); // backed off: no spin
  const conns1 = Number(/total_connections_received:(\d+)/.exec(await redis.command('INFO', 'stats'))[1]);
  expect(conns1 - conns0).toBeLessThanOrEqual(2); // the connections stay (only our INFO ones are new)
  await redis.command('DEL', STREAM);
  await waitHealthy([a], 15000);
  expect(await a.publish('back.x', {})).toMatch(/^\d+-\d+$/);
}, 30000);

test('the copy check remembers 256 instances; the 257th takes the slot filled longest ago, so a recent copy is still skipped', async () => {
  redis = await RedisServer.start();
  const b = makeBus({}, { server: false });
  await b.listen();
  const got = [];
  b.on('dup.*', (d) => got.push(d.k));
  for (let k = 0; k < 257; k += 64) {
    await Promise.all(range(k, Math.min(64, 257 - k)).map((i) => redis.command('XADD', STREAM, '*', 't', 'dup.x', 'ts', '1',
      'd', JSON.stringify({ k: i }), 'i', `inst-${i}`, 'q', '1')));
  }
  await waitFor(() => got.length === 257, { what: '257 instances' });
  // a second copy of inst-1's q 1 (an XADD sent again): inst-0's slot went to inst-256, not inst-1's
  await redis.command('XADD', STREAM, '*', 't', 'dup.x', 'ts', '1', 'd', JSON.stringify({ k: 'copy' }), 'i', 'inst-1', 'q', '1');
  // a marker after it in the stream: once it arrived, the copy was read (or skipped)
  await redis.command('XADD', STREAM, '*', 't', 'dup.x', 'ts', '1', 'd', JSON.stringify({ k: 'end' }), 'i', 'inst-1', 'q', '2');
  await waitFor(() => got.includes('end'), { what: 'the marker' });
  expect(got).not.toContain('copy');
  expect(got.length).toBe(258);
}, 20000);

test('health() reports the relay lag: own events acknowledged but not read back (relayBehind) and how far behind in time (relayLagMs)', async () => {
  redis = await RedisServer.start();
  const proxy = await redisProxy(redis.port);
  const a = makeBus({}, { server: false, url: `redis://127.0.0.1:${proxy.port}` });
  await a.listen();
  await waitFor(() => proxy.conns.length === 2, { what: 'two connections' });
  expect((await a.health()).redis).toMatchObject({ relayLagMs: 0, relayBehind: 0 });
  const relay = proxy.conns[1];
  relay.hold = []; // the relay's replies are late: nothing is read back
  await settle(50);
  for (let i = 0; i < 5; i++) {
    await a.publish('lag.x', { i });
    await settle(20);
  }
  const h = (await a.health()).redis;
  expect(h.relayBehind).toBe(5);
  expect(h.relayLagMs).toBeGreaterThanOrEqual(60);
  const held = relay.hold;
  relay.hold = null;
  for (const d of held) relay.c.write(d);
  await waitFor(async () => (await a.health()).redis.relayBehind === 0, { what: 'read back' });
  expect((await a.health()).redis.relayLagMs).toBe(0);
}, 20000);
