'use strict';
// Durable consumers: bus.consume(pattern, handler, { group, ... }).
//
// A Consumer runs the handler with bounded concurrency, optional batches,
// retries with exponential backoff (+ jitter), a hung-handler timeout, and a
// dead-letter store after maxRetries; it acks what succeeded. Where events
// come from is a group source:
//   EmbeddedGroup: in-memory offsets and pending entries shared by every
//     consumer of the group in this process; at-least-once within the
//     process (a failed or closed consumer's entries go to another one).
//   RedisGroup: a Redis consumer group on the bus's stream (XGROUP CREATE
//     MKSTREAM, XREADGROUP without BLOCK on the engine's command connection,
//     fetched when the relay sees new entries, XACK, XAUTOCLAIM of entries
//     idle past ackTimeoutMs from dead consumers, dead letters XADDed to a
//     stream). Events the group's patterns do not match are acked at once,
//     filtered by the C matcher.
// Ordering: with concurrency 1 a consumer handles its events in order, a
// retried event before any later one (its slot stays busy during the
// backoff). With more concurrency, events start in order but may finish in
// any order, and a retried event may run after later ones.
const { EventEmitter } = require('events');
const { performance } = require('perf_hooks');
const native = require('./native');
const { makeError } = require('./errors');

const DEFAULTS = {
  concurrency: 1,
  maxRetries: 3,
  retryDelayMs: 100,
  retryMaxDelayMs: 30000,
  deadLetter: true,
  batchSize: 0,
  batchTimeoutMs: 50,
  ackTimeoutMs: 30000,
  startFrom: '$',
  closeTimeoutMs: 10000,
  prefetch: 1024,
};
const HOLD_MS = 50; // a consumer holds about this much work (Redis reads)
const HOLD_START = 8; // ... and this many entries before it has a pace
const READ_MAX = 128; // entries per XREADGROUP (Redis)
const GROUP_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const EMBEDDED_LOG_MAX = 100000;
const DLQ_MAX = 10000;

function bad(name, what) {
  return makeError('ERR_INVALID_ARGUMENT', `consume(): ${name} ${what}`);
}

function checkInt(v, name, min, max) {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw bad(name, `must be an integer ${min}..${max}, got ${String(v)}`);
  return v;
}

/** Validates consume() arguments; returns { patterns, options }. */
function normalize(bus, pattern, handler, options) {
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  if (patterns.length === 0) throw makeError('ERR_INVALID_PATTERN', 'consume(): give at least one pattern');
  for (const p of patterns) bus._checkPattern(p);
  if (typeof handler !== 'function') throw bad('handler', 'must be a function (event) => Promise | void');
  if (options === null || typeof options !== 'object') throw bad('options', 'must be an object with at least { group }');
  if (typeof options.group !== 'string' || !GROUP_NAME.test(options.group)) {
    throw bad('options.group', 'is required: 1..128 characters of A-Z a-z 0-9 _ . : -');
  }
  const known = new Set(['group', 'consumer', ...Object.keys(DEFAULTS)]);
  for (const k of Object.keys(options)) if (!known.has(k)) throw bad(`options.${k}`, 'is not a known option');
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULTS, ...given };
  checkInt(o.concurrency, 'options.concurrency', 1, 10000);
  checkInt(o.maxRetries, 'options.maxRetries', 0, 1000);
  checkInt(o.retryDelayMs, 'options.retryDelayMs', 0, 3600000);
  checkInt(o.retryMaxDelayMs, 'options.retryMaxDelayMs', 0, 86400000);
  checkInt(o.batchSize, 'options.batchSize', 0, 10000);
  checkInt(o.batchTimeoutMs, 'options.batchTimeoutMs', 0, 3600000);
  checkInt(o.ackTimeoutMs, 'options.ackTimeoutMs', 1, 86400000);
  checkInt(o.closeTimeoutMs, 'options.closeTimeoutMs', 0, 3600000);
  checkInt(o.prefetch, 'options.prefetch', 1, 100000);
  if (o.consumer !== undefined && (typeof o.consumer !== 'string' || !GROUP_NAME.test(o.consumer))) {
    throw bad('options.consumer', 'must be 1..128 characters of A-Z a-z 0-9 _ . : -');
  }
  if (!(o.deadLetter === false || o.deadLetter === true || (typeof o.deadLetter === 'string' && GROUP_NAME.test(o.deadLetter)))) {
    throw bad('options.deadLetter', 'must be true, false or a stream name');
  }
  if (!(o.startFrom === '$' || o.startFrom === '0' || (typeof o.startFrom === 'string' && /^\d{1,19}-\d{1,19}$/.test(o.startFrom)))) {
    throw bad('options.startFrom', `must be '$' (new events), '0' (all retained) or an event id`);
  }
  return { patterns, options: o };
}

