'use strict';
// EventBus: an EventEmitter2 whose emits are also forwarded, in batches, to
// the C engine thread (native/src/engine.c) when a server (or, later, Redis)
// is configured. A plain `new EventBus()` is an in-process EventEmitter2.
const { EventEmitter2 } = require('eventemitter2');
const native = require('./native');
const errors = require('./errors');
const { normalizeOptions } = require('./options');
const { EnvelopeEncoder, PRIORITIES } = require('./envelope');
const { onEngineMessages } = require('./engine-messages');
const { PendingPublishes } = require('./pending-publishes');

const { makeError, fromErrno } = errors;

// A batch is flushed at the end of the current microtask, or at once when it
// reaches these, so a tight emit loop keeps bounded JS memory. Records are
// written as UTF-8 straight into one reused Buffer (a string batch would be
// flattened and re-encoded inside N-API: measured ~3x the cost).
const BATCH_MAX_EVENTS = 4096;
const BATCH_BYTES = 1 << 20;

// EE2's own meta-events never leave the process.
const META_EVENTS = new Set(['newListener', 'removeListener', 'removeListenerAny', 'error']);

const kState = Symbol('eventwire.state');

// publish()'s promise executor: one function for every call (a closure per
// call was garbage per event); the resolvers are read right after.
const captured = { resolve: null, reject: null };
function captureResolvers(resolve, reject) {
  captured.resolve = resolve;
  captured.reject = reject;
}

