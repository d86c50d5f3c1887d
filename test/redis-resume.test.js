'use strict';
// Resume in Redis mode from an id older than the engine's ring: the engine
// replays from the stream (XRANGE pages), then the ring, then live — /ws and
// SSE, with no gap and no duplicate; an id the stream no longer holds is a
// gap (ERR_HISTORY_GAP / eventwire.gap) and replay starts at the oldest kept.
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { RedisServer } = require('./helpers/redis');
const { TestClient } = require('./helpers/wsclient');
const { waitFor } = require('./helpers/net');

let redis;
const buses = [];
const clients = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(buses.splice(0).map((b) => b.close()));
  if (redis) await redis.kill();
  redis = null;
  expect(native.allocLive()).toBe(0);
});

async function start(redisOpts = {}, serverOpts = {}) {
  redis = await RedisServer.start();
  const bus = new EventBus({
    redis: { url: redis.url(), ...redisOpts },
    history: { size: 5 },
    server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, ...serverOpts },
  });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port };
}

/** Publishes event 0 of `type` and emits 1..n-1, paced so the offline
 * queue (10,000) never refuses any; resolves with event 0's id once Redis
 * acknowledged all n. */
async function writeMany(bus, type, n, data = (i) => ({ i })) {
  const first = await bus.publish(type, data(0));
  for (let i = 1; i < n; i++) {
    bus.emit(type, data(i));
    if (i % 2000 === 0) await waitFor(() => bus.stats().engine.redisWritten >= i - 1000, { what: 'written', timeoutMs: 10000 });
  }
  await waitFor(() => bus.stats().engine.redisWritten === n, { what: `all ${n} written`, timeoutMs: 20000 });
  // And read back by the relay: the ring (5 here) holds the stream's end, as
  // it does for a client that resumes later.
  await waitFor(async () => (await bus.health()).redis.relayBehind === 0, { what: 'the relay caught up', timeoutMs: 20000 });
  return first;
}

// A bus on Redis `url` with a small ring and a server (listen() is the
// test's), closed after the test; resolves once both Redis connections are up.
async function busOn(url, { history = 5, server = true } = {}) {
  const b = new EventBus({ redis: { url }, history: { size: history }, ...(server ? { server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 } } : {}) });
  b.on('error', () => {});
  buses.push(b);
  await waitFor(async () => (await b.health()).redis.state === 'ready', { what: 'Redis ready' });
  return b;
}

// The events client c has once it has n of them and nothing more came for 100 ms.
async function settledEvents(c, n) {
  await c.waitEvents(n);
  await new Promise((r) => setTimeout(r, 100));
  return c.events;
}

test('a /ws resume older than the ring replays from the stream, then live, gap-free', async () => {
  const { bus, port } = await start();
  const ids = [];
  for (let i = 0; i < 600; i++) ids.push(await bus.publish(i % 3 ? 'r.keep' : 'r.other', { i }));
  const c = new TestClient(port);
  clients.push(c);
  expect(await c.sub(['r.keep'], { since: ids[100] })).toEqual({ op: 'ack', ref: 'r1' });
  // Live events while the replay pages through the stream.
  const live = [];
  for (let i = 600; i < 700; i++) live.push(bus.publish(i % 3 ? 'r.keep' : 'r.other', { i }));
  await Promise.all(live);
  const want = [];
  for (let i = 101; i < 700; i++) if (i % 3) want.push(i);
  await c.waitEvents(want.length, 10000);
  await new Promise((r) => setTimeout(r, 100));
  expect(c.events.map((e) => e.data.i)).toEqual(want);
});

