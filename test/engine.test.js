'use strict';
// The engine through the bus: listening, HTTP routes, batches and their
// bounds, publish acknowledgements, option and argument errors.
const net = require('net');
const path = require('path');
const { spawnSync } = require('child_process');
const { EventBus, ServerError, QueueFullError, InvalidArgumentError, errorTable, codes } = require('../lib');
const native = require('../lib/native');
const { freePort, httpGet, waitFor } = require('./helpers/net');

const buses = [];
function bus(opts) {
  const b = new EventBus(opts);
  buses.push(b);
  return b;
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

describe('listen', () => {
  test('port 0 binds an ephemeral port; /health answers JSON; unknown routes 404', async () => {
    const b = bus({ server: { port: 0, host: '127.0.0.1' } });
    expect(b.address()).toBeNull();
    const addr = await b.listen();
    expect(addr.port).toBeGreaterThan(0);
    expect(addr.host).toBe('127.0.0.1');
    expect(b.address()).toEqual(addr);
    const h = await httpGet(addr.port, '/health');
    expect(h.status).toBe(200);
    expect(h.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(h.body)).toEqual({ status: 'ok', mode: 'embedded' });
    const nf = await httpGet(addr.port, '/nope');
    expect(nf.status).toBe(404);
    expect(JSON.parse(nf.body).code).toBe('ERR_NOT_FOUND');
    expect(b.stats().engine.httpRequests).toBe(2);
  });

  test('listen() twice gives the same promise', async () => {
    const b = bus({ server: { port: 0, host: '127.0.0.1' } });
    const p1 = b.listen();
    expect(b.listen()).toBe(p1);
    await p1;
  });

  test('a fixed port that is taken rejects with ERR_LISTEN and the bus keeps working', async () => {
    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address();
    try {
      const b = bus({ server: { port, host: '127.0.0.1' } });
      const err = await b.listen().catch((e) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err.code).toBe('ERR_LISTEN');
      expect(err.message).toContain(String(port));
      expect(b.address()).toBeNull();
      // Not stuck: a later emit still reaches the engine.
      b.emit('still.alive', 1);
      await waitFor(() => b.stats().engine.eventsIn === 1, { what: 'event counted' });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  test('a fixed free port is used as given', async () => {
    const port = await freePort();
    const b = bus({ server: { port, host: '127.0.0.1' } });
    expect((await b.listen()).port).toBe(port);
  });

  test('a host name is resolved (localhost)', async () => {
    const b = bus({ server: { port: 0, host: 'localhost' } });
    const { port } = await b.listen();
    expect((await httpGet(port, '/health', '127.0.0.1')).status).toBe(200);
  });

  test('an unknown host rejects with ERR_LISTEN', async () => {
    const b = bus({ server: { port: 0, host: 'no-such-host.invalid' } });
    await expect(b.listen()).rejects.toMatchObject({ code: 'ERR_LISTEN' });
  });

  test('listen() without options.server rejects with ERR_NO_SERVER and says what to pass', async () => {
    const b = bus();
    const err = await b.listen().catch((e) => e);
    expect(err.code).toBe('ERR_NO_SERVER');
    expect(err.message).toMatch(/options\.server/);
  });
});

describe('forwarding', () => {
  test('every emitted event reaches the engine exactly once, in few batches', async () => {
    const b = bus({ engine: true });
    const N = 20000;
    for (let i = 0; i < N; i++) b.emit('load.test', { i });
    await waitFor(() => b.stats().engine.eventsIn === N, { what: 'all events counted' });
    const s = b.stats();
    expect(s.emitted).toBe(N);
    expect(s.forwarded).toBe(N);
    expect(s.engine.badRecords).toBe(0);
    // One engine batch per 4096 events or per microtask, not one per event.
    expect(s.batches).toBeLessThanOrEqual(Math.ceil(N / 4096) + 1);
    expect(s.engine.batchesIn).toBe(s.batches);
  });

  test('publish() resolves with the envelope id once the engine has the event', async () => {
    const b = bus({ engine: true });
    const seen = [];
    b.subscribe('order.*', (e) => seen.push(e));
    const id = await b.publish('order.placed', { total: 3 }, { priority: 'high', metadata: { trace: 't1' }, version: 2 });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id, type: 'order.placed', data: { total: 3 }, priority: 'high', metadata: { trace: 't1' }, version: 2 });
    expect(b.stats().engine.eventsIn).toBe(1);
  });

  // The engine answers a burst of publish() calls in one message (many
  // "<req> <id>" lines): every promise must still get its own event's id.
  test('a burst of publish() calls: each resolves with the id of its own event, in order', async () => {
    const b = bus({ engine: true });
    const idOf = new Map();
    b.subscribe('burst.*', (e) => idOf.set(e.data.i, e.id));
    const N = 3000;
    const ids = await Promise.all(Array.from({ length: N }, (_, i) => b.publish('burst.x', { i })));
    expect(ids.map((id, i) => id === idOf.get(i))).toEqual(Array(N).fill(true));
    const order = ids.map((id) => id.split('-').map(Number));
    expect(order.every(([ms, seq], i) => i === 0 || ms > order[i - 1][0] || (ms === order[i - 1][0] && seq > order[i - 1][1]))).toBe(true);
    expect(b.stats().engine.eventsIn).toBe(N);
  });

  test('events emitted without an engine are not forwarded', async () => {
    const b = bus();
    b.emit('a.b', 1);
    expect(b.stats().forwarded).toBe(0);
    expect(b.stats().engine).toBeNull();
  });

  test('EE2 meta-events, symbols and emitted wildcards stay local', async () => {
    const b = bus({ engine: true, newListener: true });
    const sym = Symbol('s');
    b.on(sym, () => {});
    b.on('x.y', () => {});
    b.emit(sym, 1);
    b.emit('x.*', 2); // reaches x.y locally
    b.emit('**', 3);
    b.on('error', () => {});
    b.emit('error', new Error('local'));
    await new Promise((r) => setImmediate(r));
    expect(b.stats().forwarded).toBe(0);
  });

  test('array names are joined with the delimiter and forwarded', async () => {
    const b = bus({ engine: true, delimiter: '::' });
    const seen = [];
    b.subscribe('a::*', (e) => seen.push(e.type));
    b.emit(['a', 'b'], 1);
    await waitFor(() => b.stats().engine.eventsIn === 1, { what: 'event counted' });
    expect(seen).toEqual(['a::b']);
  });
});

describe('bounded inbox', () => {
  test('a batch over the inbox bound is refused whole, counted, and reported', async () => {
    const b = bus({ engine: true, inbox: { maxEvents: 10 } });
    const errors = [];
    b.on('error', (e) => errors.push(e));
    for (let i = 0; i < 25; i++) b.emit('flood.x', i);
    const rejected = b.publish('flood.y', 1);
    await expect(rejected).rejects.toBeInstanceOf(QueueFullError);
    const s = b.stats();
    expect(s.dropped.inboxFull).toBe(26);
    expect(s.publishFailed).toBe(1);
    expect(s.engine.inboxRejected).toBe(26);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('ERR_QUEUE_FULL');
    expect(errors[0].dropped).toBe(26);
    // Small batches still get through afterwards.
    for (let i = 0; i < 5; i++) b.emit('ok.x', i);
    await waitFor(() => b.stats().engine.eventsIn === 5, { what: 'small batch accepted' });
  });

  test('without an error listener the drop becomes a process warning, not a crash', () => {
    const r = spawnSync(process.execPath, ['-e', `
      const { EventBus } = require(${JSON.stringify(path.join(__dirname, '..', 'lib'))});
      const b = new EventBus({ engine: true, inbox: { maxEvents: 2 } });
      process.on('warning', (w) => { console.log(w.name + ' ' + w.code); b.close(); });
      for (let i = 0; i < 3; i++) b.emit('flood.x', i);
    `], { encoding: 'utf8', timeout: 15000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('EventwireWarning ERR_QUEUE_FULL');
  });
});

describe('bad input', () => {
  test.each([
    [{ server: { port: -1 } }, /server\.port/],
    [{ server: { port: 70000 } }, /server\.port/],
    [{ server: { port: 1.5 } }, /server\.port/],
    [{ server: 'yes' }, /server/],
    [{ server: { host: '' } }, /server\.host/],
    [{ delimiter: '' }, /delimiter/],
    [{ delimiter: '*' }, /delimiter/],
    [{ delimiter: '123456789' }, /delimiter/],
    [{ redis: 'http://127.0.0.1:6379' }, /redis:\/\/ scheme/],
    [{ redis: { url: 'redis://h', nope: 1 } }, /redis\.nope/],
    [{ source: 'a\nb' }, /source/],
    [{ inbox: { maxEvents: 0 } }, /inbox\.maxEvents/],
    [{ inbox: { maxBytes: -5 } }, /inbox\.maxBytes/],
    [{ engine: 'yes' }, /engine/],
    [{ prot: 1 }, /prot is not a known option/],
    ['nope', /options/],
  ])('new EventBus(%j) throws ERR_INVALID_OPTION', (opts, msg) => {
    let err;
    try {
      bus(opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('ERR_INVALID_OPTION');
    expect(err.message).toMatch(msg);
  });

  test.each([
    ['', 'empty'],
    ['a..b', 'empty segment'],
    ['.a', 'leading delimiter'],
    ['a.', 'trailing delimiter'],
    ['a\u0000b', 'NUL byte'],
    ['a\nb', 'newline'],
    ['x'.repeat(513), 'too long'],
    [Array.from({ length: 33 }, () => 's').join('.'), 'too many segments'],
    ['\ud800', 'lone surrogate'],
  ])('emit(%j) with an engine throws ERR_INVALID_EVENT_NAME (%s), no listener runs', (name) => {
    const b = bus({ engine: true });
    let ran = 0;
    b.onAny(() => ran++);
    expect(() => b.emit(name, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_EVENT_NAME' }));
    expect(ran).toBe(0);
    expect(b.stats().forwarded).toBe(0);
  });

  test('publish() checks its arguments and rejects (never throws)', async () => {
    const b = bus({ engine: true });
    await expect(b.publish(42, 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    await expect(b.publish('a.*', 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    await expect(b.publish('error', 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    await expect(b.publish('a.b', 1, { priority: 'urgent' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(b.publish('a.b', 1, { metadata: [1] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(b.publish('a.b', 1, { version: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(b.publish('a.b', 1, { source: '' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(b.publish('a.b', 10n)).rejects.toMatchObject({ code: 'ERR_INVALID_PAYLOAD' });
    expect(b.stats().forwarded).toBe(0);
  });

  test('unserialisable data throws ERR_INVALID_PAYLOAD before any listener runs', () => {
    const b = bus({ engine: true });
    let ran = 0;
    b.on('a.b', () => ran++);
    const circular = {};
    circular.self = circular;
    expect(() => b.emit('a.b', circular)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PAYLOAD' }));
    expect(ran).toBe(0);
  });
});

describe('errors', () => {
  test('the JS codes are the C table, one class per group', () => {
    expect(errorTable.length).toBeGreaterThan(10);
    for (const e of errorTable) {
      expect(e.code).toMatch(/^ERR_[A-Z_]+$/);
      expect(codes[e.code]).toBe(e.code);
      expect(e.errno).toBeLessThan(0);
      expect(typeof e.message).toBe('string');
    }
    expect(new Set(errorTable.map((e) => e.code)).size).toBe(errorTable.length);
  });
});

describe('ref/unref', () => {
  test('return the bus and work before and after the engine starts', async () => {
    const b = bus({ server: { port: 0, host: '127.0.0.1' } });
    expect(b.unref()).toBe(b);
    expect(b.ref()).toBe(b);
    await b.listen();
    expect(b.unref()).toBe(b);
  });
});
