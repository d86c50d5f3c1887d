'use strict';
// Server-Sent Events over a web ReadableStream (for Next.js route handlers and
// any fetch-style server): `bus.createEventStream(options)` and
// `eventStreamResponse(bus, request, options)`.
//
// Resume is gap-free and duplicate-free: the stream subscribes first and holds
// live envelopes while it reads the history after `lastEventId`; ids are taken
// in emit order on the JS thread, so every matching event from the first held
// live one on is in the held list, and every one before it is in the history
// (the history command travels behind the events already emitted). The stream
// sends the history before that first live id, then the held events, then
// live ones.
//
// Slow consumers (the engine's policy, docs/PROTOCOL.md "Slow clients"): at
// most `maxBuffered` live envelopes wait for the reader; past that, queued
// `low` events are dropped first (oldest first), then a new `low` event is
// dropped, and both are announced in one `eventwire.dropped` event once the
// reader has caught up; a `normal`/`high`/`critical` event that does not fit
// ends the stream with `eventwire.error` {code: "ERR_LIMIT"} after what was
// queued, and the client reconnects with Last-Event-ID.
const native = require('./native');
const { envInt } = require('./options');
const { makeError } = require('./errors');

const PAGE = 1000; // history page size, and the most history envelopes queued at once
const CHUNK_FRAMES = 64; // frames packed into one enqueued chunk...
const CHUNK_BYTES = 64 * 1024; // ...or about this many characters
const HIGH_WATER_CHUNKS = 4; // the ReadableStream's own queue, in chunks
const RECENT_IDS = 256; // ids remembered to drop the second copy of a multi-pattern match
const ID_RE = /^\d{1,19}-\d{1,19}$/;
const OPTION_KEYS = new Set(['pattern', 'lastEventId', 'signal', 'heartbeatMs', 'retryMs', 'maxBuffered']);

const sseHeaders = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

const encoder = new TextEncoder();

// ---- ids ---------------------------------------------------------------------

// Compares two ids "<ms>-<seq>" numerically by both parts, without BigInt:
// decimal strings without leading zeros compare by length, then text.
function compareIds(a, b) {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  return compareDecimal(a.slice(0, da), b.slice(0, db)) || compareDecimal(a.slice(da + 1), b.slice(db + 1));
}

function compareDecimal(x, y) {
  x = stripZeros(x);
  y = stripZeros(y);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s) {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return i ? s.slice(i) : s;
}

// ---- frames ------------------------------------------------------------------

const LINE_BREAK = /\r\n|\r|\n/;

// "data:" lines per the SSE spec: one per line of the payload.
function dataLines(text) {
  if (!LINE_BREAK.test(text)) return `data: ${text}\n`;
  return text.split(LINE_BREAK).map((line) => `data: ${line}\n`).join('');
}

// Field values cannot hold a line break (it would start another field).
function fieldValue(s) {
  s = String(s);
  return LINE_BREAK.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}

// One envelope object is shared by every subscriber of an emit: serialise it
// once for all the streams that carry it.
const frameCache = new WeakMap();

function eventFrame(env) {
  let frame = frameCache.get(env);
  if (frame === undefined) {
    frame = buildEventFrame(env);
    frameCache.set(env, frame);
  }
  return frame;
}

function buildEventFrame(env) {
  let json;
  try {
    json = JSON.stringify(env);
  } catch (err) {
    // Only possible on a bus without engine (whose data was never serialised):
    // the client still learns that the event happened.
    json = JSON.stringify({ ...env, data: null, error: { code: 'ERR_INVALID_PAYLOAD', message: err.message } });
  }
  return `id: ${fieldValue(env.id)}\nevent: ${fieldValue(env.type)}\n${dataLines(json)}\n`;
}

// Control events carry no id, so the client's Last-Event-ID stays the last event's.
function controlFrame(name, payload) {
  return `event: ${name}\n${dataLines(JSON.stringify(payload))}\n`;
}

// ---- the bounded live queue ------------------------------------------------------

// FIFO of live envelopes that can also drop its oldest `low` one in O(1)
// amortised: removed entries are marked and skipped, and the arrays are
// compacted once the marks outnumber the live entries.
class LiveQueue {
  constructor() {
    this.clear();
  }

