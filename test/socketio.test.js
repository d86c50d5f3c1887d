'use strict';
// Socket.IO at /socket.io/ with the real socket.io-client 4.x over WebSocket
// (and a raw `ws` client for the Engine.IO wire): connect and authorize,
// subscribe/unsubscribe/publish with acks, connection state recovery,
// what is refused (polling, EIO=3, namespaces, binary attachments),
// Engine.IO heartbeat, slow clients and connection counts.
const { io } = require('socket.io-client');
const WebSocket = require('ws');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { waitFor } = require('./helpers/net');
const { idKey } = require('./helpers/sse');

const buses = [];
const sockets = [];
const raws = [];
const timers = [];

async function start(server = {}, opts = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, ...server }, ...opts });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port, base: `http://127.0.0.1:${port}` };
}

/** A socket.io-client socket (own Manager) that records every event it gets. */
function client(port, { nsp = '', ...opts } = {}) {
  const s = io(`http://127.0.0.1:${port}${nsp}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 5000,
    ...opts,
  });
  sockets.push(s);
  s.got = []; // { type, args } of every server event, notices included
  s.onAny((type, ...args) => s.got.push({ type, args }));
  s.closes = [];
  s.on('disconnect', (reason) => s.closes.push(reason));
  return s;
}

/** Events (not eventwire:* notices) received by a socket. */
function events(s) {
  return s.got.filter((g) => !g.type.startsWith('eventwire:'));
}
function notices(s, name) {
  return s.got.filter((g) => g.type === `eventwire:${name}`).map((g) => g.args[0]);
}

/** Resolves on 'connect', rejects with the connect_error, bounded. */
function connected(s, timeoutMs = 5000) {
  if (s.connected) return Promise.resolve(s);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error('timed out waiting for connect'));
    }, timeoutMs);
    const onConnect = () => {
      cleanup();
      resolve(s);
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      clearTimeout(t);
      s.off('connect', onConnect);
      s.off('connect_error', onError);
    };
    s.on('connect', onConnect);
    s.on('connect_error', onError);
  });
}

/** The connect_error of a socket that must not connect, bounded. */
function connectError(s, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting for connect_error')), timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      reject(new Error('connected but should have been refused'));
    });
    s.once('connect_error', (err) => {
      clearTimeout(t);
      resolve(err);
    });
  });
}

function ack(s, ...args) {
  return s.timeout(5000).emitWithAck(...args);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Emits a barrier event and waits until the socket got it: everything emitted before it has arrived. */
async function barrier(bus, s, n = barrier.n++) {
  bus.emit('zz.end', { n });
  await waitFor(() => s.got.some((g) => g.type === 'zz.end' && g.args[0].data.n === n), { what: `barrier ${n}` });
}
barrier.n = 0;

function collector(bus, pattern) {
  const list = [];
  bus.subscribe(pattern, (env) => list.push(JSON.parse(JSON.stringify(env))));
  return list;
}

afterEach(async () => {
  try {
    for (const t of timers.splice(0)) clearInterval(t);
    for (const s of sockets.splice(0)) {
      s.offAny();
      s.disconnect();
    }
    for (const w of raws.splice(0)) w.terminate();
  } finally {
    // Whatever failed above, the buses close: an open one keeps Jest alive.
    await Promise.all(buses.splice(0).map((b) => b.close()));
  }
  expect(native.allocLive()).toBe(0);
});

describe('listen()', () => {
  test('listen() keeps the transport paths: 100 buses in a row all serve /socket.io/', async () => {
    const statuses = [];
    for (let k = 0; k < 100; k++) {
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 } });
      const { port } = await bus.listen();
      const r = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`);
      statuses.push(`${r.status} ${await r.text()}`);
      await bus.close();
    }
    const bad = statuses.filter((x) => !x.startsWith('400 '));
    expect(bad).toEqual([]); // 404 {"code":"ERR_NOT_FOUND",...} when the path was lost
    expect(native.allocLive()).toBe(0);
  });

  test('a custom socketIo.path longer than 15 bytes is served', async () => {
    const path = '/realtime/socket.io/'; // 20 bytes: not in std::string's inline buffer
    const { port } = await start({ socketIo: { path } });
    const r = await fetch(`http://127.0.0.1:${port}${path}?EIO=4&transport=polling`);
    expect(`${r.status} ${await r.text()}`).toBe('400 {"code":0,"message":"Transport unknown"}');
    const s = client(port, { path });
    await connected(s);
    expect(s.connected).toBe(true);
  });
});