function idKey(id) {
  const i = id.indexOf('-');
  return [Number(id.slice(0, i)), Number(id.slice(i + 1))];
}

function idAfter(a, b) {
  const [am, as] = idKey(a);
  const [bm, bs] = idKey(b);
  return am > bm || (am === bm && as > bs);
}

// A first-in first-out list whose take() does not shift the whole array (a
// consumer takes one entry at a time from a few hundred).
class Fifo {
  constructor() {
    this.items = [];
    this.head = 0;
  }

  get length() {
    return this.items.length - this.head;
  }

  push(list) {
    for (const x of list) this.items.push(x);
  }

  take(n) {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

// Handler calls running, for the ackTimeoutMs sweep: an array with
// swap-remove. (A Set emptied and refilled once per event at concurrency 1:
// each time a shrink, a rehash and an identity hash.)
class RunList {
  constructor() {
    this.items = [];
  }

  get size() {
    return this.items.length;
  }

  add(run) {
    run.slot = this.items.length;
    this.items.push(run);
  }

  delete(run) {
    const last = this.items.pop();
    if (last !== run) {
      this.items[run.slot] = last;
      last.slot = run.slot;
    }
    run.slot = -1;
  }
}

// ---- the consumer ---------------------------------------------------------

class Consumer extends EventEmitter {
  constructor(group, name, handler, options) {
    super();
    this.group = group;
    this.name = name;
    this._handler = handler;
    this._o = options;
    this._queue = new Fifo(); // entries given to this consumer, not started yet
    this._held = new Map(); // id -> entry: given and not yet acked, dead-lettered or released
    this._inflight = 0; // handler calls running (or waiting to retry)
    this._paused = false;
    this._closed = false;
    this._closing = null;
    this._batchTimer = null;
    this._acks = []; // acks (and dead letters) on their way, awaited by close()
    this._running = new RunList(); // async handler calls not settled yet: { entries, attempt, deadline, slot }
    this._sweep = null;
    this._stats = { processed: 0, failed: 0, retried: 0, deadLettered: 0, timedOut: 0 };
    this._paceMs = 0; // moving average of a handler call (ms), for holdTarget()
    this._paceTick = 0;
    this._freedTick = 0; // RedisGroup.freed()
  }

  /** How many more entries this consumer takes now; `prefetch` lets it hold
   * more than it runs (Redis: fewer round trips per event). */
  capacity(prefetch = 0) {
    if (this._paused || this._closed) return 0;
    const per = this._o.batchSize || 1;
    const limit = Math.max(this._o.concurrency * per, prefetch);
    return Math.max(0, limit - this._queue.length - this._inflight * per);
  }

  /** How many entries to hold (Redis): about HOLD_MS of work at the pace the
   * handler has shown, at most `prefetch`, at least what runs at once. Fast
   * handlers get large reads (few round trips); slow ones hold little, so
   * other workers of the group get the rest. */
  holdTarget() {
    const o = this._o;
    const running = o.concurrency * (o.batchSize || 1);
    if (!this._paceMs) return Math.max(running, Math.min(o.prefetch, HOLD_START));
    const perEntryMs = this._paceMs / running;
    return Math.max(running, Math.min(o.prefetch, Math.ceil(HOLD_MS / perEntryMs)));
  }

  // Moving average of one handler call's duration (ms), for holdTarget().
  _pace(startedAt) {
    if (!startedAt) return;
    const ms = Math.max(0.001, performance.now() - startedAt);
    this._paceMs = this._paceMs ? this._paceMs * 0.9 + ms * 0.1 : ms;
  }

  _give(entries) {
    for (const e of entries) this._held.set(e.id, e);
    this._queue.push(entries);
    this._pump();
  }

  _drop(entries) {
    for (const e of entries) this._held.delete(e.id);
  }

  // Runs queued entries while slots are free. Re-entrant calls (a
  // synchronous handler finishing inside the loop, the group handing over
  // more) only flag another round, so the stack stays flat however many
  // events wait.
  _pump() {
    if (this._pumping) {
      this._repump = true;
      return;
    }
    this._pumping = true;
    try {
      do {
        this._repump = false;
        this._pumpOnce();
        if (this._repump) this.group.pull();
      } while (this._repump);
    } finally {
      this._pumping = false;
    }
  }

  _pumpOnce() {
    const draining = this._closed && this.group.drainOnClose;
    while (!this._paused && (!this._closed || draining) && this._inflight < this._o.concurrency && this._queue.length) {
      const size = this._o.batchSize;
      if (size && this._queue.length < size) {
        // Wait a little for a fuller batch.
        if (!this._batchTimer) {
          this._batchTimer = setTimeout(() => {
            this._batchTimer = null;
            this._runNow(this._queue.take(size));
            this._pump();
          }, this._o.batchTimeoutMs);
        }
        return;
      }
      if (this._batchTimer) {
        clearTimeout(this._batchTimer);
        this._batchTimer = null;
      }
      this._runNow(this._queue.take(size || 1));
    }
  }

  _runNow(entries) {
    if (!entries.length) return;
    this._inflight++;
    this._attempt(entries, 1);
  }

  // The object a handler gets. An envelope only this consumer holds (a
  // Redis group's, parsed for it) is handed over as it is on the first try
  // (no copy per event); shared ones (embedded groups, where other groups
  // see the same envelope) and retries get a shallow copy with `attempt`.
  // Handlers should treat events as read-only: a change made on the first
  // try of a Redis event is still there on a retry (documented).
  _event(e, attempt) {
    if (e.envelope === null) {
      e.envelope = recordEnvelope(e.id, e.record); // a Redis read's entry, built only now (RedisGroup.give)
      e.record = undefined;
    }
    const n = e.deliveries + attempt - 1;
    if (attempt === 1 && e.own) {
      e.envelope.attempt = n;
      return e.envelope;
    }
    return { ...e.envelope, attempt: n };
  }

  // One try of the handler; the slot stays taken through retries.
  _attempt(entries, attempt) {
    const o = this._o;
    // Every 8th call is timed: enough for the pace, two clock reads fewer per event.
    const startedAt = (this._paceTick++ & 7) === 0 ? performance.now() : 0;
    let result;
    try {
      result = this._handler(o.batchSize ? entries.map((e) => this._event(e, attempt)) : this._event(entries[0], attempt));
    } catch (err) {
      this._failed(entries, attempt, err);
      return;
    }
    if (!result || typeof result.then !== 'function') {
      this._pace(startedAt);
      this._succeeded(entries); // a synchronous handler: no promise, no timer
      return;
    }
    // One sweep timer for every running handler (not a timer per call).
    const run = { entries, attempt, deadline: Date.now() + o.ackTimeoutMs, settled: false, slot: -1 };
    this._running.add(run);
    this._armSweep();
    result.then(() => {
      if (run.settled) return;
      run.settled = true;
      this._running.delete(run);
      this._pace(startedAt);
      this._succeeded(entries);
    }, (err) => {
      if (run.settled) return;
      run.settled = true;
      this._running.delete(run);
      this._failed(entries, attempt, err);
    });
  }

  // Expires handlers that did not settle within ackTimeoutMs.
  _armSweep() {
    if (this._sweep) return;
    const every = Math.max(10, Math.min(1000, Math.floor(this._o.ackTimeoutMs / 4)));
    this._sweep = setInterval(() => {
      const now = Date.now();
      const runs = this._running.items;
      // Backwards: a swap-remove moves an already visited (or new) run here.
      for (let i = runs.length - 1; i >= 0; i--) {
        const run = runs[i];
        if (!run || now < run.deadline) continue;
        run.settled = true;
        this._running.delete(run);
        this._stats.timedOut++;
        this._failed(run.entries, run.attempt,
          makeError('ERR_TIMEOUT', `handler did not settle within ackTimeoutMs (${this._o.ackTimeoutMs} ms)`));
      }
      if (!this._running.size) {
        clearInterval(this._sweep);
        this._sweep = null;
      }
    }, every);
    this._sweep.unref(); // a hung handler must not keep the process alive
  }

  _succeeded(entries) {
    this._stats.processed += entries.length;
    this._drop(entries);
    this._track(this.group.ack(this, entries));
    this._done();
  }

  // Acks and dead letters on their way, for close(); a turn's acks share
  // one promise, kept once.
  _track(p) {
    if (this._acks[this._acks.length - 1] === p) return;
    this._acks.push(p);
    if (this._acks.length > 64) this._acks = this._acks.slice(-64); // settled ones need not be kept
  }

  _failed(entries, attempt, err) {
    const o = this._o;
    this._stats.failed += entries.length;
    if (attempt <= o.maxRetries && !this._closed) {
      this._stats.retried += entries.length;
      const base = Math.min(o.retryMaxDelayMs, o.retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5)); // ±25% jitter
      setTimeout(() => this._attempt(entries, attempt + 1), delay);
      return;
    }
    this._drop(entries);
    if (this._closed) {
      this.group.release(this, entries, true); // another consumer (or a later one) gets them
    } else {
      this._stats.deadLettered += entries.length;
      this._track(this.group.deadLetter(this, entries, err, attempt));
    }
    this._done();
  }

  _done() {
    this._inflight--;
    if (this._pumping) {
      this._repump = true; // the running loop continues (and asks the group)
    } else {
      this._pump();
      this.group.freed(this);
      this._pump();
    }
    if (this._closed && this._inflight === 0 && this._queue.length === 0 && this._closeResolve) this._closeResolve();
  }

  pause() {
    this._paused = true;
    if (this._batchTimer) {
      clearTimeout(this._batchTimer); // a partial batch waits for resume()
      this._batchTimer = null;
    }
    return this;
  }

  resume() {
    this._paused = false;
    this.group.pull();
    this._pump();
    return this;
  }

  /** Stops fetching, waits for running handlers (bounded), gives back the rest. */
  close() {
    if (this._closing) return this._closing;
    this._closed = true;
    if (this._batchTimer) clearTimeout(this._batchTimer);
    // Fetched entries a Redis group cannot hand back (Redis has no "unclaim")
    // are handled before closing; an embedded group gives them to others.
    if (!this.group.drainOnClose) {
      const queued = this._queue.take(Infinity);
      this._drop(queued);
      this.group.release(this, queued);
    }
    this._closing = new Promise((resolve) => {
      if (this._inflight === 0 && this._queue.length === 0) return resolve();
      this._closeResolve = resolve;
      setTimeout(resolve, this._o.closeTimeoutMs).unref();
    }).then(() => Promise.all(this._acks.splice(0).map((p) => Promise.resolve(p).catch(() => {})))).then(() => {
      this.group.detach(this);
      this.emit('closed');
    });
    return this._closing;
  }

  stats() {
    return {
      group: this.group.name,
      consumer: this.name,
      inFlight: this._inflight,
      queued: this._queue.length,
      ...this._stats,
      pending: this.group.pendingOf(this),
      lag: this.group.lag(),
      paused: this._paused,
      closed: this._closed,
    };
  }
}

// ---- embedded groups -----------------------------------------------------------

class EmbeddedGroup {
  constructor(bus, name, patterns, startFrom, deadLetter) {
    this.bus = bus;
    this.name = name;
    this.patterns = patterns;
    this.matcher = new native.Matcher(bus.delimiter || '.');
    patterns.forEach((p, i) => this.matcher.add(p, i));
    this.log = []; // entries not yet given to a consumer: { id, envelope, deliveries }
    this.pending = new Map(); // id -> { entry, consumer }
    this.consumers = [];
    this.next = 0; // round-robin
    this.deadLetterOn = deadLetter !== false;
    this.dlq = []; // { id, envelope, error, attempts, consumer, failedAt }
    this.overflow = 0;
    this.startFrom = startFrom;
    this.loading = null; // live events held while retained ones are read (startFrom '0')
  }

