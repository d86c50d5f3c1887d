'use strict';
// EventEmitter2 6.4.9 behaviours that EventBus keeps (reference/eventemitter2.md),
// run twice: a plain in-process bus and a bus whose emits are forwarded to a
// running engine thread. Then the eventwire additions (subscribe, publish,
// envelopes, validation, close).
const { EventEmitter } = require('events');
const EventEmitter2 = require('eventemitter2');
const lib = require('../lib');

const { EventBus } = lib;

const CONFIGS = [
  ['plain bus (no engine)', {}],
  ['engine thread running', { engine: true }],
];

/** Lets the batch microtask run, so stats().forwarded is final. */
const tick = () => new Promise((r) => setImmediate(r));

/** Polls cond() until it holds or the deadline passes; returns its last value. */
async function waitUntil(cond, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** [ms, seq] of an "<ms>-<seq>" id, as BigInts. */
function idParts(id) {
  const m = /^(\d+)-(\d+)$/.exec(id);
  if (!m) throw new Error(`not a stream id: ${id}`);
  return [BigInt(m[1]), BigInt(m[2])];
}
const idLess = (a, b) => {
  const [am, as] = idParts(a);
  const [bm, bs] = idParts(b);
  return am < bm || (am === bm && as < bs);
};

function caught(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe.each(CONFIGS)('EE2 behaviours kept: %s', (label, config) => {
  const withEngine = Boolean(config.engine);
  let bus;
  let extra;
  const make = (opts) => {
    const b = new EventBus({ ...config, ...opts });
    extra.push(b);
    return b;
  };
  /** In engine mode, the number of events handed to the engine; plain: none, and no engine. */
  const expectForwarded = async (n, b = bus) => {
    await tick();
    const s = b.stats();
    if (withEngine) {
      expect(s.engine).not.toBeNull();
      expect(s.forwarded).toBe(n);
    } else {
      expect({ engine: s.engine, forwarded: s.forwarded }).toEqual({ engine: null, forwarded: 0 });
    }
  };

  beforeEach(() => {
    extra = [];
    bus = new EventBus(config);
  });
  afterEach(async () => {
    await bus.close();
    for (const b of extra) await b.close();
    expect(bus.stats().engine).toBeNull();
  });

  test('the configuration is what it says', () => {
    const s = bus.stats();
    if (withEngine) expect(s.engine && s.engine.running).toBe(true);
    else expect(s.engine).toBeNull();
  });

  test('wildcard is on by default', async () => {
    expect(bus.wildcard).toBe(true);
    expect(bus.delimiter).toBe('.');
    expect(typeof bus.listenerTree).toBe('object');
    const calls = [];
    bus.on('a.*', (...args) => calls.push(args));
    expect(bus.emit('a.b', 1)).toBe(true);
    expect(calls).toEqual([[1]]);
    await expectForwarded(1);
  });

  test('"**" matches zero or more segments', async () => {
    const heard = [];
    bus.on('a.**', function () { heard.push(['a.**', this.event]); });
    bus.on('**.z', function () { heard.push(['**.z', this.event]); });
    bus.on('a.**.z', function () { heard.push(['a.**.z', this.event]); });
    for (const n of ['a', 'a.b', 'a.b.c', 'z', 'a.z', 'b']) bus.emit(n);
    expect(heard).toEqual([
      ['a.**', 'a'],
      ['a.**', 'a.b'],
      ['a.**', 'a.b.c'],
      ['**.z', 'z'],
      ['a.**', 'a.z'],
      ['a.**.z', 'a.z'],
      ['**.z', 'a.z'],
    ]);
    await expectForwarded(6);
  });

  test('"*" matches exactly one segment', () => {
    const heard = [];
    bus.on('a.*', function () { heard.push(this.event); });
    bus.on('*', function () { heard.push(`*:${this.event}`); });
    expect(['a', 'a.b', 'a.b.c', 'b.a', 'a.c'].map((n) => bus.emit(n))).toEqual([true, true, false, false, true]);
    expect(heard).toEqual(['*:a', 'a.b', 'a.c']);
  });

  test('call order: onAny, then exact, "*", "**" at each level', () => {
    const order = [];
    bus.on('**', () => order.push('**'));
    bus.on('*.b', () => order.push('*.b'));
    bus.on('a.*', () => order.push('a.*'));
    bus.on('a.b', () => order.push('a.b'));
    bus.onAny((ev) => order.push(`any:${ev}`));
    bus.emit('a.b');
    expect(order).toEqual(['any:a.b', 'a.b', 'a.*', '*.b', '**']);
  });

  test('once with a wildcard fires once and is removed by its registration pattern', async () => {
    const heard = [];
    bus.once('a.*', function (x) { heard.push([this.event, x]); });
    expect(bus.listenerCount('a.b')).toBe(1);
    expect(bus.emit('a.b', 1)).toBe(true);
    expect(bus.emit('a.c', 2)).toBe(false);
    expect(heard).toEqual([['a.b', 1]]);
    expect(bus.listeners('a.*')).toEqual([]);
    expect(bus.eventNames()).toEqual([]);
    await expectForwarded(2);
  });

  test('emit("a.*") consumes several once listeners', () => {
    const heard = [];
    bus.once('a.b', () => heard.push('once a.b'));
    bus.once('a.c', () => heard.push('once a.c'));
    bus.once('a.*', () => heard.push('once a.*'));
    bus.on('a.d', () => heard.push('on a.d'));
    bus.once('b.c', () => heard.push('once b.c'));
    expect(bus.emit('a.*')).toBe(true);
    expect(heard.sort()).toEqual(['on a.d', 'once a.*', 'once a.b', 'once a.c']);
    heard.length = 0;
    bus.emit('a.b');
    bus.emit('a.c');
    bus.emit('a.d');
    bus.emit('b.c');
    expect(heard).toEqual(['on a.d', 'once b.c']);
    expect(bus.listenerCount('a.*')).toBe(1);
  });

  test('many(n) fires n times, then is gone', async () => {
    const heard = [];
    bus.many('x.*', 2, (v) => heard.push(v));
    for (let i = 1; i <= 4; i++) bus.emit(`x.${i}`, i);
    expect(heard).toEqual([1, 2]);
    expect(bus.listeners('x.*')).toEqual([]);
    await expectForwarded(4);
  });

  test('removing a listener during emit: still called this time, not the next', () => {
    const calls = [];
    const second = () => calls.push('second');
    bus.on('e', () => {
      calls.push('first');
      bus.off('e', second);
    });
    bus.on('e', second);
    bus.emit('e');
    bus.emit('e');
    expect(calls).toEqual(['first', 'second', 'first']);
  });

  test('a once listener followed by on, and a listener removing itself', () => {
    const calls = [];
    bus.once('e.x', () => calls.push('once'));
    const self = () => {
      calls.push('self');
      bus.off('e.*', self);
    };
    bus.on('e.*', self);
    bus.on('e.x', () => calls.push('on'));
    bus.emit('e.x');
    bus.emit('e.x');
    expect(calls).toEqual(['once', 'on', 'self', 'on']);
  });

  test('adding a listener during emit: not called this time, called the next', () => {
    const calls = [];
    let added = false;
    bus.on('e', () => {
      calls.push('first');
      if (!added) {
        added = true;
        bus.on('e', () => calls.push('late'));
        bus.on('*', () => calls.push('late *'));
      }
    });
    bus.emit('e');
    expect(calls).toEqual(['first']);
    bus.emit('e');
    expect(calls).toEqual(['first', 'first', 'late', 'late *']);
  });

  test('onAny / offAny', () => {
    const a = [];
    const b = [];
    const fa = (ev, ...args) => a.push([ev, ...args]);
    const fb = (ev) => b.push(ev);
    expect(bus.onAny(fa)).toBe(bus);
    bus.onAny(fb);
    expect(bus.listenersAny()).toEqual([fa, fb]);
    expect(bus.emit('nobody.here', 1, 2)).toBe(true); // onAny counts as a listener
    expect(bus.offAny(fa)).toBe(bus);
    bus.emit('x');
    expect(bus.listenersAny()).toEqual([fb]);
    bus.offAny();
    expect(bus.listenersAny()).toEqual([]);
    expect(bus.emit('y')).toBe(true); // an empty _all array still counts (EE2 quirk)
    expect(a).toEqual([['nobody.here', 1, 2]]);
    expect(b).toEqual(['nobody.here', 'x']);
  });

  test('waitFor resolves with the args array', async () => {
    const p = bus.waitFor('job.*');
    expect(bus.listenerCount('job.done')).toBe(1);
    bus.emit('job.done', 1, 'two');
    await expect(p).resolves.toEqual([1, 'two']);
    expect(bus.listenerCount('job.done')).toBe(0);
  });

  test('waitFor with a filter', async () => {
    const p = bus.waitFor('n', { filter: (v) => v > 2 });
    for (let i = 1; i <= 5; i++) bus.emit('n', i);
    await expect(p).resolves.toEqual([3]);
    expect(bus.listenerCount('n')).toBe(0);
  });

  test('waitFor timeout rejects with code ETIMEDOUT and removes its listener', async () => {
    const p = bus.waitFor('never', 20);
    const err = await p.then(() => null, (e) => e);
    expect({ message: err.message, code: err.code }).toEqual({ message: 'timeout', code: 'ETIMEDOUT' });
    expect(bus.listenerCount('never')).toBe(0);
  });

  test('waitFor cancel rejects with "canceled" and removes its listener', async () => {
    const p = bus.waitFor('never', { timeout: 60000 });
    expect(bus.listenerCount('never')).toBe(1);
    p.cancel();
    const err = await p.then(() => null, (e) => e);
    expect(err && err.message).toBe('canceled');
    expect(bus.listenerCount('never')).toBe(0);
  });

  test('emitAsync resolves Promise.all of the listener results, onAny first', async () => {
    bus.onAny(() => 'any');
    bus.on('job.run', (x) => x + 1);
    bus.on('job.*', async (x) => x * 10);
    bus.on('**', () => new Promise((r) => setImmediate(() => r('late'))));
    await expect(bus.emitAsync('job.run', 4)).resolves.toEqual(['any', 5, 40, 'late']);
    await expectForwarded(1);
  });

  test('emitAsync with an unhandled "error" rejects with EE2\'s string', async () => {
    const reason = await bus.emitAsync('error').then(() => 'resolved', (e) => e);
    expect(reason).toBe("Uncaught, unspecified 'error' event.");
  });

  test('emitAsync: a sync throw propagates synchronously (as in EE2), an async one rejects', async () => {
    const err = new Error('inside');
    bus.on('boom', () => {
      throw err;
    });
    expect(caught(() => bus.emitAsync('boom'))).toBe(err);
    const err2 = new Error('later');
    bus.on('boom2', async () => {
      throw err2;
    });
    await expect(bus.emitAsync('boom2')).rejects.toBe(err2);
  });

  test('listenTo another emitter (with renaming) and stopListeningTo', async () => {
    const src = new EventEmitter();
    const heard = [];
    bus.on('remote.*', function (...args) { heard.push([this.event, ...args]); });
    bus.on('bar', (v) => heard.push(['bar', v]));
    expect(bus.listenTo(src, { foo: 'remote.foo', bar: 'bar' })).toBe(bus);
    src.emit('foo', 1, 2);
    src.emit('bar', 3);
    src.emit('other', 4);
    expect(heard).toEqual([['remote.foo', 1, 2], ['bar', 3]]);
    expect(src.listenerCount('foo')).toBe(1);
    expect(bus.stopListeningTo(src)).toBe(true);
    expect(bus.stopListeningTo(src)).toBe(false);
    expect(src.listenerCount('foo')).toBe(0);
    src.emit('foo', 5);
    expect(heard).toHaveLength(2);
    await expectForwarded(2);
  });

  test('this.event inside listeners (strings, arrays joined, onAny)', () => {
    const seen = [];
    bus.on('a.*', function () { seen.push(this.event); });
    bus.onAny(function (ev) { seen.push(['any', ev, this.event]); });
    bus.emit('a.b');
    bus.emit(['a', 'c']);
    expect(seen).toEqual([['any', 'a.b', 'a.b'], 'a.b', ['any', 'a.c', 'a.c'], 'a.c']);
  });

  test('emit returns true when a listener ran, false otherwise', () => {
    expect(bus.emit('nobody')).toBe(false);
    bus.on('a.*', () => {});
    expect(bus.emit('a.b')).toBe(true);
    expect(bus.emit('a')).toBe(false);
    expect(bus.emit('a.b.c')).toBe(false);
  });

  test('an unhandled "error" throws the error itself; a handled one does not', () => {
    const err = new Error('boom');
    expect(caught(() => bus.emit('error', err))).toBe(err);
    const bare = caught(() => bus.emit('error'));
    expect(bare && bare.message).toBe("Uncaught, unspecified 'error' event.");
    const got = [];
    bus.on('error', (e) => got.push(e));
    expect(bus.emit('error', err)).toBe(true);
    expect(got).toEqual([err]);
  });

  test('removeAllListeners() keeps onAny', () => {
    const calls = [];
    bus.on('a', () => calls.push('a'));
    bus.on('b.*', () => calls.push('b.*'));
    bus.onAny((ev) => calls.push(`any:${ev}`));
    expect(bus.removeAllListeners()).toBe(bus);
    expect(bus.listeners('a')).toEqual([]);
    expect(bus.listeners('b.c')).toEqual([]);
    expect(bus.listenersAny()).toHaveLength(1);
    bus.emit('a');
    bus.emit('b.c');
    expect(calls).toEqual(['any:a', 'any:b.c']);
  });

  test('removeAllListeners(pattern) removes the matching listeners only', () => {
    const calls = [];
    bus.on('a.b', () => calls.push('a.b'));
    bus.on('a.c', () => calls.push('a.c'));
    bus.on('b.c', () => calls.push('b.c'));
    bus.removeAllListeners('a.*');
    bus.emit('a.b');
    bus.emit('a.c');
    bus.emit('b.c');
    expect(calls).toEqual(['b.c']);
  });

  test('listeners("a.*") finds concrete listeners under the pattern', () => {
    const f1 = () => {};
    const f2 = () => {};
    const f3 = () => {};
    bus.on('a.b', f1);
    bus.on('a.c', f2);
    bus.on('b.c', f3);
    bus.on('a.b.c', f3);
    const got = bus.listeners('a.*');
    expect(got).toHaveLength(2);
    expect(new Set(got)).toEqual(new Set([f1, f2]));
    expect(bus.listeners('b.c')).toEqual([f3]);
    expect(bus.listenerCount('a.**')).toBe(3);
  });

  test('eventNames() lists registered patterns', () => {
    bus.on('a.b', () => {});
    bus.on('x.*', () => {});
    bus.on('**', () => {});
    bus.on('q.*.r', () => {});
    bus.on('x.*', () => {});
    expect([...new Set(bus.eventNames())].sort()).toEqual(['**', 'a.b', 'q.*.r', 'x.*']);
    bus.removeAllListeners('a.b');
    expect([...new Set(bus.eventNames())].sort()).toEqual(['**', 'q.*.r', 'x.*']);
  });

  test('prependListener / prependOnceListener / prependAny order', () => {
    const order = [];
    bus.on('a.b', () => order.push('on'));
    bus.prependListener('a.b', () => order.push('prepended'));
    bus.prependOnceListener('a.b', () => order.push('prepended once'));
    bus.onAny(() => order.push('any'));
    bus.prependAny(() => order.push('prepended any'));
    bus.emit('a.b');
    bus.emit('a.b');
    expect(order).toEqual(['prepended any', 'any', 'prepended once', 'prepended', 'on',
      'prepended any', 'any', 'prepended', 'on']);
  });

  test('off matches the original of once/many wrappers', () => {
    const calls = [];
    const f = () => calls.push('f');
    bus.once('a', f);
    bus.many('b.*', 3, f);
    expect(bus.off('a', f)).toBe(bus);
    expect(bus.off('b.*', f)).toBe(bus);
    bus.emit('a');
    bus.emit('b.c');
    expect(calls).toEqual([]);
  });

  test('setMaxListeners returns undefined, getMaxListeners reads it back', () => {
    expect(bus.setMaxListeners(3)).toBeUndefined();
    expect(bus.getMaxListeners()).toBe(3);
  });

  test('an EventBus is an EventEmitter2', () => {
    expect(bus).toBeInstanceOf(EventEmitter2);
    expect(bus).toBeInstanceOf(EventEmitter2.EventEmitter2);
    expect(lib.EventEmitter2).toBe(EventEmitter2);
    expect(bus).toBeInstanceOf(EventBus);
    expect(typeof bus.emit).toBe('function');
  });

  test('delimiter option "::"', async () => {
    const b = make({ delimiter: '::' });
    expect(b.delimiter).toBe('::');
    const heard = [];
    b.on('a::*', function () { heard.push(['a::*', this.event]); });
    b.on('*', function () { heard.push(['*', this.event]); });
    b.on('a::**', function () { heard.push(['a::**', this.event]); });
    b.emit('a::b');
    b.emit('a.b'); // one segment under "::"
    b.emit('a::b::c');
    expect(heard).toEqual([
      ['a::*', 'a::b'],
      ['a::**', 'a::b'],
      ['*', 'a.b'],
      ['a::**', 'a::b::c'],
    ]);
    await expectForwarded(3, b);
  });
});

describe.each(CONFIGS)('eventwire additions: %s', (label, config) => {
  const withEngine = Boolean(config.engine);
  let bus;
  beforeEach(() => {
    bus = new EventBus({ ...config, source: 'test-source' });
  });
  afterEach(async () => {
    await bus.close();
  });

  test('subscribe() delivers envelopes with strictly increasing ids; unsubscribe returns true then false', async () => {
    const envs = [];
    const off = bus.subscribe('order.*', (env) => envs.push(env));
    expect(bus.stats().subscriptions).toBe(1);
    const before = Date.now();
    for (let i = 0; i < 50; i++) bus.emit(i % 2 ? 'order.placed' : 'order.paid', { i });
    bus.emit('user.created', { no: true });
    const after = Date.now();
    expect(envs).toHaveLength(50);
    envs.forEach((env, i) => {
      expect(Object.keys(env).sort()).toEqual(['data', 'id', 'source', 'timestamp', 'type']);
      expect(env.type).toBe(i % 2 ? 'order.placed' : 'order.paid');
      expect(env.data).toEqual({ i });
      expect(env.source).toBe('test-source');
      expect(env.timestamp).toBe(Number(idParts(env.id)[0]));
      expect(env.timestamp).toBeGreaterThanOrEqual(before);
      expect(env.timestamp).toBeLessThanOrEqual(after + 1000); // the id clock never runs behind
    });
    for (let i = 1; i < envs.length; i++) {
      if (!idLess(envs[i - 1].id, envs[i].id)) throw new Error(`ids not increasing: ${envs[i - 1].id} then ${envs[i].id}`);
    }
    expect(off()).toBe(true);
    expect(off()).toBe(false);
    expect(bus.stats().subscriptions).toBe(0);
    bus.emit('order.placed', {});
    expect(envs).toHaveLength(50);
    expect(bus.listenerCount('order.placed')).toBe(0);
  });

  test('publish() resolves the id the subscriber saw', async () => {
    const envs = [];
    const plain = [];
    bus.subscribe('order.**', (env) => envs.push(env));
    bus.on('order.placed', (d) => plain.push(d));
    const id = await bus.publish('order.placed', { total: 3 });
    expect(envs).toHaveLength(1);
    expect(envs[0]).toEqual({ id, type: 'order.placed', data: { total: 3 }, source: 'test-source', timestamp: Number(idParts(id)[0]) });
    expect(plain).toEqual([{ total: 3 }]);
    const id2 = await bus.publish('order.placed', 1, { priority: 'high', metadata: { k: 'v' } });
    expect(idLess(id, id2)).toBe(true);
    expect(envs[1]).toEqual({ id: id2, type: 'order.placed', data: 1, source: 'test-source', timestamp: Number(idParts(id2)[0]), priority: 'high', metadata: { k: 'v' } });
  });

  test('publish() of a pattern or a reserved name rejects with ERR_INVALID_EVENT_NAME', async () => {
    const heard = [];
    bus.onAny((ev) => heard.push(ev));
    for (const n of ['order.*', '**', 'error', 'newListener']) {
      await expect(bus.publish(n, 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    }
    expect(heard).toEqual([]);
  });

  test('emitting a wildcard name reaches concrete local listeners and stays local', async () => {
    const heard = [];
    bus.on('order.placed', (v) => heard.push(['order.placed', v]));
    bus.on('order.paid', (v) => heard.push(['order.paid', v]));
    bus.on('user.created', (v) => heard.push(['user.created', v]));
    expect(bus.emit('order.*', 7)).toBe(true);
    expect(heard.sort()).toEqual([['order.paid', 7], ['order.placed', 7]]);
    await tick();
    expect(bus.stats().forwarded).toBe(0);
  });

  test('symbol event names behave exactly as in EventEmitter2 (wildcard: true) and are never forwarded', async () => {
    // EE2 6.4.9 in wildcard mode loses a listener registered on a bare
    // symbol (growListenerTree); EventBus keeps EE2's behaviour, documented in
    // the README, and symbols never leave the process.
    const run = (em) => {
      const s = Symbol('local');
      const heard = [];
      em.on(s, function (v) { heard.push(['on', v]); });
      em.onAny((ev) => heard.push(['any', typeof ev]));
      const r1 = em.emit(s, 5);
      const r2 = em.emit(Symbol('other'));
      return { heard, r1, r2 };
    };
    const expected = run(new EventEmitter2({ wildcard: true }));
    expect(run(bus)).toEqual(expected);
    expect(expected.heard).toEqual([['any', 'symbol'], ['any', 'symbol']]);
    await tick();
    expect(bus.stats().forwarded).toBe(0);
  });

  test('symbol event names work with wildcard: false (EE2\'s default mode)', async () => {
    const b = new EventBus({ ...config, wildcard: false });
    try {
      const s = Symbol('local');
      const heard = [];
      b.on(s, function (v) { heard.push([this.event, v]); });
      expect(b.emit(s, 5)).toBe(true);
      expect(heard).toEqual([[s, 5]]);
      await tick();
      expect(b.stats().forwarded).toBe(0);
    } finally {
      await b.close();
    }
  });

  test('removing a subscription through EE2 (off with the original function, removeAllListeners) is counted', () => {
    const fn = () => {};
    const off1 = bus.subscribe('a.*', fn);
    const off2 = bus.subscribe('b.*', fn);
    expect(bus.stats().subscriptions).toBe(2);
    bus.off('a.*', fn); // EE2 matches wrapper.listener === fn
    expect(bus.listenerCount('a.x')).toBe(0);
    bus.removeAllListeners();
    expect(bus.listenerCount('b.x')).toBe(0);
    // Nothing is subscribed any more: the count says so and unsubscribe removes nothing.
    expect({ subscriptions: bus.stats().subscriptions, off1: off1(), off2: off2() })
      .toEqual({ subscriptions: 0, off1: false, off2: false });
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('several args reach on() listeners as separate args and subscribe() as an array', async () => {
    const got = [];
    bus.on('a', (...args) => got.push(args));
    bus.subscribe('a', (env) => got.push(env.data));
    expect(bus.emit('a', 1, 2)).toBe(true);
    expect(got).toEqual([[1, 2], [1, 2]]);
    await tick();
    expect(bus.stats().forwarded).toBe(withEngine ? 1 : 0);
  });

  test('subscribe() with an invalid pattern throws ERR_INVALID_PATTERN', () => {
    for (const p of ['a..b', '', 'a.**.**', 'a\nb', 'x'.repeat(513), 42]) {
      const err = caught(() => bus.subscribe(p, () => {}));
      expect({ p, code: err && err.code }).toEqual({ p, code: 'ERR_INVALID_PATTERN' });
      expect(err).toBeInstanceOf(lib.EventwireError);
    }
    expect(bus.stats().subscriptions).toBe(0);
    expect(bus.eventNames()).toEqual([]);
  });

  test('subscribe() with a non-function throws ERR_INVALID_ARGUMENT', () => {
    for (const f of [undefined, null, 'fn', {}, 1]) {
      const err = caught(() => bus.subscribe('a', f));
      expect(err && err.code).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('emit after close throws ERR_CLOSED; emitAsync and publish reject with it', async () => {
    const heard = [];
    bus.on('a', () => heard.push('a'));
    await bus.close();
    expect(bus.closed).toBe(true);
    const err = caught(() => bus.emit('a', 1));
    expect(err && err.code).toBe('ERR_CLOSED');
    await expect(bus.emitAsync('a', 1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(bus.publish('a', 1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(heard).toEqual([]);
  });
});

describe('engine on: forwarding and validation', () => {
  let bus;
  let heard;
  beforeEach(() => {
    bus = new EventBus({ engine: true });
    heard = [];
    bus.onAny((ev) => heard.push(ev));
    bus.on('**', function () { heard.push(`**:${String(this.event)}`); });
  });
  afterEach(async () => {
    await bus.close();
  });

  test('stats().engine.eventsIn equals the number of forwarded events', async () => {
    bus.on('error', () => {});
    for (let i = 0; i < 25; i++) bus.emit(`e.${i % 5}`, { i });
    bus.emit(['arr', 'name'], 1);
    await bus.emitAsync('async.one', 1);
    const id = bus.publish('pub.one', 1);
    // These stay local:
    bus.emit('e.*', 1);
    bus.emit(Symbol('s'));
    bus.emit('error', new Error('handled'));
    bus.emit('newListener', 'x', () => {});
    await tick();
    expect(bus.stats().forwarded).toBe(28);
    await expect(id).resolves.toMatch(/^\d+-\d+$/);
    const reached = await waitUntil(() => bus.stats().engine.eventsIn >= 28);
    expect(reached).toBe(true);
    const s = bus.stats();
    expect({ eventsIn: s.engine.eventsIn, badRecords: s.engine.badRecords, inboxRejected: s.engine.inboxRejected, dropped: s.dropped.inboxFull })
      .toEqual({ eventsIn: 28, badRecords: 0, inboxRejected: 0, dropped: 0 });
  });

  test.each([
    ['a..b'],
    ['a\nb'],
    ['.a'],
    ['a.'],
    ['a\u0000b'],
    ['x'.repeat(513)],
    [Array(33).fill('s').join('.')],
  ])('emit(%j) throws ERR_INVALID_EVENT_NAME before any listener runs', async (name) => {
    bus.on(name, () => heard.push('exact'));
    const err = caught(() => bus.emit(name, 1));
    expect(err && err.code).toBe('ERR_INVALID_EVENT_NAME');
    expect(err).toBeInstanceOf(lib.InvalidArgumentError);
    await expect(bus.emitAsync(name, 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    await expect(bus.publish(name, 1)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT_NAME' });
    expect(heard).toEqual([]);
    await tick();
    expect(bus.stats().forwarded).toBe(0);
  });

  test.each([
    ['a circular object', () => {
      const o = { a: 1 };
      o.self = o;
      return o;
    }],
    ['a BigInt', () => 10n],
    ['an object holding a BigInt', () => ({ n: 1n })],
  ])('emitting %s throws ERR_INVALID_PAYLOAD and no listener runs', async (what, mk) => {
    bus.on('data.x', () => heard.push('exact'));
    const err = caught(() => bus.emit('data.x', mk()));
    expect(err && err.code).toBe('ERR_INVALID_PAYLOAD');
    await expect(bus.emitAsync('data.x', mk())).rejects.toMatchObject({ code: 'ERR_INVALID_PAYLOAD' });
    await expect(bus.publish('data.x', mk())).rejects.toMatchObject({ code: 'ERR_INVALID_PAYLOAD' });
    expect(heard).toEqual([]);
    await tick();
    expect(bus.stats().forwarded).toBe(0);
    // The bus still works afterwards.
    expect(bus.emit('data.x', { ok: 1 })).toBe(true);
    expect(heard).toEqual(['data.x', 'exact', '**:data.x']);
  });

  test('a valid emit after rejected ones is forwarded alone', async () => {
    caught(() => bus.emit('a..b'));
    caught(() => bus.emit('x', 1n));
    bus.emit('ok.one');
    await tick();
    expect(bus.stats().forwarded).toBe(1);
    expect(await waitUntil(() => bus.stats().engine.eventsIn === 1)).toBe(true);
  });

  test('close() while events are batched still hands them to the engine', async () => {
    for (let i = 0; i < 10; i++) bus.emit('late.x', i);
    const p = bus.publish('late.y', 1);
    const closing = bus.close();
    await expect(p).resolves.toMatch(/^\d+-\d+$/);
    await closing;
    expect(bus.stats().forwarded).toBe(11);
    expect(bus.stats().engine).toBeNull();
  });
});

describe('plain bus: pure EventEmitter2 names', () => {
  test('without an engine, names EE2 accepts are not validated (empty segments work)', async () => {
    const bus = new EventBus();
    try {
      const heard = [];
      bus.on('a.*', function () { heard.push(this.event); });
      expect(bus.emit('a.')).toBe(true); // "*" matches the empty segment, as in EE2
      expect(heard).toEqual(['a.']);
    } finally {
      await bus.close();
    }
  });
});
