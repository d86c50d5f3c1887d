'use strict';
// eventwire/next and the SSE stream (lib/sse.js): the route handler is called
// with real fetch Requests (Node's globals) and its Response body is read and
// parsed as Server-Sent Events; no Next.js involved.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { createRouteHandler, eventStreamResponse, getEventBus, eventBusReady, sseHeaders } = require('../lib/next');
const { createEventStream, compareIds } = require('../lib/sse');

const ROOT = path.join(__dirname, '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const BUS_KEY = Symbol.for('eventwire.bus');

// ---- helpers ------------------------------------------------------------------

const buses = [];
const aborters = [];
const readers = [];

function makeBus(opts = { history: { size: 1000 } }) {
  const b = new EventBus(opts);
  buses.push(b);
  return b;
}

afterEach(async () => {
  for (const a of aborters.splice(0)) a.abort();
  await Promise.all(readers.splice(0).map((r) => r.cancel().catch(() => {})));
  await Promise.all(buses.splice(0).map((b) => b.close()));
  const slot = globalThis[BUS_KEY];
  if (slot) {
    await slot.bus.close();
    delete globalThis[BUS_KEY];
  }
  expect(native.allocLive()).toBe(0);
});

function request(query = '', { headers, signal } = {}) {
  const ac = new AbortController();
  aborters.push(ac);
  const req = new Request(`http://localhost/api/events${query}`, { headers, signal: signal || ac.signal });
  return { req, ac };
}

/**
 * Reads a byte stream and parses it as the SSE spec says: "field: value"
 * lines, ":" comments, a blank line dispatches. Yields
 * { kind: 'event', id, event, data, json } / { kind: 'comment', text } /
 * { kind: 'retry', value }.
 */
class SseReader {
  constructor(body) {
    this.reader = body.getReader();
    readers.push(this.reader);
    this.decoder = new TextDecoder();
    this.text = '';
    this.items = [];
    this.done = false;
    this.fields = { data: [], event: '', id: undefined };
    this.lastEventId = '';
  }

  _parse() {
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.text);
      if (!m) break;
      // A trailing "\r" may be half of "\r\n": wait for more.
      if (m[0] === '\r' && m.index === this.text.length - 1 && !this.done) break;
      const line = this.text.slice(0, m.index);
      this.text = this.text.slice(m.index + m[0].length);
      this._line(line);
    }
  }

  _line(line) {
    const f = this.fields;
    if (line === '') {
      if (f.id !== undefined) this.lastEventId = f.id;
      if (f.data.length) {
        const data = f.data.join('\n');
        let json;
        try {
          json = JSON.parse(data);
        } catch {
          json = undefined;
        }
        this.items.push({ kind: 'event', id: f.id, lastEventId: this.lastEventId, event: f.event || 'message', data, json });
      }
      this.fields = { data: [], event: '', id: undefined };
      return;
    }
    if (line[0] === ':') {
      this.items.push({ kind: 'comment', text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (name === 'data') f.data.push(value);
    else if (name === 'event') f.event = value;
    else if (name === 'id') f.id = value;
    else if (name === 'retry') this.items.push({ kind: 'retry', value: Number(value) });
  }

  /** The next item; null at the end of the stream. */
  async next(timeoutMs = 5000) {
    while (this.items.length === 0) {
      if (this.done) return null;
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no SSE data within ${timeoutMs} ms`)), timeoutMs);
      });
      let r;
      try {
        r = await Promise.race([this.reader.read(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) {
        this.done = true;
        this.text += this.decoder.decode();
      } else {
        this.text += this.decoder.decode(r.value, { stream: true });
      }
      this._parse();
    }
    return this.items.shift();
  }

  /** The next item that is not a heartbeat comment. */
  async nextEvent(timeoutMs) {
    for (;;) {
      const item = await this.next(timeoutMs);
      if (!item || item.kind !== 'comment') return item;
    }
  }

  /** Items up to and including the first for which `pred` is true. */
  async until(pred, timeoutMs) {
    const out = [];
    for (;;) {
      const item = await this.nextEvent(timeoutMs);
      if (!item) throw new Error(`stream ended before the awaited item (got ${out.length} items)`);
      out.push(item);
      if (pred(item)) return out;
    }
  }

  /** Everything until the stream ends. */
  async rest(timeoutMs) {
    const out = [];
    for (;;) {
      const item = await this.nextEvent(timeoutMs);
      if (!item) return out;
      out.push(item);
    }
  }
}

/** Every envelope `bus` delivers to subscribers of `pattern`, in order. */
function recorder(bus, pattern = '**') {
  const seen = [];
  const off = bus.subscribe(pattern, (env) => seen.push(env));
  return { seen, off };
}

const tick = () => new Promise((r) => setImmediate(r));

// ---- headers, live delivery ---------------------------------------------------

describe('route handler', () => {
  test('SSE headers, retry first, then the live events matching the pattern as id/event/data', async () => {
    const bus = makeBus();
    const rec = recorder(bus);
    const GET = createRouteHandler({ bus, heartbeatMs: 0 });
    const { req } = request('?pattern=order.*');
    const res = await GET(req);
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    for (const [k, v] of Object.entries(sseHeaders)) expect(res.headers.get(k)).toBe(v);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const sse = new SseReader(res.body);
    expect(await sse.next()).toEqual({ kind: 'retry', value: 3000 });

    bus.emit('order.placed', { orderId: 'o1', total: 42 });
    bus.emit('user.signup', { userId: 'u1' }); // not matching
    bus.emit('order.paid', { orderId: 'o1', note: 'line1\nline2' });
    const got = [await sse.nextEvent(), await sse.nextEvent()];
    const sent = rec.seen.filter((e) => e.type.startsWith('order.'));
    expect(got.map((e) => e.event)).toEqual(['order.placed', 'order.paid']);
    expect(got.map((e) => e.id)).toEqual(sent.map((e) => e.id));
    expect(got.map((e) => e.json)).toEqual(JSON.parse(JSON.stringify(sent)));
    expect(got[1].json.data.note).toBe('line1\nline2');
  });

  test('bus.createEventStream() is the same stream; the default pattern is "**"', async () => {
    const bus = makeBus();
    const sse = new SseReader(bus.createEventStream({ heartbeatMs: 0, retryMs: 1500 }));
    expect(await sse.next()).toEqual({ kind: 'retry', value: 1500 });
    bus.emit('a', 1);
    bus.emit('b.c.d', 2);
    const got = [await sse.nextEvent(), await sse.nextEvent()];
    expect(got.map((e) => [e.event, e.json.data])).toEqual([['a', 1], ['b.c.d', 2]]);
  });

  test('eventStreamResponse() with options.pattern when the request has none', async () => {
    const bus = makeBus();
    const { req } = request();
    const sse = new SseReader(eventStreamResponse(bus, req, { pattern: 'x.*', heartbeatMs: 0 }).body);
    await sse.next();
    bus.emit('y.1', 0);
    bus.emit('x.1', 1);
    expect((await sse.nextEvent()).event).toBe('x.1');
  });

  test('several pattern parameters: one stream, an event matching two is sent once, history merged by id', async () => {
    const bus = makeBus();
    const rec = recorder(bus);
    bus.emit('order.placed', 0);
    bus.emit('user.a.b', 1);
    bus.emit('other.x', 2);
    bus.emit('order.paid', 3);
    bus.emit('user.c', 4);
    const from = rec.seen[0].id;
    const before = bus.stats().subscriptions;
    const { req } = request('?pattern=order.*&pattern=user.**&pattern=order.placed&pattern=order.*',
      { headers: { 'Last-Event-ID': from } });
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0 })(req)).body);
    expect(bus.stats().subscriptions).toBe(before + 3); // duplicates collapsed
    await sse.next();
    bus.emit('order.placed', 5);
    bus.emit('other.y', 6);
    bus.emit('user.d', 7);
    const got = await sse.until((e) => e.json && e.json.data === 7);
    expect(got.map((e) => [e.event, e.json.data])).toEqual([
      ['user.a.b', 1], ['order.paid', 3], ['user.c', 4], ['order.placed', 5], ['user.d', 7],
    ]);
    const ids = got.map((e) => e.id);
    expect([...ids].sort(compareIds)).toEqual(ids);
  });
});

// ---- resume ---------------------------------------------------------------------

describe('resume', () => {
  test.each([
    ['the Last-Event-ID header', (id) => request('?pattern=order.*', { headers: { 'Last-Event-ID': id } })],
    ['the lastEventId query parameter', (id) => request(`?pattern=order.*&lastEventId=${id}`)],
  ])('with %s: exactly the missed events, then live, no gap and no duplicate while events keep coming', async (_, mkReq) => {
    // 2,500 events before the resume point need three history pages.
    const bus = makeBus({ history: { size: 5000 } });
    const rec = recorder(bus, 'order.*');
    for (let i = 0; i < 2500; i++) {
      bus.emit(i % 3 === 0 ? 'user.noise' : 'order.placed', { i });
    }
    const resumeFrom = rec.seen[9].id;

    // Keep emitting (one matching event per turn) while the history is read;
    // at most 400, below the stream's 1,000-event live buffer, so a loaded
    // machine where the reader lags cannot end the stream as a slow consumer.
    let n = 0;
    let running = true;
    const pump = (async () => {
      while (running && n < 400) {
        bus.emit('order.live', { n: n++ });
        if (n % 2) bus.emit('user.noise', { n });
        await tick();
      }
    })();

    const { req } = mkReq(resumeFrom);
    const res = await createRouteHandler({ bus, heartbeatMs: 0 })(req);
    const sse = new SseReader(res.body);
    expect(await sse.next()).toEqual({ kind: 'retry', value: 3000 });
    const missed = rec.seen.length - 10; // the history to replay; the live events follow it
    const got = [];
    while (got.length < missed) {
      got.push(await sse.nextEvent());
      // A reader a little slower than the engine: the replay waits for room
      // between pages, and the pump emits meanwhile.
      if (got.length % 10 === 0) await tick();
    }
    running = false;
    await pump;
    bus.emit('order.done', {});
    got.push(...(await sse.until((e) => e.event === 'order.done')));

    expect(got.every((e) => e.kind === 'event' && e.event.startsWith('order.'))).toBe(true);
    const expected = rec.seen.slice(10).map((e) => e.id);
    expect(n).toBeGreaterThan(100); // the pump really ran during the replay
    expect(got.map((e) => e.id)).toEqual(expected);
    expect(got.map((e) => e.json)).toEqual(JSON.parse(JSON.stringify(rec.seen.slice(10))));
  });

  test('a Last-Event-ID older than the history: eventwire.gap, then the kept events, then live', async () => {
    const bus = makeBus({ history: { size: 10 } });
    const rec = recorder(bus);
    for (let i = 0; i < 30; i++) bus.emit('order.placed', { i });
    const { req } = request('?pattern=order.*', { headers: { 'Last-Event-ID': rec.seen[0].id } });
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0 })(req)).body);
    await sse.next();
    const gap = await sse.nextEvent();
    expect(gap.event).toBe('eventwire.gap');
    expect(gap.id).toBeUndefined(); // the client's Last-Event-ID stays put
    expect(gap.json).toEqual({ code: 'ERR_HISTORY_GAP', oldest: rec.seen[20].id });
    const kept = [];
    for (let i = 0; i < 10; i++) kept.push(await sse.nextEvent());
    expect(kept.map((e) => e.json.data.i)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    bus.emit('order.placed', { i: 30 });
    expect((await sse.nextEvent()).json.data.i).toBe(30);
  });

  test('resuming from the newest id gives live events only', async () => {
    const bus = makeBus();
    const rec = recorder(bus);
    bus.emit('a.b', 1);
    const sse = new SseReader(createEventStream(bus, { lastEventId: rec.seen[0].id, heartbeatMs: 0 }));
    await sse.next();
    bus.emit('a.c', 2);
    const e = await sse.nextEvent();
    expect([e.event, e.json.data]).toEqual(['a.c', 2]);
  });

  test('a bus without history: resuming says eventwire.gap (oldest null) and goes live', async () => {
    const bus = makeBus({});
    const sse = new SseReader(createEventStream(bus, { lastEventId: '1-0', heartbeatMs: 0 }));
    await sse.next();
    expect(await sse.nextEvent()).toMatchObject({ event: 'eventwire.gap', json: { code: 'ERR_HISTORY_GAP', oldest: null } });
    bus.emit('a', 1);
    expect((await sse.nextEvent()).event).toBe('a');
  });
});

// ---- heartbeat, abort ---------------------------------------------------------------

describe('lifecycle', () => {
  test('a ": ping" comment every heartbeatMs', async () => {
    const bus = makeBus();
    const { req } = request();
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 20 })(req)).body);
    await sse.next();
    const t0 = Date.now();
    expect(await sse.next(2000)).toEqual({ kind: 'comment', text: 'ping' });
    expect(await sse.next(2000)).toEqual({ kind: 'comment', text: 'ping' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
  });

  test('SSE_HEARTBEAT_INTERVAL is the default interval', async () => {
    const bus = makeBus();
    const saved = process.env.SSE_HEARTBEAT_INTERVAL;
    process.env.SSE_HEARTBEAT_INTERVAL = '15';
    try {
      const sse = new SseReader(createEventStream(bus));
      await sse.next();
      expect(await sse.next(2000)).toEqual({ kind: 'comment', text: 'ping' });
    } finally {
      if (saved === undefined) delete process.env.SSE_HEARTBEAT_INTERVAL;
      else process.env.SSE_HEARTBEAT_INTERVAL = saved;
    }
  });

  test('aborting the request ends the stream and removes its subscriptions', async () => {
    const bus = makeBus();
    const before = bus.stats().subscriptions;
    const { req, ac } = request('?pattern=a.*&pattern=b.*');
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 10 })(req)).body);
    expect(bus.stats().subscriptions).toBe(before + 2);
    await sse.next();
    bus.emit('a.x', 1);
    expect((await sse.nextEvent()).event).toBe('a.x');
    ac.abort();
    expect(bus.stats().subscriptions).toBe(before);
    expect(await sse.rest()).toEqual([]);
    expect(sse.done).toBe(true);
    bus.emit('a.y', 2); // nothing attached any more
    expect(bus.listeners('a.y')).toEqual([]);
  });

  test('aborting during the history replay stops it and removes the subscription', async () => {
    const bus = makeBus({ history: { size: 5000 } });
    const rec = recorder(bus, 'x');
    for (let i = 0; i < 3000; i++) bus.emit('x', i);
    const before = bus.stats().subscriptions;
    const { req, ac } = request('?pattern=x', { headers: { 'Last-Event-ID': rec.seen[0].id } });
    const res = await createRouteHandler({ bus, heartbeatMs: 0, maxBuffered: 10 })(req);
    expect(bus.stats().subscriptions).toBe(before + 1);
    const sse = new SseReader(res.body);
    await sse.next();
    await sse.nextEvent(); // the replay is under way
    ac.abort();
    expect(bus.stats().subscriptions).toBe(before);
    await sse.rest(); // what was already queued, then the end
    expect(sse.done).toBe(true);
  });

  test('cancelling the body (reader.cancel) removes the subscription', async () => {
    const bus = makeBus();
    const before = bus.stats().subscriptions;
    const { req } = request('?pattern=**');
    const res = await createRouteHandler({ bus, heartbeatMs: 10 })(req);
    expect(bus.stats().subscriptions).toBe(before + 1);
    await res.body.cancel();
    expect(bus.stats().subscriptions).toBe(before);
  });

  test('an already aborted signal gives an ended stream and no subscription', async () => {
    const bus = makeBus();
    const ac = new AbortController();
    ac.abort();
    const sse = new SseReader(createEventStream(bus, { signal: ac.signal }));
    expect(await sse.rest()).toEqual([]);
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('a bus that closes ends its streams with eventwire.error ERR_CLOSED', async () => {
    const bus = makeBus();
    const sse = new SseReader(createEventStream(bus, { heartbeatMs: 10 }));
    await sse.next();
    await bus.close();
    const rest = await sse.rest();
    expect(rest[rest.length - 1]).toMatchObject({ event: 'eventwire.error', json: { code: 'ERR_CLOSED' } });
    expect(bus.stats().subscriptions).toBe(0);
  });
});

// ---- slow consumers -------------------------------------------------------------------

describe('slow consumer', () => {
  test('low events past maxBuffered are dropped oldest first and announced with the exact count', async () => {
    const bus = makeBus();
    const rec = recorder(bus, 'feed.*');
    const { req } = request('?pattern=feed.*');
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0, maxBuffered: 50 })(req)).body);
    // Nothing is read while 500 low events are emitted.
    for (let i = 0; i < 500; i++) bus.emit({ type: 'feed.tick', data: i, priority: 'low' });
    await tick();
    await sse.next(); // retry
    bus.emit('feed.done', 'end'); // normal: fits once the reader caught up
    const got = await sse.until((e) => e.event === 'feed.done');
    const notices = got.filter((e) => e.event === 'eventwire.dropped');
    const events = got.filter((e) => e.event === 'feed.tick');
    expect(notices).toHaveLength(1);
    expect(notices[0].id).toBeUndefined();
    const receivedIds = new Set(events.map((e) => e.id));
    const missing = rec.seen.filter((e) => e.type === 'feed.tick' && !receivedIds.has(e.id)).map((e) => e.id);
    expect(notices[0].json).toEqual({ count: missing.length, first: missing[0], last: missing[missing.length - 1] });
    expect(missing.length).toBeGreaterThan(0);
    expect(events.length + missing.length).toBe(500);
    // The newest 50 were kept (oldest low events go first), in order.
    expect(events.slice(-50).map((e) => e.json.data)).toEqual(Array.from({ length: 50 }, (_, k) => 450 + k));
    const ids = events.map((e) => e.id);
    expect([...ids].sort(compareIds)).toEqual(ids);
  });

  test('a normal event that does not fit ends the stream with eventwire.error ERR_LIMIT after what was queued', async () => {
    const bus = makeBus();
    const rec = recorder(bus, 'job.*');
    const before = bus.stats().subscriptions;
    const { req } = request('?pattern=job.*');
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 10, maxBuffered: 50 })(req)).body);
    for (let i = 0; i < 60; i++) bus.emit('job.step', i);
    // The stream let go of the bus at once, before the reader caught up.
    expect(bus.stats().subscriptions).toBe(before);
    await sse.next(); // retry
    const rest = await sse.rest();
    const last = rest.pop();
    expect(last).toMatchObject({ event: 'eventwire.error', json: { code: 'ERR_LIMIT', reason: 'slow_consumer' } });
    expect(rest.map((e) => e.json.data)).toEqual(Array.from({ length: 50 }, (_, k) => k));

    // The client reconnects with the last id it got and misses nothing.
    const { req: again } = request('?pattern=job.*', { headers: { 'Last-Event-ID': rest[rest.length - 1].id } });
    const sse2 = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0 })(again)).body);
    await sse2.next();
    const resumed = [];
    for (let i = 0; i < 10; i++) resumed.push(await sse2.nextEvent());
    expect(resumed.map((e) => e.id)).toEqual(rec.seen.slice(50).map((e) => e.id));
  });

  test('too slow during the replay: a gap-free prefix of the history, then ERR_LIMIT; resuming gets the rest', async () => {
    const bus = makeBus({ history: { size: 5000 } });
    const rec = recorder(bus, 'h.*');
    for (let i = 0; i < 3000; i++) bus.emit('h.old', i);
    const before = bus.stats().subscriptions;
    const { req } = request('?pattern=h.*', { headers: { 'Last-Event-ID': rec.seen[0].id } });
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0, maxBuffered: 10 })(req)).body);
    await sse.next();
    const got = [];
    for (let i = 0; i < 100; i++) got.push(await sse.nextEvent());
    // The reader pauses mid-replay while live events arrive.
    for (let i = 0; i < 11; i++) bus.emit('h.new', i);
    expect(bus.stats().subscriptions).toBe(before);
    got.push(...(await sse.rest()));
    const last = got.pop();
    expect(last).toMatchObject({ event: 'eventwire.error', json: { code: 'ERR_LIMIT' } });
    expect(got.length).toBeLessThan(2999);
    // Held live events are not sent after an unfinished replay: that would leave a gap.
    expect(got.map((e) => e.id)).toEqual(rec.seen.slice(1, 1 + got.length).map((e) => e.id));

    const { req: again } = request('?pattern=h.*', { headers: { 'Last-Event-ID': got[got.length - 1].id } });
    const sse2 = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0 })(again)).body);
    await sse2.next();
    const resumed = [];
    while (resumed.length < rec.seen.length - 1 - got.length) resumed.push(await sse2.nextEvent());
    expect([...got, ...resumed].map((e) => e.id)).toEqual(rec.seen.slice(1).map((e) => e.id));
    expect(resumed.slice(-11).map((e) => e.event)).toEqual(Array(11).fill('h.new'));
  });

  test('a reader that keeps up never gets drops, even for a long burst', async () => {
    const bus = makeBus();
    const { req } = request('?pattern=b.*');
    const sse = new SseReader((await createRouteHandler({ bus, heartbeatMs: 0, maxBuffered: 100 })(req)).body);
    await sse.next();
    const reading = (async () => {
      const out = [];
      while (out.length < 5000) out.push(await sse.nextEvent());
      return out;
    })();
    for (let i = 0; i < 5000; i++) {
      bus.emit({ type: 'b.x', data: i, priority: 'low' });
      if (i % 50 === 49) await tick();
    }
    const out = await reading;
    expect(out.map((e) => e.json.data)).toEqual(Array.from({ length: 5000 }, (_, k) => k));
  });
});

// ---- bad input -------------------------------------------------------------------------

describe('review fixes', () => {
  test('a synchronous burst past a small maxBuffered ends the stream once (one eventwire.error), without enqueueing on the closed stream', () => {
    // In a process of its own: the old failure was an exception thrown from a
    // microtask, which ends a plain Node process (exit code 1).
    const script = `
      const { EventBus } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
      const bus = new EventBus();
      const reader = bus.createEventStream({ maxBuffered: 10, heartbeatMs: 0 }).getReader();
      (async () => {
        await new Promise((r) => setTimeout(r, 10));
        for (let i = 0; i < 20; i++) bus.emit('a.b', { i });
        await new Promise((r) => setTimeout(r, 10)); // nobody reads meanwhile
        let text = '';
        const dec = new TextDecoder();
        for (;;) { const { done, value } = await reader.read(); if (done) break; text += dec.decode(value); }
        console.log(JSON.stringify({ events: (text.match(/^event: a\\.b$/mg) || []).length,
          errors: (text.match(/^event: eventwire\\.error$/mg) || []).length, limit: text.includes('"ERR_LIMIT"'),
          subs: bus.stats().subscriptions }));
        await bus.close();
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ events: 10, errors: 1, limit: true, subs: 0 });
  });

  test('bus.close() ends an open stream at once, even with heartbeats off: one eventwire.error ERR_CLOSED, then the end', async () => {
    const bus = makeBus();
    const sse = new SseReader(createEventStream(bus, { heartbeatMs: 0 }));
    await sse.next();
    bus.emit('a.b', 1);
    await bus.close();
    const items = await sse.rest(2000);
    expect(items.map((e) => e.event)).toEqual(['a.b', 'eventwire.error']);
    expect(items[1].json).toMatchObject({ code: 'ERR_CLOSED' });
  });

  test("the bus's own errors are not sent to a '**' stream, and a '**' subscription does not count as an 'error' listener", async () => {
    const bus = makeBus();
    const sse = new SseReader(createEventStream(bus, { heartbeatMs: 0 }));
    await sse.next();
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      bus._report(Object.assign(new Error('internal detail'), { code: 'ERR_QUEUE_FULL' }));
      expect(spy.mock.calls.map((c) => c[0])).toEqual(['internal detail']);
    } finally {
      spy.mockRestore();
    }
    bus.emit('a.b', 1);
    expect((await sse.nextEvent(2000)).event).toBe('a.b'); // the first thing the stream sends
    // with a real listener the error goes there, still not to the stream
    const got = [];
    bus.on('error', (e) => got.push(e.message));
    bus._report(new Error('to the listener'));
    bus.emit('a.c', 2);
    expect((await sse.nextEvent(2000)).event).toBe('a.c');
    expect(got).toEqual(['to the listener']);
    // an event emitted from inside the 'error' listener still reaches subscribers
    const seen = [];
    bus.subscribe('job.**', (env) => seen.push(env.type));
    bus.on('error', () => bus.emit('job.failed', {}));
    bus._report(new Error('again'));
    expect(seen).toEqual(['job.failed']);
  });

  test('heartbeatMs, retryMs and maxBuffered have upper bounds; SSE_HEARTBEAT_INTERVAL is checked like the server option', () => {
    const bus = makeBus();
    for (const bad of [{ heartbeatMs: 2 ** 31 }, { retryMs: 2 ** 40 }, { maxBuffered: 1e7 }]) {
      expect(() => createEventStream(bus, bad)).toThrow(/must be an integer \d+\.\.\d+, got/);
    }
    const saved = process.env.SSE_HEARTBEAT_INTERVAL;
    process.env.SSE_HEARTBEAT_INTERVAL = String(2 ** 31);
    try {
      expect(() => createEventStream(bus, {})).toThrow(/SSE_HEARTBEAT_INTERVAL must be an integer 0\.\.3600000/);
    } finally {
      if (saved === undefined) delete process.env.SSE_HEARTBEAT_INTERVAL;
      else process.env.SSE_HEARTBEAT_INTERVAL = saved;
    }
  });

  test('getEventBus(): eleven open streams on the shared bus raise no listener-leak warning', async () => {
    const bus = getEventBus();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (let i = 0; i < 11; i++) new SseReader(createEventStream(bus, { heartbeatMs: 0 }));
      await new Promise((r) => setTimeout(r, 20));
      const said = [...spy.mock.calls, ...warn.mock.calls].map((c) => String(c[0]));
      expect(said.filter((m) => /listeners|memory leak/i.test(m))).toEqual([]);
    } finally {
      spy.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('validation', () => {
  test('createRouteHandler() checks the stream options once, when it is made (not as a 500 on every request)', () => {
    expect(() => createRouteHandler({ maxBuffered: 'lots' })).toThrow(/maxBuffered must be an integer 1\.\.1000000, got lots/);
    expect(() => createRouteHandler({ heartbeatMs: -1 })).toThrow(/heartbeatMs must be an integer 0\.\.3600000/);
    expect(typeof createRouteHandler({ maxBuffered: 10, heartbeatMs: 0, retryMs: 100 })).toBe('function');
  });

  test('a bad pattern throws ERR_INVALID_PATTERN and leaves no subscription; the route answers 400', async () => {
    const bus = makeBus();
    expect(() => createEventStream(bus, { pattern: 'a.**.**' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PATTERN' }));
    expect(() => createEventStream(bus, { pattern: ['a.*', ''] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PATTERN' }));
    expect(() => createEventStream(bus, { pattern: [] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PATTERN' }));
    expect(bus.stats().subscriptions).toBe(0);
    const { req } = request('?pattern=ok.*&pattern=a.**.**');
    const res = await createRouteHandler({ bus })(req);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ code: 'ERR_INVALID_PATTERN' });
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('a bad lastEventId throws ERR_INVALID_SINCE; the route answers 400', async () => {
    const bus = makeBus();
    for (const bad of ['abc', '12', '1-2-3', 5]) {
      expect(() => createEventStream(bus, { lastEventId: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SINCE' }));
    }
    const { req } = request('', { headers: { 'Last-Event-ID': 'nope' } });
    const res = await createRouteHandler({ bus })(req);
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('ERR_INVALID_SINCE');
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('bad options throw ERR_INVALID_ARGUMENT; a closed bus throws ERR_CLOSED (503 from the route)', async () => {
    const bus = makeBus();
    expect(() => createEventStream(bus, { heartbeatMs: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createEventStream(bus, { maxBuffered: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createEventStream(bus, { patern: 'a' })).toThrow(/patern/);
    expect(() => createEventStream(bus, { signal: {} })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createRouteHandler({ lastEventId: '1-1' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createEventStream({}, {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    await bus.close();
    expect(() => createEventStream(bus)).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    const { req } = request();
    expect((await createRouteHandler({ bus })(req)).status).toBe(503);
  });
});

// ---- the process-wide bus -----------------------------------------------------------------

describe('getEventBus', () => {
  test('one bus across re-evaluations of the module (hot reload), initialised once', async () => {
    let first;
    let second;
    let listenCalls = 0;
    jest.isolateModules(() => {
      const { EventBus: Fresh } = require('../lib/index');
      const listen = Fresh.prototype.listen;
      Fresh.prototype.listen = function countedListen() {
        listenCalls++;
        return listen.call(this);
      };
      first = require('../lib/next');
    });
    jest.isolateModules(() => {
      second = require('../lib/next');
    });
    expect(second).not.toBe(first); // really two evaluations of the module
    const opts = { server: { port: 0, host: '127.0.0.1' }, history: { size: 1000 } };
    const a = first.getEventBus(opts);
    const b = second.getEventBus({ history: { size: 5 } });
    expect(b).toBe(a);
    expect(getEventBus()).toBe(a);
    expect(listenCalls).toBe(1);
    const addr = await second.eventBusReady();
    expect(addr.port).toBeGreaterThan(0);
    expect(await first.eventBusReady()).toEqual(addr);
    expect(Object.keys(globalThis)).not.toContain(BUS_KEY.toString());
    expect(Object.getOwnPropertyDescriptor(globalThis, BUS_KEY).enumerable).toBe(false);

    // The default route handler streams from that bus.
    const { req } = request('?pattern=hot.*');
    const sse = new SseReader((await second.createRouteHandler({ heartbeatMs: 0 })(req)).body);
    await sse.next();
    a.emit('hot.reload', 1);
    expect((await sse.nextEvent()).event).toBe('hot.reload');

    // A closed bus is replaced on the next call.
    await a.close();
    const c = getEventBus();
    expect(c).not.toBe(a);
    expect(c.closed).toBe(false);
    expect(await eventBusReady()).toBeNull(); // default options: history, no server
    await expect(c.getEventHistory({ count: 1 })).resolves.toEqual([]);
  });
});

// ---- types --------------------------------------------------------------------------------

describe('types', () => {
  function tsc(args) {
    const r = spawnSync(TSC, [...args, '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  }

  test('examples/nextjs type-checks against the package types', () => {
    const r = tsc(['-p', 'examples/nextjs/tsconfig.json']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 120000);

  test('types/next.d.ts needs neither lib "dom" nor @types/node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-next-types-'));
    try {
      const next = path.join(ROOT, 'types', 'next.d.ts').replace(/\\/g, '/').replace(/\.d\.ts$/, '');
      fs.writeFileSync(path.join(dir, 'use.ts'), [
        `import { createEventStream, createRouteHandler, getEventBus, sseHeaders, type EventStreamOptions } from '${next}';`,
        "const bus = getEventBus<{ 'order.placed': { id: string } }>();",
        "const options: EventStreamOptions = { pattern: ['order.*'], lastEventId: null, heartbeatMs: 0, maxBuffered: 10 };",
        'export const stream = createEventStream(bus, options);',
        "export const GET = createRouteHandler({ bus, pattern: 'order.*' });",
        "export const ct: 'text/event-stream; charset=utf-8' = sseHeaders['Content-Type'];",
        '// @ts-expect-error pattern must be a string or an array of strings',
        'createEventStream(bus, { pattern: 1 });',
        '',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022',
          lib: ['es2022'], types: [], skipLibCheck: false,
        },
        files: ['use.ts'],
      }));
      const r = tsc(['-p', path.join(dir, 'tsconfig.json')]);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120000);
});
