'use strict';
// Durable consumers in embedded mode (no Redis): bus.consume(), the
// dead-letter store (bus.deadLetters) and bus.getSubscriberStats().
// Every wait is bounded by a deadline; timings use small retry delays.
const { performance } = require('perf_hooks');
const { EventBus, EventwireError } = require('../lib');
const native = require('../lib/native');
const { waitFor } = require('./helpers/net');

const buses = [];
function bus(opts) {
  const b = new EventBus({ source: 'svc', ...opts });
  buses.push(b);
  return b;
}
const gates = [];
afterEach(async () => {
  // Open every gate first: a failed assertion must not leave a handler hung
  // (the bus would wait closeTimeoutMs for it).
  gates.splice(0).forEach((g) => g.open());
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = (predicate, what, timeoutMs = 3000) => waitFor(predicate, { what, timeoutMs });

function gate() {
  let open;
  const p = new Promise((r) => {
    open = r;
  });
  const g = { p, open };
  gates.push(g);
  return g;
}

// Fields of a consumer's stats() with the counters all zero.
function zeroStats(group, consumer) {
  return {
    group,
    consumer,
    inFlight: 0,
    queued: 0,
    processed: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    timedOut: 0,
    pending: 0,
    lag: 0,
    paused: false,
    closed: false,
  };
}

function stripAttempt(e) {
  const { attempt, ...env } = e;
  return env;
}

function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('delivery', () => {
  test.each([
    ['plain bus', {}],
    ['engine bus', { engine: true }],
  ])('%s: every matching event handled exactly once, nothing else delivered', async (_, opts) => {
    const b = bus(opts);
    const seen = [];
    const c = b.consume(['order.*', 'user.deleted'], (e) => {
      seen.push(e);
    }, { group: 'orders', consumer: 'c1' });
    expect(c.stats()).toEqual(zeroStats('orders', 'c1'));

    const ids = [];
    for (let i = 0; i < 10; i++) {
      ids.push(await b.publish('order.created', { n: i }));
      b.emit('user.created', { n: i }); // not matched
      b.emit('order.created.extra', { n: i }); // '*' is one segment
    }
    ids.push(await b.publish('user.deleted', { n: 10 }));

    await until(() => c.stats().processed === 11, '11 events processed');
    await sleep(30); // nothing more (no duplicate, no non-matching) arrives
    expect(seen.map((e) => e.id)).toEqual(ids);
    expect(seen.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen.map((e) => e.type)).toEqual([...Array(10).fill('order.created'), 'user.deleted']);
    expect(seen.every((e) => e.attempt === 1 && e.source === 'svc' && typeof e.timestamp === 'number')).toBe(true);
    expect(c.stats()).toEqual({ ...zeroStats('orders', 'c1'), processed: 11 });
    expect(await b.deadLetters('orders').list()).toEqual([]);
  });

  test('two consumers of a group share the work; another group gets every event', async () => {
    const b = bus();
    const byId = new Map(); // id -> [consumer names]
    const other = [];
    const handler = (name) => async (e) => {
      byId.set(e.id, [...(byId.get(e.id) || []), name]);
      await sleep(1);
    };
    const c1 = b.consume('job.*', handler('w1'), { group: 'workers', consumer: 'w1' });
    const c2 = b.consume('job.*', handler('w2'), { group: 'workers', consumer: 'w2' });
    const c3 = b.consume('job.*', (e) => {
      other.push(e.id);
    }, { group: 'audit', consumer: 'c3' });

    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await b.publish('job.run', { n: i }));

    await until(() => c1.stats().processed + c2.stats().processed === 30 && c3.stats().processed === 30, 'all handled');
    await sleep(20);
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    expect([...byId.values()].every((names) => names.length === 1)).toBe(true); // none by both
    const n1 = [...byId.values()].filter((n) => n[0] === 'w1').length;
    const n2 = [...byId.values()].filter((n) => n[0] === 'w2').length;
    expect(n1 + n2).toBe(30);
    expect(n1).toBeGreaterThan(0);
    expect(n2).toBeGreaterThan(0);
    expect(c1.stats().processed).toBe(n1);
    expect(c2.stats().processed).toBe(n2);
    expect(other).toEqual(ids);
    expect(c3.stats()).toEqual({ ...zeroStats('audit', 'c3'), processed: 30 });
  });
});

describe('retries and dead letters', () => {
  test('throws N times then succeeds: exponential backoff, attempt 1..N+1, same id, acked once', async () => {
    const b = bus();
    const N = 3;
    const calls = [];
    const c = b.consume('pay.*', (e) => {
      calls.push({ at: performance.now(), attempt: e.attempt, id: e.id });
      if (calls.length <= N) throw new Error(`fail ${calls.length}`);
    }, { group: 'pay', consumer: 'c1', maxRetries: 3, retryDelayMs: 20 });
    const id = await b.publish('pay.charge', { amount: 5 });

    await until(() => c.stats().processed === 1, 'processed after retries');
    await sleep(30);
    expect(calls.map((x) => x.attempt)).toEqual([1, 2, 3, 4]);
    expect(calls.map((x) => x.id)).toEqual([id, id, id, id]);
    for (let k = 1; k <= N; k++) {
      const gap = calls[k].at - calls[k - 1].at;
      const base = 20 * 2 ** (k - 1);
      expect(gap).toBeGreaterThanOrEqual(base * 0.75 - 1); // -1: timer granularity
      expect(gap).toBeLessThanOrEqual(base * 1.25 + 40);
    }
    expect(c.stats()).toEqual({ ...zeroStats('pay', 'c1'), processed: 1, failed: 3, retried: 3 });
    expect(await b.deadLetters('pay').list()).toEqual([]);
  });

  test('retryMaxDelayMs caps the backoff', async () => {
    const b = bus();
    const at = [];
    const c = b.consume('cap.*', () => {
      at.push(performance.now());
      if (at.length <= 2) throw new Error('again');
    }, { group: 'cap', consumer: 'c1', retryDelayMs: 40, retryMaxDelayMs: 20 });
    b.emit('cap.x', 1);
    await until(() => c.stats().processed === 1, 'processed');
    // Uncapped the second gap would be 80 ms ± 25 %; capped it is 20 ms ± 25 %.
    for (const gap of [at[1] - at[0], at[2] - at[1]]) {
      expect(gap).toBeGreaterThanOrEqual(20 * 0.75 - 1);
      expect(gap).toBeLessThanOrEqual(20 * 1.25 + 30);
    }
    expect(c.stats()).toEqual({ ...zeroStats('cap', 'c1'), processed: 1, failed: 2, retried: 2 });
  });

  test('always throws: dead-lettered after maxRetries; retry() brings it back; purge() empties', async () => {
    const b = bus();
    const calls = [];
    let healed = false;
    const c = b.consume('mail.*', (e) => {
      calls.push({ id: e.id, attempt: e.attempt });
      if (!healed) throw new Error(`smtp down (try ${e.attempt})`);
    }, { group: 'mail', consumer: 'mailer-a', maxRetries: 2, retryDelayMs: 5 });

    const before = Date.now();
    const id = await b.publish('mail.send', { to: 'x@example.com' });
    await until(() => c.stats().deadLettered === 1, 'dead-lettered');
    expect(calls).toEqual([{ id, attempt: 1 }, { id, attempt: 2 }, { id, attempt: 3 }]);
    expect(c.stats()).toEqual({ ...zeroStats('mail', 'mailer-a'), failed: 3, retried: 2, deadLettered: 1 });

    const dl = b.deadLetters('mail');
    const list = await dl.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toEqual({
      id,
      envelope: { id, type: 'mail.send', data: { to: 'x@example.com' }, source: 'svc', timestamp: expect.any(Number) },
      error: 'smtp down (try 3)',
      code: undefined,
      attempts: 3,
      consumer: 'mailer-a',
      failedAt: expect.any(Number),
    });
    expect(list[0].failedAt).toBeGreaterThanOrEqual(before);
    expect(list[0].failedAt).toBeLessThanOrEqual(Date.now());
    expect(b.getSubscriberStats()[0].deadLetters).toBe(1);

    // retry(): the handler sees the same event again (a fresh delivery), and succeeds.
    healed = true;
    await expect(dl.retry(id)).resolves.toBe(true);
    await until(() => c.stats().processed === 1, 'processed after retry()');
    expect(calls).toHaveLength(4);
    expect(calls[3]).toEqual({ id, attempt: 1 });
    expect(await dl.list()).toEqual([]);
    expect(c.stats()).toEqual({ ...zeroStats('mail', 'mailer-a'), processed: 1, failed: 3, retried: 2, deadLettered: 1 });
    await expect(dl.retry(id)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });

    // Three more dead letters: list({ count, since }), then purge().
    healed = false;
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await b.publish('mail.send', { i }));
    await until(() => c.stats().deadLettered === 4, 'three more dead letters');
    expect((await dl.list()).map((d) => d.id)).toEqual(more);
    expect((await dl.list({ count: 2 })).map((d) => d.id)).toEqual(more.slice(0, 2));
    expect((await dl.list({ since: more[0] })).map((d) => d.id)).toEqual(more.slice(1));
    expect(b.getSubscriberStats()[0].deadLetters).toBe(3);
    await expect(dl.purge()).resolves.toBe(3);
    expect(await dl.list()).toEqual([]);
    expect(b.getSubscriberStats()[0].deadLetters).toBe(0);
    await expect(dl.purge()).resolves.toBe(0);
  });

  test('deadLetter: false drops without storing but counts deadLettered', async () => {
    const b = bus();
    let calls = 0;
    const c = b.consume('drop.*', () => {
      calls++;
      throw new Error('nope');
    }, { group: 'drop', consumer: 'c1', maxRetries: 1, retryDelayMs: 5, deadLetter: false });
    b.emit('drop.x', 1);
    await until(() => c.stats().deadLettered === 1, 'dropped');
    await sleep(20);
    expect(calls).toBe(2);
    expect(c.stats()).toEqual({ ...zeroStats('drop', 'c1'), failed: 2, retried: 1, deadLettered: 1 });
    expect(await b.deadLetters('drop').list()).toEqual([]);
    expect(b.getSubscriberStats()[0]).toMatchObject({ group: 'drop', deadLetters: 0, pending: 0, lag: 0 });
  });

  test('ackTimeoutMs: a hung handler times out, is retried, then dead-lettered with ERR_TIMEOUT', async () => {
    const b = bus();
    const calls = [];
    const c = b.consume('hang.*', (e) => {
      calls.push({ at: performance.now(), attempt: e.attempt, id: e.id });
      return new Promise(() => {}); // never settles
    }, { group: 'hang', consumer: 'c1', maxRetries: 1, retryDelayMs: 5, ackTimeoutMs: 30 });
    const id = await b.publish('hang.x', 1);

    await until(() => c.stats().deadLettered === 1, 'dead-lettered after timeouts');
    expect(calls.map((x) => [x.id, x.attempt])).toEqual([[id, 1], [id, 2]]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(30 + 5 * 0.75 - 1);
    expect(c.stats()).toEqual({ ...zeroStats('hang', 'c1'), failed: 2, retried: 1, deadLettered: 1, timedOut: 2 });
    const [d] = await b.deadLetters('hang').list();
    expect(d).toMatchObject({ id, code: 'ERR_TIMEOUT', attempts: 2, consumer: 'c1' });
    expect(d.error).toContain('ackTimeoutMs (30 ms)');
  });
});