test('a resume from the stream waits for a client that does not read (no 4008) and gives it everything, then the live events, once it reads', async () => {
  // Before: pages went out as fast as Redis answered, and a client that
  // read fine was closed 4008 ("slow consumer") once the replay outran it.
  const { bus, port } = await start({}, { backlog: { maxFrames: 100, maxBytes: 1 << 30 } });
  // 48 MB: more than loopback's socket buffers (tcp_rmem 32 MB + wmem 4 MB
  // here), so the replay cannot end while the client does not read.
  const big = 'x'.repeat(16000);
  const first = await writeMany(bus, 'big.x', 3000, (i) => ({ i, big }));
  const slow = new TestClient(port);
  clients.push(slow);
  await slow.opened;
  slow.ws._socket.pause(); // reads nothing for a while: the replay waits for it
  slow.send({ op: 'sub', patterns: ['big.*'], since: first, ref: 's1' });
  await new Promise((r) => setTimeout(r, 1500));
  expect(bus.stats().engine.slowConsumerCloses).toBe(0);
  slow.ws._socket.resume();
  for (let i = 3000; i < 3010; i++) bus.emit('big.x', { i, big }); // live ones follow the replay
  await slow.waitEvents(3009, 30000);
  expect(slow.events.map((e) => e.data.i)).toEqual(Array.from({ length: 3009 }, (_, k) => k + 1));
  expect(slow.closed).toBeNull();
  expect(bus.stats().engine.slowConsumerCloses).toBe(0);
  expect((await bus.health()).status).toBe('ok');
}, 60000);

test('a reading client resumes 100,000 events from the stream with the default backlog, in order, without a 4008', async () => {
  const { bus, port } = await start();
  const first = await writeMany(bus, 'many.x', 100000, (i) => ({ i, pad: 'y'.repeat(150) }));
  const c = new TestClient(port);
  clients.push(c);
  await c.sub(['many.*'], { since: first });
  await c.waitEvents(99999, 30000);
  expect(c.closed).toBeNull();
  expect(c.events.every((e, k) => e.data.i === k + 1)).toBe(true);
  expect(bus.stats().engine.slowConsumerCloses).toBe(0);
}, 90000);

test('a client that leaves in the middle of its stream replay: nothing breaks, the next resume is whole', async () => {
  const { bus, port } = await start();
  const first = await writeMany(bus, 'm.x', 20000);
  for (let k = 0; k < 5; k++) {
    const gone = new TestClient(port);
    await gone.opened;
    gone.send({ op: 'sub', patterns: ['m.*'], since: first, ref: 'g' });
    await new Promise((r) => setTimeout(r, k * 3)); // at different points of the replay
    gone.close();
  }
  await waitFor(() => bus.stats().engine.connections === 0, { what: 'the leavers gone' });
  const c = new TestClient(port);
  clients.push(c);
  await c.sub(['m.*'], { since: first });
  await c.waitEvents(19999, 20000);
  const got = c.events.map((e) => e.data.i);
  expect(got.length).toBe(19999);
  expect(got[0]).toBe(1);
  expect(got[got.length - 1]).toBe(19999);
  expect(got.every((v, k) => v === k + 1)).toBe(true);
}, 60000);

// Found by a review of the paced replay: pages sized by frame counts alone,
// entries that are not events, trims while parked, a second resume.
test('large events: a reading client gets a 300 × 40 KB replay, and one after 300 small events, without a 4008', async () => {
  const { bus, port } = await start();
  const big = 'x'.repeat(40000);
  const first = await writeMany(bus, 'b.x', 601, (i) => (i <= 300 ? { i } : { i, big }));
  const c = new TestClient(port);
  clients.push(c);
  await c.sub(['b.*'], { since: first });
  await waitFor(() => c.events.length >= 600 || c.closed, { timeoutMs: 20000, what: 'the replay' });
  expect({ got: c.events.length, closed: c.closed, slow: bus.stats().engine.slowConsumerCloses }).toEqual({ got: 600, closed: null, slow: 0 });
  expect(c.events.every((e, k) => e.data.i === k + 1)).toBe(true);
}, 60000);

