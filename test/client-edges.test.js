'use strict';
// eventwire/client (lib/client.js): the edges test/client.test.js leaves out.
// A real EventBus (its /ws gateway) wherever it can produce the situation; a
// tiny `ws` WebSocketServer for what the real server never does (binary
// frames, ops left unanswered); options.WebSocket wrappers around `ws` for the
// seams of a constructor or a send() that throws.
// (close() then connect() in one tick is covered by test/client.test.js.)
const WebSocket = require('ws');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { EventwireClient, EventwireError } = require('../lib/client');
const { freePort, waitFor } = require('./helpers/net');
const { thrown: thrownAs } = require('./helpers/thrown');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FAST = { minDelayMs: 10, maxDelayMs: 1000, factor: 2, jitter: 0 }; // deterministic backoff

// ---- bookkeeping: nothing is left open ------------------------------------------------

const buses = [];
const rawServers = [];
const clients = [];

async function startBus(server = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, ...server }, redis: false });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, url: `ws://127.0.0.1:${port}/ws` };
}

/** A bare `ws` server on /ws: records every op, acks `sub`, and acks the
 * other ops unless `silent` (so they stay pending in the client). */
async function startRawServer({ silent = false } = {}) {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  const s = { wss, conns: [], frames: [] };
  rawServers.push(s);
  wss.on('connection', (ws) => {
    s.conns.push(ws);
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      s.frames.push(msg);
      if (msg.op === 'sub' || !silent) ws.send(JSON.stringify({ op: 'ack', ref: msg.ref }));
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  s.url = `ws://127.0.0.1:${wss.address().port}/ws`;
  return s;
}

function makeClient(url, opts) {
  const c = new EventwireClient(url, { WebSocket, reconnect: FAST, ...opts });
  clients.push(c);
  return c;
}

const record = (client, event) => {
  const out = [];
  client.on(event, (x) => out.push(x));
  return out;
};
/** 'close' events, each with the state the client was in when it came. */
const recordCloses = (client) => {
  const out = [];
  client.on('close', (info) => out.push({ ...info, state: client.state }));
  return out;
};
const next = (client, event) => new Promise((resolve) => client.once(event, resolve));
const settle = (p) => p.then((v) => ({ value: v }), (err) => ({ err }));

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of rawServers.splice(0)) {
    for (const ws of s.conns) ws.terminate();
    await new Promise((resolve) => s.wss.close(() => resolve()));
  }
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

// ---- options and arguments -------------------------------------------------------------

describe('argument checks', () => {
  const thrown = (fn) => thrownAs(fn, EventwireError);

  test('each bad option throws ERR_INVALID_OPTION naming it, before any connection; the boundaries are accepted', () => {
    let constructed = 0;
    const Counting = function (url) {
      constructed++;
      return new WebSocket(url);
    };
    const make = (opts) => new EventwireClient('ws://127.0.0.1:1/ws', { WebSocket: Counting, ...opts });
    const minDelay = 'options.reconnect.minDelayMs must be a number >= 0';
    const maxDelay = 'options.reconnect.maxDelayMs must be a number >= minDelayMs';
    const factor = 'options.reconnect.factor must be a number >= 1';
    const jitter = 'options.reconnect.jitter must be in 0..1';
    const delim = 'options.delimiter must be 1..8 bytes, without "*" or control characters';
    const queued = 'options.maxQueued must be an integer >= 0';
    const cases = [
      [{ reconnect: { minDelayMs: -1 } }, minDelay],
      [{ reconnect: { minDelayMs: NaN } }, minDelay],
      [{ reconnect: { minDelayMs: '10' } }, minDelay],
      [{ reconnect: { minDelayMs: 100, maxDelayMs: 99 } }, maxDelay],
      [{ reconnect: { minDelayMs: 20000 } }, maxDelay], // above the default maxDelayMs (10000)
      [{ reconnect: { maxDelayMs: Infinity } }, maxDelay],
      [{ reconnect: { factor: 0.99 } }, factor],
      [{ reconnect: { factor: 0 } }, factor],
      [{ reconnect: { jitter: 1.01 } }, jitter],
      [{ reconnect: { jitter: -0.1 } }, jitter],
      [{ reconnect: 'fast' }, 'options.reconnect must be an object or false'],
      [{ reconnect: null }, 'options.reconnect must be an object or false'],
      [{ delimiter: '' }, delim],
      [{ delimiter: '*' }, delim],
      [{ delimiter: ':*' }, delim],
      [{ delimiter: '\ud800' }, delim], // lone high surrogate
      [{ delimiter: ':\udc00' }, delim], // lone low surrogate
      [{ delimiter: '123456789' }, delim], // 9 bytes
      [{ delimiter: '\u00e9\u00e9\u00e9\u00e9\u00e9' }, delim], // 5 characters, 10 bytes
      [{ delimiter: '\n' }, delim],
      [{ delimiter: 1 }, delim],
      [{ maxQueued: -1 }, queued],
      [{ maxQueued: 1.5 }, queued],
      [{ maxQueued: NaN }, queued],
      [{ maxQueued: '10' }, queued],
      [{ patterns: 'a.*' }, 'options.patterns must be an array of patterns'],
    ];
    for (const [opts, message] of cases) {
      expect([opts, thrown(() => make(opts))]).toEqual([opts, ['ERR_INVALID_OPTION', message]]);
    }

    for (const url of [42, null, undefined, {}, { href: 1 }, ['ws://x/ws']]) {
      expect([url, thrown(() => new EventwireClient(url, { WebSocket: Counting }))])
        .toEqual([url, ['ERR_INVALID_ARGUMENT', 'url must be a string or URL']]);
    }
    // The options object itself (checked before the url). The message is
    // "options. must be an object" today: badOption('') keeps the dot.
    for (const opts of [null, 'x', 42, true]) {
      const [code, message] = thrown(() => new EventwireClient(42, opts));
      expect([opts, code]).toEqual([opts, 'ERR_INVALID_OPTION']);
      expect(message).toMatch(/^options must be an object$/);
    }
    expect(constructed).toBe(0); // none of them got as far as connecting

    // The boundaries are accepted.
    const ok = [
      { reconnect: { minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 1 } },
      { reconnect: { minDelayMs: 5, maxDelayMs: 5, jitter: 0 } },
      { reconnect: true },
      { reconnect: false },
      { delimiter: '12345678' },
      { delimiter: '\u00e9\u00e9\u00e9\u00e9' }, // 8 bytes
      { delimiter: '\ud83d\ude00' }, // a well-formed surrogate pair
      { delimiter: '::' },
      { maxQueued: 0 },
    ];
    for (const opts of ok) {
      const c = make({ ...opts, autoConnect: false });
      expect([opts, c.state]).toEqual([opts, 'idle']);
    }
    const u = new URL('ws://127.0.0.1:1/ws?x=1');
    expect(make({ autoConnect: false }).url).toBe('ws://127.0.0.1:1/ws');
    expect(new EventwireClient(u, { WebSocket: Counting, autoConnect: false }).url).toBe(u.href);
    expect(constructed).toBe(0);
  });

  test('publish() with options that are not an object rejects ERR_INVALID_ARGUMENT and sends nothing', async () => {
    const { bus, url } = await startBus({ allowClientPublish: true });
    const heard = [];
    bus.subscribe('a.**', (e) => heard.push(e.data));
    const c = makeClient(url);
    await next(c, 'open');
    for (const opts of ['notAnObject', 42, true]) {
      const { err } = await settle(c.publish('a.b', 1, opts));
      expect(err).toBeInstanceOf(EventwireError);
      expect([opts, err.code, err.message]).toEqual([opts, 'ERR_INVALID_ARGUMENT', 'publish options must be an object']);
    }
    // null and undefined mean "no options".
    const id1 = await c.publish('a.b', 2, null);
    const id2 = await c.publish('a.b', 3, undefined);
    expect([id1, id2]).toEqual([expect.stringMatching(/^\d+-\d+$/), expect.stringMatching(/^\d+-\d+$/)]);
    await waitFor(() => heard.length === 2, { what: 'the two publishes' });
    await c.ping(); // a round trip after them: nothing else is on its way
    expect(heard).toEqual([2, 3]);
    expect(bus.stats().engine.clientPublishes).toBe(2);
  });
});

// ---- reconnect: false ------------------------------------------------------------------

describe('a dropped connection with reconnect: false', () => {
  test('closed by the server: pending publish and ping reject ERR_CLOSED with the close code; no reconnect', async () => {
    const s = await startRawServer({ silent: true });
    const c = makeClient(s.url, { reconnect: false, patterns: ['a.*'] });
    const closes = recordCloses(c);
    const reconnecting = record(c, 'reconnecting');
    await next(c, 'open');
    const pub = settle(c.publish('a.b', 1));
    const ping = settle(c.ping());
    await waitFor(() => s.frames.length === 3, { what: 'sub, pub and ping at the server' });
    expect(s.frames.map((f) => f.op)).toEqual(['sub', 'pub', 'ping']);
    s.conns[0].close(4008, 'slow consumer');
    const results = await Promise.all([pub, ping]);
    for (const { err } of results) {
      expect(err).toBeInstanceOf(EventwireError);
      expect([err.code, err.message, err.closeCode]).toEqual(['ERR_CLOSED',
        'the connection closed (code 4008) before the reply', 4008]);
    }
    expect(c.state).toBe('closed');
    expect(closes).toEqual([{ code: 4008, reason: 'slow consumer', state: 'closed' }]); // closed already when 'close' came
    await sleep(60); // several times minDelayMs
    expect(reconnecting).toEqual([]);
    expect(s.conns.length).toBe(1);
    expect(c.state).toBe('closed');
    await expect(c.ping()).rejects.toMatchObject({ code: 'ERR_CLOSED', message: 'the client is closed' });
    await c.close(); // nothing left to close
    expect(s.frames.length).toBe(3); // nothing was resent
  });

  test('the real bus closing: state closed after close 1001, later ops reject, no new connection', async () => {
    const { bus, url } = await startBus();
    let constructed = 0;
    const Counting = function (u) {
      constructed++;
      return new WebSocket(u);
    };
    const c = makeClient(url, { reconnect: false, WebSocket: Counting });
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.data));
    const closes = recordCloses(c);
    const reconnecting = record(c, 'reconnecting');
    await next(c, 'open');
    await c.ping(); // the sub went first: it is in place
    bus.emit('a.x', 1);
    await waitFor(() => got.length === 1, { what: 'a live event' });
    await bus.close();
    await waitFor(() => closes.length === 1, { what: 'the close event' });
    expect(closes).toEqual([{ code: 1001, reason: 'server shutting down', state: 'closed' }]);
    expect(c.state).toBe('closed');
    const [pub, ping] = await Promise.all([settle(c.publish('a.b', 2)), settle(c.ping())]);
    for (const { err } of [pub, ping]) {
      expect([err.code, err.message]).toEqual(['ERR_CLOSED', 'the client is closed']);
    }
    await sleep(60);
    expect(reconnecting).toEqual([]);
    expect(constructed).toBe(1);
    expect(got).toEqual([1]);
  });

  test('ops queued while the first connection fails reject ERR_CLOSED; no reconnect', async () => {
    const port = await freePort(); // nothing listens there
    const c = makeClient(`ws://127.0.0.1:${port}/ws`, { reconnect: false });
    expect(c.state).toBe('connecting');
    const errors = record(c, 'error');
    const closes = recordCloses(c);
    const reconnecting = record(c, 'reconnecting');
    const [pub, ping] = await Promise.all([settle(c.publish('a.b', 1)), settle(c.ping())]);
    for (const { err } of [pub, ping]) {
      expect(err).toBeInstanceOf(EventwireError);
      expect([err.code, err.message]).toEqual(['ERR_CLOSED', 'the client is closed']);
    }
    expect(c.state).toBe('closed');
    expect(closes).toEqual([{ code: 1006, reason: '', state: 'closed' }]);
    expect(errors.map((e) => e.code)).toEqual(['ERR_CONNECTION']);
    await sleep(60);
    expect(reconnecting).toEqual([]);
  });
});