describe('batches, concurrency, ordering', () => {
  test('batchSize gives full batches; the rest comes as a partial batch after batchTimeoutMs', async () => {
    const b = bus();
    const batches = [];
    const c = b.consume('b.*', async (events) => {
      batches.push({ at: performance.now(), ns: events.map((e) => e.data), attempts: events.map((e) => e.attempt) });
      await sleep(2);
    }, { group: 'batch', consumer: 'c1', batchSize: 4, batchTimeoutMs: 40 });
    for (let i = 0; i < 10; i++) b.emit('b.x', i);
    const emittedAt = performance.now();

    await until(() => c.stats().processed === 10, '10 processed');
    expect(batches.map((x) => x.ns)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batches.every((x) => x.attempts.every((a) => a === 1))).toBe(true);
    // The two full batches do not wait for the timer; the partial one does.
    expect(batches[1].at - emittedAt).toBeLessThan(35);
    expect(batches[2].at - batches[1].at).toBeGreaterThanOrEqual(40 - 1);
    expect(c.stats()).toEqual({ ...zeroStats('batch', 'c1'), processed: 10 });
  });

  test('a lone partial batch is delivered after batchTimeoutMs', async () => {
    const b = bus();
    const batches = [];
    const c = b.consume('b.*', (events) => {
      batches.push({ at: performance.now(), ns: events.map((e) => e.data) });
    }, { group: 'batch', batchSize: 10, batchTimeoutMs: 30 });
    const t0 = performance.now();
    b.emit('b.x', 'a');
    b.emit('b.x', 'b');
    b.emit('b.x', 'c');
    expect(c.stats()).toMatchObject({ queued: 3, pending: 3, lag: 0, inFlight: 0 });
    await until(() => c.stats().processed === 3, 'partial batch');
    expect(batches.map((x) => x.ns)).toEqual([['a', 'b', 'c']]);
    expect(batches[0].at - t0).toBeGreaterThanOrEqual(30 - 1);
    expect(batches[0].at - t0).toBeLessThan(30 + 200);
  });

  test('concurrency 3 with 20 slow events: at most exactly 3 handlers at once', async () => {
    const b = bus();
    let cur = 0;
    let max = 0;
    const done = [];
    const c = b.consume('slow.*', async (e) => {
      cur++;
      max = Math.max(max, cur);
      await sleep(10);
      cur--;
      done.push(e.data);
    }, { group: 'slow', consumer: 'c1', concurrency: 3 });
    for (let i = 0; i < 20; i++) b.emit('slow.x', i);
    expect(c.stats()).toMatchObject({ inFlight: 3, queued: 0, pending: 3, lag: 17 });
    await until(() => c.stats().processed === 20, '20 processed');
    expect(max).toBe(3);
    expect([...done].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(c.stats()).toEqual({ ...zeroStats('slow', 'c1'), processed: 20 });
  });

  test('concurrency 1 keeps order; a retried event completes before the next starts', async () => {
    const b = bus();
    const log = [];
    let failures = 0;
    const c = b.consume('seq.*', async (e) => {
      log.push(`start ${e.data}#${e.attempt}`);
      await sleep(1);
      if (e.data === 4 && failures < 2) {
        failures++;
        log.push(`fail ${e.data}#${e.attempt}`);
        throw new Error('flaky');
      }
      log.push(`end ${e.data}`);
    }, { group: 'seq', consumer: 'c1', retryDelayMs: 10 });
    for (let i = 0; i < 8; i++) b.emit('seq.x', i);
    await until(() => c.stats().processed === 8, '8 processed');
    const expected = [];
    for (let i = 0; i < 8; i++) {
      if (i === 4) expected.push('start 4#1', 'fail 4#1', 'start 4#2', 'fail 4#2', 'start 4#3');
      else expected.push(`start ${i}#1`);
      expected.push(`end ${i}`);
    }
    expect(log).toEqual(expected);
    expect(c.stats()).toEqual({ ...zeroStats('seq', 'c1'), processed: 8, failed: 2, retried: 2 });
  });
});

describe('pause, resume, close', () => {
  test('pause() stops delivery (events become lag); resume() continues', async () => {
    const b = bus();
    const seen = [];
    const c = b.consume('p.*', (e) => {
      seen.push(e.data);
    }, { group: 'p', consumer: 'c1' });
    b.emit('p.x', 0);
    expect(seen).toEqual([0]);
    expect(c.pause()).toBe(c);
    for (let i = 1; i <= 5; i++) b.emit('p.x', i);
    await sleep(30);
    expect(seen).toEqual([0]);
    expect(c.stats()).toEqual({ ...zeroStats('p', 'c1'), processed: 1, lag: 5, paused: true });
    expect(b.getSubscriberStats()[0]).toMatchObject({ lag: 5, pending: 0 });
    expect(c.resume()).toBe(c);
    await until(() => c.stats().processed === 6, 'resumed');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.stats()).toEqual({ ...zeroStats('p', 'c1'), processed: 6 });
  });

  test('pause() also holds a partial batch that waits for batchTimeoutMs', async () => {
    const b = bus();
    const batches = [];
    const c = b.consume('p.*', (events) => {
      batches.push(events.map((e) => e.data));
    }, { group: 'p', batchSize: 5, batchTimeoutMs: 20 });
    b.emit('p.x', 1);
    b.emit('p.x', 2);
    c.pause();
    await sleep(60);
    expect(batches).toEqual([]); // paused: nothing delivered
    expect(c.stats()).toMatchObject({ processed: 0, paused: true });
    c.resume();
    await until(() => c.stats().processed === 2, 'after resume');
    expect(batches).toEqual([[1, 2]]);
  });

  test('close() waits for an in-flight handler to finish', async () => {
    const b = bus();
    const g = gate();
    let finished = false;
    const c = b.consume('w.*', async () => {
      await g.p;
      finished = true;
    }, { group: 'w' });
    b.emit('w.x', 1);
    expect(c.stats().inFlight).toBe(1);
    let closed = false;
    const p = c.close().then(() => {
      closed = true;
    });
    expect(c.close()).toBe(c.close()); // one promise
    await sleep(30);
    expect(closed).toBe(false);
    expect(c.stats()).toMatchObject({ closed: true, inFlight: 1 });
    g.open();
    await p;
    expect(finished).toBe(true);
    expect(c.stats()).toMatchObject({ processed: 1, inFlight: 0, pending: 0, closed: true });
  });

  test('close() is bounded by closeTimeoutMs', async () => {
    const b = bus();
    const g = gate();
    const c = b.consume('w.*', () => g.p, { group: 'w', closeTimeoutMs: 50 });
    b.emit('w.x', 1);
    const t0 = performance.now();
    await c.close();
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(50 - 1);
    expect(took).toBeLessThan(1000);
    expect(c.stats().inFlight).toBe(1);
    g.open(); // let the handler finish so nothing is left running
    await until(() => c.stats().inFlight === 0, 'handler settled');
    expect(c.stats()).toMatchObject({ processed: 1, closed: true });
  });

  test('entries queued to a closing consumer go to another consumer of the group', async () => {
    const b = bus();
    const first = [];
    const second = [];
    const c1 = b.consume('q.*', (events) => {
      first.push(events);
    }, { group: 'q', consumer: 'one', batchSize: 10, batchTimeoutMs: 10000 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await b.publish('q.x', i));
    expect(c1.stats()).toMatchObject({ queued: 3, pending: 3, inFlight: 0 });
    const c2 = b.consume('q.*', (e) => {
      second.push({ id: e.id, attempt: e.attempt });
    }, { group: 'q', consumer: 'two' });
    await c1.close();
    await until(() => c2.stats().processed === 3, 'taken over');
    expect(first).toEqual([]);
    expect(second).toEqual(ids.map((id) => ({ id, attempt: 1 })));
    expect(c1.stats()).toEqual({ ...zeroStats('q', 'one'), closed: true });
    expect(c2.stats()).toEqual({ ...zeroStats('q', 'two'), processed: 3 });
    expect(b.getSubscriberStats()[0]).toMatchObject({ lag: 0, pending: 0 });
  });
});

describe('close() edge cases, thenables, names (review)', () => {
  test('close() during a retry backoff: resolves at once, the retry never runs here, another consumer gets the event with its next attempt', async () => {
    const b = bus();
    const calls = [];
    const c1 = b.consume('rb.*', (e) => {
      calls.push(['one', e.attempt]);
      throw new Error('fails');
    }, { group: 'rb', retryDelayMs: 2000 });
    b.emit('rb.x', 1);
    await until(() => calls.length === 1, 'first try');
    const t0 = performance.now();
    await c1.close();
    expect(performance.now() - t0).toBeLessThan(500);
    const c2 = b.consume('rb.*', (e) => { calls.push(['two', e.attempt]); }, { group: 'rb' });
    await until(() => c2.stats().processed === 1, 'taken over');
    await sleep(2200); // past the cancelled backoff
    expect(calls).toEqual([['one', 1], ['two', 2]]);
    expect(c1.stats()).toMatchObject({ inFlight: 0, retried: 1, closed: true });
  });

  test('after closeTimeoutMs nothing new starts: queued entries go to another consumer, the running one may still finish', async () => {
    const b = bus();
    const g = gate();
    const started = [];
    const c1 = b.consume('ct.*', async (e) => {
      started.push(e.data);
      await g.p;
    }, { group: 'ct', consumer: 'one', closeTimeoutMs: 50 });
    for (let i = 0; i < 3; i++) b.emit('ct.x', i);
    await c1.close();
    g.open();
    await until(() => c1.stats().inFlight === 0, 'the running one settled');
    await sleep(50);
    expect(started).toEqual([0]);
    const later = [];
    b.consume('ct.*', (e) => { later.push(e.data); }, { group: 'ct', consumer: 'two' });
    await until(() => later.length === 2, 'the rest taken over');
    expect(later).toEqual([1, 2]);
  });

  test('a thenable whose then() throws counts as a failure of the handler (retried, then dead-lettered), not an exception for the publisher', async () => {
    const b = bus();
    let calls = 0;
    const c = b.consume('tt.*', () => {
      calls++;
      return { then() { throw new Error('bad thenable'); } };
    }, { group: 'tt', maxRetries: 1, retryDelayMs: 5 });
    expect(() => b.emit('tt.x', 1)).not.toThrow();
    await until(() => c.stats().deadLettered === 1, 'dead-lettered');
    expect(calls).toBe(2);
    expect(c.stats()).toMatchObject({ failed: 2, retried: 1, inFlight: 0 });
    const [dl] = await b.deadLetters('tt').list();
    expect(dl.error).toBe('bad thenable');
  });

  test('default consumer names are never reused while the bus lives', async () => {
    const b = bus();
    const c1 = b.consume('nm.*', () => {}, { group: 'nm' });
    const c2 = b.consume('nm.*', () => {}, { group: 'nm' });
    await c1.close();
    const c3 = b.consume('nm.*', () => {}, { group: 'nm' });
    expect(new Set([c1.name, c2.name, c3.name]).size).toBe(3);
  });
});

describe('startFrom', () => {
  test("startFrom '0' on an engine bus replays retained events, then live ones, none twice", async () => {
    const b = bus({ engine: true });
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await b.publish('r.x', i));
    await b.publish('other.y', 'no');
    const seen = [];
    const live = [];
    const c = b.consume('r.*', (e) => {
      seen.push(e.id);
    }, { group: 'replay', consumer: 'c1', startFrom: '0' });
    const cLive = b.consume('r.*', (e) => {
      live.push(e.id);
    }, { group: 'live' });
    // Emitted while the retained events are being read:
    const during = [await b.publish('r.x', 3), await b.publish('r.x', 4)];
    await until(() => c.stats().processed === 5, 'replayed');
    const after = [await b.publish('r.x', 5)];
    await until(() => c.stats().processed === 6 && cLive.stats().processed === 3, 'live');
    await sleep(30);
    expect(seen).toEqual([...before, ...during, ...after]);
    expect(live).toEqual([...during, ...after]);
    expect(c.stats()).toEqual({ ...zeroStats('replay', 'c1'), processed: 6 });
  });

  test('startFrom <id> on an engine bus replays the retained events after that id', async () => {
    const b = bus({ engine: true });
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await b.publish('r.x', i));
    const seen = [];
    const c = b.consume('r.*', (e) => {
      seen.push(e.id);
    }, { group: 'resume', startFrom: before[0] });
    const after = await b.publish('r.x', 3);
    await until(() => c.stats().processed >= 1, 'live event');
    await sleep(50);
    expect(seen).toEqual([before[1], before[2], after]);
  });
});

