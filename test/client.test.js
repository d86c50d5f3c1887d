'use strict';
// eventwire/client (lib/client.js) against a fake `/ws` server that follows
// docs/PROTOCOL.md, built here on `ws`'s WebSocketServer: the engine's real
// /ws gateway is being written at the same time, so this file tests the
// client at its own seam (frames in, frames out). Also: the pure helpers
// against eventemitter2 and the wildcard rule, the file loaded as a classic
// browser script in a vm context, and types/client.d.ts through tsc.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const WebSocket = require('ws');
const EventEmitter2 = require('eventemitter2');
const { EventwireClient, EventwireError, patternMatches, compareIds } = require('../lib/client');
const { thrown } = require('./helpers/thrown');
const { waitFor } = require('./helpers/net');

const ROOT = path.join(__dirname, '..');
const MS = 1732370000000; // the fake server's ids are `${MS}-${seq}`
const idOf = (seq) => `${MS}-${seq}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the fake server ----------------------------------------------------------

/** The wildcard rule, written independently of lib/client.js. */
function ruleMatch(p, n) {
  if (p.length === 0) return n.length === 0;
  if (p[0] === '**') return ruleMatch(p.slice(1), n) || (n.length > 0 && ruleMatch(p, n.slice(1)));
  return n.length > 0 && (p[0] === '*' || p[0] === n[0]) && ruleMatch(p.slice(1), n.slice(1));
}
const matches = (pattern, type) => ruleMatch(pattern.split('.'), type.split('.'));
const seqOf = (id) => Number(id.split('-')[1]);

class FakeServer {
  constructor({ allowPublish = true } = {}) {
    this.allowPublish = allowPublish;
    this.seq = 0;
    this.history = []; // envelopes still retained
    this.lostUpTo = -1; // seq of the newest envelope trimmed out of history
    this.conns = [];
    this.frames = []; // every op received: { conn, msg }
    this.refuse = 0; // refuse the next N upgrades with HTTP 503
    this.refused = 0;
    this.silentOps = new Set(); // ops that get no reply
  }

  start() {
    return new Promise((resolve) => {
      this.wss = new WebSocket.WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        path: '/ws',
        verifyClient: (info, cb) => {
          if (this.refuse > 0) {
            this.refuse--;
            this.refused++;
            cb(false, 503);
          } else {
            cb(true);
          }
        },
      });
      this.wss.on('connection', (ws) => this.onConnection(ws));
      this.wss.on('listening', () => {
        this.url = `ws://127.0.0.1:${this.wss.address().port}/ws`;
        resolve(this);
      });
    });
  }

  onConnection(ws) {
    const conn = { index: this.conns.length, ws, patterns: new Set() };
    this.conns.push(conn);
    ws.on('message', (data, isBinary) => {
      const msg = JSON.parse(data.toString());
      expect(isBinary).toBe(false);
      this.frames.push({ conn: conn.index, msg });
      if (!this.silentOps.has(msg.op)) this.handle(conn, msg);
    });
  }

  send(conn, value) {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  framesOf(connIndex) {
    return this.frames.filter((f) => f.conn === connIndex).map((f) => f.msg);
  }

  handle(conn, m) {
    const ack = (extra) => this.send(conn, { op: 'ack', ref: m.ref, ...extra });
    const error = (code, message, extra) => this.send(conn, { op: 'error', ref: m.ref, code, message, ...extra });
    switch (m.op) {
      case 'sub': {
        if (!Array.isArray(m.patterns) || m.patterns.length === 0) {
          return error('ERR_INVALID_ARGUMENT', 'patterns must be a non-empty array');
        }
        if (m.since !== undefined) {
          if (conn.patterns.size) return error('ERR_INVALID_SINCE', 'since is only accepted on the first sub');
          if (seqOf(m.since) >= this.seq && m.since !== idOf(this.seq - 1)) {
            return error('ERR_INVALID_SINCE', 'since lies in the future');
          }
        }
        for (const p of m.patterns) conn.patterns.add(p);
        if (m.since === undefined) return ack();
        let replay = this.history.filter((e) => seqOf(e.id) > seqOf(m.since));
        if (seqOf(m.since) < this.lostUpTo) {
          error('ERR_HISTORY_GAP', 'since is older than the retained history', { oldest: this.history[0].id });
          replay = this.history;
        } else {
          ack();
        }
        for (const env of replay) if (m.patterns.some((p) => matches(p, env.type))) this.send(conn, env);
        return undefined;
      }
      case 'unsub': {
        let removed = 0;
        for (const p of m.patterns) if (conn.patterns.delete(p)) removed++;
        return ack({ removed });
      }
      case 'pub': {
        if (!this.allowPublish) return error('ERR_FORBIDDEN', 'client publish is disabled');
        const extra = {};
        if (m.priority !== undefined) extra.priority = m.priority;
        if (m.metadata !== undefined) extra.metadata = m.metadata;
        const env = this.publish(m.type, m.data, extra);
        return ack({ id: env.id });
      }
      case 'ping':
        return ack();
      default:
        return error('ERR_UNKNOWN_OP', `unknown op ${m.op}`);
    }
  }

  /** A bus event: into history, then live to every matching connection. */
  publish(type, data, extra = {}) {
    const env = { id: idOf(this.seq++), type, data, source: 'fake', timestamp: MS, ...extra };
    this.history.push(env);
    for (const conn of this.conns) {
      if ([...conn.patterns].some((p) => matches(p, type))) this.send(conn, env);
    }
    return env;
  }

  /** Forget the oldest n events of history (retention). */
  trim(n) {
    const gone = this.history.splice(0, n);
    this.lostUpTo = seqOf(gone[gone.length - 1].id);
  }

  stop() {
    for (const c of this.conns) c.ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

// ---- bookkeeping: nothing is left open ----------------------------------------

const servers = new Set();
const clients = new Set();

async function startServer(opts) {
  const s = await new FakeServer(opts).start();
  servers.add(s);
  return s;
}

/** A client on `ws`, with small deterministic backoff (no jitter). */
function makeClient(url, opts) {
  const c = new EventwireClient(url, {
    WebSocket,
    reconnect: { minDelayMs: 10, maxDelayMs: 1000, factor: 2, jitter: 0 },
    ...opts,
  });
  clients.add(c);
  return c;
}

const record = (client, event) => {
  const out = [];
  client.on(event, (x) => out.push(x));
  return out;
};
const next = (client, event) => new Promise((resolve) => client.once(event, resolve));

afterEach(async () => {
  for (const c of clients) await c.close();
  clients.clear();
  for (const s of servers) await s.stop();
  servers.clear();
});

// ---- pure helpers ------------------------------------------------------------------

describe('patternMatches and compareIds', () => {
  // Every pattern over {a, b, *, **} of 1..4 segments (without "**.**",
  // which the server refuses) against every name over {a, b} of 1..4 segments.
  const patterns = [];
  const names = [];
  const gen = (atoms, pre, n, out) => {
    if (pre.length) out.push(pre);
    if (n > 0) for (const a of atoms) gen(atoms, [...pre, a], n - 1, out);
  };
  gen(['a', 'b', '*', '**'], [], 4, patterns);
  gen(['a', 'b'], [], 4, names);
  const usable = patterns.filter((p) => !p.some((s, i) => s === '**' && p[i + 1] === '**')).map((p) => p.join('.'));
  const nameStrings = names.map((n) => n.join('.'));

  test('agrees with the wildcard rule on every case, and with eventemitter2 wherever it follows the rule', () => {
    expect(usable.length).toBe(292);
    expect(nameStrings.length).toBe(30);
    let ruleDiffs = 0;
    let ee2Diffs = 0;
    let ee2Cases = 0;
    for (const p of usable) {
      for (const n of nameStrings) {
        const got = patternMatches(p, n);
        if (got !== matches(p, n)) ruleDiffs++;
        // EE2's "**" search departs from its own documented rule when "**"
        // is mixed with other segments (test/matcher.test.js); the server
        // follows the rule, so the client must too.
        if (!p.split('.').includes('**')) {
          ee2Cases++;
          const ee = new EventEmitter2({ wildcard: true });
          let fired = 0;
          ee.on(p, () => fired++);
          ee.emit(n);
          if (got !== fired > 0) ee2Diffs++;
        }
      }
    }
    expect(ruleDiffs).toBe(0);
    expect(ee2Cases).toBe((3 + 9 + 27 + 81) * 30);
    expect(ee2Diffs).toBe(0);
  });

  test('"**" matches zero segments, "*" exactly one; other delimiters', () => {
    expect(patternMatches('order.**', 'order')).toBe(true);
    expect(patternMatches('**.z', 'z')).toBe(true);
    expect(patternMatches('a.**.z', 'a.z')).toBe(true);
    expect(patternMatches('order.*', 'order')).toBe(false);
    expect(patternMatches('order.*', 'order.placed.eu')).toBe(false);
    expect(patternMatches('**', 'x.y.z')).toBe(true);
    expect(patternMatches('a::**', 'a', '::')).toBe(true);
    expect(patternMatches('a::*', 'a::b', '::')).toBe(true);
    expect(patternMatches('a.*', 'a::b', '::')).toBe(false);
  });

  test('compareIds compares both parts numerically, at any size', () => {
    expect(compareIds('9-0', '10-0')).toBe(-1);
    expect(compareIds('10-10', '10-9')).toBe(1);
    expect(compareIds('010-1', '10-1')).toBe(0);
    expect(compareIds('18446744073709551616-0', '18446744073709551615-99')).toBe(1);
    expect(compareIds('1-18446744073709551616', '1-18446744073709551617')).toBe(-1);
    expect(() => compareIds('1-0', 'x')).toThrow(new EventwireError('ERR_INVALID_ARGUMENT', 'not an id "<ms>-<seq>": "x"'));
  });
});

// ---- arguments -------------------------------------------------------------------

describe('argument checks', () => {
  test('bad options and patterns throw EventwireError with a stable code', () => {
    const code = (fn) => thrown(fn, EventwireError);
    const idle = { WebSocket, autoConnect: false };
    expect(code(() => new EventwireClient('ws://x/ws', { ...idle, lastId: 'nope' })))
      .toEqual(['ERR_INVALID_OPTION', 'options.lastId must be an id "<ms>-<seq>"']);
    expect(code(() => new EventwireClient('ws://x/ws', { ...idle, reconnect: { jitter: 2 } })))
      .toEqual(['ERR_INVALID_OPTION', 'options.reconnect.jitter must be in 0..1']);
    expect(code(() => new EventwireClient('ws://x/ws', { ...idle, delimiter: '*' })))
      .toEqual(['ERR_INVALID_OPTION', 'options.delimiter must be 1..8 bytes, without "*" or control characters']);
    expect(code(() => new EventwireClient('ws://x/ws', { ...idle, WebSocket: 42 })))
      .toEqual(['ERR_INVALID_OPTION', 'options.WebSocket must be a WebSocket constructor']);

    const c = new EventwireClient('ws://x/ws', idle);
    expect(c.state).toBe('idle');
    expect(code(() => c.subscribe('a..b'))).toEqual(['ERR_INVALID_PATTERN', 'pattern "a..b" has an empty segment']);
    expect(code(() => c.subscribe('a.**.**'))).toEqual(['ERR_INVALID_PATTERN',
      'pattern "a.**.**" must not contain "**" twice in a row']);
    expect(code(() => c.subscribe(''))).toEqual(['ERR_INVALID_PATTERN',
      'pattern "" must be 1..512 bytes of well-formed UTF-8']);
    expect(code(() => c.subscribe('a\u0001'))).toEqual(['ERR_INVALID_PATTERN',
      'pattern "a\\u0001" must not contain control characters']);
    expect(code(() => c.subscribe('a.\ud800'))).toEqual(['ERR_INVALID_PATTERN',
      'pattern "a.\\ud800" must be 1..512 bytes of well-formed UTF-8']);
    expect(code(() => c.subscribe(Array.from({ length: 33 }, () => 'x').join('.'))))
      .toEqual(['ERR_INVALID_PATTERN', `pattern "${Array(33).fill('x').join('.')}" has more than 32 segments`]);
    expect(code(() => c.subscribe([]))).toEqual(['ERR_INVALID_ARGUMENT', 'subscribe() needs at least one pattern']);
    expect(code(() => c.subscribe('a', 'nope'))).toEqual(['ERR_INVALID_ARGUMENT', 'handler must be a function']);
    expect(code(() => c.on('order.placed', () => {}))).toEqual(['ERR_INVALID_ARGUMENT',
      'unknown client event "order.placed" (one of event, open, close, error, dropped, gap, reconnecting); ' +
      'use subscribe() for bus events']);

    // 64 distinct patterns per connection; repeats do not count.
    c.subscribe(Array.from({ length: 64 }, (_, i) => `p${i}.*`));
    c.subscribe('p0.*');
    expect(code(() => c.subscribe(['p1.*', 'extra']))).toEqual(['ERR_LIMIT',
      'at most 64 distinct patterns per client (connection)']);
    expect(c.patterns.length).toBe(64);
  });

  test('publish rejects bad input before sending anything; ops before connect() reject', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    await next(c, 'open');
    const circular = {};
    circular.self = circular;
    await expect(c.publish('a.*', 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME',
      message: 'event type "a.*" must not contain wildcards' });
    await expect(c.publish('a.b', circular)).rejects.toMatchObject({ code: 'ERR_INVALID_PAYLOAD' });
    await expect(c.publish('a.b', 1, { priority: 'urgent' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT', message: 'priority must be one of low, normal, high, critical' });
    await c.ping();
    expect(s.frames).toEqual([{ conn: 0, msg: { op: 'ping', ref: 1 } }]);

    const idle = makeClient(s.url, { autoConnect: false });
    await expect(idle.ping()).rejects.toMatchObject({ code: 'ERR_CLOSED', message: 'not connected: call connect() first' });
  });
});

// ---- subscriptions -------------------------------------------------------------------

describe('subscriptions', () => {
  test('subscriptions made before open are folded into the first sub; unions are kept per pattern', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    expect(c.state).toBe('connecting');
    const off1 = c.subscribe('order.*', () => {});
    const off2 = c.subscribe(['order.*', 'incident.**'], () => {});
    const offTmp = c.subscribe('tmp.x');
    expect(offTmp()).toBe(true); // gone before the connection opened: never sent
    expect(offTmp()).toBe(false);
    await next(c, 'open');
    expect(c.state).toBe('open');
    expect(c.patterns).toEqual(['order.*', 'incident.**']);
    await c.ping();
    expect(s.framesOf(0)).toEqual([
      { op: 'sub', patterns: ['order.*', 'incident.**'], ref: 1 },
      { op: 'ping', ref: 2 },
    ]);

    // order.* is still held by the second subscription: no unsub.
    expect(off1()).toBe(true);
    await c.ping();
    expect(s.framesOf(0).slice(2)).toEqual([{ op: 'ping', ref: 3 }]);

    // The last holder goes: one unsub for both patterns.
    expect(off2()).toBe(true);
    await c.ping();
    expect(s.framesOf(0).slice(3)).toEqual([
      { op: 'unsub', patterns: ['order.*', 'incident.**'], ref: 4 },
      { op: 'ping', ref: 5 },
    ]);
    expect(c.patterns).toEqual([]);
    expect(s.conns[0].patterns.size).toBe(0);

    // Changes in one tick: one sub for the net additions, nothing for a
    // pattern added and removed again.
    c.subscribe('a.*');
    c.subscribe(['b.**', 'a.*']);
    c.subscribe('c')();
    await c.ping();
    expect(s.framesOf(0).slice(5)).toEqual([
      { op: 'sub', patterns: ['a.*', 'b.**'], ref: 6 },
      { op: 'ping', ref: 7 },
    ]);
    expect([...s.conns[0].patterns]).toEqual(['a.*', 'b.**']);
    expect(s.conns.length).toBe(1);
  });

  test('handlers match client-side (EventEmitter2 rules, "**" zero segments), once per envelope', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const calls = [];
    c.subscribe('order.*', (e) => calls.push(['order.*', e.type]));
    c.subscribe('order.**', (e) => calls.push(['order.**', e.type]));
    c.subscribe('**', (e) => calls.push(['**', e.type]));
    c.subscribe(['order.placed', 'order.*', '*.placed'], (e) => calls.push(['multi', e.type]));
    c.subscribe('incident.*.critical', (e) => calls.push(['incident', e.type]));
    const all = record(c, 'event');
    await next(c, 'open');
    await c.ping();
    s.publish('order', { n: 0 });
    s.publish('order.placed', { n: 1 });
    s.publish('order.placed.eu', { n: 2 });
    s.publish('incident.db.critical', { n: 3 });
    s.publish('other', { n: 4 });
    await waitFor(() => all.length === 5);
    expect(calls).toEqual([
      ['order.**', 'order'],
      ['**', 'order'],
      ['order.*', 'order.placed'],
      ['order.**', 'order.placed'],
      ['**', 'order.placed'],
      ['multi', 'order.placed'],
      ['order.**', 'order.placed.eu'],
      ['**', 'order.placed.eu'],
      ['**', 'incident.db.critical'],
      ['incident', 'incident.db.critical'],
      ['**', 'other'],
    ]);
    expect(all[1]).toEqual({ id: idOf(1), type: 'order.placed', data: { n: 1 }, source: 'fake', timestamp: MS });
    expect(all.map((e) => e.id)).toEqual([idOf(0), idOf(1), idOf(2), idOf(3), idOf(4)]);
    expect(c.lastId).toBe(idOf(4));
  });

  test('a custom delimiter is used for matching', async () => {
    const s = await startServer();
    const c = makeClient(s.url, { delimiter: ':' });
    const got = [];
    c.subscribe('order:*', (e) => got.push(e.type));
    await next(c, 'open');
    await c.ping();
    s.send(s.conns[0], { id: idOf(0), type: 'order:placed', data: null, timestamp: MS });
    s.send(s.conns[0], { id: idOf(1), type: 'order:placed:eu', data: null, timestamp: MS });
    s.send(s.conns[0], { id: idOf(2), type: 'order:paid', data: null, timestamp: MS });
    await waitFor(() => c.lastId === idOf(2));
    expect(got).toEqual(['order:placed', 'order:paid']);
  });

  test('a handler that throws reaches the error listener; the others still run', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const boom = new Error('boom');
    const got = [];
    c.subscribe('a.*', () => {
      throw boom;
    });
    c.subscribe('a.*', (e) => got.push(e.id));
    const errors = record(c, 'error');
    await next(c, 'open');
    await c.ping();
    s.publish('a.b', 1);
    await waitFor(() => got.length === 1);
    expect(got).toEqual([idOf(0)]);
    expect(errors).toEqual([boom]);
    expect(errors[0]).toBe(boom);
  });
});

// ---- frames ---------------------------------------------------------------------------

describe('incoming frames', () => {
  test('a JSON array frame holds several envelopes', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const got = [];
    c.subscribe('a.**', (e) => got.push([e.id, e.data]));
    await next(c, 'open');
    await c.ping();
    s.send(s.conns[0], [
      { id: idOf(1), type: 'a.x', data: 'one', timestamp: MS },
      { id: idOf(2), type: 'a', data: 'two', timestamp: MS },
      { id: idOf(3), type: 'b', data: 'not mine', timestamp: MS },
      { id: idOf(4), type: 'a.y.z', data: 'four', timestamp: MS },
    ]);
    await waitFor(() => c.lastId === idOf(4));
    expect(got).toEqual([[idOf(1), 'one'], [idOf(2), 'two'], [idOf(4), 'four']]);
  });

  test('envelopes whose id is not above lastId are not delivered again', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const got = [];
    c.subscribe('**', (e) => got.push(e.id));
    const all = record(c, 'event');
    await next(c, 'open');
    await c.ping();
    const env = (id) => ({ id, type: 'a', data: null, timestamp: MS });
    const conn = s.conns[0];
    s.send(conn, env(`${MS}-9`));
    s.send(conn, env(`${MS}-10`)); // 10 > 9 numerically, not as text
    s.send(conn, env(`${MS}-10`)); // duplicate
    s.send(conn, env(`${MS}-2`)); // older seq
    s.send(conn, env(`${MS - 1}-99`)); // older ms
    s.send(conn, [env(`${MS}-11`), env(`${MS}-11`), env(`${MS}-10`), env(`${MS + 1}-0`)]);
    s.send(conn, env(`${MS + 1}-0`));
    await c.ping();
    expect(got).toEqual([`${MS}-9`, `${MS}-10`, `${MS}-11`, `${MS + 1}-0`]);
    expect(all.map((e) => e.id)).toEqual(got);
    expect(c.lastId).toBe(`${MS + 1}-0`);
  });

  test('dropped notices and unmatched errors become client events; bad frames are reported', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const dropped = record(c, 'dropped');
    const errors = record(c, 'error');
    await next(c, 'open');
    const notice = { op: 'dropped', count: 12, first: idOf(100), last: idOf(140), reason: 'slow_consumer' };
    s.send(s.conns[0], notice);
    s.send(s.conns[0], { op: 'error', code: 'ERR_INVALID_JSON', message: 'the frame is not a JSON object' });
    s.send(s.conns[0], 'not json');
    s.send(s.conns[0], '42');
    s.send(s.conns[0], { op: 'hello-from-the-future' }); // unknown notices are ignored
    await c.ping();
    expect(dropped).toEqual([notice]);
    expect(errors.map((e) => [e.name, e.code, e.message])).toEqual([
      ['EventwireError', 'ERR_INVALID_JSON', 'the frame is not a JSON object'],
      ['EventwireError', 'ERR_PROTOCOL', `frame is not JSON: ${jsonError('not json')}`],
      ['EventwireError', 'ERR_PROTOCOL', 'frame is not a JSON object'],
    ]);
  });
});