// The id stored with every event this bus writes to Redis, so its relay can
// tell its own events from other instances'. Unique per bus.
let busCounter = 0;
function instanceId() {
  const base = process.env.INSTANCE_ID || `${require('os').hostname()}-${process.pid}`;
  return `${base}-${++busCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

function st0RedisState(opts) {
  return opts.redis ? 'connecting' : 'off';
}

// A single plain-object argument with a string `type` is an envelope emit.
function isEnvelopeArg(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.type === 'string';
}

// Buses whose engine must be stopped if the process exits without close().
const liveBuses = new Set();
let exitHookInstalled = false;
function trackLive(bus) {
  liveBuses.add(bus);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const b of liveBuses) b[kState].engine && b[kState].engine.dispose();
      liveBuses.clear();
    });
  }
}

class EventBus extends EventEmitter2 {
  constructor(options) {
    const opts = normalizeOptions(options);
    super(opts.ee2);
    this[kState] = {
      opts,
      encoder: new EnvelopeEncoder(opts.ee2.delimiter, opts.source),
      engine: null,
      refed: true,
      batch: null, // Buffer of BATCH_BYTES, allocated with the engine
      batchLen: 0,
      batchCount: 0,
      batchPublishes: null, // reqs of the publish() calls in the batch
      flushScheduled: false,
      nextReq: 1,
      pending: new Map(), // req -> { kind: 'listen'|'history'|'health'|'redis', ... }
      pubs: new PendingPublishes(), // the publish() calls the engine has not settled
      redis: { state: st0RedisState(opts), lastError: null, waiters: [] },
      listening: null, // Promise of { port, host }
      address: null,
      closed: false,
      closing: null, // Promise
      closeResolve: null,
      current: null, // envelope of the event being emitted (for subscribe)
      subscriptions: new Set(), // subscribe() wrappers still registered
      groups: new Map(), // consumer group name -> EmbeddedGroup
      consumers: new Set(),
      consumerSeq: 0, // default consumer names: <instance>-<n>
      closeHooks: new Set(), // _whenClosed()
      feeds: new Set(), // _streamFeed(): every stream entry the relay reads, in order (Redis mode)
      watchStream: false, // a Redis consumer group wants EW_MSG_STREAM
      reporting: false, // _report() is emitting 'error'
      counters: { emitted: 0, forwarded: 0, batches: 0, droppedInboxFull: 0, publishFailed: 0 },
    };
    this[kState].instance = instanceId();
    this._flushBound = () => this._flush();
    if (opts.engine) this._startEngine();
  }

  // ---- emitting ---------------------------------------------------------

  emit(type, ...args) {
    if (args.length === 0 && isEnvelopeArg(type)) return this._emitEnvelope(type);
    const st = this[kState];
    const name = this._forwardName(type);
    if (name === null) return super.emit(type, ...args);
    if (st.closed) throw makeError('ERR_CLOSED', `cannot emit "${name}" after close()`);
    const data = args.length <= 1 ? args[0] : args;
    const env = this._accept(name, data, undefined);
    const prev = st.current;
    st.current = env;
    try {
      return super.emit(type, ...args);
    } finally {
      st.current = prev;
    }
  }

  // emit({ type, data, source, metadata, priority, version }): the envelope
  // style of the migration guides. Local listeners get `data`; subscribers
  // and clients get the envelope with those fields (id and timestamp are
  // always assigned here).
  _emitEnvelope(e) {
    const st = this[kState];
    const name = this._forwardName(e.type);
    if (name === null) return super.emit(e.type, e.data);
    if (st.closed) throw makeError('ERR_CLOSED', `cannot emit "${name}" after close()`);
    const options = {};
    for (const key of ['source', 'metadata', 'priority', 'version']) if (e[key] !== undefined) options[key] = e[key];
    const env = this._accept(name, e.data, options);
    const prev = st.current;
    st.current = env;
    try {
      return super.emit(e.type, e.data);
    } finally {
      st.current = prev;
    }
  }

  emitAsync(type, ...args) {
    const st = this[kState];
    const name = this._forwardName(type);
    if (name === null) return super.emitAsync(type, ...args);
    if (st.closed) return Promise.reject(makeError('ERR_CLOSED', `cannot emit "${name}" after close()`));
    let env;
    try {
      env = this._accept(name, args.length <= 1 ? args[0] : args, undefined);
    } catch (err) {
      return Promise.reject(err);
    }
    const prev = st.current;
    st.current = env;
    try {
      return super.emitAsync(type, ...args);
    } finally {
      st.current = prev;
    }
  }

  /**
   * Emits like emit() and resolves with the event id once it is durable:
   * the Redis stream id once XADD acknowledged it (Redis mode), the engine's
   * id once it has taken the event (embedded), or at once without an engine.
   */
  publish(type, data, options) {
    const st = this[kState];
    let done = null;
    try {
      if (typeof type !== 'string') {
        throw makeError('ERR_INVALID_EVENT_NAME', `publish() needs a string event name, got ${typeof type}`);
      }
      if (st.closed) throw makeError('ERR_CLOSED', `cannot publish "${type}" after close()`);
      if (META_EVENTS.has(type) || st.encoder.hasWildcard(type)) {
        throw makeError('ERR_INVALID_EVENT_NAME', `"${type}" is a pattern or a reserved name; publish a concrete event name`);
      }
      if (!st.engine) st.encoder.checkName(type); // with an engine, encode() checks it
      const req = st.engine ? this._nextReq() : 0;
      if (req) {
        // Registered before _accept: a consumer handler it runs may publish
        // too, and requests wait in the order they were made.
        done = new Promise(captureResolvers);
        st.pubs.add(req, captured.resolve, captured.reject);
        captured.resolve = null;
        captured.reject = null;
      }
      let env;
      try {
        env = this._accept(type, data, options || {}, req ? `p${req}` : '', req);
      } catch (err) {
        // Not queued (a bad name or payload): its promise is let go, never
        // settled. (Already settled if a full batch was refused on the way.)
        if (req) st.pubs.drop(req);
        throw err;
      }
      if (!req) done = Promise.resolve(env.id);
      const prev = st.current;
      st.current = env;
      try {
        super.emit(type, data);
      } finally {
        st.current = prev;
      }
      return done;
    } catch (err) {
      // The caller gets the error (a listener's throw included, as EE2's
      // emit would pass it on). The event's own promise, if any, may still
      // be settled by the engine (the event was queued before a listener
      // threw): nobody holds it, so its rejection must not go unhandled.
      if (done) done.catch(() => {});
      return Promise.reject(err);
    }
  }

  /**
   * Subscribes to a pattern; the listener gets the full envelope
   * { id, type, data, source, timestamp, priority?, metadata? }.
   * Returns a function that removes the subscription.
   */
  subscribe(pattern, listener) {
    const st = this[kState];
    if (typeof listener !== 'function') {
      throw makeError('ERR_INVALID_ARGUMENT', 'subscribe(pattern, listener) needs a function listener');
    }
    st.encoder.checkPattern(pattern);
    const bus = this;
    const wrapper = function eventwireSubscriber(...args) {
      if (st.reporting && this.event === 'error') return undefined; // the bus's own 'error' event is not an event envelope
      const env = st.current && st.current.type === this.event
        ? st.current
        : st.encoder.localEnvelope(this.event, args.length <= 1 ? args[0] : args);
      return listener.call(bus, env);
    };
    wrapper.listener = listener;
    wrapper.pattern = pattern;
    this.on(pattern, wrapper);
    st.subscriptions.add(wrapper);
    return () => {
      if (!st.subscriptions.has(wrapper)) return false;
      this.off(pattern, wrapper);
      st.subscriptions.delete(wrapper);
      return true;
    };
  }

  // EE2 can remove a subscribe() wrapper on its own (off(pattern, fn),
  // removeAllListeners()): keep the set of live subscriptions true.
  removeListener(...args) {
    const r = super.removeListener(...args);
    this._pruneSubscriptions();
    return r;
  }

  off(...args) {
    const r = super.off(...args);
    this._pruneSubscriptions();
    return r;
  }

  removeAllListeners(...args) {
    const r = super.removeAllListeners(...args);
    this._pruneSubscriptions();
    return r;
  }

  _pruneSubscriptions() {
    const subs = this[kState] && this[kState].subscriptions;
    if (!subs || subs.size === 0) return;
    for (const w of subs) {
      if (!this.listeners(w.pattern).includes(w)) subs.delete(w);
    }
  }

  _checkPattern(p) {
    this[kState].encoder.checkPattern(p);
  }

  get delimiter() {
    return this[kState].opts.ee2.delimiter;
  }

  /**
   * A durable consumer: `handler(event)` runs for every event matching
   * `pattern` (at least once; event.id is the idempotency key, event.attempt
   * the try), with retries, a dead-letter store and bounded concurrency.
   * Consumers of the same `group` share the work.
   */
  consume(pattern, handler, options) {
    const st = this[kState];
    const { Consumer, normalize } = require('./consumer');
    const { patterns, options: o } = normalize(this, pattern, handler, options);
    if (st.closed) throw makeError('ERR_CLOSED', 'cannot consume() after close()');
    let g = st.groups.get(o.group);
    if (!g && st.opts.redis) {
      const { RedisGroup } = require('./redis-group');
      g = new RedisGroup(this, o.group, patterns, o);
      st.groups.set(o.group, g);
      st.watchStream = true; // the relay says when the stream grew
      this._setWatch();
    } else if (!g) {
      const { EmbeddedGroup } = require('./embedded-group');
      g = new EmbeddedGroup(this, o.group, patterns, o.startFrom, o.deadLetter);
      st.groups.set(o.group, g);
      if (o.startFrom !== '$' && st.engine) g.loadRetained();
    } else if (g.patterns.join('\n') !== patterns.join('\n')) {
      throw makeError('ERR_INVALID_ARGUMENT', `group "${o.group}" already consumes ${JSON.stringify(g.patterns)}: every consumer of a group takes the same patterns`);
    }
    // Default names count up for the bus's life: a name is never reused
    // while its first holder may still run (metrics labels, Redis consumers).
    st.consumerSeq++;
    const c = new Consumer(g, o.consumer || `${st.instance}-${st.consumerSeq}`, handler, o);
    st.consumers.add(c);
    c.once('closed', () => st.consumers.delete(c));
    g.attach(c);
    return c;
  }

  // One non-blocking Redis command on the engine's connection: the reply as
  // JSON (arrays, strings, numbers, null).
  _redis(args) {
    return this._redisCall('redis', args);
  }

  // XREADGROUP filtered and encoded on the engine thread (consumer groups):
  // resolves with the engine's text, "<entries returned> RS" then
  // "<stream id> US <event id> US <fields> RS" per entry taken
  // (native/src/redis_group.c, RedisGroup.give()).
  _groupRead(group, consumer, count, patterns) {
    return this._redisCall('groupRead', [group, consumer, String(count), ...patterns], 'text');
  }

  _redisCall(method, args, kind = 'redis') {
    const st = this[kState];
    if (!st.engine) return Promise.reject(makeError('ERR_CLOSED', 'the bus is closed'));
    // One string for the engine (NUL-separated): one N-API conversion, not
    // one per argument (an XACK carries hundreds of ids).
    const strs = args.map(String);
    if (strs.some((a) => a.includes('\0'))) {
      return Promise.reject(makeError('ERR_INVALID_ARGUMENT', 'a Redis argument contains a NUL byte'));
    }
    return this._engineRequest(kind, (req) => st.engine[method](`${strs.join('\0')}\0`, strs.length, req));
  }

  // One request to the engine: call(req) starts it and returns 0 or an errno;
  // the promise settles when the engine answers (lib/engine-messages.js reads
  // the entry by its kind; `since` is the history request's).
  _engineRequest(kind, call, since) {
    const st = this[kState];
    const req = this._nextReq();
    const p = new Promise((resolve, reject) => st.pending.set(req, { kind, resolve, reject, since }));
    const rc = call(req);
    if (rc !== 0) {
      st.pending.delete(req);
      return Promise.reject(fromErrno(rc));
    }
    return p;
  }

  _redisUp() {
    return this[kState].redis.state === 'ready';
  }

  _redisStream() {
    return this[kState].opts.redis.stream;
  }

  /** The dead letters of a consumer group: { list, retry, purge }. */
  deadLetters(group) {
    const g = this[kState].groups.get(group);
    if (!g) throw makeError('ERR_INVALID_ARGUMENT', `no consumer group "${group}" on this bus`);
    return g.dead();
  }

  /** Per consumer group: its consumers' counters, lag and dead letters. */
  getSubscriberStats() {
    const st = this[kState];
    return [...st.groups.values()].map((g) => ({
      group: g.name,
      patterns: [...g.patterns],
      lag: g.lag(),
      pending: g.pending.size,
      deadLetters: g.dlq.length,
      overflow: g.overflow,
      consumers: [...st.consumers].filter((c) => c.group === g).map((c) => c.stats()),
    }));
  }

  /**
   * Puts the bus's metrics in a prom-client registry (lib/metrics.js):
   * engine counters as on GET /metrics, `up`, the bus's own counters and the
   * durable consumers' per group/consumer. Returns unregister().
   */
  registerMetrics(registry, options) {
    return require('./metrics').registerMetrics(this, registry, options);
  }

  // Returns the event name to forward, or null for what stays local:
  // symbols, meta-events, emitted wildcards, and everything when no engine
  // runs and nobody subscribed to envelopes.
  _forwardName(type) {
    const st = this[kState];
    if (!st.engine && !st.closed && st.subscriptions.size === 0 && st.groups.size === 0) return null;
    let name = type;
    if (Array.isArray(type)) {
      if (!type.every((s) => typeof s === 'string')) return null;
      // A segment holding the delimiter would reach the engine as two.
      if (st.engine && type.some((s) => s.includes(st.opts.ee2.delimiter))) {
        throw makeError('ERR_INVALID_EVENT_NAME', `array event names must not hold the delimiter "${st.opts.ee2.delimiter}" inside a segment`);
      }
      name = type.join(st.opts.ee2.delimiter);
    } else if (typeof type !== 'string') {
      return null;
    }
    if (META_EVENTS.has(name) || st.encoder.hasWildcard(name)) return null;
    return name;
  }

  // Builds the envelope and, with an engine, appends its record to the batch.
  // Throws (before any listener runs) on a bad name or unserialisable data.
  _accept(name, data, options, origin, req = 0) {
    const env = this._acceptOnly(name, data, options, origin, req);
    const st = this[kState];
    if (st.groups.size && !st.opts.redis) for (const g of st.groups.values()) g.offer(env);
    return env;
  }

  // `req`: the publish() whose record this is (0: none); it joins the batch
  // its record is in, so a batch the engine refuses rejects exactly its own.
  _acceptOnly(name, data, options, origin, req = 0) {
    const st = this[kState];
    if (!st.engine) {
      const env = st.encoder.localEnvelope(name, data, options);
      st.counters.emitted++;
      return env;
    }
    const enc = st.encoder;
    const env = enc.encode(name, data, options, origin);
    st.counters.emitted++;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: make sure the record fits.
    const worst = (enc.header.length + enc.json.length) * 3 + 1;
    if (st.batchLen + worst > st.batch.length) this._flush();
    if (worst > st.batch.length) this._growBatch(worst);
    const batch = st.batch;
    let at = st.batchLen;
    at += batch.utf8Write(enc.header, at);
    at += batch.utf8Write(enc.json, at);
    batch[at++] = 0x1e; // RS
    enc.header = ''; // not kept: a multi-megabyte payload would stay alive until the next event
    enc.json = '';
    st.batchLen = at;
    st.batchCount++;
    if (req) (st.batchPublishes || (st.batchPublishes = [])).push(req);
    if (st.batchCount >= BATCH_MAX_EVENTS) {
      this._flush();
    } else if (!st.flushScheduled) {
      st.flushScheduled = true;
      queueMicrotask(this._flushBound);
    }
    return env;
  }

  _flush() {
    const st = this[kState];
    st.flushScheduled = false;
    if (st.batchCount === 0 || !st.engine) return;
    const { batch, batchLen, batchCount, batchPublishes } = st;
    st.batchLen = 0;
    st.batchCount = 0;
    st.batchPublishes = null;
    const rc = st.engine.send(batch, batchLen, batchCount, 0);
    if (rc === 0) {
      st.counters.forwarded += batchCount;
      st.counters.batches++;
      return;
    }
    const err = fromErrno(rc, `${batchCount} event(s) were not accepted by the engine`, { dropped: batchCount });
    if (err.code === 'ERR_QUEUE_FULL') st.counters.droppedInboxFull += batchCount;
    for (const req of batchPublishes || []) {
      st.counters.publishFailed++;
      st.pubs.reject(req, err);
    }
    this._report(err);
  }

  // One record bigger than the batch buffer (a multi-megabyte payload): the
  // buffer grows to fit it (the batch is empty at this point).
  _growBatch(bytes) {
    this[kState].batch = Buffer.allocUnsafe(bytes);
  }

  // The bus's own errors (engine-side failures of fire-and-forget emits,
  // Redis faults) go to real 'error' listeners, a process warning otherwise
  // (never a throw from a microtask, which would crash the process). A
  // subscribe('**') (every SSE stream's default) neither counts as an
  // 'error' listener nor receives them.
  _report(err) {
    const st = this[kState];
    const listeners = this.listeners('error').filter((l) => !st.subscriptions.has(l));
    if (listeners.length === 0) {
      process.emitWarning(err.message, { code: err.code, type: 'EventwireWarning' });
      return;
    }
    st.reporting = true;
    try {
      super.emit('error', err);
    } finally {
      st.reporting = false;
    }
  }

  // Redis mode: fn(envelope) for every entry the relay reads, this
  // instance's own included, in stream order and with stream ids (what the
  // engine's own clients see); null otherwise. For JS SSE streams, whose
  // ids must be the stream's for a resume to be exact. Returns off().
  _streamFeed(fn) {
    const st = this[kState];
    if (!st.opts.redis || !st.engine || st.closed) return null;
    st.feeds.add(fn);
    if (st.feeds.size === 1) this._setWatch();
    return () => {
      if (st.feeds.delete(fn) && st.feeds.size === 0 && st.engine && !st.closed) this._setWatch();
    };
  }

  _setWatch() {
    const st = this[kState];
    st.engine.redisWatch((st.watchStream ? 1 : 0) | (st.feeds.size ? 2 : 0)); // EW_WATCH_STREAM | EW_WATCH_OWN
  }

  // Runs fn once when close() is called (open SSE streams end then); returns
  // a function that removes it.
  _whenClosed(fn) {
    const st = this[kState];
    st.closeHooks.add(fn);
    return () => st.closeHooks.delete(fn);
  }

  _nextReq() {
    const st = this[kState];
    const req = st.nextReq;
    st.nextReq = st.nextReq >= 0xffffffff ? 1 : st.nextReq + 1;
    return req;
  }

  // ---- engine lifecycle -------------------------------------------------

  _startEngine() {
    const st = this[kState];
    st.engine = new native.Engine(
      {
        delimiter: st.opts.ee2.delimiter,
        inboxMaxEvents: st.opts.inbox.maxEvents,
        inboxMaxBytes: st.opts.inbox.maxBytes,
        historySize: st.opts.history.size,
        historyMaxAgeMs: st.opts.history.maxAgeMs,
        redis: st.opts.redis ? { ...st.opts.redis, instance: st.instance } : undefined,
      },
      (msgs) => onEngineMessages(this, this[kState], msgs)
    );
    if (!st.refed) st.engine.unref();
    st.batch = Buffer.allocUnsafe(BATCH_BYTES);
    trackLive(this);
  }

  // Resolves once Redis is up (at once without Redis); rejects when the
  // engine gives up on it (lib/engine-messages.js settles the waiters).
  _redisReady() {
    const r = this[kState].redis;
    if (r.state === 'off' || r.state === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => r.waiters.push({ resolve, reject }));
  }

  /**
   * { status: 'ok' | 'unavailable', mode, redis?: { state, queued, ... } }:
   * unavailable while Redis is down, the relay is stalled or the queue is full.
   */
  health() {
    const st = this[kState];
    if (st.closed) return Promise.resolve({ status: 'unavailable', mode: st.opts.redis ? 'redis' : 'embedded', closed: true });
    if (!st.engine) return Promise.resolve({ status: 'ok', mode: 'local' });
    return this._engineRequest('health', (req) => st.engine.health(req));
  }

  getEventHistory({ pattern, count = 100, since } = {}) {
    const st = this[kState];
    try {
      if (st.closed) throw makeError('ERR_CLOSED', 'cannot read history after close()');
      if (!st.engine) {
        throw makeError('ERR_INVALID_OPTION', 'history lives in the engine: pass server, history or engine: true to new EventBus()');
      }
      if (pattern !== undefined) st.encoder.checkPattern(pattern);
      if (!Number.isSafeInteger(count) || count < 1 || count > 10000) {
        throw makeError('ERR_INVALID_ARGUMENT', `count must be an integer 1..10000, got ${String(count)}`);
      }
      if (since !== undefined && (typeof since !== 'string' || !/^\d{1,19}-\d{1,19}$/.test(since))) {
        throw makeError('ERR_INVALID_SINCE', 'since must be an event id "<ms>-<seq>"');
      }
      this._flush(); // events emitted just before are part of the answer
      return this._engineRequest('history', (req) => st.engine.history(pattern || '', since || '', count, req), since);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * A web ReadableStream of Server-Sent Events (bytes) for the events
   * matching `pattern`, resuming after `lastEventId`; closes on `signal`
   * abort. For Next.js route handlers and other fetch-style servers.
   */
  createEventStream(options) {
    return require('./sse').createEventStream(this, options);
  }

  /** Serves a static document at GET `path` on the engine's server. */
  serveStatic(path, body, { contentType = 'text/html; charset=utf-8' } = {}) {
    const st = this[kState];
    if (st.closed) throw makeError('ERR_CLOSED', 'cannot add routes after close()');
    if (typeof path !== 'string' || !/^\/[\x21-\x7e]*$/.test(path) || path.includes('?')) {
      throw makeError('ERR_INVALID_ARGUMENT', 'path must start with "/" and hold printable ASCII without "?"');
    }
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
      throw makeError('ERR_INVALID_ARGUMENT', 'body must be a string or a Buffer');
    }
    if (typeof contentType !== 'string' || /[\r\n]/.test(contentType)) {
      throw makeError('ERR_INVALID_ARGUMENT', 'contentType must be a header value');
    }
    if (!st.engine) this._startEngine();
    const rc = st.engine.route(path, contentType, body);
    if (rc !== 0) throw fromErrno(rc);
    return this;
  }

  /**
   * Serves the operator page (lib/admin.html) at GET `path`: health, counters
   * with rates and a live tail, read from /health, /stats and /ws only.
   */
  serveAdmin(path = '/admin') {
    if (typeof path !== 'string' || !/^\/[\x21-\x7e]*$/.test(path) || path.includes('?')) {
      throw makeError('ERR_INVALID_ARGUMENT', 'path must start with "/" and hold printable ASCII without "?"');
    }
    const server = this[kState].opts.server;
    const page = require('./admin').adminPage({ path, wsPath: server ? server.path : '/ws' });
    return this.serveStatic(path, page, { contentType: 'text/html; charset=utf-8' });
  }

  /**
   * Starts the server configured in options.server and waits for the first
   * Redis connection when Redis is configured; resolves { port, host } (an
   * empty object for a Redis-only bus).
   */
  listen() {
    const st = this[kState];
    if (st.closed) return Promise.reject(makeError('ERR_CLOSED', 'cannot listen() after close()'));
    if (!st.opts.server && !st.opts.redis) {
      return Promise.reject(makeError('ERR_NO_SERVER', 'pass options.server ({ port, host }) to new EventBus() to listen'));
    }
    if (st.listenAll) return st.listenAll;
    const server = st.opts.server ? this._listenServer() : Promise.resolve({});
    st.listenAll = server.then(async (addr) => {
      await this._redisReady();
      return addr;
    });
    // A failed listen() can be tried again.
    st.listenAll.catch(() => { st.listenAll = null; });
    return st.listenAll;
  }

  _listenServer() {
    const st = this[kState];
    if (!st.engine) this._startEngine();
    const req = this._nextReq();
    st.listening = new Promise((resolve, reject) => {
      st.pending.set(req, { kind: 'listen', resolve, reject });
    });
    const rc = st.engine.listen(st.opts.server, req);
    if (rc !== 0) {
      st.pending.delete(req);
      const p = Promise.reject(fromErrno(rc));
      st.listening = null;
      return p;
    }
    return st.listening;
  }

  /** { port, host } once listening, else null. */
  address() {
    const a = this[kState].address;
    return a ? { ...a } : null;
  }

  /** Lets the process exit while the bus is open (like net.Server#unref). */
  unref() {
    const st = this[kState];
    st.refed = false;
    if (st.engine) st.engine.unref();
    return this;
  }

  ref() {
    const st = this[kState];
    st.refed = true;
    if (st.engine) st.engine.ref();
    return this;
  }

  /**
   * Stops accepting events, hands every accepted event to the engine, stops
   * the engine thread and frees it. Idempotent; safe inside a listener.
   */
  close() {
    const st = this[kState];
    if (st.closing) return st.closing;
    st.closed = true;
    for (const fn of [...st.closeHooks]) {
      try {
        fn();
      } catch (err) {
        process.emitWarning(String((err && err.message) || err), { type: 'EventwireWarning' });
      }
    }
    st.closeHooks.clear();
    // Durable consumers stop fetching and finish what runs (bounded by
    // their closeTimeoutMs); their groups' native matchers go with them.
    const consumers = Promise.all([...st.consumers].map((c) => c.close())).then(() => {
      for (const g of st.groups.values()) g.destroy();
      st.groups.clear();
      st.consumers.clear();
    });
    if (!st.engine) {
      st.closing = consumers;
      return st.closing;
    }
    this._flush();
    const engineClosed = new Promise((resolve) => {
      st.closeResolve = resolve;
    });
    st.engine.ref(); // finish closing even if the bus was unref()'d
    if (st.opts.redis && st.consumers.size) {
      // Redis consumers ack through the engine: it closes after them.
      st.closing = consumers.then(() => {
        if (st.engine) st.engine.close();
        return engineClosed;
      });
    } else {
      st.closing = Promise.all([engineClosed, consumers]).then(() => {});
      st.engine.close();
    }
    return st.closing;
  }

  _finishClose() {
    const st = this[kState];
    if (!st.engine) return;
    st.engine.dispose();
    st.engine = null;
    liveBuses.delete(this);
    const err = makeError('ERR_CLOSED', 'the bus closed before the engine answered');
    for (const p of st.pending.values()) {
      p.reject(err);
    }
    st.pending.clear();
    st.pubs.rejectAll(err);
    if (st.closeResolve) st.closeResolve();
  }

  get closed() {
    return this[kState].closed;
  }

  /** Counters of the JS side and, when it runs, the engine. */
  stats() {
    const st = this[kState];
    return {
      closed: st.closed,
      listening: st.address !== null,
      subscriptions: (this._pruneSubscriptions(), st.subscriptions.size),
      emitted: st.counters.emitted,
      forwarded: st.counters.forwarded,
      batches: st.counters.batches,
      pendingPublishes: st.pubs.size,
      redis: st.redis.state,
      dropped: { inboxFull: st.counters.droppedInboxFull },
      publishFailed: st.counters.publishFailed,
      engine: st.engine ? st.engine.stats() : null,
    };
  }
}

// EE2 keeps `EventEmitter2.EventEmitter2`; give the subclass its own.
EventBus.EventBus = EventBus;
EventBus.PRIORITIES = PRIORITIES;

// Explicit names (not a spread) so Node's ESM loader sees each export, and
// __esModule so `import EventBus from 'eventwire'` works through bundlers.
module.exports = {
  EventBus,
  EventEmitter2,
  PRIORITIES,
  EventwireError: errors.EventwireError,
  InvalidArgumentError: errors.InvalidArgumentError,
  ClosedError: errors.ClosedError,
  QueueFullError: errors.QueueFullError,
  ServerError: errors.ServerError,
  HistoryGapError: errors.HistoryGapError,
  RedisError: errors.RedisError,
  TimeoutError: errors.TimeoutError,
  EngineError: errors.EngineError,
  codes: errors.codes,
  errorTable: errors.errorTable,
  makeError: errors.makeError,
  fromErrno: errors.fromErrno,
  default: EventBus,
};
Object.defineProperty(module.exports, '__esModule', { value: true });