  // startFrom '0' or an id: the retained events (the engine's history) first,
  // then the live ones held meanwhile, without gap or duplicate.
  async loadRetained() {
    this.loading = [];
    let retained = [];
    try {
      const since = this.startFrom === '0' ? undefined : this.startFrom;
      retained = await this.bus.getEventHistory({ count: 10000, since });
    } catch (err) {
      retained = (err && err.events) || [];
    }
    this.startFrom = '0'; // from here on every live event counts
    const held = this.loading;
    this.loading = null;
    const last = retained.length ? retained[retained.length - 1].id : null;
    for (const env of retained) this.offer(env);
    for (const env of held) if (!last || idAfter(env.id, last)) this.offer(env);
  }

  matches(type) {
    const r = this.matcher.match(type);
    return Array.isArray(r) && r.length > 0;
  }

  offer(envelope) {
    if (this.loading) {
      this.loading.push(envelope);
      return;
    }
    if (!this.matches(envelope.type)) return;
    if (this.startFrom !== '$' && this.startFrom !== '0' && !idAfter(envelope.id, this.startFrom)) return;
    if (this.log.length >= EMBEDDED_LOG_MAX) {
      this.log.shift(); // bounded: the oldest unconsumed entry goes, counted
      this.overflow++;
    }
    this.log.push({ id: envelope.id, envelope, deliveries: 1 });
    this.pull();
  }