describe('connect and authorize', () => {
  test('an unmodified socket.io-client connects over WebSocket', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    expect(s.connected).toBe(true);
    expect(typeof s.id).toBe('string');
    expect(s.id.length).toBeGreaterThan(0);
    expect(s.recovered).toBe(false);
    expect(bus.stats().engine.connections).toBe(1);
  });

  test('authorize(auth, info) sees the auth payload; true accepts, false refuses with "not authorized"', async () => {
    const calls = [];
    const { port } = await start({
      authorize: (auth, info) => {
        calls.push([auth, info]);
        return auth && auth.token === 'good';
      },
    });
    const ok = client(port, { auth: { token: 'good' } });
    await connected(ok);
    expect(ok.connected).toBe(true);
    const bad = client(port, { auth: { token: 'bad' } });
    const err = await connectError(bad);
    expect(err.message).toBe('not authorized');
    expect(bad.connected).toBe(false);
    expect(calls).toEqual([
      [{ token: 'good' }, { transport: 'socket.io' }],
      [{ token: 'bad' }, { transport: 'socket.io' }],
    ]);
  });

  test('{ ok: false, message } refuses with that message; { ok: true } accepts', async () => {
    const { port } = await start({
      authorize: (auth) => (auth.token === 'good' ? { ok: true } : { ok: false, message: 'token expired' }),
    });
    const err = await connectError(client(port, { auth: { token: 'old' } }));
    expect(err.message).toBe('token expired');
    const ok = client(port, { auth: { token: 'good' } });
    await connected(ok);
    expect(ok.connected).toBe(true);
  });

  test('a rejected promise refuses with its message; an async true accepts', async () => {
    const { port } = await start({
      authorize: async (auth) => {
        await sleep(20);
        if (auth.token !== 'good') throw new Error('upstream auth said no');
        return true;
      },
    });
    const err = await connectError(client(port, { auth: { token: 'nope' } }));
    expect(err.message).toBe('upstream auth said no');
    const ok = client(port, { auth: { token: 'good' } });
    await connected(ok);
    expect(ok.connected).toBe(true);
  });

  test('a namespace other than "/" gets connect_error "Invalid namespace"', async () => {
    const { port } = await start();
    const s = client(port, { nsp: '/admin' });
    const err = await connectError(s);
    expect(err.message).toBe('Invalid namespace');
    expect(s.connected).toBe(false);
  });
});

describe('subscribe and unsubscribe', () => {
  test('wildcards, zero-segment "**" and arrays: each matching event once, in order, with (envelope, offset)', async () => {
    const { bus, port } = await start();
    const one = client(port);
    const deep = client(port);
    const arr = client(port);
    await Promise.all([one, deep, arr].map((s) => connected(s)));
    expect(await ack(one, 'subscribe', 'order.*')).toEqual({ ok: true });
    expect(await ack(deep, 'subscribe', 'order.**')).toEqual({ ok: true });
    // order.* and order.** overlap: still once per event.
    expect(await ack(arr, 'subscribe', ['order.*', 'order.**', 'incident.**'])).toEqual({ ok: true });
    for (const s of [one, deep, arr]) expect(await ack(s, 'subscribe', 'zz.end')).toEqual({ ok: true });

    const all = collector(bus, '**');
    const types = ['order.placed', 'order', 'order.a.b', 'incident', 'incident.opened', 'other.x', 'orders.x'];
    for (let i = 0; i < 20; i++) for (const t of types) bus.emit(t, { i, t });
    await barrier(bus, one, 'a');
    await barrier(bus, deep, 'b');
    await barrier(bus, arr, 'c');

    const expectFor = (s, wanted) => {
      const got = events(s).filter((g) => g.type !== 'zz.end');
      const want = all.filter((e) => wanted.includes(e.type));
      expect(got.map((g) => g.type)).toEqual(want.map((e) => e.type));
      expect(got.map((g) => g.args[0])).toEqual(want); // the envelope local subscribers saw
      for (const g of got) {
        expect(g.args).toHaveLength(2);
        expect(g.args[1]).toBe(g.args[0].id); // the offset is the event id
      }
      const keys = got.map((g) => idKey(g.args[1]));
      for (let i = 1; i < keys.length; i++) expect(keys[i] > keys[i - 1]).toBe(true);
    };
    expectFor(one, ['order.placed']);
    expectFor(deep, ['order.placed', 'order', 'order.a.b']);
    expectFor(arr, ['order.placed', 'order', 'order.a.b', 'incident', 'incident.opened']);
    expect(events(arr).filter((g) => g.type !== 'zz.end')).toHaveLength(100);
  });

  test('unsubscribe stops delivery for that pattern and reports how many were removed', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    expect(await ack(s, 'subscribe', ['order.*', 'zz.end'])).toEqual({ ok: true });
    bus.emit('order.a', 1);
    await barrier(bus, s);
    expect(events(s).map((g) => g.type)).toEqual(['order.a', 'zz.end']);
    expect(await ack(s, 'unsubscribe', 'order.*')).toEqual({ ok: true, removed: 1 });
    expect(await ack(s, 'unsubscribe', ['nothing.*', 'order.*'])).toEqual({ ok: true, removed: 0 });
    bus.emit('order.b', 2);
    await barrier(bus, s);
    expect(events(s).map((g) => g.type)).toEqual(['order.a', 'zz.end', 'zz.end']);
    expect(bus.stats().engine.subscriptions).toBe(1);
  });

  test('an invalid pattern is refused in the ack, and nothing of that subscribe is kept', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    const r = await ack(s, 'subscribe', 'a..b');
    expect(r).toMatchObject({ ok: false, code: 'ERR_INVALID_PATTERN' });
    expect(typeof r.message).toBe('string');
    expect(await ack(s, 'subscribe', ['ok.*', 'a.'])).toMatchObject({ ok: false, code: 'ERR_INVALID_PATTERN' });
    expect(await ack(s, 'subscribe', [])).toMatchObject({ ok: false, code: 'ERR_INVALID_ARGUMENT' });
    expect(await ack(s, 'subscribe', 42)).toMatchObject({ ok: false, code: 'ERR_INVALID_ARGUMENT' });
    expect(await ack(s, 'subscribe', 'zz.end')).toEqual({ ok: true });
    bus.emit('ok.x', 1);
    await barrier(bus, s);
    expect(events(s).map((g) => g.type)).toEqual(['zz.end']); // 'ok.*' was not added
    expect(s.connected).toBe(true);
  });

  test('an invalid pattern with multi-byte characters: the ack is valid UTF-8 and the socket stays', async () => {
    const { port } = await start();
    const s = client(port);
    await connected(s);
    // The error message quotes the first 64 bytes of the pattern: here that cuts an "é" in two.
    const pattern = `a${'é'.repeat(40)}..`;
    const r = await ack(s, 'subscribe', pattern).catch((err) => ({ failed: err.message, closes: s.closes }));
    expect(r).toMatchObject({ ok: false, code: 'ERR_INVALID_PATTERN' });
    expect(s.connected).toBe(true);
  });

  test('an eventwire:error whose message is long once JSON-escaped still arrives', async () => {
    const { port } = await start();
    const s = client(port);
    await connected(s);
    s.emit('subscribe', '\u0001'.repeat(70)); // each control byte is 6 characters in JSON
    await waitFor(() => notices(s, 'error').length === 1, { what: 'eventwire:error', timeoutMs: 1000 });
    expect(notices(s, 'error')[0]).toMatchObject({ ok: false, code: 'ERR_INVALID_PATTERN' });
  });

  test('subscribe without an ack and an invalid pattern → an eventwire:error event', async () => {
    const { port } = await start();
    const s = client(port);
    await connected(s);
    s.emit('subscribe', '.bad');
    await waitFor(() => notices(s, 'error').length === 1, { what: 'eventwire:error' });
    expect(notices(s, 'error')[0]).toMatchObject({ ok: false, code: 'ERR_INVALID_PATTERN' });
    expect(typeof notices(s, 'error')[0].message).toBe('string');
    expect(s.connected).toBe(true);
    expect(await ack(s, 'subscribe', 'fine.*')).toEqual({ ok: true });
  });

  test('an unknown event name with an ack → ERR_UNKNOWN_OP', async () => {
    const { port } = await start();
    const s = client(port);
    await connected(s);
    expect(await ack(s, 'join', 'room-1')).toMatchObject({ ok: false, code: 'ERR_UNKNOWN_OP' });
    expect(s.connected).toBe(true);
  });
});

