'use strict';
// Server-Sent Events at /events, read with Node's fetch streaming: headers
// and framing, pattern filters, errors before the stream, gap-free resume
// from Last-Event-ID while events keep flowing, history gaps, heartbeat
// comments, connection accounting, and the slow-reader policy.
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { waitFor } = require('./helpers/net');
const { SseStream, idKey } = require('./helpers/sse');

const buses = [];
const streams = [];
const timers = [];

async function start(server = {}, opts = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, ...server }, ...opts });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port, base: `http://127.0.0.1:${port}` };
}

async function open(base, path, opts) {
  const s = await SseStream.open(base, path, opts);
  if (s instanceof SseStream) streams.push(s);
  return s;
}

function collector(bus, pattern) {
  const list = [];
  bus.subscribe(pattern, (env) => list.push(JSON.parse(JSON.stringify(env))));
  return list;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

function expectAscending(ids) {
  for (let i = 1; i < ids.length; i++) {
    if (!(idKey(ids[i]) > idKey(ids[i - 1]))) throw new Error(`ids not ascending at ${i}: ${ids[i - 1]} then ${ids[i]}`);
  }
}

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

describe('the stream', () => {
  test('the sse path survives listen(): 60 buses in a row all serve /events', async () => {
    const statuses = [];
    for (let k = 0; k < 60; k++) {
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 } });
      const { port } = await bus.listen();
      const r = await fetch(`http://127.0.0.1:${port}/events?pattern=a..b`);
      statuses.push(`${r.status} ${await r.text()}`);
      await bus.close();
    }
    expect(statuses.filter((x) => !x.startsWith('400 '))).toEqual([]);
  });

  test('a custom sse.path longer than 15 bytes is served', async () => {
    const path = '/api/v1/event-stream'; // 20 bytes: not in std::string's inline buffer
    const { bus, base } = await start({ sse: { path } });
    const s = await open(base, `${path}?pattern=m.*`);
    expect(s.status).toBe(200);
    bus.emit('m.x', 1);
    await s.waitEvents(1);
  });

  test('GET /events?pattern=a.*&pattern=b.**: headers, retry first, then id/event/data blocks of matching events', async () => {
    const { bus, base } = await start();
    const all = collector(bus, '**');
    const s = await open(base, '/events?pattern=a.*&pattern=b.**');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toMatch(/no-cache/);
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    await s.waitFor((x) => x.blocks.length >= 1, 'retry block');
    expect(s.raw.startsWith('retry: 3000\n\n')).toBe(true);
    expect(s.blocks[0]).toEqual({ retry: '3000' });

    bus.emit('a.x', { n: 1 });
    bus.emit('c.x', { n: 2 }); // no pattern
    bus.emit('b', { n: 3 }); // b.** matches zero segments
    bus.emit('a.y.z', { n: 4 }); // a.* is one segment
    bus.emit('b.c.d', { n: 5 });
    bus.emit('a.last', { n: 6 });
    await s.waitFor((x) => x.events.some((b) => b.event === 'a.last'), 'a.last');
    const want = all.filter((e) => ['a.x', 'b', 'b.c.d', 'a.last'].includes(e.type));
    expect(s.events.map((b) => b.event)).toEqual(['a.x', 'b', 'b.c.d', 'a.last']);
    expect(s.envelopes).toEqual(want);
    for (const b of s.events) expect(b.id).toBe(JSON.parse(b.data).id);
    expectAscending(s.ids);
    // Exactly id, event and data lines per event block.
    for (const b of s.blocks.slice(1)) expect(Object.keys(b).sort()).toEqual(['data', 'event', 'id']);
  });

  test('no pattern: every event', async () => {
    const { bus, base } = await start();
    const all = collector(bus, '**');
    const s = await open(base, '/events');
    expect(s.status).toBe(200);
    for (const t of ['x', 'a.b', 'a.b.c.d', 'order.placed']) bus.emit(t, t);
    await s.waitEvents(4);
    await sleep(20);
    expect(s.envelopes).toEqual(all);
  });

  test('overlapping patterns deliver an event once', async () => {
    const { bus, base } = await start();
    const s = await open(base, '/events?pattern=o.*&pattern=o.**&pattern=**');
    for (let i = 0; i < 10; i++) bus.emit('o.x', i);
    bus.emit('end', 0);
    await s.waitFor((x) => x.events.some((b) => b.event === 'end'), 'end');
    expect(s.envelopes.map((e) => e.data)).toEqual([...Array(10).keys(), 0]);
  });

  test('errors before the stream: invalid pattern 400, POST 405', async () => {
    const { base } = await start();
    const bad = await open(base, '/events?pattern=a..b');
    expect(bad.stream).toBe(false);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(bad.json).toEqual({ code: 'ERR_INVALID_PATTERN', message: expect.any(String) });
    const bad2 = await open(base, '/events?pattern=ok.*&pattern=.x');
    expect(bad2.status).toBe(400);
    expect(bad2.json.code).toBe('ERR_INVALID_PATTERN');
    const post = await open(base, '/events', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(post.json.code).toBe('ERR_METHOD');
    const malformed = await open(base, '/events?pattern=%zz');
    expect(malformed.status).toBe(400);
  });

  test('the 400 body for an invalid pattern with multi-byte characters is valid UTF-8', async () => {
    const { base } = await start();
    // The message quotes the first 64 bytes of the pattern: here that cuts an "é" in two.
    const r = await fetch(`${base}/events?pattern=${encodeURIComponent(`a${'é'.repeat(40)}..`)}`);
    expect(r.status).toBe(400);
    const body = Buffer.from(await r.arrayBuffer());
    expect(require('buffer').isUtf8(body)).toBe(true);
    expect(JSON.parse(body.toString('utf8')).code).toBe('ERR_INVALID_PATTERN');
  });

  test('sse: false → /events is 404; a custom path moves it', async () => {
    const off = await start({ sse: false });
    const r = await fetch(`${off.base}/events`);
    expect(r.status).toBe(404);
    expect((await r.json()).code).toBe('ERR_NOT_FOUND');
    const moved = await start({ sse: { path: '/stream' } });
    const s = await open(moved.base, '/stream?pattern=m.*');
    expect(s.status).toBe(200);
    moved.bus.emit('m.x', 1);
    await s.waitEvents(1);
    expect((await fetch(`${moved.base}/events`)).status).toBe(404);
  });
});