function jsonError(text) {
  try {
    JSON.parse(text);
  } catch (err) {
    return err.message;
  }
  return '';
}

// ---- ops ------------------------------------------------------------------------------

describe('publish and ping', () => {
  test('publish resolves the id from the ack; the publisher gets its own event', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    await next(c, 'open');
    const got = [];
    // Subscribed in the same tick as the publish: the sub still goes first.
    c.subscribe('chat.*', (e) => got.push(e));
    const id = await c.publish('chat.message', { text: 'hi' }, { priority: 'high', metadata: { room: 'r1' } });
    expect(id).toBe(idOf(0));
    expect(s.framesOf(0)).toEqual([
      { op: 'sub', patterns: ['chat.*'], ref: 1 },
      { op: 'pub', type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { room: 'r1' }, ref: 2 },
    ]);
    await waitFor(() => got.length === 1);
    expect(got).toEqual([{ id: idOf(0), type: 'chat.message', data: { text: 'hi' }, source: 'fake', timestamp: MS,
      priority: 'high', metadata: { room: 'r1' } }]);
    // data defaults to null
    expect(await c.publish('chat.empty')).toBe(idOf(1));
    expect(s.framesOf(0)[2]).toEqual({ op: 'pub', type: 'chat.empty', data: null, ref: 3 });
  });

  test('an error reply rejects publish with the server code', async () => {
    const s = await startServer({ allowPublish: false });
    const c = makeClient(s.url);
    const err = await c.publish('chat.message', 1).catch((e) => e);
    expect(err).toBeInstanceOf(EventwireError);
    expect([err.name, err.code, err.message, err.ref]).toEqual(['EventwireError', 'ERR_FORBIDDEN',
      'client publish is disabled', 1]);
    expect(c.state).toBe('open'); // the connection stays open after an error reply
  });

  test('ping resolves the round-trip time', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const rtt = await c.ping();
    expect(typeof rtt).toBe('number');
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(5000);
    expect(s.framesOf(0)).toEqual([{ op: 'ping', ref: 1 }]);
  });

  test('ops made while connecting are queued behind the first sub', async () => {
    const s = await startServer();
    const c = makeClient(s.url, { patterns: ['chat.*'] });
    const p1 = c.publish('chat.a', 1);
    const p2 = c.ping();
    c.subscribe('news.*');
    expect(await p1).toBe(idOf(0));
    expect(typeof (await p2)).toBe('number');
    expect(s.framesOf(0)).toEqual([
      { op: 'sub', patterns: ['chat.*', 'news.*'], ref: 1 },
      { op: 'pub', type: 'chat.a', data: 1, ref: 2 },
      { op: 'ping', ref: 3 },
    ]);
  });

  test('the queue of ops waiting for a connection is bounded', async () => {
    const s = await startServer();
    const c = makeClient(s.url, { maxQueued: 1 });
    const p1 = c.ping();
    await expect(c.ping()).rejects.toMatchObject({ code: 'ERR_QUEUE_FULL',
      message: 'not connected and 1 ops already wait' });
    expect(typeof (await p1)).toBe('number');
  });

  test('pending publish and ping reject with ERR_CLOSED when the connection drops, and are not resent', async () => {
    const s = await startServer();
    s.silentOps.add('pub').add('ping');
    const c = makeClient(s.url, { patterns: ['a.*'] });
    await next(c, 'open');
    const pub = c.publish('a.b', 1).catch((e) => e);
    const ping = c.ping().catch((e) => e);
    await waitFor(() => s.frames.length === 3);
    const reopened = next(c, 'open');
    s.conns[0].ws.terminate();
    const [e1, e2] = await Promise.all([pub, ping]);
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(EventwireError);
      expect([e.code, e.message, e.closeCode]).toEqual(['ERR_CLOSED',
        'the connection closed (code 1006) before the reply', 1006]);
    }
    await reopened;
    await waitFor(() => s.framesOf(1).length === 1);
    expect(s.framesOf(1)).toEqual([{ op: 'sub', patterns: ['a.*'], ref: 4 }]);
  });

  test('close() rejects pending and queued ops with ERR_CLOSED', async () => {
    const s = await startServer();
    s.silentOps.add('pub');
    const c = makeClient(s.url);
    await next(c, 'open');
    const pending = c.publish('a.b', 1).catch((e) => e);
    await waitFor(() => s.frames.length === 1);
    const closes = record(c, 'close');
    await c.close();
    const e = await pending;
    expect([e.code, e.message, e.closeCode]).toEqual(['ERR_CLOSED', 'the client was closed', undefined]);
    expect(closes).toEqual([{ code: 1000, reason: '' }]);
    expect(c.state).toBe('closed');
    await expect(c.publish('a.b', 2)).rejects.toMatchObject({ code: 'ERR_CLOSED', message: 'the client is closed' });

    const c2 = makeClient(s.url); // closed while still connecting
    const queued = c2.ping().catch((err) => err);
    await c2.close();
    expect((await queued).code).toBe('ERR_CLOSED');
    expect(c2.state).toBe('closed');
  });
});