describe('bad input', () => {
  const h = () => {};
  function expectCode(fn, code) {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(EventwireError);
    expect(err.code).toBe(code);
    return err;
  }

  test('group: missing or badly named → ERR_INVALID_ARGUMENT', () => {
    const b = bus();
    expectCode(() => b.consume('a.b', h), 'ERR_INVALID_ARGUMENT');
    expectCode(() => b.consume('a.b', h, null), 'ERR_INVALID_ARGUMENT');
    expectCode(() => b.consume('a.b', h, {}), 'ERR_INVALID_ARGUMENT');
    for (const group of ['', 'has space', 'slash/no', 'x'.repeat(129), 42, null]) {
      expectCode(() => b.consume('a.b', h, { group }), 'ERR_INVALID_ARGUMENT');
    }
    expectCode(() => b.consume('a.b', h, { group: 'g', consumer: 'bad name' }), 'ERR_INVALID_ARGUMENT');
    expect(b.getSubscriberStats()).toEqual([]);
  });

  test('pattern and handler', () => {
    const b = bus();
    for (const p of ['', 'a..b', 'a.**.**', 42, null, [], ['a.b', '']]) {
      expectCode(() => b.consume(p, h, { group: 'g' }), 'ERR_INVALID_PATTERN');
    }
    for (const fn of [undefined, null, 'fn', {}]) {
      expectCode(() => b.consume('a.b', fn, { group: 'g' }), 'ERR_INVALID_ARGUMENT');
    }
    expect(b.getSubscriberStats()).toEqual([]);
  });

  test.each(['concurrency', 'maxRetries', 'retryDelayMs', 'batchSize', 'ackTimeoutMs'])(
    'numeric option %s: negative / non-integer → ERR_INVALID_ARGUMENT',
    (name) => {
      const b = bus();
      for (const v of [-1, 1.5, '2', NaN, Infinity, null]) {
        const err = expectCode(() => b.consume('a.b', h, { group: 'g', [name]: v }), 'ERR_INVALID_ARGUMENT');
        expect(err.message).toContain(`options.${name}`);
      }
      expect(b.getSubscriberStats()).toEqual([]);
    }
  );

  test('bounds: concurrency 0 and ackTimeoutMs 0 are rejected; zero retries/delay/batch are fine', () => {
    const b = bus();
    expectCode(() => b.consume('a.b', h, { group: 'g', concurrency: 0 }), 'ERR_INVALID_ARGUMENT');
    expectCode(() => b.consume('a.b', h, { group: 'g', ackTimeoutMs: 0 }), 'ERR_INVALID_ARGUMENT');
    const c = b.consume('a.b', h, { group: 'g', maxRetries: 0, retryDelayMs: 0, batchSize: 0 });
    expect(c.stats().group).toBe('g');
  });

  test('unknown option, bad deadLetter / startFrom → ERR_INVALID_ARGUMENT', () => {
    const b = bus();
    const err = expectCode(() => b.consume('a.b', h, { group: 'g', retries: 3 }), 'ERR_INVALID_ARGUMENT');
    expect(err.message).toContain('options.retries');
    expectCode(() => b.consume('a.b', h, { group: 'g', deadLetter: 'bad name' }), 'ERR_INVALID_ARGUMENT');
    expectCode(() => b.consume('a.b', h, { group: 'g', startFrom: 'latest' }), 'ERR_INVALID_ARGUMENT');
  });

  test('a second consumer of a group with other patterns → ERR_INVALID_ARGUMENT', () => {
    const b = bus();
    b.consume(['a.*', 'b.*'], h, { group: 'g' });
    expectCode(() => b.consume('a.*', h, { group: 'g' }), 'ERR_INVALID_ARGUMENT');
    expectCode(() => b.consume(['b.*', 'a.*'], h, { group: 'g' }), 'ERR_INVALID_ARGUMENT');
    b.consume(['a.*', 'b.*'], h, { group: 'g' }); // same patterns: fine
    // Default consumer names: non-empty and distinct within the bus.
    const names = b.getSubscriberStats()[0].consumers.map((c) => c.consumer);
    expect(names).toHaveLength(2);
    expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    expect(names[0]).not.toBe(names[1]);
  });

  test('consume() after close → ERR_CLOSED; deadLetters(unknown) → ERR_INVALID_ARGUMENT', async () => {
    const b = bus();
    expectCode(() => b.deadLetters('nope'), 'ERR_INVALID_ARGUMENT');
    await b.close();
    expectCode(() => b.consume('a.b', h, { group: 'g' }), 'ERR_CLOSED');
  });

  // On a Redis bus consume() builds a Redis consumer group (test/consume-redis.test.js
  // covers it against a real server); with Redis unreachable the group exists
  // and reports the failure through the bus, it does not throw.
  test('a Redis bus builds a Redis consumer group', async () => {
    const b = bus({ redis: 'redis://127.0.0.1:1' });
    const reported = [];
    b.on('error', (err) => reported.push(err.code));
    const c = b.consume('a.b', h, { group: 'g', consumer: 'r1' });
    expect(b.getSubscriberStats().map((s) => [s.group, s.patterns])).toEqual([['g', ['a.b']]]);
    expect(c.stats().consumer).toBe('r1');
    await until(() => reported.includes('ERR_REDIS_UNAVAILABLE'), 'the XGROUP failure reported');
  });
});

