'use strict';
// What the JS side must let go of once it is done with it. A full GC would
// free all of this anyway; the point is the scavenges in between: V8 keeps a
// Map's replaced tables (with the entries they held) linked to their
// successors until a full GC, and a promoted array or table keeps what it
// references alive through every scavenge, so a consumer at 250k events/s
// promoted 2.5 MB per scavenge (BENCHMARKS.md, issue 7). These tests pin
// what was changed for it: settled requests (takePending and its callers),
// the consumer's queue (Fifo) and its held entries (_held).
const { EventBus } = require('../lib');
const { takePending } = require('../lib/engine-messages');
const { Fifo, HELD_REBUILD } = require('../lib/consumer');
const { waitFor } = require('./helpers/net');
const native = require('../lib/native');

afterAll(() => {
  expect(native.allocLive()).toBe(0); // every bus here was closed
});

describe('takePending', () => {
  test('hands over the callbacks and leaves the stored entry empty', () => {
    const resolve = () => {};
    const reject = () => {};
    const stored = { kind: 'text', resolve, reject };
    const st = { pending: new Map([[7, stored]]) };
    const taken = takePending(st, 7);
    expect(taken).toEqual({ kind: 'text', resolve, reject });
    expect(st.pending.has(7)).toBe(false);
    // What an old table of the Map may still point at references no promise.
    expect(stored.resolve).toBeNull();
    expect(stored.reject).toBeNull();
  });

  test('an unknown request gives undefined and changes nothing', () => {
    const st = { pending: new Map([[1, { kind: 'redis', resolve() {}, reject() {} }]]) };
    expect(takePending(st, 2)).toBeUndefined();
    expect(st.pending.size).toBe(1);
    expect(typeof st.pending.get(1).resolve).toBe('function');
  });
});

describe('requests the engine settles', () => {
  let bus;
  afterEach(() => bus && bus.close());

  test('health() and publish() ids leave emptied entries behind', async () => {
    bus = new EventBus({ source: 'svc', server: { port: 0, host: '127.0.0.1' } });
    await bus.listen();
    const st = bus[Object.getOwnPropertySymbols(bus).find((s) => String(s) === 'Symbol(eventwire.state)')];
    const stored = [];
    const set = st.pending.set.bind(st.pending);
    st.pending.set = (req, entry) => {
      stored.push(entry);
      return set(req, entry);
    };
    const health = await bus.health(); // a reply (onEngineMessages)
    expect(typeof health.status).toBe('string');
    const ids = await Promise.all([bus.publish('order.placed', { n: 1 }), bus.publish('order.placed', { n: 2 })]); // ids in bursts (onPublished)
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
    expect(stored.map((e) => e.kind)).toEqual(['health']); // publish() waits in st.pubs (lib/pending-publishes.js)
    for (const e of stored) {
      expect(e.resolve).toBeNull();
      expect(e.reject).toBeNull();
    }
    expect(st.pending.size).toBe(0);
    expect({ size: st.pubs.size, resolvers: st.pubs.resolves.length + st.pubs.rejects.length }).toEqual({ size: 0, resolvers: 0 });
  });
});

describe('the encoder', () => {
  test('keeps no copy of the last record it wrote (a large payload is not held until the next event)', async () => {
    const bus = new EventBus({ source: 'svc', engine: true });
    try {
      const st = bus[Object.getOwnPropertySymbols(bus).find((s) => String(s) === 'Symbol(eventwire.state)')];
      await bus.publish('big.x', { blob: 'x'.repeat(1 << 20) });
      expect({ header: st.encoder.header, json: st.encoder.json }).toEqual({ header: '', json: '' });
    } finally {
      await bus.close();
    }
  });
});

describe('Fifo', () => {
  test('take() clears the slots it took, in order', () => {
    const q = new Fifo();
    const items = Array.from({ length: 10 }, (_, i) => ({ i }));
    q.push(items);
    expect(q.take(3).map((x) => x.i)).toEqual([0, 1, 2]);
    expect(q.items.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(q.length).toBe(7);
    expect(q.take(100).map((x) => x.i)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(q.length).toBe(0);
  });

  test('the array cut after 1,024 takes keeps nothing of the rest', () => {
    const q = new Fifo();
    q.push(Array.from({ length: 1100 }, (_, i) => i));
    const before = q.items;
    for (let i = 0; i < 1025; i++) expect(q.take(1)).toEqual([i]);
    expect(q.items).not.toBe(before);
    expect(before.length).toBe(0);
    expect(q.take(1000)).toEqual(Array.from({ length: 75 }, (_, i) => 1025 + i));
  });
});

describe('Fifo.unshift (an embedded group gives entries back in front)', () => {
  test('into the room before the head: no copy, order kept', () => {
    const q = new Fifo();
    q.push([1, 2, 3, 4, 5]);
    expect(q.take(3)).toEqual([1, 2, 3]);
    const items = q.items;
    q.unshift(['a', 'b']);
    expect(q.items).toBe(items);
    expect(q.length).toBe(4);
    expect(q.take(10)).toEqual(['a', 'b', 4, 5]);
  });

  test('more than the room: a new array, the old one emptied, order kept', () => {
    const q = new Fifo();
    q.push([1, 2, 3]);
    expect(q.take(1)).toEqual([1]);
    const old = q.items;
    q.unshift(['a', 'b', 'c']);
    expect(old.length).toBe(0);
    expect(q.take(10)).toEqual(['a', 'b', 'c', 2, 3]);
    q.unshift([]);
    expect(q.length).toBe(0);
  });
});

describe('a consumer\'s held entries', () => {
  let bus;
  afterEach(() => bus && bus.close());

  test(`_held (and the embedded group's pending) is a fresh Map after ${HELD_REBUILD} entries were dropped, and nothing is lost`, async () => {
    bus = new EventBus({ source: 'svc' });
    const seen = new Set();
    const c = bus.consume('job.*', (e) => {
      seen.add(e.data.n);
    }, { group: 'g', concurrency: 4 });
    const first = c._held;
    const firstPending = c.group.pending; // the embedded group's own map, copied the same way
    const n = HELD_REBUILD + 500;
    for (let i = 0; i < n; i++) bus.emit('job.run', { n: i });
    await waitFor(() => seen.size === n, { what: `${n} handled`, timeoutMs: 10000 });
    await waitFor(() => c.stats().processed === n, { what: 'all acked', timeoutMs: 5000 });
    expect(c._held).not.toBe(first);
    expect(c._held.size).toBe(0);
    expect(c.group.pending).not.toBe(firstPending);
    expect(c.group.pending.size).toBe(0);
    expect(c.stats().failed).toBe(0);
  });
});