describe('publish', () => {
  test('refused with ERR_FORBIDDEN when allowClientPublish is off', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    const heard = [];
    bus.on('chat.message', (d) => heard.push(d));
    const r = await ack(s, 'publish', { type: 'chat.message', data: { text: 'hi' } });
    expect(r).toMatchObject({ ok: false, code: 'ERR_FORBIDDEN' });
    expect(typeof r.message).toBe('string');
    await sleep(30);
    expect(heard).toEqual([]);
    expect(bus.stats().engine.clientPublishes).toBe(0);
  });

  test('with allowClientPublish: acked with the id, heard by bus.on and by another subscribed socket', async () => {
    const { bus, port } = await start({ allowClientPublish: true });
    const pub = client(port);
    const sub = client(port);
    await Promise.all([connected(pub), connected(sub)]);
    expect(await ack(sub, 'subscribe', 'chat.*')).toEqual({ ok: true });
    const heard = [];
    bus.on('chat.message', (d) => heard.push(d));
    const r = await ack(pub, 'publish', { type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { room: 'r1' } });
    expect(r).toEqual({ ok: true, id: expect.stringMatching(/^\d+-\d+$/) });
    await waitFor(() => heard.length === 1 && events(sub).length === 1, { what: 'publish delivered' });
    expect(heard).toEqual([{ text: 'hi' }]);
    const [g] = events(sub);
    expect(g.type).toBe('chat.message');
    expect(g.args[0]).toMatchObject({ id: r.id, type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { room: 'r1' } });
    expect(g.args[1]).toBe(r.id);
    expect(events(pub)).toEqual([]); // not subscribed
    // Bad publishes are answered in the ack.
    expect(await ack(pub, 'publish', { data: 1 })).toMatchObject({ ok: false, code: 'ERR_INVALID_ARGUMENT' });
    expect(await ack(pub, 'publish', { type: 'chat.*', data: 1 })).toMatchObject({ ok: false });
    expect(bus.stats().engine.clientPublishes).toBe(1);
    // Options the bus refuses (checked on the JS side): the ack carries its
    // error; without an ack id, an eventwire:error event; nothing is emitted.
    expect(await ack(pub, 'publish', { type: 'chat.message', data: 1, priority: 'urgent' })).toEqual({
      ok: false, code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('priority must be one of low, normal, high, critical, got urgent'),
    });
    expect(await ack(pub, 'publish', { type: 'chat.message', data: 1, metadata: 'x' })).toEqual({
      ok: false, code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('metadata must be a plain object'),
    });
    pub.emit('publish', { type: 'chat.message', data: 2, priority: 'soon' }); // no ack
    await waitFor(() => notices(pub, 'error').length === 1, { what: 'the eventwire:error event' });
    expect(notices(pub, 'error')[0]).toMatchObject({ ok: false, code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('got soon') });
    bus.emit('chat.end', 0); // everything emitted before it has reached sub once it arrives
    await waitFor(() => events(sub).some((g) => g.type === 'chat.end'), { what: 'chat.end at sub' });
    expect(heard).toEqual([{ text: 'hi' }]);
    expect(events(sub).filter((g) => g.type === 'chat.message')).toHaveLength(1);
  });
});