describe('getSubscriberStats', () => {
  test('reflects lag, pending and dead letters exactly at a quiescent point', async () => {
    const b = bus();
    const g = gate();
    const slow = b.consume('job.*', () => g.p, { group: 'slow', consumer: 'c1', concurrency: 2 });
    const dead = b.consume('job.*', (e) => {
      if (e.data % 2 === 1) throw new Error(`odd ${e.data}`);
    }, { group: 'dead', maxRetries: 0, consumer: 'd1' });
    const paused = b.consume(['job.*', 'other.y'], () => {}, { group: 'paused', consumer: 'c3' }).pause();

    for (let i = 0; i < 5; i++) b.emit('job.x', i);
    b.emit('other.y', 'p');
    await until(() => dead.stats().processed + dead.stats().deadLettered === 5, 'dead group settled');
    await sleep(10);

    expect(b.getSubscriberStats()).toEqual([
      {
        group: 'slow',
        patterns: ['job.*'],
        lag: 3,
        pending: 2,
        deadLetters: 0,
        overflow: 0,
        consumers: [{ ...zeroStats('slow', 'c1'), inFlight: 2, pending: 2, lag: 3 }],
      },
      {
        group: 'dead',
        patterns: ['job.*'],
        lag: 0,
        pending: 0,
        deadLetters: 2,
        overflow: 0,
        consumers: [{ ...zeroStats('dead', 'd1'), processed: 3, failed: 2, deadLettered: 2 }],
      },
      {
        group: 'paused',
        patterns: ['job.*', 'other.y'],
        lag: 6,
        pending: 0,
        deadLetters: 0,
        overflow: 0,
        consumers: [{ ...zeroStats('paused', 'c3'), lag: 6, paused: true }],
      },
    ]);
    expect((await b.deadLetters('dead').list()).map((d) => [d.envelope.data, d.error, d.attempts]))
      .toEqual([[1, 'odd 1', 1], [3, 'odd 3', 1]]);

    g.open();
    paused.resume();
    await until(() => slow.stats().processed === 5 && paused.stats().processed === 6, 'drained');
    const after = b.getSubscriberStats();
    expect(after.map((s) => [s.group, s.lag, s.pending, s.deadLetters])).toEqual([
      ['slow', 0, 0, 0],
      ['dead', 0, 0, 2],
      ['paused', 0, 0, 0],
    ]);
  });
});