// ---- incoming frames ---------------------------------------------------------------------

describe('incoming frames', () => {
  test('a binary frame is reported as ERR_PROTOCOL, not delivered, and the connection keeps working', async () => {
    const s = await startRawServer();
    const c = makeClient(s.url);
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.id));
    const errors = record(c, 'error');
    const closes = record(c, 'close');
    await next(c, 'open');
    await waitFor(() => s.frames.length === 1, { what: 'the sub' });
    // A valid envelope, but in a binary frame: the protocol is JSON text.
    s.conns[0].send(Buffer.from(JSON.stringify({ id: '5-0', type: 'a.b', data: 0, timestamp: 5 })), { binary: true });
    await waitFor(() => errors.length === 1, { what: 'the protocol error' });
    expect(errors[0]).toBeInstanceOf(EventwireError);
    expect([errors[0].code, errors[0].message]).toEqual(['ERR_PROTOCOL', 'binary frame ignored: the protocol is JSON text']);
    expect(got).toEqual([]);
    expect(c.lastId).toBe(null);
    // Still open: a later text event arrives, ops still get replies.
    s.conns[0].send(JSON.stringify({ id: '5-1', type: 'a.b', data: 1, timestamp: 5 }));
    await waitFor(() => got.length === 1, { what: 'the text event' });
    expect(got).toEqual(['5-1']);
    expect(typeof (await c.ping())).toBe('number');
    expect(c.state).toBe('open');
    expect(closes).toEqual([]);
    expect(errors.length).toBe(1);
    expect(s.conns.length).toBe(1);
  });
});