  attach(consumer) {
    this.consumers.push(consumer);
    this.pull();
  }

  detach(consumer) {
    this.consumers = this.consumers.filter((c) => c !== consumer);
  }

  // Hands entries to consumers with room, round-robin.
  freed() {
    this.pull(); // hands entries at once: no reason to wait
  }

  pull() {
    let progressed = true;
    while (this.log.length && progressed) {
      progressed = false;
      for (let k = 0; k < this.consumers.length && this.log.length; k++) {
        const c = this.consumers[(this.next + k) % this.consumers.length];
        const room = c.capacity();
        if (room <= 0) continue;
        const entries = this.log.splice(0, room);
        for (const e of entries) this.pending.set(e.id, { entry: e, consumer: c });
        this.next = (this.next + k + 1) % this.consumers.length;
        c._give(entries);
        progressed = true;
      }
    }
  }

  ack(consumer, entries) {
    for (const e of entries) this.pending.delete(e.id);
  }

  // Entries a consumer gives back (closing): first in line again; `tried`
  // ones count the delivery they had.
  release(consumer, entries, tried) {
    for (const e of entries) this.pending.delete(e.id);
    this.log.unshift(...entries.map((e) => ({ ...e, deliveries: e.deliveries + (tried ? 1 : 0) })));
    setImmediate(() => this.pull());
  }

