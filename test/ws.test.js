'use strict';
// The /ws gateway with real `ws` clients: routing, exactly-once and order,
// history and gap-free resume, priorities under a blocked reader, heartbeat,
// many clients, client publish.
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { waitFor } = require('./helpers/net');
const { TestClient, idKey } = require('./helpers/wsclient');

const buses = [];
const clients = [];
async function start(server = {}, opts = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, ...server }, ...opts });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port };
}
function client(port, opts) {
  const c = new TestClient(port, opts);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

const tick = () => new Promise((r) => setImmediate(r));

describe('routing', () => {
  test('overlapping wildcard patterns deliver each event exactly once, in order', async () => {
    const { bus, port } = await start();
    const a = client(port);
    const b = client(port);
    expect(await a.sub(['order.*', 'order.**', '**', 'order.placed'])).toEqual({ op: 'ack', ref: 'r1' });
    expect((await b.sub(['incident.*'])).op).toBe('ack');
    const emitted = [];
    bus.subscribe('**', (e) => emitted.push(e));
    for (let i = 0; i < 100; i++) bus.emit(i % 3 ? 'order.placed' : 'incident.opened', { i });
    bus.emit('order', { bare: true }); // '**' and 'order.**' match zero segments
    await a.waitEvents(101);
    await b.waitEvents(34);
    await tick();
    expect(a.events.map((e) => e.id)).toEqual(emitted.map((e) => e.id));
    expect(b.events.map((e) => e.id)).toEqual(emitted.filter((e) => e.type === 'incident.opened').map((e) => e.id));
    // The envelope on the wire is the one local subscribers saw.
    expect(a.events[1]).toEqual(JSON.parse(JSON.stringify(emitted[1])));
    expect(bus.stats().engine.deliveries).toBe(101 + 34);
  });

  test('unsub stops delivery for that pattern only', async () => {
    const { bus, port } = await start();
    const c = client(port);
    await c.sub(['a.*', 'b.*']);
    expect(await c.op({ op: 'unsub', patterns: ['a.*', 'zzz'] })).toMatchObject({ op: 'ack', removed: 1 });
    bus.emit('a.x', 1);
    bus.emit('b.x', 2);
    await c.waitEvents(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.events.map((e) => e.type)).toEqual(['b.x']);
    expect(bus.stats().engine.subscriptions).toBe(1);
  });

  test('priority, metadata, version and source reach the client envelope', async () => {
    const { bus, port } = await start();
    const c = client(port);
    await c.sub(['x.*']);
    const id = await bus.publish('x.y', { v: 1 }, { priority: 'critical', metadata: { t: 'q"\\' }, version: 3, source: 'svc' });
    const [e] = await c.waitEvents(1);
    expect(e).toEqual({ id, type: 'x.y', data: { v: 1 }, source: 'svc', timestamp: Number(id.split('-')[0]), priority: 'critical', metadata: { t: 'q"\\' }, version: 3 });
  });

  test('client publish reaches JS listeners and other clients, acked with the id', async () => {
    const { bus, port } = await start({ allowClientPublish: true });
    const pub = client(port);
    const sub = client(port);
    await pub.opened;
    await sub.sub(['chat.*']);
    const heard = [];
    bus.on('chat.message', (d) => heard.push(d));
    const envs = [];
    bus.subscribe('chat.*', (e) => envs.push(e));
    const ack = await pub.op({ op: 'pub', type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { room: 1 } });
    expect(ack).toMatchObject({ op: 'ack', id: expect.stringMatching(/^\d+-\d+$/) });
    const [e] = await sub.waitEvents(1);
    expect(e).toMatchObject({ id: ack.id, type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { room: 1 }, source: 'ws-client' });
    expect(heard).toEqual([{ text: 'hi' }]);
    expect(envs.map((x) => x.id)).toEqual([ack.id]);
    expect(bus.stats().engine.clientPublishes).toBe(1);
  });
});

describe('history and resume', () => {
  test('resume across a forced disconnect while emitting continuously: complete and gap-free', async () => {
    const { bus, port } = await start();
    const all = [];
    bus.subscribe('feed.**', (e) => all.push(e.id));
    const TOTAL = 3000;
    const received = [];
    let c = client(port);
    await c.sub(['feed.**']);
    let n = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 30 && n < TOTAL; i++, n++) bus.emit(i % 2 ? 'feed.a' : 'feed.b.c', { n });
      bus.emit('other.thing', n); // not subscribed
      if (n >= TOTAL) clearInterval(timer);
    }, 1);
    for (let round = 0; round < 4; round++) {
      await waitFor(() => c.events.length >= 200 || n >= TOTAL, { what: 'some events' });
      received.push(...c.events.map((e) => e.id));
      c.close(); // abrupt: no close handshake
      const last = received[received.length - 1];
      c = client(port);
      const reply = await c.sub(['feed.**'], { since: last });
      expect(reply.op).toBe('ack');
    }
    await waitFor(() => n >= TOTAL, { what: 'all emitted', timeoutMs: 15000 });
    await waitFor(() => received.length + c.events.length >= TOTAL, { what: 'all received', timeoutMs: 15000 });
    received.push(...c.events.map((e) => e.id));
    // Events a client got before being cut may duplicate those replayed only
    // if the server resent them: assert the exact sequence.
    expect(received).toEqual(all);
    for (let i = 1; i < received.length; i++) expect(idKey(received[i]) > idKey(received[i - 1])).toBe(true);
  });

  test('since in the middle replays exactly the later matching events, then live', async () => {
    const { bus, port } = await start();
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await bus.publish(i % 2 ? 'm.odd' : 'm.even', { i }));
    const c = client(port);
    expect((await c.sub(['m.odd'], { since: ids[4] })).op).toBe('ack');
    bus.emit('m.odd', { i: 10 });
    const got = await c.waitEvents(3);
    expect(got.slice(0, 2).map((e) => e.id)).toEqual([ids[5], ids[7], ids[9]].slice(0, 2));
    await c.waitEvents(4);
    expect(c.events.map((e) => e.data.i)).toEqual([5, 7, 9, 10]);
  });

  test('a since older than the ring gets ERR_HISTORY_GAP, then what is kept, then live', async () => {
    const { bus, port } = await start({}, { history: { size: 5 } });
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await bus.publish('h.x', { i }));
    const c = client(port);
    const reply = await c.sub(['h.*'], { since: ids[2] });
    expect(reply).toMatchObject({ op: 'error', code: 'ERR_HISTORY_GAP', oldest: ids[7] });
    await c.waitEvents(5);
    expect(c.events.map((e) => e.data.i)).toEqual([7, 8, 9, 10, 11]);
    bus.emit('h.x', { i: 12 });
    await c.waitEvents(6);
    expect(c.events[5].data.i).toBe(12);
    expect(bus.stats().engine.historyEvicted).toBe(8); // 13 events, 5 kept
  });

  test('since equal to the newest id replays nothing; getEventHistory reads the same ring', async () => {
    const { bus, port } = await start();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await bus.publish(i < 3 ? 'g.a' : 'g.b', { i }));
    const c = client(port);
    expect((await c.sub(['g.*'], { since: ids[5] })).op).toBe('ack');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.events).toEqual([]);
    const all = await bus.getEventHistory();
    expect(all.map((e) => e.id)).toEqual(ids);
    expect((await bus.getEventHistory({ pattern: 'g.b' })).map((e) => e.data.i)).toEqual([3, 4, 5]);
    expect((await bus.getEventHistory({ count: 2 })).map((e) => e.data.i)).toEqual([4, 5]);
    expect((await bus.getEventHistory({ since: ids[1], count: 2 })).map((e) => e.data.i)).toEqual([2, 3]);
    expect((await bus.getEventHistory({ pattern: 'g.a', since: ids[0] })).map((e) => e.data.i)).toEqual([1, 2]);
    await expect(bus.getEventHistory({ since: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_SINCE' });
    await expect(bus.getEventHistory({ pattern: 'a..b' })).rejects.toMatchObject({ code: 'ERR_INVALID_PATTERN' });
    await expect(bus.getEventHistory({ count: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  test('getEventHistory with a since older than history rejects ERR_HISTORY_GAP carrying what is kept', async () => {
    const bus = new EventBus({ history: { size: 3 } });
    buses.push(bus);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await bus.publish('q.z', { i }));
    const err = await bus.getEventHistory({ since: ids[0] }).catch((e) => e);
    expect(err.code).toBe('ERR_HISTORY_GAP');
    expect(err.events.map((e) => e.data.i)).toEqual([3, 4, 5]);
  });
});

describe('slow clients', () => {
  test('a blocked reader loses low events first, gets dropped notices, and normal+ close it with 4008', async () => {
    const { bus, port } = await start({ backlog: { maxFrames: 200, maxBytes: 1 << 30 } });
    const slow = client(port);
    const good = client(port);
    await slow.sub(['p.*']);
    await good.sub(['p.*']);
    slow.ws._socket.pause(); // stop reading: kernel buffers fill, then the backlog
    const big = 'x'.repeat(16000);
    const N = 1000;
    for (let i = 0; i < N; i++) {
      bus.publish('p.low', { i, big }, { priority: 'low' });
      if (i % 20 === 19) await tick();
    }
    await waitFor(() => bus.stats().engine.droppedLow > 0, { what: 'low drops' });
    expect(slow.closed).toBeNull(); // low events never close a connection
    slow.ws._socket.resume();
    // Every event is either received or announced as dropped, exactly once.
    const announced = (c) => c.control.filter((m) => m.op === 'dropped').reduce((n, m) => n + m.count, 0);
    await waitFor(() => slow.events.length + announced(slow) === N, { what: 'slow: all accounted for' });
    await waitFor(() => good.events.length + announced(good) === N, { what: 'good: all accounted for' });
    expect(announced(slow)).toBeGreaterThan(0);
    expect(announced(slow) + announced(good)).toBe(bus.stats().engine.droppedLow);
    for (const m of slow.control.filter((x) => x.op === 'dropped')) {
      expect(m.reason).toBe('slow_consumer');
      expect(idKey(m.first) <= idKey(m.last)).toBe(true);
    }
    for (const c of [slow, good]) {
      const got = c.events.map((e) => e.data.i);
      expect(got).toEqual([...new Set(got)].sort((x, y) => x - y)); // in order, no duplicate
    }

    // Block it again and send normal events: it is closed with 4008, while
    // the reading client gets every one of them.
    const before = good.events.length;
    slow.ws._socket.pause();
    for (let i = 0; i < N; i++) {
      bus.emit('p.norm', { i, big });
      if (i % 20 === 19) await tick();
    }
    await waitFor(() => bus.stats().engine.slowConsumerCloses === 1, { what: 'slow close' });
    slow.ws._socket.resume();
    expect((await slow.waitClose()).code).toBe(4008);
    await good.waitEvents(before + N);
    expect(good.events.slice(before).map((e) => e.data.i)).toEqual([...Array(N).keys()]);
    expect(good.closed).toBeNull();
  }, 30000);
});

describe('heartbeat', () => {
  test('a peer that does not answer pings is reaped; one that does stays', async () => {
    const { bus, port } = await start({ heartbeatMs: 100 });
    const silent = client(port, { autoPong: false });
    const alive = client(port);
    await silent.sub(['z.*']);
    await alive.sub(['z.*']);
    await waitFor(() => bus.stats().engine.heartbeatTimeouts === 1, { what: 'reap', timeoutMs: 3000 });
    await silent.waitClose();
    await new Promise((r) => setTimeout(r, 300));
    expect(alive.closed).toBeNull();
    expect(bus.stats().engine.connections).toBe(1);
    bus.emit('z.z', 1);
    await alive.waitEvents(1);
  });
});

describe('many clients', () => {
  test('1,000 concurrent clients each get every event once', async () => {
    const { bus, port } = await start();
    const N = 1000;
    const cs = [];
    for (let i = 0; i < N; i++) cs.push(client(port));
    await Promise.all(cs.map((c) => c.opened));
    await Promise.all(cs.map((c, i) => c.sub([i % 2 ? 'fan.*' : 'fan.**'])));
    expect(bus.stats().engine.connections).toBe(N);
    for (let i = 0; i < 20; i++) bus.emit('fan.out', { i });
    await waitFor(() => cs.every((c) => c.events.length >= 20), { what: 'all delivered', timeoutMs: 20000 });
    for (const c of cs) expect(c.events.map((e) => e.data.i)).toEqual([...Array(20).keys()]);
    expect(bus.stats().engine.deliveries).toBe(N * 20);
  }, 60000);
});

describe('server stats and shutdown', () => {
  test('close() sends 1001 to connected clients and frees every connection', async () => {
    const { bus, port } = await start();
    const c = client(port);
    await c.sub(['a.*']);
    await bus.close();
    buses.splice(buses.indexOf(bus), 1);
    expect((await c.waitClose()).code).toBe(1001);
    expect(native.allocLive()).toBe(0);
  });
});