// ---- a WebSocket constructor that throws -----------------------------------------------

/** options.WebSocket: the real `ws` client, except that the next `failures`
 * constructions throw. */
function flakyWebSocket() {
  const f = { calls: 0, failures: 0, errors: [], sockets: [] };
  f.WebSocket = function FlakyWebSocket(url) {
    f.calls++;
    if (f.failures > 0) {
      f.failures--;
      const err = new SyntaxError(`construction ${f.calls} refused`);
      f.errors.push(err);
      throw err;
    }
    const ws = new WebSocket(url);
    f.sockets.push(ws);
    return ws;
  };
  return f;
}

describe('new WebSocket() throws', () => {
  test('on the first open the error goes to the caller and the client is closed; connect() can try again', async () => {
    const { bus, url } = await startBus();
    const f = flakyWebSocket();
    f.failures = 1;
    let caught = null;
    try {
      makeClient(url, { WebSocket: f.WebSocket }); // autoConnect
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(f.errors[0]);

    f.failures = 1;
    const c = makeClient(url, { WebSocket: f.WebSocket, autoConnect: false });
    const events = [];
    for (const ev of ['error', 'close', 'reconnecting', 'open']) c.on(ev, (x) => events.push(ev));
    expect(c.state).toBe('idle');
    expect(() => c.connect()).toThrow(f.errors[1]);
    expect(c.state).toBe('closed');
    await expect(c.ping()).rejects.toMatchObject({ code: 'ERR_CLOSED', message: 'the client is closed' });
    await sleep(60);
    expect(events).toEqual([]); // thrown to the caller, not emitted; no reconnect scheduled
    expect(f.calls).toBe(2);

    // The client is not wedged: connect() again opens it.
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.data));
    expect(c.connect()).toBe(c);
    await next(c, 'open');
    await c.ping();
    bus.emit('a.x', 1);
    await waitFor(() => got.length === 1, { what: 'an event after the reconnect' });
    expect(events).toEqual(['open']);
    expect(f.calls).toBe(3);
  });

  test('on a reconnect attempt it becomes an error event and the next attempt is scheduled', async () => {
    const { bus, url } = await startBus();
    const f = flakyWebSocket();
    const c = makeClient(url, { WebSocket: f.WebSocket });
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.data));
    await next(c, 'open');
    await c.ping();
    bus.emit('a.x', 1);
    await waitFor(() => got.length === 1, { what: 'the first event' });

    const events = [];
    for (const ev of ['error', 'close', 'reconnecting', 'open']) c.on(ev, (x) => events.push([ev, x]));
    f.failures = 2;
    const reopened = next(c, 'open');
    f.sockets[0].terminate(); // the connection drops (1006)
    await reopened;
    expect(events).toEqual([
      ['close', { code: 1006, reason: '' }],
      ['reconnecting', { attempt: 1, delayMs: 10 }],
      ['error', f.errors[0]],
      ['reconnecting', { attempt: 2, delayMs: 20 }],
      ['error', f.errors[1]],
      ['reconnecting', { attempt: 3, delayMs: 40 }],
      ['open', undefined],
    ]);
    expect(events[2][1]).toBe(f.errors[0]); // the very error the constructor threw
    expect(f.calls).toBe(4);
    expect(c.state).toBe('open');
    // Resumed with the same subscription.
    await c.ping();
    bus.emit('a.x', 2);
    await waitFor(() => got.length === 2, { what: 'an event after the reconnect' });
    expect(got).toEqual([1, 2]);
  });

  test('connect() while waiting to reconnect is the next attempt, sooner: a throw is an error event, the queued ops wait and go out', async () => {
    const { bus, url } = await startBus({ allowClientPublish: true });
    const f = flakyWebSocket();
    const c = makeClient(url, { WebSocket: f.WebSocket, reconnect: { ...FAST, minDelayMs: 5000, maxDelayMs: 5000 } });
    await next(c, 'open');
    const closed = next(c, 'close');
    f.sockets[0].terminate();
    await closed;
    expect(c.state).toBe('reconnecting');
    const published = settle(c.publish('a.y', 7)); // queued while down
    const errors = record(c, 'error');
    f.failures = 1;
    expect(c.connect()).toBe(c); // no throw: the error is an event, as for any attempt
    expect(errors).toEqual([f.errors[0]]);
    expect(c.state).toBe('reconnecting');
    f.failures = 0;
    const reopened = next(c, 'open');
    c.connect(); // skips the 5 s wait again
    await reopened;
    const r = await published;
    expect(r.err).toBeUndefined();
    expect(typeof r.value).toBe('string'); // the event id
    expect(bus.stats().engine.clientPublishes).toBe(1);
  });

  test('an error listener that calls close() during a failed attempt stops the reconnecting', async () => {
    const { url } = await startBus();
    const f = flakyWebSocket();
    const c = makeClient(url, { WebSocket: f.WebSocket });
    await next(c, 'open');
    const reconnecting = record(c, 'reconnecting');
    const errors = [];
    c.on('error', (err) => {
      errors.push(err);
      c.close();
    });
    f.failures = Infinity;
    f.sockets[0].terminate();
    await waitFor(() => errors.length === 1, { what: 'the failed attempt' });
    expect(errors).toEqual([f.errors[0]]);
    expect(c.state).toBe('closed');
    await sleep(80); // attempt 2 would have come after 20 ms
    expect(reconnecting).toEqual([{ attempt: 1, delayMs: 10 }]);
    expect(f.calls).toBe(2);
    expect(c.state).toBe('closed');
  });
});