  deadLetter(consumer, entries, err, attempts) {
    for (const e of entries) {
      this.pending.delete(e.id);
      if (!this.deadLetterOn) continue;
      if (this.dlq.length >= DLQ_MAX) this.dlq.shift();
      this.dlq.push({
        id: e.id,
        envelope: e.envelope,
        error: err && err.message ? String(err.message) : String(err),
        code: err && err.code,
        attempts: e.deliveries + attempts - 1,
        consumer: consumer.name,
        failedAt: Date.now(),
      });
    }
  }

  pendingOf(consumer) {
    let n = 0;
    for (const p of this.pending.values()) if (p.consumer === consumer) n++;
    return n;
  }

  lag() {
    return this.log.length;
  }

  dead() {
    const group = this;
    return {
      list({ count = 100, since } = {}) {
        let items = group.dlq;
        if (since !== undefined) items = items.filter((d) => idAfter(d.id, since));
        return Promise.resolve(items.slice(0, count).map((d) => ({ ...d })));
      },
      retry(id) {
        const i = group.dlq.findIndex((d) => d.id === id);
        if (i < 0) return Promise.reject(makeError('ERR_INVALID_ARGUMENT', `no dead letter with id ${id} in group ${group.name}`));
        const [d] = group.dlq.splice(i, 1);
        group.log.push({ id: d.id, envelope: d.envelope, deliveries: 1 });
        group.pull();
        return Promise.resolve(true);
      },
      purge() {
        const n = group.dlq.length;
        group.dlq = [];
        return Promise.resolve(n);
      },
    };
  }