test('entries eventwire did not write, more than a page of them, are stepped over once (no XRANGE loop)', async () => {
  const { bus, port } = await start({}, { backlog: { maxFrames: 4 } });
  const first = await bus.publish('f.x', { i: 0 });
  for (let k = 0; k < 5; k++) await redis.command('XADD', 'eventwire:events', '*', 'foo', 'bar');
  for (let i = 1; i <= 20; i++) await bus.publish('f.x', { i });
  const xrange = async () => Number((/cmdstat_xrange:calls=(\d+)/.exec(await redis.command('INFO', 'commandstats')) || [0, 0])[1]);
  const before = await xrange();
  const c = new TestClient(port);
  clients.push(c);
  await c.sub(['f.*'], { since: first });
  await c.waitEvents(20);
  await new Promise((r) => setTimeout(r, 300));
  expect(c.events.map((e) => e.data.i)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
  expect((await xrange()) - before).toBeLessThan(40); // 4 per page: ~8 pages and the oldest-entry check
}, 30000);

test('a replay parked while MAXLEN trims past it closes the client 4008 (it resumes and is told of the gap), never a silent hole', async () => {
  const { bus, port } = await start({ retention: 1000 }, { backlog: { maxFrames: 100, maxBytes: 1 << 30 } });
  const big = 'x'.repeat(16000);
  const first = await writeMany(bus, 't.x', 500, (i) => ({ i, big }));
  const c = new TestClient(port);
  clients.push(c);
  await c.opened;
  c.ws._socket.pause();
  c.send({ op: 'sub', patterns: ['t.*'], since: first, ref: 's1' });
  await new Promise((r) => setTimeout(r, 1000)); // parked now
  for (let i = 500; i < 3500; i++) {
    bus.emit('t.x', { i, big }); // MAXLEN ~1000 trims past the parked position
    if (i % 500 === 0) await waitFor(() => bus.stats().engine.redisWritten >= i - 200, { what: 'written', timeoutMs: 10000 });
  }
  await waitFor(() => bus.stats().engine.redisWritten === 3500, { what: 'all written', timeoutMs: 20000 });
  c.ws._socket.resume();
  await waitFor(() => c.closed || (c.events.length && c.events[c.events.length - 1].data.i === 3499), { timeoutMs: 30000, what: 'the end or a close' });
  const got = c.events.map((e) => e.data.i);
  const holes = [];
  for (let k = 1; k < got.length; k++) if (got[k] !== got[k - 1] + 1) holes.push([got[k - 1], got[k]]);
  expect({ holes, closedWith: c.closed && c.closed.code }).toEqual({ holes: [], closedWith: 4008 });
}, 120000);

test('a second sub with since while the first resume still replays is refused (ERR_INVALID_SINCE): no event twice', async () => {
  const { bus, port } = await start({}, { backlog: { maxFrames: 100, maxBytes: 1 << 30 } });
  const first = await writeMany(bus, 'd.x', 2000);
  const c = new TestClient(port);
  clients.push(c);
  await c.opened;
  // 'keep.*' stays subscribed: a connection left with no pattern ends its replay at once.
  c.send({ op: 'sub', patterns: ['d.*', 'keep.*'], since: first, ref: 'a' });
  c.send({ op: 'unsub', patterns: ['d.*'], ref: 'b' });
  c.send({ op: 'sub', patterns: ['d.*'], since: first, ref: 'c' });
  await waitFor(() => c.control.some((m) => m.ref === 'c'), { what: 'the answer to c' });
  await new Promise((r) => setTimeout(r, 500));
  expect(c.control.find((m) => m.ref === 'c')).toMatchObject({ op: 'error', code: 'ERR_INVALID_SINCE' });
  expect(c.control.find((m) => m.ref === 'a')).toMatchObject({ op: 'ack' });
  const got = c.events.map((e) => e.data.i);
  expect(got.every((v, k) => k === 0 || v > got[k - 1])).toBe(true);
  expect(c.closed).toBeNull();
}, 30000);

test('an id the stream has trimmed is ERR_HISTORY_GAP, then what the stream keeps', async () => {
  const { bus, port } = await start({ retention: 50 });
  const first = await bus.publish('t.x', { i: 0 });
  for (let i = 1; i < 1500; i++) bus.emit('t.x', { i });
  await waitFor(() => bus.stats().engine.redisWritten === 1500, { what: 'all written' });
  const c = new TestClient(port);
  clients.push(c);
  const reply = await c.sub(['t.*'], { since: first });
  expect(reply).toMatchObject({ op: 'error', code: 'ERR_HISTORY_GAP', oldest: expect.stringMatching(/^\d+-\d+$/) });
  await waitFor(() => c.events.length > 0 && c.events[c.events.length - 1].data.i === 1499, { what: 'replay to the end' });
  const got = c.events.map((e) => e.data.i);
  expect(got[0]).toBeGreaterThan(1); // trimmed: the beginning is gone
  expect(got).toEqual(Array.from({ length: 1500 - got[0] }, (_, k) => got[0] + k)); // and the rest is whole
  expect(c.events[0].id).toBe(reply.oldest);
});

test('SSE with Last-Event-ID older than the ring replays from the stream', async () => {
  const { bus, port } = await start();
  const ids = [];
  for (let i = 0; i < 60; i++) ids.push(await bus.publish('s.x', { i }));
  const ctrl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/events?pattern=s.*`, { headers: { 'Last-Event-ID': ids[9] }, signal: ctrl.signal });
  expect(res.status).toBe(200);
  const reader = res.body.getReader();
  let text = '';
  while (!text.includes('"i":59')) text += Buffer.from((await reader.read()).value).toString();
  ctrl.abort();
  const got = [...text.matchAll(/"i":(\d+)/g)].map((m) => Number(m[1]));
  expect(got).toEqual(Array.from({ length: 50 }, (_, k) => k + 10));
  expect(text).not.toContain('eventwire.gap');
});

test('SSE: a Last-Event-ID 50,000 events back is replayed whole to a reading client, without a 4008', async () => {
  const { bus, port } = await start();
  const first = await writeMany(bus, 's.x', 50000);
  const ctrl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/events?pattern=s.*`, { headers: { 'Last-Event-ID': first }, signal: ctrl.signal });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let tail = '';
  let n = 0;
  let next = 1;
  let inOrder = true;
  while (n < 49999) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = tail + dec.decode(value, { stream: true });
    const cut = text.lastIndexOf('\n\n');
    tail = text.slice(cut + 2);
    for (const m of text.slice(0, cut + 2).matchAll(/"i":(\d+)/g)) {
      if (Number(m[1]) !== next++) inOrder = false;
      n++;
    }
  }
  ctrl.abort();
  expect({ n, inOrder, slowCloses: bus.stats().engine.slowConsumerCloses }).toEqual({ n: 49999, inOrder: true, slowCloses: 0 });
}, 60000);