describe('the embedded log', () => {
  test('bounded at 100,000 unconsumed events: the oldest go, counted as overflow; the rest are handled in order', async () => {
    const b = bus();
    const seen = [];
    const c = b.consume('job.*', (e) => {
      seen.push(e.data);
    }, { group: 'big', consumer: 'c1' });
    c.pause();
    const n = 100005;
    for (let i = 0; i < n; i++) b.emit('job.x', i);
    const [s] = b.getSubscriberStats();
    expect([s.lag, s.overflow]).toEqual([100000, 5]);
    c.resume();
    await until(() => seen.length === 100000, 'the log drained', 20000);
    expect(seen[0]).toBe(5);
    expect(seen[seen.length - 1]).toBe(n - 1);
    expect(seen.every((v, i) => v === i + 5)).toBe(true);
    expect(b.getSubscriberStats()[0].lag).toBe(0);
  });
});

test('a handler that publishes while the bus hands it an event: every publish() settles, the outer ones and its own', async () => {
  const b = bus({ engine: true });
  const inner = [];
  b.consume('order.*', (e) => {
    inner.push(b.publish('audit.x', { of: e.id }));
  }, { group: 'g1' });
  const outer = [];
  for (let i = 0; i < 6; i++) outer.push(b.publish('order.placed', { i }));
  const settled = await Promise.race([
    Promise.all([...outer, ...inner].map((p) => p.then(() => 'ok', (e) => e.code))),
    sleep(2000).then(() => 'timed out'),
  ]);
  expect(inner.length).toBe(6);
  expect(settled).toEqual(Array(12).fill('ok'));
  expect(b.stats().pendingPublishes).toBe(0);
});