  destroy() {
    this.matcher.destroy();
  }
}

// ---- Redis groups ---------------------------------------------------------------

// Stream entry fields (native/src/redis.c) -> envelope.
// An entry XAUTOCLAIM handed over, by the rules of the engine's reads
// (ew__redis_entry_scan): null when eventwire did not write it.
const STREAM_ID = /^\d{1,19}-\d{1,19}$/;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
function entryEnvelope(id, fields) {
  const f = Object.create(null);
  for (let i = 0; i + 1 < fields.length; i += 2) if (!(fields[i] in f)) f[fields[i]] = fields[i + 1]; // the first wins
  if (typeof f.t !== 'string' || f.d === undefined || !JSON_NUMBER.test(f.ts || '') || (f.v && !JSON_NUMBER.test(f.v))) return null;
  let data;
  let metadata;
  try {
    data = JSON.parse(f.d);
    if (f.m) metadata = JSON.parse(f.m);
  } catch {
    return null;
  }
  // A retried dead letter keeps its first id (field o): the idempotency key.
  const env = { id: STREAM_ID.test(f.o || '') ? f.o : id, type: f.t, data };
  if (f.s) env.source = f.s;
  env.timestamp = Number(f.ts);
  if (f.p) env.priority = f.p;
  if (metadata !== undefined) env.metadata = metadata;
  if (f.v) env.version = Number(f.v);
  return { env, target: f.g };
}

// The envelope of a group read's record: the fields after the ids,
//   type US timestamp US source US priority US version US metadata US data
// (empty = absent), or US <envelope JSON> when the engine had to escape a
// field (an empty type). Only data and metadata go through JSON.parse; the
// object keeps the key order of every other envelope.
function recordEnvelope(id, rec) {
  if (rec.charCodeAt(0) === 0x1f) return JSON.parse(rec.slice(1));
  const p1 = rec.indexOf('\x1f');
  const p2 = rec.indexOf('\x1f', p1 + 1);
  const p3 = rec.indexOf('\x1f', p2 + 1);
  const p4 = rec.indexOf('\x1f', p3 + 1);
  const p5 = rec.indexOf('\x1f', p4 + 1);
  const p6 = rec.indexOf('\x1f', p5 + 1);
  const env = { id, type: rec.slice(0, p1), data: JSON.parse(rec.slice(p6 + 1)) };
  if (p3 > p2 + 1) env.source = rec.slice(p2 + 1, p3);
  env.timestamp = Number(rec.slice(p1 + 1, p2));
  if (p4 > p3 + 1) env.priority = rec.slice(p3 + 1, p4);
  if (p6 > p5 + 1) env.metadata = JSON.parse(rec.slice(p5 + 1, p6));
  if (p5 > p4 + 1) env.version = Number(rec.slice(p4 + 1, p5));
  return env;
}

class RedisGroup {
  constructor(bus, name, patterns, options) {
    this.bus = bus;
    this.name = name;
    this.patterns = patterns;
    this.matcher = new native.Matcher(bus.delimiter || '.');
    patterns.forEach((p, i) => this.matcher.add(p, i));
    this.stream = bus._redisStream();
    this.dlqStream = typeof options.deadLetter === 'string' ? options.deadLetter : `${this.stream}:dlq:${name}`;
    this.deadLetterOn = options.deadLetter !== false;
    this.ackTimeoutMs = options.ackTimeoutMs;
    this.consumers = [];
    this.fetching = new Map(); // consumer -> reads out (as many as its hold target needs)
    this.asked = new Map(); // consumer -> entries those reads asked for
    this.drainOnClose = true;
    this.ackRound = null; // { ids, done }: the acks of this turn, sent on the next
    this.again = new Set();
    this.info = { lag: 0, pending: 0 };
    this.overflow = 0;
    this.closed = false;
    this.create(options.startFrom === '0' ? '0' : options.startFrom);
    this.timer = setInterval(() => this.housekeeping(), Math.max(250, Math.min(1000, this.ackTimeoutMs / 2)));
    this.timer.unref();
  }

  matches(type) {
    const r = this.matcher.match(type);
    return Array.isArray(r) && r.length > 0;
  }

  // Commands cut by a Redis outage are not errors of their own: health()
  // reports the outage, and the tick retries.
  report(err) {
    if (err && err.code === 'ERR_REDIS_UNAVAILABLE' && !this.bus._redisUp()) return;
    if (err && err.code === 'ERR_REDIS_UNAVAILABLE' && /connection lost/.test(err.message)) return;
    this.bus._report(err);
  }

  attach(consumer) {
    this.consumers.push(consumer);
    this.ready.then(() => this.pull(), () => {});
  }

  detach(consumer) {
    this.consumers = this.consumers.filter((c) => c !== consumer);
  }

  // New entries (relay), room freed (acks), or the periodic tick. Nothing
  // while Redis is down: health() reports that; the tick tries again. Reads
  // ask for at most READ_MAX entries, and several are out at once (as many
  // as the hold target needs), so the next ones are on their way while these
  // are handled, and no single reply is large (its latency grows with it).
  // A consumer finished an entry: ask for more only when its queue runs
  // short of a read's worth, or every 16th time (not once per event: the
  // reads come in chunks anyway).
  freed(c) {
    if (c._queue.length > READ_MAX && (++c._freedTick & 15) !== 0) return;
    this.pull();
  }

  pull() {
    if (this.closed || !this.bus._redisUp()) return;
    for (const c of this.consumers) {
      const asked = this.asked.get(c) || 0;
      const out = this.fetching.get(c) || 0;
      const hold = c.holdTarget();
      const chunk = Math.max(1, Math.min(READ_MAX, Math.ceil(hold / 2)));
      const room = c.capacity(hold) - asked;
      // Fetch in chunks, not one entry per freed slot; a read coming back
      // asks again.
      if (out >= Math.ceil(hold / chunk) || room <= 0 || (room < chunk && c._queue.length + asked > 0)) {
        if (out) this.again.add(c);
        continue;
      }
      this.fetch(c, Math.min(room, chunk));
    }
  }

  fetch(c, count) {
    this.fetching.set(c, (this.fetching.get(c) || 0) + 1);
    this.asked.set(c, (this.asked.get(c) || 0) + count);
    this.bus._groupRead(this.name, c.name, count, this.patterns)
      .then((text) => this.give(c, text, 1), (err) => {
        // Redis restarted empty (or the stream was deleted): make the group again.
        if (/NOGROUP/.test(err.message)) this.create('0');
        else this.report(err);
      })
      .finally(() => this.fetched(c, count));
  }