// Socket.IO connection state recovery in Redis mode: the offset (a stream id)
// may be older than the engine's ring; the stream answers then.
function sioClient(port) {
  const { io } = require('socket.io-client');
  const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 5000 });
  s.got = [];
  s.onAny((type, env) => { if (!type.startsWith('eventwire:')) s.got.push(env); });
  clients.push({ close: () => s.close() });
  return s;
}
const sioConnected = (s) => new Promise((resolve, reject) => {
  s.once('connect', resolve);
  s.once('connect_error', reject);
});
const sioAck = (s, ...args) => s.timeout(5000).emitWithAck(...args);

test('Socket.IO recovery older than the ring replays from the stream: recovered, every event once and in order', async () => {
  const { bus, port } = await start();
  const s = sioClient(port);
  await sioConnected(s);
  expect(await sioAck(s, 'subscribe', 'k.*')).toEqual({ ok: true });
  await bus.publish('k.x', { i: 0 });
  await waitFor(() => s.got.length === 1, { what: 'first event' });
  const pid = s._pid;
  s.io.engine.close();
  await waitFor(() => bus.stats().engine.connections === 0, { what: 'old connection gone' });
  for (let i = 1; i < 300; i++) await bus.publish(i % 2 ? 'k.x' : 'other.x', { i }); // far more than the ring of 5
  s.connect(); // same socket: sends { pid, offset }
  await sioConnected(s);
  expect(s.recovered).toBe(true);
  expect(s._pid).toBe(pid);
  for (let i = 300; i < 310; i++) await bus.publish('k.x', { i });
  const want = [0];
  for (let i = 1; i < 310; i++) if (i % 2 || i >= 300) want.push(i);
  await waitFor(() => s.got.length >= want.length, { timeoutMs: 10000, what: `${want.length} events (have ${s.got.length})` });
  await new Promise((r) => setTimeout(r, 100));
  expect(s.got.map((e) => e.data.i)).toEqual(want);
});