test('a full batch the engine refuses rejects each of its own publishes, the one that filled it too (none left waiting)', async () => {
  const b = bus({ engine: true, inbox: { maxEvents: 100 } });
  const ps = [];
  for (let i = 0; i < 4096; i++) ps.push(b.publish('full.x', { i })); // the 4096th fills the batch and sends it
  const codes = await Promise.race([
    Promise.all(ps.map((p) => p.then(() => 'ok', (e) => e.code))),
    sleep(2000).then(() => null),
  ]);
  expect(codes && [...new Set(codes)]).toEqual(['ERR_QUEUE_FULL']);
  expect(b.stats().pendingPublishes).toBe(0);
});

test("a full batch refused while the bus's 'error' listener throws: publish() rejects with that error, and no promise is left to reject unhandled", async () => {
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const b = bus({ engine: true, inbox: { maxEvents: 100 } });
    b.on('error', () => {
      throw new Error('listener boom');
    });
    const ps = [];
    for (let i = 0; i < 4096; i++) ps.push(b.publish('full.x', { i }));
    const codes = await Promise.all(ps.map((p) => p.then(() => 'ok', (e) => e.code || e.message)));
    await sleep(50);
    expect([...new Set(codes)].sort()).toEqual(['ERR_QUEUE_FULL', 'listener boom']);
    expect(codes[4095]).toBe('listener boom');
    expect(unhandled).toEqual([]);
    expect(b.stats().pendingPublishes).toBe(0);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