describe('connection state recovery', () => {
  test('the server keeps the 4,096 newest closed sessions: the oldest pid is not recovered, the newest is', async () => {
    const { bus, port } = await start();
    const { RawWs, text } = require('./helpers/rawws');
    const offset = await bus.publish('order.seed', 0);
    // One raw Engine.IO session: open, CONNECT (with { pid, offset } to
    // recover), subscribe, then an abrupt close (the server saves it).
    const session = async (recover) => {
      const c = await RawWs.open(port, { path: '/socket.io/?EIO=4&transport=websocket' });
      try {
        const open = (await c.nextFrame()).payload.toString();
        if (!open.startsWith('0{')) throw new Error(`open packet: ${open}`);
        await c.write(text(recover ? `40${JSON.stringify(recover)}` : '40'));
        const ack = JSON.parse((await c.nextFrame()).payload.toString().slice(2));
        if (!recover) {
          await c.write(text('421["subscribe","order.*"]'));
          await c.nextFrame(); // 431[{"ok":true}]
        }
        return ack.pid;
      } finally {
        c.destroy();
      }
    };
    const closed = () => waitFor(() => bus.stats().engine.connections === 0, { timeoutMs: 10000, what: 'closed' });
    const first = await session(null); // saved first: the oldest
    await closed();
    const middle = [];
    for (let i = 0; i < 4095; i += 64) {
      middle.push(...(await Promise.all(Array.from({ length: Math.min(64, 4095 - i) }, () => session(null)))));
    }
    await closed();
    const last = await session(null); // the 4,097th save takes the oldest slot
    await closed();
    expect(new Set([first, ...middle, last]).size).toBe(4097);
    expect(await session({ pid: first, offset })).not.toBe(first);
    await closed();
    expect(await session({ pid: last, offset })).toBe(last);
    await closed();
    const newestMiddle = middle[middle.length - 1]; // saved among the last batch: still kept
    expect(await session({ pid: newestMiddle, offset })).toBe(newestMiddle);

    // Saves that follow resumes take the slots the resumes freed, not the
    // oldest session: 64 sessions resumed 65 times each (4,160 saves, never
    // more than ~4,100 kept) leave the session saved before them recoverable.
    const kept = await session(null);
    await closed();
    let pids = await Promise.all(Array.from({ length: 64 }, () => session(null)));
    for (let round = 0; round < 65; round++) {
      await closed();
      pids = await Promise.all(pids.map((pid) => session({ pid, offset })));
    }
    await closed();
    expect(new Set(pids).size).toBe(64); // every resume recovered its session
    expect(await session({ pid: kept, offset })).toBe(kept);
  }, 90000);

  test('a transport close while events flow: recovered, every id once and in order', async () => {
    const { bus, port } = await start();
    const s = client(port, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50, randomizationFactor: 0 });
    await connected(s);
    expect(await ack(s, 'subscribe', 'order.*')).toEqual({ ok: true });
    const all = collector(bus, 'order.*');
    let i = 0;
    const emitter = setInterval(() => bus.emit('order.tick', { i: i++ }), 2);
    timers.push(emitter);
    await waitFor(() => events(s).length >= 5, { what: 'first events' });
    const pid = s._pid;
    expect(typeof pid).toBe('string');

    let reconnected = false;
    s.io.once('reconnect', () => (reconnected = true));
    s.io.engine.close(); // the transport goes away; the Manager reconnects by itself
    expect(s.connected).toBe(false);
    const seenWhileDown = i;
    await waitFor(() => reconnected, { what: 'reconnect' });
    await connected(s);
    expect(i).toBeGreaterThan(seenWhileDown); // events were emitted while disconnected
    expect(s.recovered).toBe(true);
    expect(s.closes.length).toBe(1);

    // Keep going live for a while, then stop and compare.
    const at = i;
    await waitFor(() => i >= at + 20, { what: 'live events after recovery' });
    clearInterval(emitter);
    await waitFor(() => events(s).length >= all.length && all.length > 0 &&
      events(s)[events(s).length - 1].args[1] === all[all.length - 1].id, { what: `all ${all.length} events (have ${events(s).length})` });
    const got = events(s).map((g) => g.args[1]);
    expect(got).toEqual(all.map((e) => e.id));
    expect(events(s).map((g) => g.args[0])).toEqual(all);
  });

  test('socket.disconnect() (a namespace disconnect) saves no session: connect() again is a new session, as with socket.io', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    expect(await ack(s, 'subscribe', 'order.*')).toEqual({ ok: true });
    bus.emit('order.a', 0);
    await waitFor(() => events(s).length === 1, { what: 'first event' });
    const pid = s._pid;
    s.disconnect(); // sends 41, then closes the transport
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'old connection gone' });
    bus.emit('order.b', 1); // a session would replay it
    await bus.getEventHistory({ count: 1 });
    s.connect(); // the same socket sends { pid, offset } again
    await connected(s);
    expect({ recovered: s.recovered, samePid: s._pid === pid, events: events(s).length, subs: bus.stats().engine.subscriptions })
      .toEqual({ recovered: false, samePid: false, events: 1, subs: 0 });
  });

  test('offset evicted from history: not recovered, and the old subscription is gone', async () => {
    const { bus, port } = await start({}, { history: { size: 5 } });
    const s = client(port);
    await connected(s);
    expect(await ack(s, 'subscribe', ['order.*', 'zz.end'])).toEqual({ ok: true });
    bus.emit('order.a', 0);
    await waitFor(() => events(s).length === 1, { what: 'first event' });
    const pid = s._pid;

    s.io.engine.close();
    await waitFor(() => !s.connected, { what: 'disconnect' });
    for (let k = 0; k < 20; k++) bus.emit('order.b', k); // more than the history keeps
    await bus.getEventHistory({ count: 1 }); // the engine has them
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'old connection gone' });

    s.connect(); // same socket: sends { pid, offset }
    await connected(s);
    expect(s.recovered).toBe(false);
    expect(s._pid).not.toBe(pid);
    expect(events(s)).toHaveLength(1); // nothing replayed
    expect(bus.stats().engine.subscriptions).toBe(0);

    bus.emit('order.c', 'stale');
    await sleep(100);
    expect(events(s)).toHaveLength(1); // the old 'order.*' is not active

    expect(await ack(s, 'subscribe', 'order.*')).toEqual({ ok: true });
    bus.emit('order.d', 'fresh');
    await waitFor(() => events(s).length === 2, { what: 'event after subscribing again' });
    expect(events(s)[1].args[0].data).toBe('fresh');
  });
});