test('Socket.IO recovery from an offset the stream has trimmed: not recovered, old subscription gone, the stream not paged through', async () => {
  const { bus, port } = await start({ retention: 1000 });
  const s = sioClient(port);
  await sioConnected(s);
  expect(await sioAck(s, 'subscribe', 't.*')).toEqual({ ok: true });
  await bus.publish('t.x', { i: 0 });
  await waitFor(() => s.got.length === 1, { what: 'first event' });
  const pid = s._pid;
  s.io.engine.close();
  await waitFor(() => bus.stats().engine.connections === 0, { what: 'old connection gone' });
  for (let i = 1; i < 3000; i++) bus.emit('t.x', { i });
  await waitFor(() => bus.stats().engine.redisWritten === 3000, { what: 'all written' });
  const xrange = async () => Number((/cmdstat_xrange:calls=(\d+)/.exec(await redis.command('INFO', 'commandstats')) || [0, 0])[1]);
  const before = await xrange();
  s.connect();
  await sioConnected(s);
  expect(s.recovered).toBe(false);
  expect(s._pid).not.toBe(pid);
  expect(bus.stats().engine.subscriptions).toBe(0);
  await bus.publish('t.x', { i: 'after' });
  await new Promise((r) => setTimeout(r, 200));
  expect(s.got.length).toBe(1); // nothing replayed, nothing live: it must subscribe again
  // Only the check of the stream's first entry: no pages for a session given up (~1,000 entries kept: 4+ pages).
  expect((await xrange()) - before).toBe(1);
});

test('getEventHistory({ since }) from an id the stream has trimmed: ERR_HISTORY_GAP with what the stream keeps', async () => {
  const { bus } = await start({ retention: 50 });
  const first = await bus.publish('h.x', { i: 0 });
  for (let i = 1; i < 1500; i++) bus.emit('h.x', { i });
  await waitFor(() => bus.stats().engine.redisWritten === 1500, { what: 'all written' });
  const err = await bus.getEventHistory({ since: first, count: 10000 }).then(() => null, (e) => e);
  expect(err).toMatchObject({ code: 'ERR_HISTORY_GAP' });
  const got = err.events.map((e) => e.data.i);
  expect(got.length).toBeGreaterThan(0);
  expect(got[got.length - 1]).toBe(1499);
  expect(got).toEqual(Array.from({ length: got.length }, (_, k) => got[0] + k)); // what is kept, whole
  // A `since` still in the stream: no error, exactly what follows it.
  const mid = err.events[10].id;
  const after = await bus.getEventHistory({ since: mid, count: 5 });
  expect(after.map((e) => e.data.i)).toEqual([got[11], got[12], got[13], got[14], got[15]]);
});

describe('JS SSE streams in Redis mode (createEventStream: Next.js, Fastify)', () => {
  /** Reads an SSE byte stream until `n` events (or 5 s); returns their ids and types. */
  async function readEvents(stream, n) {
    const reader = stream.getReader();
    const dec = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 5000;
    const ids = () => [...text.matchAll(/^id: (.*)\nevent: (.*)$/gm)];
    while (ids().length < n && Date.now() < deadline) {
      const r = await Promise.race([reader.read(), new Promise((res) => setTimeout(() => res(null), 200))]);
      if (r && r.done) break;
      if (r) text += dec.decode(r.value, { stream: true });
    }
    await reader.cancel();
    return ids().map((m) => ({ id: m[1], type: m[2] }));
  }

  test("stream ids for the bus's own events and other instances' alike, so a resume by Last-Event-ID is exact", async () => {
    const { bus: a } = await start();
    const b = new EventBus({ redis: { url: redis.url() } });
    buses.push(b);
    await b.listen();
    const live = a.createEventStream({ pattern: 'x.*', heartbeatMs: 0 });
    const reading = readEvents(live, 7);
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 3; i++) {
      await a.publish('x.a', { i });
      await b.publish('x.b', { i });
    }
    a.emit('x.c', { fire: 'and forget' }); // no id in JS: the stream's is the one clients see
    const got = await reading;
    const rows = await redis.xrange();
    expect(got).toEqual(rows.map((r) => ({ id: r.id, type: r.fields.t })));
    // resume after the 3rd: history (from the stream) has exactly the rest
    const resumed = await readEvents(a.createEventStream({ pattern: 'x.*', lastEventId: got[2].id, heartbeatMs: 0 }), 4);
    expect(resumed).toEqual(got.slice(3));
    expect(a.stats().subscriptions).toBe(0);
  });
});