// ---- reconnect and resume --------------------------------------------------------------

describe('reconnect', () => {
  test('backoff grows by factor until a connection opens, then resets; resume sub carries since and every pattern', async () => {
    const s = await startServer();
    s.refuse = 3;
    const c = makeClient(s.url);
    const reconnecting = record(c, 'reconnecting');
    const closes = record(c, 'close');
    const got = [];
    c.subscribe('order.*', (e) => got.push(e.id));
    c.subscribe('incident.**', (e) => got.push(e.id));
    await next(c, 'open');
    expect(s.refused).toBe(3);
    expect(reconnecting).toEqual([
      { attempt: 1, delayMs: 10 },
      { attempt: 2, delayMs: 20 },
      { attempt: 3, delayMs: 40 },
    ]);
    expect(closes).toEqual([{ code: 1006, reason: '' }, { code: 1006, reason: '' }, { code: 1006, reason: '' }]);
    expect(s.framesOf(0)).toEqual([]); // nothing to resume from yet: the sub is sent once open
    await waitFor(() => s.framesOf(0).length === 1);
    expect(s.framesOf(0)).toEqual([{ op: 'sub', patterns: ['order.*', 'incident.**'], ref: 1 }]);

    s.publish('order.placed', 1);
    s.publish('incident.x', 2);
    await waitFor(() => got.length === 2);
    expect(c.lastId).toBe(idOf(1));

    // The server drops the connection; events happen while the client is away.
    const closed = next(c, 'close');
    const reopened = next(c, 'open');
    s.conns[0].ws.terminate();
    s.publish('order.paid', 3);
    s.publish('other.thing', 4);
    s.publish('incident.y.z', 5);
    expect(await closed).toEqual({ code: 1006, reason: '' });
    expect(c.state).toBe('reconnecting');
    c.subscribe('late.*'); // made while disconnected: folded into the resume sub
    await reopened;
    expect(reconnecting.slice(3)).toEqual([{ attempt: 1, delayMs: 10 }]);
    await waitFor(() => s.framesOf(1).length === 1);
    expect(s.framesOf(1)[0]).toEqual({ op: 'sub', patterns: ['order.*', 'incident.**', 'late.*'], since: idOf(1),
      ref: 2 });
    await waitFor(() => got.length === 4);
    expect(got).toEqual([idOf(0), idOf(1), idOf(2), idOf(4)]);
    expect(c.lastId).toBe(idOf(4));
    expect(s.conns.length).toBe(2);
  });

  test('the delay is capped at maxDelayMs and jitter scales it down', async () => {
    const s = await startServer();
    s.refuse = 4;
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const c = makeClient(s.url, { reconnect: { minDelayMs: 8, maxDelayMs: 20, factor: 3, jitter: 0.5 } });
      const reconnecting = record(c, 'reconnecting');
      await next(c, 'open');
      // base 8, 24 -> 20, 72 -> 20, 20; times (1 - 0.5 * 0.5)
      expect(reconnecting).toEqual([
        { attempt: 1, delayMs: 6 },
        { attempt: 2, delayMs: 15 },
        { attempt: 3, delayMs: 15 },
        { attempt: 4, delayMs: 15 },
      ]);
    } finally {
      random.mockRestore();
    }
  });

  test.each([
    [4008, 'slow consumer'],
    [1001, 'server shutting down'],
  ])('close code %i from the server is followed by a reconnect and a resume', async (code, reason) => {
    const s = await startServer();
    const c = makeClient(s.url, { patterns: ['a.*'] });
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.id));
    await next(c, 'open');
    await c.ping();
    s.publish('a.x', 1);
    await waitFor(() => got.length === 1);
    const closed = next(c, 'close');
    const reconnecting = next(c, 'reconnecting');
    const reopened = next(c, 'open');
    s.conns[0].ws.close(code, reason);
    expect(await closed).toEqual({ code, reason });
    expect(await reconnecting).toEqual({ attempt: 1, delayMs: 10 });
    s.publish('a.y', 2);
    await reopened;
    await waitFor(() => s.framesOf(1).length === 1);
    expect(s.framesOf(1)[0]).toEqual({ op: 'sub', patterns: ['a.*'], since: idOf(0), ref: 3 });
    await waitFor(() => got.length === 2);
    expect(got).toEqual([idOf(0), idOf(1)]);
  });

  test('close() stops reconnecting', async () => {
    const s = await startServer();
    const c = makeClient(s.url, { reconnect: { minDelayMs: 30, jitter: 0 } });
    await next(c, 'open');
    const reconnecting = next(c, 'reconnecting');
    s.conns[0].ws.terminate();
    expect(await reconnecting).toEqual({ attempt: 1, delayMs: 30 });
    expect(c.state).toBe('reconnecting');
    await c.close(); // during the wait: no socket to close
    expect(c.state).toBe('closed');
    await sleep(90);
    expect(s.conns.length).toBe(1);

    // close() while open: a normal close and no reconnect.
    const c2 = makeClient(s.url);
    await next(c2, 'open');
    const events = [];
    for (const ev of ['close', 'reconnecting', 'open']) c2.on(ev, (x) => events.push([ev, x]));
    await c2.close();
    await sleep(50);
    expect(events).toEqual([['close', { code: 1000, reason: '' }]]);
    expect(s.conns.length).toBe(2);
  });

  test('connect() right after close(), while the socket is still closing, opens again once it closed', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    await next(c, 'open');
    const closing = c.close();
    c.connect(); // same tick: the old socket has not closed yet
    await closing;
    await waitFor(() => c.state === 'open', { what: 'open again' });
    expect(s.conns.length).toBe(2);
    // close() afterwards cancels a pending reopen
    const c2 = makeClient(s.url);
    await next(c2, 'open');
    c2.close();
    c2.connect();
    await c2.close();
    await sleep(50);
    expect(c2.state).toBe('closed');
    expect(s.conns.length).toBe(3);
  });

  test('reconnect: false closes for good', async () => {
    const s = await startServer();
    const c = makeClient(s.url, { reconnect: false });
    await next(c, 'open');
    const closed = next(c, 'close');
    s.conns[0].ws.close(4008, 'slow consumer');
    expect(await closed).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(c.state).toBe('closed');
    await expect(c.ping()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await sleep(30);
    expect(s.conns.length).toBe(1);
  });

  test('ERR_HISTORY_GAP on resume becomes a gap event; the replay from the oldest id is delivered', async () => {
    const s = await startServer();
    const c = makeClient(s.url);
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.id));
    const gaps = record(c, 'gap');
    await next(c, 'open');
    await c.ping();
    s.publish('a.x', 0);
    await waitFor(() => got.length === 1);
    // Away long enough for history to move past our last id.
    s.conns[0].ws.terminate();
    s.publish('a.x', 1); // lost
    s.publish('a.x', 2);
    s.publish('a.x', 3);
    s.trim(2);
    await waitFor(() => got.length === 3);
    expect(got).toEqual([idOf(0), idOf(2), idOf(3)]);
    expect(gaps.length).toBe(1);
    const gap = gaps[0];
    expect(gap).toBeInstanceOf(EventwireError);
    expect({ ...gap, message: gap.message }).toEqual({ name: 'EventwireError', code: 'ERR_HISTORY_GAP',
      message: 'since is older than the retained history', ref: 3, oldest: idOf(2), since: idOf(0), patterns: ['a.*'] });
    expect(s.framesOf(1)).toEqual([{ op: 'sub', patterns: ['a.*'], since: idOf(0), ref: 3 }]);
    expect(c.state).toBe('open');
  });

  test('options.lastId resumes on the first connection', async () => {
    const s = await startServer();
    for (let i = 0; i < 4; i++) s.publish(i % 2 ? 'a.odd' : 'b.even', i);
    const c = makeClient(s.url, { lastId: idOf(0), patterns: ['a.*', 'b.*'] });
    expect(c.lastId).toBe(idOf(0));
    const all = record(c, 'event');
    await waitFor(() => all.length === 3);
    expect(all.map((e) => [e.id, e.type])).toEqual([[idOf(1), 'a.odd'], [idOf(2), 'b.even'], [idOf(3), 'a.odd']]);
    expect(s.framesOf(0)).toEqual([{ op: 'sub', patterns: ['a.*', 'b.*'], since: idOf(0), ref: 1 }]);
  });

  test('ERR_INVALID_SINCE (an id this server never issued): the client subscribes again without since', async () => {
    const s = await startServer();
    const future = `${MS + 1000000}-0`;
    const c = makeClient(s.url, { lastId: future });
    const got = [];
    c.subscribe('a.*', (e) => got.push(e.id));
    const errors = record(c, 'error');
    await next(c, 'open');
    await waitFor(() => errors.length === 1);
    await c.ping(); // after the second sub
    expect(s.framesOf(0)).toEqual([
      { op: 'sub', patterns: ['a.*'], since: future, ref: 1 },
      { op: 'sub', patterns: ['a.*'], ref: 2 },
      { op: 'ping', ref: 3 },
    ]);
    expect(errors.map((e) => [e.code, e.message, e.since, e.patterns])).toEqual([
      ['ERR_INVALID_SINCE', 'since lies in the future', future, ['a.*']],
    ]);
    expect(c.lastId).toBe(null);
    s.publish('a.b', 1); // below the old floor: delivered all the same
    await waitFor(() => got.length === 1);
    expect(got).toEqual([idOf(0)]);
  });
});