describe('what is not supported', () => {
  test('HTTP long-polling: 400 {"code":0,"message":"Transport unknown"}; EIO=3: 400 code 5', async () => {
    const { base } = await start();
    const r = await fetch(`${base}/socket.io/?EIO=4&transport=polling`);
    expect(r.status).toBe(400);
    expect(await r.text()).toBe('{"code":0,"message":"Transport unknown"}');
    const r3 = await fetch(`${base}/socket.io/?EIO=3&transport=websocket`);
    expect(r3.status).toBe(400);
    const body = await r3.json();
    expect(body.code).toBe(5);
    expect(typeof body.message).toBe('string');
  });

  test('socket.io-client with transports ["polling"] fails with connect_error, without hanging', async () => {
    const { port } = await start();
    const s = client(port, { transports: ['polling'] });
    const t0 = Date.now();
    const err = await connectError(s, 5000);
    expect(err).toBeInstanceOf(Error);
    expect(s.connected).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('a binary attachment → eventwire:error, then disconnect', async () => {
    const { bus, port } = await start({ allowClientPublish: true });
    const s = client(port);
    await connected(s);
    s.emit('publish', Buffer.from('x'));
    await waitFor(() => s.closes.length === 1, { what: 'disconnect' });
    const errs = notices(s, 'error');
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ ok: false, code: 'ERR_INVALID_ARGUMENT' });
    expect(errs[0].message).toMatch(/binary/);
    expect(s.connected).toBe(false);
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'server side closed' });
  });

  test('a binary event argument on another event name is refused the same way', async () => {
    const { port } = await start();
    const s = client(port);
    await connected(s);
    s.emit('subscribe', 'a.*', { blob: Buffer.from([1, 2, 3]) });
    await waitFor(() => s.closes.length === 1, { what: 'disconnect' });
    expect(notices(s, 'error')).toHaveLength(1);
  });
});