  fetched(c, count) {
    this.asked.set(c, this.asked.get(c) - count);
    this.fetching.set(c, this.fetching.get(c) - 1);
    if (this.again.delete(c)) this.pull();
  }

  // Entries the engine already filtered, as records (native/src/redis_group.c)
  //   <stream id> US <event id> US <the event's fields> RS
  // split here without parsing: the envelope is built when its handler is
  // about to run (recordEnvelope), so what a consumer holds is strings, not
  // object trees the garbage collector copies on every scavenge.
  give(c, text, deliveries) {
    const give = [];
    for (let at = 0; at < text.length;) {
      const a = text.indexOf('\x1f', at);
      const b = text.indexOf('\x1f', a + 1);
      const end = text.indexOf('\x1e', b + 1);
      if (a < 0 || b < 0 || end < 0) break; // cannot happen: the engine writes whole records
      const id = text.slice(a + 1, b);
      if (!c._held.has(id)) give.push({ id, rid: text.slice(at, a), envelope: null, record: text.slice(b + 1, end), deliveries, own: true });
      at = end + 1;
    }
    this.hand(c, give, text.length > 0);
  }

  // Entries for consumer c (a closing one cannot take them: left pending);
  // after a non-empty read, the next one.
  hand(c, give, readSome) {
    if (give.length) {
      if (c._closed) this.release(c, give);
      else c._give(give);
    }
    if (readSome && !c._closed) this.pull();
  }

  // After the bus has connected: a consume() right after `new EventBus()`
  // must not fail (and must not create the group later at '0' instead).
  create(start) {
    this.ready = this.bus._redisReady()
      .then(() => this.bus._redis(['XGROUP', 'CREATE', this.stream, this.name, start, 'MKSTREAM']))
      .catch((err) => {
        if (!/BUSYGROUP/.test(err.message)) throw err;
      });
    this.ready.catch((err) => this.bus._report(err));
    return this.ready;
  }

  // Filters entries (the C matcher), acks the others, hands the rest over.
  take(c, entries, deliveriesOf) {
    const give = [];
    const skip = [];
    for (const [id, fields] of entries) {
      if (!fields) continue; // deleted meanwhile
      const parsed = entryEnvelope(id, fields);
      if (!parsed || (parsed.target && parsed.target !== this.name) || !this.matches(parsed.env.type)) skip.push(id);
      else if (!c._held.has(parsed.env.id)) give.push({ id: parsed.env.id, rid: id, envelope: parsed.env, deliveries: deliveriesOf(id) });
    }
    if (skip.length) this.ack(null, skip.map((id) => ({ id })));
    this.hand(c, give, entries.length > 0);
  }

  // Acks of one turn go out together, in XACKs of at most 500 ids; every
  // ack of the turn shares one promise (settled when they are all answered).
  ack(consumer, entries) {
    if (!this.ackRound) {
      const round = { ids: [], done: null };
      round.done = new Promise((resolve) => setImmediate(() => this.flushAcks(round, resolve)));
      this.ackRound = round;
    }
    for (const e of entries) this.ackRound.ids.push(e.rid || e.id);
    return this.ackRound.done;
  }

  flushAcks(round, resolve) {
    if (this.ackRound === round) this.ackRound = null;
    const { ids } = round;
    const sent = [];
    for (let i = 0; i < ids.length; i += 500) {
      sent.push(this.bus._redis(['XACK', this.stream, this.name, ...ids.slice(i, i + 500)])
        .catch((err) => this.report(err)));
    }
    Promise.all(sent).then(() => resolve());
  }

  // Left pending in Redis: XAUTOCLAIM hands them to a live consumer once idle
  // past ackTimeoutMs.
  release() {}

  deadLetter(consumer, entries, err, attempts) {
    return Promise.all(entries.map((e) => {
      const done = this.deadLetterOn
        ? this.bus._redis(['XADD', this.dlqStream, '*', 'id', e.id, 'e', JSON.stringify({ ...e.envelope, attempt: undefined }),
          'error', String(err && err.message ? err.message : err), 'code', String((err && err.code) || ''),
          'attempts', String(e.deliveries + attempts - 1), 'consumer', consumer.name, 'group', this.name,
          'failedAt', String(Date.now())])
        : Promise.resolve();
      return done.then(() => this.ack(consumer, [e]), (er) => this.bus._report(er));
    }));
  }