// ---- WebSocket resolution and the browser build -------------------------------------------

describe('environments', () => {
  test('without options.WebSocket it uses globalThis.WebSocket or, in Node < 22, the ws package', async () => {
    const s = await startServer();
    const c = new EventwireClient(s.url, { reconnect: false });
    clients.add(c);
    const expected = typeof globalThis.WebSocket === 'function' ? globalThis.WebSocket : WebSocket;
    expect(c._WebSocket).toBe(expected);
    expect(typeof (await c.ping())).toBe('number');
    expect(s.framesOf(0)).toEqual([{ op: 'ping', ref: 1 }]);
  });

  test('the ESM wrapper re-exports the CommonJS build', async () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import def, * as ns from ${JSON.stringify(path.join(ROOT, 'lib', 'client.mjs'))};
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(ROOT, 'lib', 'client.js'))});
      console.log(JSON.stringify([Object.keys(ns).sort(), def === cjs.EventwireClient,
        ns.EventwireClient === cjs.EventwireClient, ns.EventwireError === cjs.EventwireError]));
    `], { encoding: 'utf8', timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([['EventwireClient', 'EventwireError', 'compareIds', 'default',
      'patternMatches'], true, true, true]);
  });

  test('as a classic browser script it defines globalThis.eventwire without require', async () => {
    const code = fs.readFileSync(path.join(ROOT, 'lib', 'client.js'), 'utf8');
    const sockets = [];
    class FakeWebSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.sent = [];
        this.onopen = this.onmessage = this.onclose = this.onerror = null;
        sockets.push(this);
      }

      send(data) {
        this.sent.push(JSON.parse(data));
      }

      close(code, reason) {
        this.readyState = 3;
        this.onclose({ code, reason });
      }

      open() {
        this.readyState = 1;
        this.onopen({});
      }
    }
    const sandbox = { WebSocket: FakeWebSocket, setTimeout, clearTimeout, existing: 1 };
    sandbox.eventwire = { other: 'kept' };
    vm.runInNewContext(code, sandbox, { filename: 'client.js' });
    expect(Object.keys(sandbox.eventwire).sort()).toEqual(['EventwireClient', 'EventwireError', 'compareIds',
      'default', 'other', 'patternMatches']);
    expect('require' in sandbox).toBe(false);
    expect('module' in sandbox).toBe(false);

    const c = new sandbox.eventwire.EventwireClient('ws://example.test/ws', { reconnect: false });
    expect(sockets.length).toBe(1);
    expect(sockets[0].url).toBe('ws://example.test/ws');
    const got = [];
    c.subscribe('order.**', (e) => got.push([e.id, e.type, e.data]));
    const pong = c.ping();
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ op: 'sub', patterns: ['order.**'], ref: 1 }, { op: 'ping', ref: 2 }]);
    sockets[0].onmessage({ data: JSON.stringify({ op: 'ack', ref: 2 }) });
    expect(typeof (await pong)).toBe('number');
    sockets[0].onmessage({ data: JSON.stringify([
      { id: idOf(1), type: 'order', data: 1, timestamp: MS },
      { id: idOf(1), type: 'order', data: 'dup', timestamp: MS },
      { id: idOf(2), type: 'order.placed', data: 2, timestamp: MS },
    ]) });
    expect(got).toEqual([[idOf(1), 'order', 1], [idOf(2), 'order.placed', 2]]);
    expect(c.lastId).toBe(idOf(2));
    c.subscribe('order.*')(); // added and removed in one tick: nothing sent
    const off = c.subscribe('chat.*');
    await Promise.resolve();
    off();
    await Promise.resolve();
    expect(sockets[0].sent.slice(2)).toEqual([
      { op: 'sub', patterns: ['chat.*'], ref: 3 },
      { op: 'unsub', patterns: ['chat.*'], ref: 4 },
    ]);
    await c.close();
    expect(c.state).toBe('closed');

    // No WebSocket anywhere, and no require to fall back on.
    const bare = { setTimeout, clearTimeout };
    vm.runInNewContext(code, bare, { filename: 'client.js' });
    let err = null;
    try {
      new bare.eventwire.EventwireClient('ws://example.test/ws'); // eslint-disable-line no-new
    } catch (e) {
      err = e;
    }
    expect([err.name, err.code, err.message]).toEqual(['EventwireError', 'ERR_NO_WEBSOCKET',
      'no WebSocket implementation: pass options.WebSocket']);
  });
});

// ---- types ------------------------------------------------------------------------------

describe('types/client.d.ts', () => {
  const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  let dir;
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('compiles on its own (no DOM, no @types) and narrows payloads by name and pattern', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-client-types-'));
    const typesPath = JSON.stringify(path.join(ROOT, 'types', 'client'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'commonjs', moduleResolution: 'node10',
        lib: ['es2022', 'dom'], types: [], skipLibCheck: false, noUnusedLocals: false },
      files: ['ok.ts', 'bad.ts'],
    }));
    // The declarations alone, with the ES5 library only: nothing from DOM or Node leaks in.
    fs.writeFileSync(path.join(dir, 'tsconfig.alone.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, lib: ['es5'], types: [], skipLibCheck: false },
      files: [path.join(ROOT, 'types', 'client.d.ts')],
    }));
    const alone = spawnSync(TSC, ['-p', path.join(dir, 'tsconfig.alone.json'), '--pretty', 'false'],
      { cwd: dir, encoding: 'utf8', timeout: 60000 });
    expect(`${alone.stdout}${alone.stderr}`).toBe('');
    expect(alone.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'ok.ts'), `