describe('malformed packets (a raw Engine.IO client)', () => {
  const { RawWs, text } = require('./helpers/rawws');
  /** An Engine.IO session past the open packet, and past the '40' connect when asked. */
  async function rawSession(port, { connect }) {
    const c = await RawWs.open(port, { path: '/socket.io/?EIO=4&transport=websocket' });
    raws.push({ terminate: () => c.destroy() });
    const open = (await c.nextFrame()).payload.toString();
    if (!open.startsWith('0{')) throw new Error(`open packet: ${open}`);
    if (connect) {
      await c.write(text('40'));
      const ack = (await c.nextFrame()).payload.toString();
      if (!ack.startsWith('40{')) throw new Error(`connect ack: ${ack}`);
    }
    return c;
  }
  const reply = async (c) => (await c.nextFrame()).payload.toString();

  test.each([
    ['an empty Engine.IO packet', false, '', 1002, 'empty Engine.IO packet', 0],
    ['an unknown Engine.IO packet type', false, '9', 1002, 'unknown Engine.IO packet', 1],
    ['an unknown Socket.IO packet type', true, '49', 1002, 'unknown Socket.IO packet', 1],
    ['an Engine.IO close packet', true, '1', 1000, '', 0],
  ])('%s: the server closes the WebSocket (%#)', async (_, connect, packet, code, reason, protocolErrors) => {
    const { bus, port } = await start();
    const c = await rawSession(port, { connect });
    await c.write(text(packet));
    const closed = await c.waitClose();
    expect({ code: closed.code, reason: closed.reason, frames: closed.frames.length }).toEqual({ code, reason, frames: 0 });
    expect(bus.stats().engine.protocolErrors).toBe(protocolErrors);
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'connection gone' });
  });

  test.each([
    ['an event before the namespace connect', false, '425["subscribe","a.*"]',
      '435[{"ok":false,"code":"ERR_INVALID_ARGUMENT","message":"connect to the namespace first"}]'],
    ['an event that is not a JSON array', true, '426{"subscribe":"a.*"}',
      '436[{"ok":false,"code":"ERR_INVALID_JSON","message":"an event is a JSON array [name, ...args]"}]'],
    ['an event whose JSON is cut', true, '427["subscribe","a.*"',
      '437[{"ok":false,"code":"ERR_INVALID_JSON","message":"an event is a JSON array [name, ...args]"}]'],
    ['an event name that is not a string', true, '428[42,"a.*"]',
      '438[{"ok":false,"code":"ERR_INVALID_JSON","message":"an event is a JSON array [name, ...args]"}]'],
    ['a \\u0000 escape', true, '429["subscribe","a\\u0000b"]',
      '439[{"ok":false,"code":"ERR_INVALID_JSON","message":"\\\\u0000 is not accepted in Socket.IO events"}]'],
    ['subscribe without a pattern', true, '4210["subscribe"]',
      '4310[{"ok":false,"code":"ERR_INVALID_ARGUMENT","message":"pass a pattern or a non-empty array of patterns"}]'],
    ['subscribe with an array holding a number', true, '4211["subscribe",["a.*",3]]',
      '4311[{"ok":false,"code":"ERR_INVALID_ARGUMENT","message":"pass a pattern or a non-empty array of patterns"}]'],
    ['publish without a type', true, '4212["publish",{"data":1}]',
      '4312[{"ok":false,"code":"ERR_INVALID_ARGUMENT","message":"publish needs { type, data }"}]'],
    ['publish of a pattern', true, '4213["publish",{"type":"a.*","data":1}]',
      '4313[{"ok":false,"code":"ERR_INVALID_EVENT_NAME","message":"type must be a concrete event name"}]'],
  ])('%s: answered in the ack, counted, and the socket stays usable', async (_, connect, packet, expected) => {
    const { bus, port } = await start({ allowClientPublish: true });
    const c = await rawSession(port, { connect });
    await c.write(text(packet));
    expect(await reply(c)).toBe(expected);
    expect(bus.stats().engine.opErrors).toBe(1);
    // Still served: connect if it was not, then a subscribe is acked and an event arrives.
    if (!connect) {
      await c.write(text('40'));
      expect((await reply(c)).startsWith('40{')).toBe(true);
    }
    await c.write(text('421["subscribe","ok.*"]'));
    expect(await reply(c)).toBe('431[{"ok":true}]');
    bus.emit('ok.x', 1);
    expect(await reply(c)).toMatch(/^42\["ok\.x",\{"id":"\d+-\d+","type":"ok\.x","data":1,/);
  });

  test('bad connect payloads: a bad namespace, an auth payload that is not a JSON object; a packet for another namespace is ignored', async () => {
    const { bus, port } = await start();
    const c = await rawSession(port, { connect: false });
    await c.write(text('40/admin,'));
    expect(await reply(c)).toBe('44/admin,{"message":"Invalid namespace"}');
    for (const auth of ['[1,2]', '{"token":', '"x"', '{"a":"\\u0000"}']) {
      await c.write(text(`40${auth}`));
      expect({ auth, got: await reply(c) }).toEqual({ auth, got: '44{"message":"the auth payload must be a JSON object"}' });
    }
    await c.write(text('40{"token":"t"}'));
    expect((await reply(c)).startsWith('40{"sid":')).toBe(true);
    await c.write(text('42/admin,["subscribe","a.*"]')); // not connected there: nothing
    await c.write(text('2')); // an Engine.IO ping from the client: answered
    expect(await reply(c)).toBe('3');
    expect(bus.stats().engine).toMatchObject({ connections: 1, subscriptions: 0, protocolErrors: 0 });
  });
});