  clear() {
    this.items = [];
    this.head = 0;
    this.lows = [];
    this.lowHead = 0;
    this.size = 0;
  }

  push(env, low) {
    const entry = { env, gone: false };
    this.items.push(entry);
    if (low) this.lows.push(entry);
    this.size++;
  }

  shift() {
    while (this.head < this.items.length) {
      const entry = this.items[this.head++];
      if (!entry.gone) return this._take(entry);
    }
    return null;
  }

  evictOldestLow() {
    while (this.lowHead < this.lows.length) {
      const entry = this.lows[this.lowHead++];
      if (!entry.gone) return this._take(entry);
    }
    return null;
  }

  _take(entry) {
    entry.gone = true;
    this.size--;
    const waste = this.items.length - this.size;
    if (waste > 1024 && waste > this.size) {
      this.items = this.items.slice(this.head).filter((e) => !e.gone);
      this.head = 0;
      this.lows = this.lows.slice(this.lowHead).filter((e) => !e.gone);
      this.lowHead = 0;
    }
    return entry.env;
  }
}

// ---- options ---------------------------------------------------------------------

function badOption(name, what) {
  return makeError('ERR_INVALID_ARGUMENT', `createEventStream(): ${name} ${what}`);
}

function intOption(v, name, min, max, dflt) {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw badOption(name, `must be an integer ${min}..${max}, got ${String(v)}`);
  return v;
}

function normalizeStreamOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) throw badOption('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw badOption(key, `is not a known option (known: ${[...OPTION_KEYS].join(', ')})`);
  }
  let patterns;
  const pattern = options.pattern === undefined ? '**' : options.pattern;
  if (Array.isArray(pattern)) {
    if (pattern.length === 0) throw makeError('ERR_INVALID_PATTERN', 'createEventStream(): pattern must not be an empty array');
    patterns = [...new Set(pattern)];
  } else {
    patterns = [pattern]; // bus.subscribe() checks it (ERR_INVALID_PATTERN)
  }
  let lastEventId = options.lastEventId;
  if (lastEventId === null || lastEventId === '') lastEventId = undefined;
  if (lastEventId !== undefined && (typeof lastEventId !== 'string' || !ID_RE.test(lastEventId))) {
    throw makeError('ERR_INVALID_SINCE', 'lastEventId must be an event id "<ms>-<seq>"');
  }
  const { signal } = options;
  if (signal !== undefined && signal !== null &&
      (typeof signal !== 'object' || typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    throw badOption('signal', 'must be an AbortSignal');
  }
  return {
    patterns,
    lastEventId,
    signal: signal || null,
    // As server.sse.heartbeatMs: at most an hour (a longer timer overflows
    // Node's 32-bit delay and fires every millisecond); 0 = none.
    heartbeatMs: intOption(options.heartbeatMs, 'heartbeatMs', 0, 3600000, envInt('SSE_HEARTBEAT_INTERVAL', 15000, 3600000)),
    retryMs: intOption(options.retryMs, 'retryMs', 0, 3600000, 3000),
    maxBuffered: intOption(options.maxBuffered, 'maxBuffered', 1, 1000000, 1000),
  };
}

// ---- the stream ------------------------------------------------------------------

/**
 * A ReadableStream<Uint8Array> of Server-Sent Events for the events of `bus`
 * matching `pattern` (a pattern or an array of them), resuming after
 * `lastEventId`. Throws InvalidArgumentError (ERR_INVALID_PATTERN,
 * ERR_INVALID_SINCE, ERR_INVALID_ARGUMENT) or ClosedError at once.
 */