// ---- exceptions thrown by handlers --------------------------------------------------------

/** Runs every 0 ms timer callback (rethrowAsync's) under a try/catch that
 * records what it throws; other timers are untouched. */
function catchAsyncThrows() {
  const realSetTimeout = global.setTimeout;
  const thrown = [];
  const spy = jest.spyOn(global, 'setTimeout').mockImplementation((fn, ms, ...args) => realSetTimeout(
    ms ? fn : () => {
      try {
        fn(...args);
      } catch (err) {
        thrown.push(err);
      }
    }, ms, ...args));
  return { thrown, restore: () => spy.mockRestore() };
}

describe('a handler that throws', () => {
  test('with an error listener: the errors reach it, in order, and the other handlers still run', async () => {
    const { bus, url } = await startBus();
    const c = makeClient(url);
    const boom = new Error('boom');
    const boomEvent = new Error('boom in an event listener');
    const got = [];
    c.subscribe('a.*', () => {
      throw boom;
    });
    c.subscribe('a.*', (e) => got.push(e.data));
    c.on('event', () => {
      throw boomEvent;
    });
    const errors = record(c, 'error');
    await next(c, 'open');
    await c.ping();
    bus.emit('a.x', 1);
    bus.emit('a.y', 2);
    await waitFor(() => got.length === 2, { what: 'both events' });
    expect(got).toEqual([1, 2]);
    // 'event' listeners run before the subscribe() handlers.
    expect(errors).toEqual([boomEvent, boom, boomEvent, boom]);
    expect(errors[1]).toBe(boom);
    expect(c.state).toBe('open');
  });

  test('without an error listener it is rethrown asynchronously (not swallowed) and delivery goes on', async () => {
    const { bus, url } = await startBus();
    const c = makeClient(url);
    const boom = new Error('boom');
    const got = [];
    let order = [];
    c.subscribe('a.*', () => {
      order.push('throwing handler');
      throw boom;
    });
    c.subscribe('a.*', (e) => {
      order.push('next handler');
      got.push(e.data);
    });
    await next(c, 'open');
    await c.ping();
    const caught = catchAsyncThrows();
    try {
      bus.emit('a.x', 1);
      await waitFor(() => got.length === 1 && caught.thrown.length === 1, { what: 'the rethrow' });
      expect(caught.thrown).toEqual([boom]);
      expect(caught.thrown[0]).toBe(boom);
      expect(order).toEqual(['throwing handler', 'next handler']);
      bus.emit('a.y', 2);
      await waitFor(() => got.length === 2 && caught.thrown.length === 2, { what: 'the second rethrow' });
      expect(got).toEqual([1, 2]);
      expect(c.state).toBe('open');

      // An 'error' listener that throws: the handler's error reaches it, and
      // what the listener throws is rethrown (not fed back to itself).
      const fromListener = new Error('thrown by the error listener');
      const errors = [];
      c.on('error', (err) => {
        errors.push(err);
        throw fromListener;
      });
      order = [];
      bus.emit('a.z', 3);
      await waitFor(() => got.length === 3 && caught.thrown.length === 3, { what: 'the listener rethrow' });
      expect(errors).toEqual([boom]);
      expect(caught.thrown[2]).toBe(fromListener);
      expect(order).toEqual(['throwing handler', 'next handler']);
    } finally {
      caught.restore();
    }
    await sleep(20);
    expect(caught.thrown.length).toBe(3);
  });
});