import Default, { EventwireClient, EventwireError, EventEnvelope, compareIds, patternMatches } from ${typesPath};
type Events = {
  'order.placed': { orderId: string; total: number };
  'order.paid': { orderId: string };
  'user.signup': { email: string };
  'tick': undefined;
};
const c = new EventwireClient<Events>('ws://x/ws', { WebSocket, reconnect: { minDelayMs: 10 }, patterns: ['order.*'] });
const d: typeof EventwireClient = Default;
c.subscribe('order.placed', (e) => { const t: number = e.data.total; const n: 'order.placed' = e.type; });
c.subscribe('order.*', (e) => {
  if (e.type === 'order.placed') { const t: number = e.data.total; } else { const o: string = e.data.orderId; }
});
c.subscribe(['order.paid', 'user.signup'], (e) => { const n: 'order.paid' | 'user.signup' = e.type; });
c.subscribe('**', (e) => { const n: keyof Events = e.type; });
c.subscribe('order.**');
c.subscribe('room.\${string}.*' as \`room.\${string}.*\`, (e) => { const u: unknown = e.data; });
const off: () => boolean = c.subscribe('user.signup', function (e) { const s: string = e.data.email; this.lastId; });
const id: Promise<string> = c.publish('order.paid', { orderId: 'o1' }, { priority: 'high', metadata: { a: 1 } });
c.publish('tick');
const rtt: Promise<number> = c.ping();
c.on('event', (e) => { const n: keyof Events = e.type; })
  .on('gap', (err) => { const o: string = err.oldest; const code: 'ERR_HISTORY_GAP' = err.code; })
  .on('reconnecting', ({ attempt, delayMs }) => { const x: number = attempt + delayMs; })
  .on('close', ({ code, reason }) => { const x: string = reason + code; })
  .on('dropped', (n) => { const x: number = n.count; })
  .on('error', (err) => { const m: string = err.message; })
  .off('open', () => {});
const closing: Promise<void> = c.close();
const last: string | null = c.lastId;
const u = new EventwireClient('ws://x/ws', { reconnect: false, autoConnect: false });
u.subscribe('anything.goes', (e: EventEnvelope) => { const x: unknown = e.data; });
u.publish('x.y', 1);
const cmp: -1 | 0 | 1 = compareIds('1-0', '2-0');
const m: boolean = patternMatches('a.**', 'a');
const e: EventwireError = new EventwireError('ERR_X', 'm');
const code: string = e.code;
`);
    fs.writeFileSync(path.join(dir, 'bad.ts'), `
import { EventwireClient } from ${typesPath};
type Events = { 'order.placed': { orderId: string; total: number }; 'order.paid': { orderId: string } };
const c = new EventwireClient<Events>('ws://x/ws');
c.subscribe('order.plcaed', () => {}); // line 5: unknown name
c.subscribe('order.*', (e) => { const t: number = e.data.total; }); // line 6: not on order.paid
c.publish('order.paid', { orderId: 1 }); // line 7: wrong payload
c.publish('order.paid', { orderId: 'o' }, { priority: 'urgent' }); // line 8
c.publish('order.*', { orderId: 'o' }); // line 9: publish takes names
c.on('order.placed', () => {}); // line 10: not a client event
new EventwireClient('ws://x/ws', { reconnect: { delay: 1 } }); // line 11
c.publish('order.placed'); // line 12: payload required
`);
    const r = spawnSync(TSC, ['-p', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 60000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(out.split('\n').filter((l) => l.startsWith('ok.ts'))).toEqual([]);
    const badLines = [...new Set(out.split('\n').filter((l) => l.startsWith('bad.ts'))
      .map((l) => Number(/^bad\.ts\((\d+),/.exec(l)[1])))];
    expect(badLines).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