function createEventStream(bus, options) {
  if (!bus || typeof bus.subscribe !== 'function' || typeof bus.getEventHistory !== 'function') {
    throw makeError('ERR_INVALID_ARGUMENT', 'createEventStream(bus, options) needs an EventBus');
  }
  const opts = normalizeStreamOptions(options);
  if (bus.closed) throw makeError('ERR_CLOSED', 'cannot stream events after close()');
  const { patterns, lastEventId, signal, maxBuffered } = opts;

  let controller = null;
  let finished = false; // controller closed (or cancelled): nothing more is enqueued
  let ending = null; // { code, ... }: send what is queued, then this eventwire.error, then close
  let detached = false; // subscriptions and timer removed
  let phase = lastEventId === undefined ? 'live' : 'history';
  let liveFrom = null; // id of the first live envelope held while the history is read
  const hist = []; // history envelopes and gap frames (strings) not yet sent
  let histHead = 0;
  let roomWaiter = null; // resolves the history reader when `hist` has room again
  const live = new LiveQueue();
  let dropped = null; // { count, first, last } of `low` events not delivered
  let drainScheduled = false;
  let timer = null;
  const offs = [];
  const recent = patterns.length > 1 ? { set: new Set(), ring: new Array(RECENT_IDS), at: 0 } : null;

  // -- live events --

  let matcher = null; // Redis mode: the patterns, for the relay's feed
  function onFeed(env) {
    const hit = matcher.match(env.type);
    if (Array.isArray(hit) && hit.length) onLive(env);
  }

  function onLive(env) {
    if (detached || finished) return;
    if (recent) {
      // One emit matching two patterns reaches both subscriptions.
      if (recent.set.has(env.id)) return;
      const old = recent.ring[recent.at];
      if (old !== undefined) recent.set.delete(old);
      recent.ring[recent.at] = env.id;
      recent.at = (recent.at + 1) % RECENT_IDS;
      recent.set.add(env.id);
    }
    if (liveFrom === null) liveFrom = env.id;
    const low = env.priority === 'low';
    if (live.size >= maxBuffered) {
      const evicted = live.evictOldestLow();
      if (evicted) {
        countDropped(evicted);
      } else if (low) {
        countDropped(env);
        return;
      } else {
        end({ code: 'ERR_LIMIT', reason: 'slow_consumer',
          message: `the reader fell ${maxBuffered} events behind; reconnect with Last-Event-ID` });
        return;
      }
    }
    live.push(env, low);
    scheduleDrain();
  }

  function countDropped(env) {
    if (!dropped) {
      dropped = { count: 1, first: env.id, last: env.id };
      return;
    }
    dropped.count++;
    if (compareIds(env.id, dropped.first) < 0) dropped.first = env.id;
    if (compareIds(env.id, dropped.last) > 0) dropped.last = env.id;
  }

  // -- writing --

  function scheduleDrain() {
    if (drainScheduled || finished) return;
    drainScheduled = true;
    queueMicrotask(drain);
  }

  // The next frame to send, or null when nothing can be sent now.
  function nextFrame() {
    if (histHead < hist.length) {
      const item = hist[histHead];
      hist[histHead++] = undefined;
      if (histHead === hist.length) {
        hist.length = 0;
        histHead = 0;
      } else if (histHead >= PAGE) {
        hist.splice(0, histHead); // a reader that never quite catches up
        histHead = 0;
      }
      return typeof item === 'string' ? item : eventFrame(item);
    }
    if (phase === 'history') return null;
    if (dropped && (live.size <= maxBuffered >> 1 || ending)) {
      const frame = controlFrame('eventwire.dropped', { count: dropped.count, first: dropped.first, last: dropped.last });
      dropped = null;
      return frame;
    }
    const env = live.shift();
    if (env) return eventFrame(env);
    return null;
  }

  // controller.enqueue() may call pull() (and so drain()) at once: a nested
  // call only asks the running one for another pass, so one loop owns the
  // controller and nothing is enqueued after the stream was closed.
  let draining = false;
  let drainAgain = false;
  function drain() {
    drainScheduled = false;
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      do {
        drainAgain = false;
        drainOnce();
      } while (drainAgain && !finished);
    } finally {
      draining = false;
    }
  }

  function drainOnce() {
    if (finished) return;
    for (;;) {
      if (finished) return;
      const room = controller.desiredSize;
      if (room === null || room <= 0) break;
      let chunk = '';
      let frames = 0;
      while (frames < CHUNK_FRAMES && chunk.length < CHUNK_BYTES) {
        const frame = nextFrame();
        if (frame === null) break;
        chunk += frame;
        frames++;
      }
      if (frames === 0) {
        if (ending) {
          // Everything before it went out: the error, then the end.
          controller.enqueue(encoder.encode(controlFrame('eventwire.error', ending)));
          finish(true);
        }
        break;
      }
      controller.enqueue(encoder.encode(chunk));
    }
    if (roomWaiter && hist.length - histHead < PAGE) {
      const wake = roomWaiter;
      roomWaiter = null;
      wake();
    }
  }

  function enqueueNow(text) {
    if (finished) return;
    const room = controller.desiredSize;
    if (room !== null && room > 0) controller.enqueue(encoder.encode(text));
  }

  // -- ending --

  function detach() {
    if (detached) return;
    detached = true;
    for (const off of offs.splice(0)) off();
    if (timer) clearInterval(timer);
    timer = null;
    if (roomWaiter) {
      const wake = roomWaiter;
      roomWaiter = null;
      wake();
    }
  }

  function freeBuffers() {
    hist.length = 0;
    histHead = 0;
    live.clear();
    dropped = null;
  }

  // Stops taking events; the reader gets what is queued, then `error`.
  function end(error) {
    if (ending || finished) return;
    ending = error;
    detach();
    if (phase === 'history') {
      // What was held is after history not yet sent: sending it would leave
      // a gap. The client resumes from the last history id it got.
      live.clear();
      dropped = null;
      phase = 'ended';
    }
    scheduleDrain();
  }

  function finish(close) {
    if (finished) return;
    finished = true;
    detach();
    freeBuffers();
    if (signal) signal.removeEventListener('abort', onAbort);
    if (close) {
      try {
        controller.close();
      } catch {
        // already closed or errored by the consumer
      }
    }
  }

  function onAbort() {
    finish(true);
  }

  // -- history --

  function stopped() {
    return detached || finished;
  }

  async function fetchPage(cursor, gaps) {
    let page;
    try {
      page = await bus.getEventHistory({ pattern: cursor.pattern, since: cursor.since, count: PAGE });
    } catch (err) {
      if (err && err.code === 'ERR_HISTORY_GAP') {
        page = Array.isArray(err.events) ? err.events : [];
        gaps.push(err.oldest !== undefined ? err.oldest : page.length ? page[0].id : null);
      } else if (err && err.code === 'ERR_INVALID_OPTION' && !bus.closed) {
        // A bus without engine keeps no history: say so, then go live.
        gaps.push(null);
        cursor.done = true;
        cursor.buf = [];
        cursor.i = 0;
        return;
      } else {
        throw err;
      }
    }
    cursor.buf = page;
    cursor.i = 0;
    if (page.length < PAGE) cursor.done = true;
    else cursor.since = page[page.length - 1].id;
  }

  async function replay() {
    const cursors = patterns.map((pattern) => ({ pattern, since: lastEventId, buf: [], i: 0, done: false }));
    let last = lastEventId;
    for (;;) {
      if (stopped()) return;
      const refill = cursors.filter((c) => !c.done && c.i >= c.buf.length);
      if (refill.length) {
        const gaps = [];
        await Promise.all(refill.map((c) => fetchPage(c, gaps)));
        if (stopped()) return;
        if (gaps.length) {
          const known = gaps.filter((g) => g !== null);
          const oldest = known.length ? known.reduce((a, b) => (compareIds(a, b) <= 0 ? a : b)) : null;
          hist.push(controlFrame('eventwire.gap', { code: 'ERR_HISTORY_GAP', oldest }));
          scheduleDrain();
        }
      }
      // Merge the patterns' pages by id.
      let best = null;
      for (const c of cursors) {
        if (c.i < c.buf.length && (!best || compareIds(c.buf[c.i].id, best.buf[best.i].id) < 0)) best = c;
      }
      if (!best) break;
      const env = best.buf[best.i++];
      if (liveFrom !== null && compareIds(env.id, liveFrom) >= 0) {
        best.done = true; // this and the rest of this pattern's history are held live
        best.buf = [];
        best.i = 0;
        continue;
      }
      if (last !== undefined && compareIds(env.id, last) <= 0) continue; // matched two patterns
      last = env.id;
      hist.push(env);
      if (hist.length - histHead >= PAGE) {
        scheduleDrain();
        await new Promise((resolve) => {
          roomWaiter = resolve;
        });
      }
    }
    phase = 'live';
    scheduleDrain();
  }

  // -- set up: subscribe first, so nothing emitted from now on is missed --

  const alreadyAborted = Boolean(signal && signal.aborted);
  if (!alreadyAborted) {
    try {
      // Redis mode: the stream's own order and ids (the relay's feed, this
      // instance's events included), as history has them, so a resume by
      // Last-Event-ID is exact; else the bus's subscriptions.
      const feed = typeof bus._streamFeed === 'function' ? bus._streamFeed(onFeed) : null;
      if (feed) {
        offs.push(feed);
        matcher = new native.Matcher(bus.delimiter || '.');
        offs.push(() => matcher.destroy());
        patterns.forEach((p, i) => matcher.add(p, i));
      } else {
        for (const pattern of patterns) offs.push(bus.subscribe(pattern, onLive));
      }
      // bus.close() ends the stream at once (not at the next heartbeat, or never with none)
      if (typeof bus._whenClosed === 'function') {
        offs.push(bus._whenClosed(() => end({ code: 'ERR_CLOSED', message: 'the event bus closed' })));
      }
    } catch (err) {
      detach();
      throw err;
    }
  }

  const stream = new ReadableStream(
    {
      start(c) {
        controller = c;
        if (alreadyAborted) {
          finish(true);
          return;
        }
        controller.enqueue(encoder.encode(`retry: ${opts.retryMs}\n\n`));
      },
      pull() {
        drain();
      },
      cancel() {
        finish(false);
      },
    },
    { highWaterMark: HIGH_WATER_CHUNKS }
  );
  if (alreadyAborted) return stream;

  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  if (opts.heartbeatMs > 0) {
    timer = setInterval(() => {
      if (bus.closed) end({ code: 'ERR_CLOSED', message: 'the event bus closed' });
      else enqueueNow(': ping\n\n');
    }, opts.heartbeatMs);
    if (typeof timer.unref === 'function') timer.unref();
  }
  if (phase === 'history') {
    replay().catch((err) => {
      end({ code: (err && err.code) || 'ERR_ENGINE', message: String((err && err.message) || err) });
    });
  }
  return stream;
}