// ---- a send() that throws ------------------------------------------------------------------

describe('a send() that throws', () => {
  test('while the socket is closing: that op rejects ERR_CLOSED with the cause, and nothing is resent', async () => {
    const { bus, url } = await startBus({ allowClientPublish: true });
    const heard = [];
    bus.subscribe('a.**', (e) => heard.push(e.data));
    let failSend = false;
    const sendErrors = [];
    const sockets = [];
    class ClosingWebSocket extends WebSocket {
      constructor(...args) {
        super(...args);
        sockets.push(this);
      }

      send(data, ...rest) {
        if (failSend) {
          const err = new Error('WebSocket is not open: readyState 2 (CLOSING)');
          sendErrors.push(err);
          throw err;
        }
        return super.send(data, ...rest);
      }
    }
    const c = makeClient(url, { WebSocket: ClosingWebSocket });
    await next(c, 'open');
    await c.ping();

    failSend = true;
    const [pub, ping] = await Promise.all([settle(c.publish('a.b', 1)), settle(c.ping())]);
    expect(sendErrors.length).toBe(2);
    for (const [i, { err }] of [pub, ping].entries()) {
      expect(err).toBeInstanceOf(EventwireError);
      expect([err.code, err.message]).toEqual(['ERR_CLOSED', 'the connection is closing']);
      expect(err.cause).toBe(sendErrors[i]);
    }
    expect(c.state).toBe('open'); // the socket's close event decides that, not send()

    // The socket does go away: the client reconnects and the failed publish
    // is not resent (at most once).
    failSend = false;
    const reopened = next(c, 'open');
    sockets[0].terminate();
    await reopened;
    expect(sockets.length).toBe(2);
    const id = await c.publish('a.b', 2);
    expect(id).toMatch(/^\d+-\d+$/);
    await waitFor(() => heard.length === 1, { what: 'the second publish' });
    await c.ping();
    expect(heard).toEqual([2]);
    expect(bus.stats().engine.clientPublishes).toBe(1);
  });
});