describe('resume', () => {
  test('Last-Event-ID: exactly the missed events, then live, while events keep coming (no gap, no duplicate)', async () => {
    const { bus, base } = await start();
    const all = collector(bus, 'r.*');
    let i = 0;
    const emitter = setInterval(() => {
      bus.emit('r.tick', { i: i++ });
      if (i % 3 === 0) bus.emit('other.tick', i); // not matching
    }, 2);
    timers.push(emitter);
    const s1 = await open(base, '/events?pattern=r.*');
    await s1.waitEvents(10);
    await s1.close();
    const last = s1.ids[s1.ids.length - 1];
    const firstIdx = all.findIndex((e) => e.id === s1.ids[0]);
    const lastIdx = all.findIndex((e) => e.id === last);
    expect(s1.ids).toEqual(all.slice(firstIdx, lastIdx + 1).map((e) => e.id));

    const down = i;
    await waitFor(() => i >= down + 15, { what: 'events while disconnected' });
    const s2 = await open(base, '/events?pattern=r.*', { headers: { 'Last-Event-ID': last } });
    expect(s2.status).toBe(200);
    const up = i;
    await waitFor(() => i >= up + 25, { what: 'live events after resume' });
    clearInterval(emitter);
    await s2.waitFor((x) => x.ids.length > 0 && x.ids[x.ids.length - 1] === all[all.length - 1].id,
      `the last emitted id (have ${s2.ids.length}, want ${all.length - lastIdx - 1})`);
    await sleep(20);
    expect(s2.notices()).toEqual([]);
    expect(s2.ids).toEqual(all.slice(lastIdx + 1).map((e) => e.id));
    expect(s2.envelopes).toEqual(all.slice(lastIdx + 1));
    expectAscending([...s1.ids, ...s2.ids]);
  });

  test('?lastEventId= works too; the header wins over it', async () => {
    const { bus, base } = await start();
    const all = collector(bus, 'q.*');
    for (let k = 0; k < 6; k++) bus.emit('q.x', k);
    await bus.getEventHistory({ count: 1 });
    const s = await open(base, `/events?pattern=q.*&lastEventId=${all[1].id}`);
    await s.waitEvents(4);
    bus.emit('q.x', 6);
    await s.waitEvents(5);
    expect(s.envelopes.map((e) => e.data)).toEqual([2, 3, 4, 5, 6]);
    const both = await open(base, `/events?pattern=q.*&lastEventId=${all[1].id}`, { headers: { 'Last-Event-ID': all[4].id } });
    await both.waitEvents(2);
    await sleep(20);
    expect(both.envelopes.map((e) => e.data)).toEqual([5, 6]);
  });

  test('malformed or future Last-Event-ID → 400 ERR_INVALID_SINCE', async () => {
    const { base } = await start();
    for (const id of ['abc', '12', '1-2-3', '-1-0', `${Date.now() + 3600000}-0`, '99999999999999999999999-0']) {
      const r = await open(base, '/events', { headers: { 'Last-Event-ID': id } });
      expect([id, r.status, r.json && r.json.code]).toEqual([id, 400, 'ERR_INVALID_SINCE']);
    }
    const q = await open(base, '/events?lastEventId=nope');
    expect(q.status).toBe(400);
    expect(q.json.code).toBe('ERR_INVALID_SINCE');
  });

  test('an id older than the history: event: eventwire.gap, then what is kept, then live', async () => {
    const { bus, base } = await start({}, { history: { size: 5 } });
    const all = collector(bus, 'g.*');
    for (let k = 0; k < 20; k++) bus.emit('g.x', k);
    await bus.getEventHistory({ count: 1 });
    const s = await open(base, '/events?pattern=g.*', { headers: { 'Last-Event-ID': all[2].id } });
    await s.waitEvents(5);
    expect(s.blocks[0]).toEqual({ retry: '3000' });
    expect(s.blocks[1].event).toBe('eventwire.gap');
    expect(JSON.parse(s.blocks[1].data)).toEqual({ code: 'ERR_HISTORY_GAP', since: all[2].id, oldest: all[15].id });
    expect(s.envelopes.map((e) => e.data)).toEqual([15, 16, 17, 18, 19]);
    bus.emit('g.x', 20);
    await s.waitEvents(6);
    expect(s.envelopes.map((e) => e.data)).toEqual([15, 16, 17, 18, 19, 20]);
    expect(s.notices('gap')).toHaveLength(1);

    // The id just before the oldest kept one is no gap.
    const edge = await open(base, '/events?pattern=g.*', { headers: { 'Last-Event-ID': all[15].id } });
    await edge.waitEvents(5);
    await sleep(20);
    expect(edge.notices()).toEqual([]);
    expect(edge.envelopes.map((e) => e.data)).toEqual([16, 17, 18, 19, 20]);
  });
});