describe('Engine.IO heartbeat', () => {
  test('pings every 100 ms are answered: the client stays connected for more than a second', async () => {
    const { bus, port } = await start({ socketIo: { pingIntervalMs: 100, pingTimeoutMs: 100 } });
    const s = client(port);
    const pings = [];
    await connected(s);
    s.io.engine.on('ping', () => pings.push(Date.now()));
    await sleep(1200);
    expect(s.connected).toBe(true);
    expect(s.closes).toEqual([]);
    expect(pings.length).toBeGreaterThanOrEqual(8);
    expect(bus.stats().engine.heartbeatTimeouts).toBe(0);
  });

  test('a pong later than pingInterval but within pingTimeout keeps the connection (Engine.IO v4)', async () => {
    const { bus, port } = await start({ socketIo: { pingIntervalMs: 200, pingTimeoutMs: 1000 } });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    raws.push(ws);
    let closed = null;
    let pings = 0;
    const delays = [];
    ws.on('message', (m) => {
      const text = m.toString();
      if (text[0] === '0') ws.send('40');
      if (text === '2') {
        pings++;
        // Answer 300 ms later: after the next ping is due, well within pingTimeout.
        delays.push(setTimeout(() => ws.readyState === WebSocket.OPEN && ws.send('3'), 300));
      }
    });
    ws.on('close', (code) => (closed = code));
    ws.on('error', () => {});
    await waitFor(() => pings >= 1, { what: 'first ping' });
    await sleep(1300);
    for (const t of delays) clearTimeout(t);
    expect(closed).toBeNull(); // server closed with 4000 at the next ping round
    expect(bus.stats().engine.heartbeatTimeouts).toBe(0);
  });

  test('a raw Engine.IO client that never answers "2" is closed by the server', async () => {
    const { bus, port } = await start({ socketIo: { pingIntervalMs: 100, pingTimeoutMs: 100 }, maxPayload: 65536 });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    raws.push(ws);
    const msgs = [];
    let closed = null;
    ws.on('message', (m) => msgs.push(m.toString()));
    ws.on('close', (code) => (closed = { code, at: Date.now() }));
    ws.on('error', () => {});
    await waitFor(() => msgs.length >= 1, { what: 'open packet' });
    expect(msgs[0][0]).toBe('0');
    const open = JSON.parse(msgs[0].slice(1));
    expect(open).toEqual({
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/),
      upgrades: [],
      pingInterval: 100,
      pingTimeout: 100,
      maxPayload: 65536,
    });
    ws.send('40');
    await waitFor(() => msgs.some((m) => m.startsWith('40')), { what: 'connect ack' });
    const ackMsg = msgs.find((m) => m.startsWith('40'));
    const connect = JSON.parse(ackMsg.slice(2));
    expect(connect).toEqual({ sid: expect.any(String), pid: expect.any(String) });
    expect(connect.sid).not.toBe(open.sid);
    const t0 = Date.now();
    await waitFor(() => closed, { what: 'server close', timeoutMs: 3000 });
    expect(msgs).toContain('2'); // it was pinged
    expect(closed.code).toBe(4000);
    expect(closed.at - t0).toBeLessThan(1500);
    expect(bus.stats().engine.heartbeatTimeouts).toBe(1);
  });
});

describe('slow clients', () => {
  test('a client that stops reading is disconnected once normal events overflow its backlog', async () => {
    const { bus, port } = await start({ backlog: { maxFrames: 50, maxBytes: 1 << 30 } });
    const slow = client(port);
    const good = client(port);
    await Promise.all([connected(slow), connected(good)]);
    expect(await ack(slow, 'subscribe', 'p.*')).toEqual({ ok: true });
    expect(await ack(good, 'subscribe', 'p.*')).toEqual({ ok: true });
    slow.io.engine.transport.ws._socket.pause();
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let k = 0; k < N; k++) {
      bus.emit('p.norm', { k, big });
      // The reading client is let catch up every 20 events (the backlog
      // holds 50), so only the paused one can overflow, however slow the
      // box (an ASan build under load closed both).
      if (k % 20 === 19) await waitFor(() => events(good).length === k + 1, { what: `good client at ${k + 1}`, timeoutMs: 10000 });
    }
    await waitFor(() => bus.stats().engine.slowConsumerCloses >= 1, { what: 'slow consumer close', timeoutMs: 10000 });
    slow.io.engine.transport.ws._socket.resume();
    await waitFor(() => slow.closes.length === 1, { what: 'slow client disconnect', timeoutMs: 10000 });
    expect(slow.connected).toBe(false);
    expect(bus.stats().engine.slowConsumerCloses).toBe(1);
    // What the slow client did get is a prefix, in order.
    const got = events(slow).map((g) => g.args[0].data.k);
    expect(got).toEqual([...Array(got.length).keys()]);
    expect(got.length).toBeLessThan(N);
    // The reading client got everything and stays.
    await waitFor(() => events(good).length === N, { what: 'good client all events', timeoutMs: 10000 });
    expect(events(good).map((g) => g.args[0].data.k)).toEqual([...Array(N).keys()]);
    expect(good.connected).toBe(true);
  }, 30000);
});