// A TCP proxy whose forwarding can be held: what instance B reads from
// Redis waits while it is held (B's relay falls behind A's writes).
async function holdableProxy(targetPort) {
  const net = require('net');
  let held = false;
  const waiting = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const pipe = (from, to) => from.on('data', (buf) => (held ? waiting.push(() => to.write(buf)) : to.write(buf)));
    pipe(client, upstream);
    pipe(upstream, client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    hold() { held = true; },
    release() { held = false; for (const w of waiting.splice(0)) w(); },
    close() { for (const s of sockets) s.destroy(); server.close(); },
  };
}

test('a resume from an id this instance has not read yet (seen through a faster instance): the entries up to it are not sent again', async () => {
  const { bus: a } = await start();
  const proxy = await holdableProxy(redis.port);
  try {
    const b = new EventBus({
      redis: { url: `redis://127.0.0.1:${proxy.port}` },
      history: { size: 5 },
      server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 },
    });
    buses.push(b);
    const { port } = await b.listen();
    const first = await a.publish('n.x', { i: 0 });
    await waitFor(async () => (await b.getEventHistory({ count: 1 })).some((e) => e.id === first), { what: 'B read event 0' });
    proxy.hold(); // B's relay reads nothing from here on
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await a.publish('n.x', { i }));
    // The client saw event 5 through A, and resumes on B.
    const c = new TestClient(port);
    clients.push(c);
    expect(await c.sub(['n.*'], { since: ids[4] })).toEqual({ op: 'ack', ref: 'r1' }); // B's ring ends at event 0: nothing to replay
    proxy.release();
    await waitFor(async () => (await b.getEventHistory({ count: 1 }))[0].id === ids[4], { what: 'B read events 1..5' });
    const next = await a.publish('n.x', { i: 6 });
    await c.waitEvents(1);
    await new Promise((r) => setTimeout(r, 100)); // anything extra arrives now
    expect(c.events.map((e) => e.id)).toEqual([next]);
  } finally {
    proxy.close();
  }
}, 20000);

test('a resume on an instance started after the events (its ring holds none of them): replayed from the stream, then live', async () => {
  const { bus: a } = await start();
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push(await a.publish('late.x', { i }));
  const b = await busOn(redis.url());
  const { port } = await b.listen();
  const c = new TestClient(port);
  clients.push(c);
  expect(await c.sub(['late.*'], { since: ids[3] })).toEqual({ op: 'ack', ref: 'r1' });
  const next = await a.publish('late.x', { i: 10 });
  expect((await settledEvents(c, 7)).map((e) => e.id)).toEqual([...ids.slice(4), next]);
});

test('events published before listen() (no frames kept for them) reach a client that resumes after listen(), from the stream', async () => {
  redis = await RedisServer.start();
  const bus = await busOn(redis.url()); // ready first: else the first events go out locally at once
  const ids = [];
  for (let i = 0; i < 8; i++) ids.push(await bus.publish('early.x', { i }));
  await waitFor(async () => (await bus.health()).redis.relayBehind === 0, { what: 'read back' });
  expect(bus.stats().engine.historyEvents).toBe(0); // nothing kept: nobody could have asked for it
  const { port } = await bus.listen();
  const c = new TestClient(port);
  clients.push(c);
  expect(await c.sub(['early.*'], { since: ids[1] })).toEqual({ op: 'ack', ref: 'r1' });
  const next = await bus.publish('early.x', { i: 8 });
  expect((await settledEvents(c, 7)).map((e) => e.id)).toEqual([...ids.slice(2), next]);
});

test('a publisher-only bus reads other writers\' packed entries whole: a retry for one group stays private, a broken one is counted, a good one reaches JS', async () => {
  redis = await RedisServer.start();
  const q = await busOn(redis.url()); // not listening: quiet
  const got = [];
  q.subscribe('x.*', (e) => got.push(e.data));
  const before = q.stats().engine.badRecords;
  await redis.command('XADD', 'eventwire:events', '*', 'ew', '{"t":"x.a","ts":1,"i":"other","q":1,"g":"grp","d":"group-only"}');
  await redis.command('XADD', 'eventwire:events', '*', 'ew', '{"t":"x.a","ts":1,"i":"other","q":2,"d":{"broken":}}');
  await redis.command('XADD', 'eventwire:events', '*', 'ew', '{"t":"x.a","ts":1,"i":"other","q":3,"d":"ok"}');
  await waitFor(() => got.includes('ok'), { what: 'the good one' });
  await new Promise((r) => setTimeout(r, 100));
  expect({ got, bad: q.stats().engine.badRecords - before }).toEqual({ got: ['ok'], bad: 1 });
});