describe('heartbeat and accounting', () => {
  test('": ping" comments every sse.heartbeatMs; retry: is sse.retryMs', async () => {
    const { base } = await start({ sse: { heartbeatMs: 100, retryMs: 1500 } });
    const s = await open(base, '/events');
    await s.waitFor((x) => x.comments.length >= 3, '3 pings', 3000);
    expect(s.raw.startsWith('retry: 1500\n\n')).toBe(true);
    expect(s.raw).toContain(': ping\n\n');
    expect(new Set(s.comments)).toEqual(new Set([' ping']));
    expect(s.events).toEqual([]);
  });

  test('abort: connections and subscriptions return to what they were', async () => {
    const { bus, base } = await start();
    const before = bus.stats().engine;
    const s = await open(base, '/events?pattern=x.*&pattern=y.**');
    await s.waitFor((x) => x.blocks.length >= 1, 'retry');
    expect(bus.stats().engine.connections).toBe(before.connections + 1);
    expect(bus.stats().engine.subscriptions).toBe(before.subscriptions + 2);
    await s.close();
    await waitFor(() => bus.stats().engine.connections === before.connections, { what: 'connection released' });
    await waitFor(() => bus.stats().engine.subscriptions === before.subscriptions, { what: 'subscriptions released' });
    bus.emit('x.after', 1); // nothing left to deliver to
    await bus.getEventHistory({ count: 1 });
    expect(bus.stats().engine.deliveries).toBe(0);
  });

  test('maxConnections counts SSE streams: 503 over it, room again after one ends', async () => {
    const { bus, base } = await start({ maxConnections: 2 });
    const a = await open(base, '/events');
    const b = await open(base, '/events');
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await open(base, '/events');
    expect(c.status).toBe(503);
    expect(c.headers.get('retry-after')).toBe('1');
    expect(c.json.code).toBe('ERR_LIMIT');
    await a.close();
    await waitFor(() => bus.stats().engine.connections === 1, { what: 'one stream left' });
    const d = await open(base, '/events');
    expect(d.status).toBe(200);
  });
});

