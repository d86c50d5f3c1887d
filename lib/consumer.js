'use strict';
// Durable consumers: bus.consume(pattern, handler, { group, ... }).
//
// A Consumer runs the handler with bounded concurrency, optional batches,
// retries with exponential backoff (+ jitter), a hung-handler timeout, and a
// dead-letter store after maxRetries; it acks what succeeded. Where events
// come from is a group source:
//   EmbeddedGroup (lib/embedded-group.js): in-memory offsets and pending entries shared by every
//     consumer of the group in this process; at-least-once within the
//     process (a failed or closed consumer's entries go to another one).
//   RedisGroup (lib/redis-group.js): a Redis consumer group on the bus's stream (XGROUP CREATE
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
  prefetch: 2048,
};
const HOLD_MS = 50; // a consumer holds about this much work (Redis reads)
const HOLD_START = 8; // ... and this many entries before it has a pace
const HELD_REBUILD = 4096; // Consumer._drop(): entries dropped between two copies of _held
const GROUP_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

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

// Stream/event ids "<ms>-<seq>" in order (both group kinds list dead
// letters after an id).
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
// consumer takes one entry at a time from a few hundred; an embedded
// group's log hands out one at a time from up to 100,000, where shift()
// and splice(0, n) copied the whole array each time).
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

  /** Puts `list` back in front, in its order. */
  unshift(list) {
    if (list.length <= this.head) {
      this.head -= list.length;
      for (let i = 0; i < list.length; i++) this.items[this.head + i] = list[i];
      return;
    }
    const rest = this.items.slice(this.head);
    this.items.length = 0; // see take()
    this.items = list.concat(rest);
    this.head = 0;
  }

  take(n) {
    const out = this.items.slice(this.head, this.head + n);
    // Taken slots are cleared: an entry done with must not stay reachable
    // (with its envelope) until the array is cut, or every scavenge copies
    // and promotes it.
    for (let i = this.head; i < this.head + out.length; i++) this.items[i] = undefined;
    this.head += out.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      // Cut once the taken part is most of the array: a copy of the rest
      // every 1,024 takes was quadratic on a 100,000-entry embedded log.
      const rest = this.items.slice(this.head);
      this.items.length = 0; // the old array must not keep the rest (see Consumer._drop)
      this.items = rest;
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
    this._dropped = 0; // entries dropped from _held since it was last copied (_drop)
    this._inflight = 0; // handler calls running (or waiting to retry)
    this._paused = false;
    this._closed = false;
    this._closing = null;
    this._batchTimer = null;
    this._retrying = new Set(); // { timer, entries }: failed calls waiting for their backoff
    this._stopped = false; // close()'s deadline passed: no handler starts any more
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
    // A fresh Map now and then: V8 keeps the tables a Map replaced linked to
    // their successors (with the entries they held) until a full GC, so one
    // promoted table would keep every later entry, its envelope and its
    // read's records alive through scavenges (see takePending in
    // lib/engine-messages.js). The copy is one table of what is held.
    if ((this._dropped += entries.length) >= HELD_REBUILD) {
      this._dropped = 0;
      this._held = new Map(this._held);
    }
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
    const draining = this._closed && this.group.drainOnClose && !this._stopped;
    while (!this._paused && (!this._closed || draining) && this._inflight < this._o.concurrency && this._queue.length) {
      const size = this._o.batchSize;
      if (size && this._queue.length < size && !this._closed) {
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

  // Entries whose handler was already started maxRetries + 1 times by
  // workers that died before it settled (Redis: `starts`, counted when a
  // claimed entry starts; a delivery alone is no start, so entries claimed
  // along with a poison one are not blamed) are dead-lettered without
  // another try: a poison event must not take down one worker after another
  // for ever.
  _runNow(entries) {
    const limit = this._o.maxRetries + 1;
    let run = entries;
    if (entries.some((e) => e.starts >= limit)) {
      const spent = entries.filter((e) => e.starts >= limit);
      run = entries.filter((e) => !(e.starts >= limit));
      const most = Math.max(...spent.map((e) => e.starts));
      this._inflight++;
      this._failed(spent, 1, makeError('ERR_TIMEOUT',
        `started ${most + 1} times by workers that died before it settled; maxRetries ${this._o.maxRetries} spent`));
    }
    if (!run.length) return;
    this._inflight++;
    this._attempt(run, 1);
  }

  // The object a handler gets. An envelope only this consumer holds (a
  // Redis group's, parsed for it) is handed over as it is on the first try
  // (no copy per event); shared ones (embedded groups, where other groups
  // see the same envelope) and retries get a shallow copy with `attempt`.
  // Handlers should treat events as read-only: a change made on the first
  // try of a Redis event is still there on a retry (documented).
  _event(e, attempt) {
    if (e.envelope === null) {
      e.envelope = this.group.envelopeOf(e); // a Redis read's entry, built only now (RedisGroup.give)
      e.record = undefined;
    }
    const n = e.deliveries + attempt - 1;
    if (attempt === 1 && e.own) {
      e.envelope.attempt = n;
      return e.envelope;
    }
    // Not `{ ...e.envelope, attempt: n }`: V8 (Node 20) takes a slow path
    // for a spread followed by more properties, 0.75 µs against 0.09.
    const copy = Object.assign({}, e.envelope);
    copy.attempt = n;
    return copy;
  }

  // One try of the handler; the slot stays taken through retries.
  _attempt(entries, attempt) {
    const o = this._o;
    if (attempt === 1) this.group.started(entries); // redeliveries' starts are counted (the group filters)
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
    const fail = (err) => {
      if (run.settled) return;
      run.settled = true;
      this._running.delete(run);
      this._failed(entries, attempt, err);
    };
    try {
      result.then(() => {
        if (run.settled) return;
        run.settled = true;
        this._running.delete(run);
        this._pace(startedAt);
        this._succeeded(entries);
      }, fail);
    } catch (err) {
      fail(err); // a thenable whose then() throws
    }
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
        this._stats.timedOut += run.entries.length;
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

  // `attempt` counts this consumer's tries; tries started by workers that
  // died before they settled (Redis `starts`) count too.
  _failed(entries, attempt, err) {
    const o = this._o;
    this._stats.failed += entries.length;
    const tries = attempt + Math.max(...entries.map((e) => e.starts || 0));
    if (tries <= o.maxRetries && !this._closed) {
      this._stats.retried += entries.length;
      const base = Math.min(o.retryMaxDelayMs, o.retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5)); // ±25% jitter
      const wait = { entries, timer: null };
      wait.timer = setTimeout(() => {
        this._retrying.delete(wait);
        this._attempt(entries, attempt + 1);
      }, delay);
      this._retrying.add(wait);
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

  // Entries this consumer will not handle: an embedded group gives them to
  // another consumer; a Redis group leaves them pending (XAUTOCLAIM).
  _giveBack(entries, tried) {
    this._drop(entries);
    this.group.release(this, entries, tried);
  }

  /** Stops fetching, waits for running handlers (bounded), gives back the rest. */
  close() {
    if (this._closing) return this._closing;
    this._closed = true;
    if (this._batchTimer) {
      clearTimeout(this._batchTimer);
      this._batchTimer = null; // a partial batch runs now (Redis) instead
    }
    // Failed calls waiting for their backoff are not retried here.
    for (const wait of this._retrying) {
      clearTimeout(wait.timer);
      this._inflight--;
      this._giveBack(wait.entries, true);
    }
    this._retrying.clear();
    // Fetched entries a Redis group cannot hand back (Redis has no "unclaim")
    // are handled before closing, unless the consumer is paused; an embedded
    // group gives them to others.
    if (!this.group.drainOnClose || this._paused) this._giveBack(this._queue.take(Infinity), false);
    this._closing = new Promise((resolve) => {
      if (this._inflight === 0 && this._queue.length === 0) return resolve();
      const deadline = setTimeout(() => {
        // The deadline: nothing new starts; what runs may still finish and ack.
        this._stopped = true;
        this._giveBack(this._queue.take(Infinity), false);
        resolve();
      }, this._o.closeTimeoutMs);
      deadline.unref();
      this._closeResolve = () => {
        clearTimeout(deadline);
        resolve();
      };
      this._pump();
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

module.exports = { Consumer, normalize, idAfter, Fifo, HELD_REBUILD };