// ---- fetch-style handler -----------------------------------------------------------

function errorResponse(status, err) {
  return new Response(JSON.stringify({ code: err.code, message: err.message }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/**
 * A `Response` streaming Server-Sent Events for a fetch `Request`: patterns
 * from the repeatable `pattern` query parameter (else options.pattern, else
 * "**"), the resume point from the `Last-Event-ID` header (else the
 * `lastEventId` query parameter), closed on `request.signal` abort. A bad
 * pattern or id is answered 400 with {code, message}; a closed bus 503.
 */
function eventStreamResponse(bus, request, options) {
  if (!request || typeof request.url !== 'string' || !request.headers || typeof request.headers.get !== 'function') {
    throw makeError('ERR_INVALID_ARGUMENT', 'eventStreamResponse(bus, request, options) needs a fetch Request');
  }
  const url = new URL(request.url, 'http://localhost');
  const queried = url.searchParams.getAll('pattern');
  const lastEventId = request.headers.get('last-event-id') || url.searchParams.get('lastEventId') || undefined;
  const streamOptions = { ...(options || {}), lastEventId };
  if (queried.length) streamOptions.pattern = queried;
  if (request.signal) streamOptions.signal = request.signal;
  let stream;
  try {
    stream = createEventStream(bus, streamOptions);
  } catch (err) {
    if (err && (err.code === 'ERR_INVALID_PATTERN' || err.code === 'ERR_INVALID_SINCE')) return errorResponse(400, err);
    if (err && err.code === 'ERR_CLOSED') return errorResponse(503, err);
    throw err;
  }
  return new Response(stream, { headers: sseHeaders });
}

/** Checks the options a handler or plugin passes to every stream
 * (heartbeatMs, retryMs, maxBuffered) once, when it is set up, rather than
 * on each request (where a bad value would look like the client's fault). */
function checkStreamOptions(options) {
  const { heartbeatMs, retryMs, maxBuffered } = options || {};
  normalizeStreamOptions({ heartbeatMs, retryMs, maxBuffered });
}

module.exports = { createEventStream, eventStreamResponse, sseHeaders, compareIds, checkStreamOptions };