describe('shutdown', () => {
  test('bus.close() ends open streams', async () => {
    const { bus, base } = await start();
    const s = await open(base, '/events');
    bus.emit('a.b', 1);
    await s.waitEvents(1);
    const closing = bus.close();
    await s.waitDone(3000);
    await closing;
    expect(s.envelopes.map((e) => e.type)).toEqual(['a.b']);
  });
});

describe('slow readers', () => {
  test('a reader that stops: low events are dropped, then announced; dropped + received = emitted', async () => {
    const { bus, base } = await start({ backlog: { maxFrames: 50, maxBytes: 1 << 30 } });
    const s = await open(base, '/events?pattern=p.*');
    await s.waitFor((x) => x.blocks.length >= 1, 'retry');
    s.pause();
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let k = 0; k < N; k++) {
      bus.publish('p.low', { k, big }, { priority: 'low' });
      if (k % 20 === 19) await tick();
    }
    await waitFor(() => bus.stats().engine.droppedLow > 0, { what: 'low drops', timeoutMs: 10000 });
    expect(s.done).toBe(false);
    s.resume();
    const announced = () => s.notices('dropped').reduce((n, m) => n + m.data.count, 0);
    await s.waitFor(() => s.events.length + announced() === N,
      `all accounted for (received ${s.events.length}, dropped ${announced()})`, 10000);
    const notes = s.notices('dropped');
    expect(notes.length).toBeGreaterThanOrEqual(1);
    expect(announced()).toBe(bus.stats().engine.droppedLow);
    for (const m of notes) {
      expect(m.data.reason).toBe('slow_consumer');
      expect(idKey(m.data.first) <= idKey(m.data.last)).toBe(true);
    }
    const got = s.envelopes.map((e) => e.data.k);
    expect(got).toEqual([...new Set(got)].sort((x, y) => x - y)); // in order, no duplicate
    expect(s.done).toBe(false);
  }, 30000);

  test('normal events beyond the backlog: event: eventwire.close with code 4008, then the stream ends', async () => {
    const { bus, base } = await start({ backlog: { maxFrames: 50, maxBytes: 1 << 30 } });
    const s = await open(base, '/events?pattern=p.*');
    await s.waitFor((x) => x.blocks.length >= 1, 'retry');
    s.pause();
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let k = 0; k < N; k++) {
      bus.emit('p.norm', { k, big });
      if (k % 20 === 19) await tick();
    }
    await waitFor(() => bus.stats().engine.slowConsumerCloses >= 1, { what: 'slow close', timeoutMs: 10000 });
    s.resume();
    await s.waitDone(10000);
    const last = s.blocks[s.blocks.length - 1];
    expect(last.event).toBe('eventwire.close');
    expect(JSON.parse(last.data)).toMatchObject({ code: 4008 });
    const got = s.envelopes.map((e) => e.data.k);
    expect(got).toEqual([...Array(got.length).keys()]); // a prefix, in order
    expect(got.length).toBeLessThan(N);
    expect(bus.stats().engine.slowConsumerCloses).toBe(1);
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'connection released' });
  }, 30000);
});