describe('slow clients: low events and recovery after 4008', () => {
  test('low events beyond the backlog are dropped and announced as eventwire:dropped; dropped + received = emitted', async () => {
    const { bus, port } = await start({ backlog: { maxFrames: 50, maxBytes: 1 << 30 } });
    const slow = client(port);
    await connected(slow);
    expect(await ack(slow, 'subscribe', 'p.*')).toEqual({ ok: true });
    slow.io.engine.transport.ws._socket.pause();
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let k = 0; k < N; k++) {
      bus.publish('p.low', { k, big }, { priority: 'low' });
      if (k % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => bus.stats().engine.droppedLow > 0, { what: 'low drops', timeoutMs: 10000 });
    slow.io.engine.transport.ws._socket.resume();
    const announced = () => notices(slow, 'dropped').reduce((n, m) => n + m.count, 0);
    await waitFor(() => events(slow).length + announced() === N,
      { what: `all accounted for (received ${events(slow).length}, dropped ${announced()})`, timeoutMs: 10000 });
    expect(notices(slow, 'dropped').length).toBeGreaterThanOrEqual(1);
    expect(announced()).toBe(bus.stats().engine.droppedLow);
    for (const m of notices(slow, 'dropped')) {
      expect(m.reason).toBe('slow_consumer');
      expect(idKey(m.first) <= idKey(m.last)).toBe(true);
    }
    const got = events(slow).map((g) => g.args[0].data.k);
    expect(got).toEqual([...new Set(got)].sort((x, y) => x - y));
    expect(slow.connected).toBe(true); // low events never close a connection
    expect(bus.stats().engine.slowConsumerCloses).toBe(0);
  }, 30000);

  test('closed as a slow consumer, the client reconnects by itself and recovers every event', async () => {
    const { bus, port } = await start({ backlog: { maxFrames: 50, maxBytes: 1 << 30 } });
    const slow = client(port, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50, randomizationFactor: 0 });
    await connected(slow);
    expect(await ack(slow, 'subscribe', 'p.*')).toEqual({ ok: true });
    const all = collector(bus, 'p.*');
    slow.io.engine.transport.ws._socket.pause();
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let k = 0; k < N; k++) {
      bus.emit('p.norm', { k, big });
      if (k % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => bus.stats().engine.slowConsumerCloses >= 1, { what: 'slow consumer close', timeoutMs: 10000 });
    slow.io.engine.transport.ws._socket.resume();
    await waitFor(() => slow.closes.length >= 1 && slow.connected, { what: 'reconnected', timeoutMs: 10000 });
    expect(slow.recovered).toBe(true);
    await waitFor(() => events(slow).length >= N, { what: `all ${N} events (have ${events(slow).length})`, timeoutMs: 10000 });
    expect(events(slow).map((g) => g.args[1])).toEqual(all.map((e) => e.id));
  }, 30000);
});

describe('event names', () => {
  test('an event named like a reserved Socket.IO event ("disconnect") does not break subscribed clients', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    expect(await ack(s, 'subscribe', '**')).toEqual({ ok: true });
    bus.emit('disconnect', { not: 'a socket.io event' });
    bus.emit('x.after', 1);
    await waitFor(() => events(s).some((g) => g.type === 'x.after') || s.closes.length > 0, { what: 'x.after or a disconnect' });
    expect(s.closes).toEqual([]); // socket.io-client refuses 42["disconnect",...]: "parse error"
    expect(s.connected).toBe(true);
    expect(events(s).map((g) => g.type)).toContain('x.after');
  });
});

describe('shutdown', () => {
  test('bus.close() disconnects Socket.IO clients', async () => {
    const { bus, port } = await start();
    const s = client(port);
    await connected(s);
    const closing = bus.close();
    await waitFor(() => s.closes.length === 1, { what: 'disconnect' });
    await closing;
    expect(s.connected).toBe(false);
  });
});

describe('stats', () => {
  test('stats().engine.connections counts Socket.IO connections and returns to 0', async () => {
    const { bus, port } = await start();
    const before = bus.stats().engine.connectionsTotal;
    const a = client(port);
    const b = client(port);
    await Promise.all([connected(a), connected(b)]);
    expect(bus.stats().engine.connections).toBe(2);
    expect(bus.stats().engine.connectionsTotal).toBe(before + 2);
    await ack(a, 'subscribe', ['x.*', 'y.*']);
    expect(bus.stats().engine.subscriptions).toBe(2);
    a.disconnect();
    await waitFor(() => bus.stats().engine.connections === 1, { what: 'one left' });
    expect(bus.stats().engine.subscriptions).toBe(0);
    b.disconnect();
    await waitFor(() => bus.stats().engine.connections === 0, { what: 'none left' });
  });
});