  // XAUTOCLAIM what dead consumers left; refresh lag and pending counts.
  housekeeping() {
    if (this.closed || !this.bus._redisUp()) return;
    // Entries a live consumer holds (queued, running, waiting to retry) are
    // kept fresh, so XAUTOCLAIM only takes what dead consumers left.
    for (const c of this.consumers) {
      if (!c._held.size) continue;
      const ids = [...c._held.values()].map((e) => e.rid || e.id);
      for (let i = 0; i < ids.length; i += 500) {
        this.bus._redis(['XCLAIM', this.stream, this.name, c.name, '0', ...ids.slice(i, i + 500), 'JUSTID'])
          .catch(() => {});
      }
    }
    for (const c of this.consumers) {
      const room = c.capacity(c.holdTarget());
      if (room <= 0 || this.fetching.get(c)) continue;
      this.fetching.set(c, 1);
      this.asked.set(c, (this.asked.get(c) || 0) + room);
      this.bus._redis(['XAUTOCLAIM', this.stream, this.name, c.name, String(this.ackTimeoutMs), '0-0', 'COUNT', String(room)])
        .then(async (reply) => {
          const entries = (reply && reply[1]) || [];
          if (!entries.length) return;
          // The delivery counts XAUTOCLAIM just raised: event.attempt.
          const counts = new Map();
          const pend = await this.bus._redis(['XPENDING', this.stream, this.name, entries[0][0],
            entries[entries.length - 1][0], String(entries.length * 2), c.name]);
          for (const [id, , , n] of pend || []) counts.set(id, n);
          this.take(c, entries, (id) => counts.get(id) || 2);
        }, () => {})
        .finally(() => this.fetched(c, room));
      break; // one claim round per tick
    }
    if (this.deadLetterOn) {
      this.bus._redis(['XLEN', this.dlqStream]).then((n) => { this.dlqCount = Number(n) || 0; }, () => {});
    }
    this.bus._redis(['XINFO', 'GROUPS', this.stream]).then((groups) => {
      for (const g of groups || []) {
        const o = {};
        for (let i = 0; i + 1 < g.length; i += 2) o[g[i]] = g[i + 1];
        if (o.name === this.name) this.info = { lag: Number(o.lag) || 0, pending: Number(o.pending) || 0 };
      }
    }, () => {});
    this.pull();
  }

  pendingOf() {
    return this.info.pending;
  }

  lag() {
    return this.info.lag;
  }

  get pending() {
    return { size: this.info.pending };
  }

  get dlq() {
    return { length: this.dlqCount || 0 };
  }

  dead() {
    const group = this;
    const bus = this.bus;
    const parse = ([id, fields]) => {
      const f = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return { dlqId: id, id: f.id, envelope: JSON.parse(f.e), error: f.error, code: f.code || undefined,
        attempts: Number(f.attempts), consumer: f.consumer, group: f.group, failedAt: Number(f.failedAt) };
    };
    return {
      async list({ count = 100, since } = {}) {
        const rows = await bus._redis(['XRANGE', group.dlqStream, '-', '+', 'COUNT', String(10000)]);
        let items = (rows || []).map(parse);
        if (since !== undefined) items = items.filter((d) => idAfter(d.id, since));
        return items.slice(0, count);
      },
      async retry(id) {
        const rows = (await bus._redis(['XRANGE', group.dlqStream, '-', '+', 'COUNT', String(10000)])) || [];
        const row = rows.map(parse).find((d) => d.id === id);
        if (!row) throw makeError('ERR_INVALID_ARGUMENT', `no dead letter with id ${id} in group ${group.name}`);
        const e = row.envelope;
        // Back on the stream for this group only (field g): not a new public event.
        const args = ['XADD', group.stream, '*', 't', e.type, 'ts', String(e.timestamp), 'd', JSON.stringify(e.data)];
        if (e.source !== undefined) args.push('s', e.source);
        if (e.priority) args.push('p', e.priority);
        if (e.metadata) args.push('m', JSON.stringify(e.metadata));
        if (e.version !== undefined) args.push('v', String(e.version));
        args.push('i', 'dead-letter-retry', 'g', group.name, 'o', e.id);
        await bus._redis(args);
        await bus._redis(['XDEL', group.dlqStream, row.dlqId]);
        return true;
      },
      async purge() {
        const n = Number(await bus._redis(['XLEN', group.dlqStream])) || 0;
        await bus._redis(['DEL', group.dlqStream]);
        return n;
      },
    };
  }

  destroy() {
    this.closed = true;
    clearInterval(this.timer);
    this.matcher.destroy();
  }
}

module.exports = { Consumer, EmbeddedGroup, RedisGroup, normalize };