test("a publisher's own events between other instances' in its ring: a later resume from before them gets them from the stream (the evicted mark never moves back)", async () => {
  redis = await RedisServer.start();
  const q = await busOn(redis.url(), { history: 3 });
  const p = await busOn(redis.url(), { server: false });
  const caughtUp = () => waitFor(async () => (await q.health()).redis.relayBehind === 0 && q.stats().engine.redisRelayed >= ids.length, { what: 'q read back' });
  const ids = [];
  ids.push(await p.publish('x.a', { n: 'A1' }));
  await caughtUp();
  ids.push(await q.publish('x.a', { n: 'O2 (own)' }));
  await caughtUp();
  for (const n of ['B3', 'C4', 'D5']) {
    ids.push(await p.publish('x.a', { n }));
    await caughtUp(); // B3 enters q's ring of 3, C4 evicts A1 (older than the mark set past O2)
  }
  const { port } = await q.listen();
  const c = new TestClient(port);
  clients.push(c);
  expect(await c.sub(['x.*'], { since: ids[0] })).toEqual({ op: 'ack', ref: 'r1' });
  expect((await settledEvents(c, 4)).map((e) => e.data.n)).toEqual(['O2 (own)', 'B3', 'C4', 'D5']);
});

test('a sub for other patterns after a resume ahead of the relay: its events are not held back by the old resume id', async () => {
  const { bus: a } = await start();
  const proxy = await holdableProxy(redis.port);
  try {
    const b = new EventBus({ redis: { url: `redis://127.0.0.1:${proxy.port}` }, history: { size: 5 }, server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 } });
    buses.push(b);
    const { port } = await b.listen();
    const first = await a.publish('n.x', { i: 0 });
    await waitFor(async () => (await b.getEventHistory({ count: 1 })).some((e) => e.id === first), { what: 'B read event 0' });
    proxy.hold();
    const ids = [];
    for (let i = 1; i <= 3; i++) ids.push(await a.publish('n.x', { i }));
    const later = await a.publish('m.x', { i: 'm' }); // older than the resume id below
    ids.push(await a.publish('n.x', { i: 4 }));
    const c = new TestClient(port);
    clients.push(c);
    expect(await c.sub(['n.*'], { since: ids[3] })).toEqual({ op: 'ack', ref: 'r1' });
    expect(await c.op({ op: 'unsub', patterns: ['n.*'] })).toMatchObject({ op: 'ack' });
    expect(await c.sub(['m.*'])).toMatchObject({ op: 'ack' }); // new patterns, no since: the client has none of them
    proxy.release();
    await c.waitEvents(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events.map((e) => e.id)).toEqual([later]);
  } finally {
    proxy.close();
  }
}, 20000);

test('a resume while Redis is down, into a ring with events older than its evicted mark: told of the gap, and nothing up to its id is sent again', async () => {
  redis = await RedisServer.start();
  const q = await busOn(redis.url(), { history: 10 });
  const p = await busOn(redis.url(), { server: false });
  const ids = [];
  const caughtUp = () => waitFor(async () => (await q.health()).redis.relayBehind === 0 && q.stats().engine.redisRelayed >= ids.length, { what: 'q read back' });
  for (const [b, n] of [[p, 'A1'], [p, 'A2'], [q, 'O3 (own, not in the ring)'], [p, 'B4']]) {
    ids.push(await b.publish('x.a', { n }));
    await caughtUp();
  }
  const { port } = await q.listen();
  await redis.kill();
  await waitFor(async () => (await q.health()).redis.state !== 'ready', { what: 'Redis down' });
  const c = new TestClient(port);
  clients.push(c);
  const reply = await c.sub(['x.*'], { since: ids[1] });
  expect(reply).toMatchObject({ op: 'error', code: 'ERR_HISTORY_GAP', oldest: ids[3] });
  expect((await settledEvents(c, 1)).map((e) => e.data.n)).toEqual(['B4']);
});
