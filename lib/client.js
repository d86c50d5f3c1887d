/*
 * eventwire/client — the browser and Node client of the `/ws` protocol
 * (docs/PROTOCOL.md). No dependencies, no native code.
 *
 *   Node (CommonJS): const { EventwireClient } = require('eventwire/client');
 *   Node (ESM):      import { EventwireClient } from 'eventwire/client';
 *   Browser:         <script src=".../client.js"></script>  ->  eventwire.EventwireClient
 *                    (or import it through a bundler)
 *
 *   const client = new EventwireClient('ws://localhost:8080/ws');
 *   const off = client.subscribe('order.*', (event) => console.log(event.id, event.data));
 *   const id = await client.publish('chat.message', { text: 'hi' });
 *   await client.close();
 *
 * WebSocket implementation: options.WebSocket, else globalThis.WebSocket
 * (browsers, Deno, Bun, Node >= 22), else the `ws` package, loaded lazily
 * in Node only. Node 18 and 20 users therefore need `npm install ws` (or
 * must pass `WebSocket`); eventwire itself does not depend on it.
 *
 * Behaviour worth knowing (the why is next to the code):
 * - One connection serves every local subscription. Handlers are matched
 *   here with EventEmitter2's rules ("*" one segment, "**" zero or more);
 *   the server is subscribed to the union of the patterns. Changes made in
 *   the same tick go out as at most one `unsub` and one `sub`.
 * - Every close that close() did not ask for is followed by a reconnect
 *   (exponential backoff with jitter). The first `sub` of the new
 *   connection carries every pattern and `since` = the last id received, so
 *   the server replays what was missed. Envelopes whose id is not greater
 *   than the last one are dropped: nothing is delivered twice.
 * - publish() is sent at most once. Ops issued while the client is
 *   (re)connecting wait in a bounded queue and go out after the resume
 *   `sub`; ops already sent when the connection drops reject with
 *   ERR_CLOSED and are NOT retried: the server may have published the event
 *   before the connection died, and resending it would duplicate it. That
 *   would need idempotency keys, which the protocol does not have.
 * - 'error' events are informational (a failed connection attempt is
 *   followed by 'close' and 'reconnecting'); nothing throws when no 'error'
 *   listener exists, except an exception thrown by one of your handlers,
 *   which is rethrown asynchronously so that bugs are not swallowed.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module !== null && typeof module.exports === 'object') {
    module.exports = api; // Node / CommonJS bundlers
  } else {
    // Classic <script>: one global, keeping what another build put there.
    var prev = root.eventwire;
    var ns = prev !== null && typeof prev === 'object' ? prev : {};
    Object.keys(api).forEach(function (k) { ns[k] = api[k]; });
    root.eventwire = ns;
  }
})(typeof globalThis !== 'undefined' ? globalThis : typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var OPEN = 1; // WebSocket.OPEN, the same in every implementation
  var NAME_MAX_BYTES = 512; // EW_NAME_MAX
  var SEGMENTS_MAX = 32; // EW_SEGMENTS_MAX
  var DELIM_MAX_BYTES = 8; // EW_DELIM_MAX
  var MAX_PATTERNS = 64; // per connection (PROTOCOL.md, ERR_LIMIT)
  var CONTROL = /[\u0000-\u001f\u007f]/;
  var ID_RE = /^(\d+)-(\d+)$/;
  var CLIENT_EVENTS = ['event', 'open', 'close', 'error', 'dropped', 'gap', 'reconnecting'];
  var RECONNECT_DEFAULTS = { minDelayMs: 250, maxDelayMs: 10000, factor: 2, jitter: 0.5 };
  var PRIORITIES = ['low', 'normal', 'high', 'critical'];

  class EventwireError extends Error {
    constructor(code, message, extra) {
      super(message);
      this.name = 'EventwireError';
      this.code = code;
      if (extra) {
        for (var k in extra) {
          if (Object.prototype.hasOwnProperty.call(extra, k) && extra[k] !== undefined) this[k] = extra[k];
        }
      }
    }
  }

  // ---- names, patterns, ids ------------------------------------------------

  /** UTF-8 length of s, or -1 when s holds a lone surrogate. (No TextEncoder:
   * it is not a language built-in, and the replacement character would hide
   * the bad input.) */
  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        var d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (d < 0xdc00 || d > 0xdfff) return -1;
        n += 4;
        i++;
      } else if (c >= 0xdc00 && c <= 0xdfff) return -1;
      else n += 3;
    }
    return n;
  }

  /** The server's rules (native/src/names.c), so that a pattern the server
   * would refuse never gets into the resume `sub`, where it would fail every
   * other pattern with it. Returns null or what is wrong. */
  function checkName(s, isPattern, delimiter) {
    if (typeof s !== 'string') return 'must be a string, not ' + (s === null ? 'null' : typeof s);
    var bytes = utf8Length(s);
    if (bytes <= 0 || bytes > NAME_MAX_BYTES) return 'must be 1..' + NAME_MAX_BYTES + ' bytes of well-formed UTF-8';
    if (CONTROL.test(s)) return 'must not contain control characters';
    var segs = s.split(delimiter);
    if (segs.length > SEGMENTS_MAX) return 'has more than ' + SEGMENTS_MAX + ' segments';
    for (var i = 0; i < segs.length; i++) {
      if (segs[i] === '') return 'has an empty segment';
      if (!isPattern && (segs[i] === '*' || segs[i] === '**')) return 'must not contain wildcards';
      if (segs[i] === '**' && i > 0 && segs[i - 1] === '**') return 'must not contain "**" twice in a row';
    }
    return null;
  }

  function quote(s) {
    return typeof s === 'string' ? JSON.stringify(s) : String(s);
  }

  function compile(pattern, delimiter) {
    return pattern.split(delimiter);
  }

  /** Dynamic programming over (pattern segment, name segment): no
   * backtracking blow-up with many "**" (at most 33 x 33 steps). */
  function matchSegments(p, n) {
    // next[j]: p[i+1..] matches n[j..]; computed from the end of the pattern.
    var next = new Array(n.length + 1);
    var cur = new Array(n.length + 1);
    var j;
    for (j = 0; j <= n.length; j++) next[j] = j === n.length;
    for (var i = p.length - 1; i >= 0; i--) {
      var seg = p[i];
      if (seg === '**') {
        // zero segments (next[j]) or one more (cur[j+1])
        cur[n.length] = next[n.length];
        for (j = n.length - 1; j >= 0; j--) cur[j] = next[j] || cur[j + 1];
      } else {
        cur[n.length] = false;
        for (j = n.length - 1; j >= 0; j--) cur[j] = (seg === '*' || seg === n[j]) && next[j + 1];
      }
      var t = next; next = cur; cur = t;
    }
    return next[0];
  }

  /** True when `name` matches `pattern` with EventEmitter2's wildcard rules:
   * "*" is exactly one segment, "**" zero or more ("a.**" matches "a"). */
  function patternMatches(pattern, name, delimiter) {
    var d = delimiter === undefined ? '.' : delimiter;
    return matchSegments(String(pattern).split(d), String(name).split(d));
  }

  /** [ms, seq] as decimal strings without leading zeros, or null. Compared
   * by length then text: exact for any size, no BigInt needed. */
  function parseId(id) {
    var m = typeof id === 'string' ? ID_RE.exec(id) : null;
    if (!m) return null;
    return [m[1].replace(/^0+(?=\d)/, ''), m[2].replace(/^0+(?=\d)/, '')];
  }

  function cmpDecimal(a, b) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function cmpParsed(a, b) {
    return cmpDecimal(a[0], b[0]) || cmpDecimal(a[1], b[1]);
  }

  /** -1, 0 or 1 for two stream ids "<ms>-<seq>"; throws on anything else. */
  function compareIds(a, b) {
    var pa = parseId(a), pb = parseId(b);
    if (!pa || !pb) throw new EventwireError('ERR_INVALID_ARGUMENT', 'not an id "<ms>-<seq>": ' + quote(pa ? b : a));
    return cmpParsed(pa, pb);
  }

  // ---- WebSocket resolution -------------------------------------------------

  function resolveWebSocket(explicit) {
    if (explicit !== undefined && explicit !== null) {
      if (typeof explicit !== 'function') {
        throw new EventwireError('ERR_INVALID_OPTION', 'options.WebSocket must be a WebSocket constructor');
      }
      return explicit;
    }
    if (typeof globalThis !== 'undefined' && typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
    // Node < 22. `module.require`, not a literal require('ws'): bundlers
    // would otherwise try to pack ws into browser builds.
    if (typeof module === 'object' && module !== null && typeof module.require === 'function') {
      try {
        return module.require('ws');
      } catch (err) {
        throw new EventwireError('ERR_NO_WEBSOCKET',
          'no WebSocket implementation: Node < 22 needs the "ws" package (npm install ws) or options.WebSocket',
          { cause: err });
      }
    }
    throw new EventwireError('ERR_NO_WEBSOCKET', 'no WebSocket implementation: pass options.WebSocket');
  }

  // ---- options --------------------------------------------------------------

  function badOption(name, what) {
    return new EventwireError('ERR_INVALID_OPTION', (name ? 'options.' + name : 'options') + ' ' + what);
  }

  function readReconnect(r) {
    if (r === false) return false;
    if (r === undefined || r === true) r = {};
    if (r === null || typeof r !== 'object') throw badOption('reconnect', 'must be an object or false');
    var out = {};
    for (var k in RECONNECT_DEFAULTS) out[k] = r[k] === undefined ? RECONNECT_DEFAULTS[k] : r[k];
    var fin = function (v) { return typeof v === 'number' && isFinite(v); };
    if (!fin(out.minDelayMs) || out.minDelayMs < 0) throw badOption('reconnect.minDelayMs', 'must be a number >= 0');
    if (!fin(out.maxDelayMs) || out.maxDelayMs < out.minDelayMs) {
      throw badOption('reconnect.maxDelayMs', 'must be a number >= minDelayMs');
    }
    if (!fin(out.factor) || out.factor < 1) throw badOption('reconnect.factor', 'must be a number >= 1');
    if (!fin(out.jitter) || out.jitter < 0 || out.jitter > 1) throw badOption('reconnect.jitter', 'must be in 0..1');
    return out;
  }

  /** Rethrown outside our stack: a throwing handler must neither break
   * delivery to the others nor vanish. */
  function rethrowAsync(err) {
    setTimeout(function () { throw err; }, 0);
  }

  // ---- the client -----------------------------------------------------------

  class EventwireClient {
    /**
     * @param {string} url  ws://host:port/ws (or wss://)
     * @param {object} [options] see types/client.d.ts
     */
    constructor(url, options) {
      var o = options === undefined ? {} : options;
      if (o === null || typeof o !== 'object') throw badOption('', 'must be an object');
      if (typeof url !== 'string' && !(url !== null && typeof url === 'object' && typeof url.href === 'string')) {
        throw new EventwireError('ERR_INVALID_ARGUMENT', 'url must be a string or URL');
      }
      this.url = String(url);

      var delimiter = o.delimiter === undefined ? '.' : o.delimiter;
      if (typeof delimiter !== 'string' || delimiter.length === 0 || utf8Length(delimiter) > DELIM_MAX_BYTES ||
          utf8Length(delimiter) < 0 || CONTROL.test(delimiter) || delimiter.indexOf('*') !== -1) {
        throw badOption('delimiter', 'must be 1..' + DELIM_MAX_BYTES + ' bytes, without "*" or control characters');
      }
      this._delimiter = delimiter;
      this._reconnect = readReconnect(o.reconnect);
      var maxQueued = o.maxQueued === undefined ? 1024 : o.maxQueued;
      if (typeof maxQueued !== 'number' || !(maxQueued >= 0) || Math.floor(maxQueued) !== maxQueued) {
        throw badOption('maxQueued', 'must be an integer >= 0');
      }
      this._maxQueued = maxQueued;
      if (o.lastId !== undefined && o.lastId !== null && !parseId(o.lastId)) {
        throw badOption('lastId', 'must be an id "<ms>-<seq>"');
      }
      this._WebSocket = resolveWebSocket(o.WebSocket);

      this._listeners = Object.create(null); // client event -> [fn]
      this._subs = []; // [{ patterns: [{ text, segs }], handler }] in subscribe order
      this._counts = new Map(); // pattern -> number of subscriptions holding it (insertion ordered)

      this._lastId = o.lastId || null;
      this._lastParsed = this._lastId ? parseId(this._lastId) : null;

      this._state = 'idle'; // idle | connecting | open | reconnecting | closed
      this._ws = null;
      this._attempt = 0; // reconnect attempts since the last successful open
      this._timer = null;
      this._reopen = false; // connect() came while a close() was still closing
      this._closeWaiters = [];

      // Per connection (reset on open):
      this._server = new Set(); // patterns sent to the server (sub'd, not unsub'd)
      this._subSent = false; // `since` is only accepted on the first sub
      this._flushQueued = false;

      this._ref = 0;
      this._pending = new Map(); // ref -> { kind, resolve, reject, patterns, since, t0 } (sent, awaiting reply)
      this._queue = []; // [{ kind, body, resolve, reject }] waiting for a connection

      if (o.patterns !== undefined) {
        if (!Array.isArray(o.patterns)) throw badOption('patterns', 'must be an array of patterns');
        if (o.patterns.length) this.subscribe(o.patterns);
      }
      if (o.autoConnect === undefined || o.autoConnect) this.connect();
    }

    /** Id of the last envelope received (or options.lastId), null before any. */
    get lastId() { return this._lastId; }

    /** 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'. */
    get state() { return this._state; }

    /** The patterns the server is (or will be, once connected) subscribed to. */
    get patterns() { return Array.from(this._counts.keys()); }

    // -- client events (a small emitter: no Node `events` in browsers) --------

    on(event, listener) {
      if (CLIENT_EVENTS.indexOf(event) === -1) {
        throw new EventwireError('ERR_INVALID_ARGUMENT', 'unknown client event ' + quote(event) +
          ' (one of ' + CLIENT_EVENTS.join(', ') + '); use subscribe() for bus events');
      }
      if (typeof listener !== 'function') throw new EventwireError('ERR_INVALID_ARGUMENT', 'listener must be a function');
      (this._listeners[event] || (this._listeners[event] = [])).push(listener);
      return this;
    }

    once(event, listener) {
      var self = this;
      if (typeof listener !== 'function') throw new EventwireError('ERR_INVALID_ARGUMENT', 'listener must be a function');
      var wrapper = function (arg) {
        self.off(event, wrapper);
        return listener.call(self, arg);
      };
      wrapper.listener = listener;
      return this.on(event, wrapper);
    }

    off(event, listener) {
      var list = this._listeners[event];
      if (!list) return this;
      for (var i = 0; i < list.length; i++) {
        if (list[i] === listener || list[i].listener === listener) {
          list.splice(i, 1);
          break;
        }
      }
      return this;
    }

    _emit(event, arg) {
      var list = this._listeners[event];
      if (!list || list.length === 0) return false;
      list = list.slice(); // listeners added or removed now take effect next time
      for (var i = 0; i < list.length; i++) {
        try {
          list[i].call(this, arg);
        } catch (err) {
          this._handlerError(err, event === 'error');
        }
      }
      return true;
    }

    _handlerError(err, fromErrorListener) {
      if (!fromErrorListener && this._listeners.error && this._listeners.error.length) this._emit('error', err);
      else rethrowAsync(err);
    }

    // -- subscriptions --------------------------------------------------------

    /**
     * Subscribes to one pattern or several ("order.*", "incident.**", a plain
     * name). `handler(envelope)` runs once per matching envelope. Returns a
     * function that removes this subscription: true the first time, false
     * afterwards. Throws (EventwireError) on a bad pattern or past 64 patterns.
     */
    subscribe(pattern, handler) {
      var list = Array.isArray(pattern) ? pattern.slice() : [pattern];
      if (list.length === 0) throw new EventwireError('ERR_INVALID_ARGUMENT', 'subscribe() needs at least one pattern');
      if (handler !== undefined && handler !== null && typeof handler !== 'function') {
        throw new EventwireError('ERR_INVALID_ARGUMENT', 'handler must be a function');
      }
      var seen = new Set();
      var fresh = 0;
      for (var i = 0; i < list.length; i++) {
        var why = checkName(list[i], true, this._delimiter);
        if (why) throw new EventwireError('ERR_INVALID_PATTERN', 'pattern ' + quote(list[i]) + ' ' + why);
        if (seen.has(list[i])) continue;
        seen.add(list[i]);
        if (!this._counts.has(list[i])) fresh++;
      }
      if (this._counts.size + fresh > MAX_PATTERNS) {
        throw new EventwireError('ERR_LIMIT', 'at most ' + MAX_PATTERNS + ' distinct patterns per client (connection)');
      }
      var delimiter = this._delimiter;
      var sub = {
        patterns: Array.from(seen, function (p) { return { text: p, segs: compile(p, delimiter) }; }),
        handler: handler || null,
      };
      this._subs.push(sub);
      var added = false;
      for (var j = 0; j < sub.patterns.length; j++) {
        var p = sub.patterns[j].text;
        var c = this._counts.get(p) || 0;
        this._counts.set(p, c + 1);
        if (c === 0) added = true;
      }
      if (added) this._scheduleFlush();
      var self = this;
      var active = true;
      return function unsubscribe() {
        if (!active) return false;
        active = false;
        self._removeSub(sub);
        return true;
      };
    }

    _removeSub(sub) {
      var idx = this._subs.indexOf(sub);
      if (idx !== -1) this._subs.splice(idx, 1);
      var removed = false;
      for (var j = 0; j < sub.patterns.length; j++) {
        var p = sub.patterns[j].text;
        var c = this._counts.get(p);
        if (c > 1) this._counts.set(p, c - 1);
        else {
          this._counts.delete(p);
          removed = true;
        }
      }
      if (removed) this._scheduleFlush();
    }

    /** Changes in one tick are folded into one unsub + one sub. */
    _scheduleFlush() {
      if (this._flushQueued || this._state !== 'open') return;
      this._flushQueued = true;
      var self = this;
      Promise.resolve().then(function () { self._flushSubs(); });
    }

    /** Brings the server's pattern set to the union of local patterns. */
    _flushSubs() {
      this._flushQueued = false;
      if (this._state !== 'open') return;
      var server = this._server;
      var removes = [];
      server.forEach(function (p) { if (!this._counts.has(p)) removes.push(p); }, this);
      var adds = [];
      this._counts.forEach(function (_, p) { if (!server.has(p)) adds.push(p); });
      // unsub first: it frees room under the 64-pattern limit.
      if (removes.length) {
        for (var i = 0; i < removes.length; i++) server.delete(removes[i]);
        this._sendOp('unsub', JSON.stringify({ op: 'unsub', patterns: removes }), null, null, { patterns: removes });
      }
      if (adds.length) {
        var frame = { op: 'sub', patterns: adds };
        var since = null;
        // The server takes `since` only on a connection's first sub: this is
        // the resume (or options.lastId), with every pattern in it.
        if (!this._subSent && this._lastId) since = frame.since = this._lastId;
        this._subSent = true;
        for (var k = 0; k < adds.length; k++) server.add(adds[k]);
        this._sendOp('sub', JSON.stringify(frame), null, null, { patterns: adds, since: since });
      }
    }

    // -- ops --------------------------------------------------------------------

    /**
     * Publishes an event through the server (which must run with
     * allowClientPublish). Resolves the event's id on the server's ack;
     * rejects with an EventwireError whose `code` is the server's
     * (ERR_FORBIDDEN, ERR_INVALID_EVENT_NAME, ...), ERR_CLOSED when the
     * connection closes before the ack (not retried: see the top of this
     * file), or ERR_QUEUE_FULL.
     */
    publish(type, data, opts) {
      var why = checkName(type, false, this._delimiter);
      if (why) {
        return Promise.reject(new EventwireError('ERR_INVALID_EVENT_NAME', 'event type ' + quote(type) + ' ' + why));
      }
      var frame = { op: 'pub', type: type, data: data === undefined ? null : data };
      if (opts !== undefined && opts !== null) {
        if (typeof opts !== 'object') {
          return Promise.reject(new EventwireError('ERR_INVALID_ARGUMENT', 'publish options must be an object'));
        }
        if (opts.priority !== undefined) {
          if (PRIORITIES.indexOf(opts.priority) === -1) {
            return Promise.reject(new EventwireError('ERR_INVALID_ARGUMENT',
              'priority must be one of ' + PRIORITIES.join(', ')));
          }
          frame.priority = opts.priority;
        }
        if (opts.metadata !== undefined) frame.metadata = opts.metadata;
      }
      var body;
      try {
        body = JSON.stringify(frame); // serialised once, now, so errors surface here
      } catch (err) {
        return Promise.reject(new EventwireError('ERR_INVALID_PAYLOAD', 'data is not JSON-serialisable: ' + err.message,
          { cause: err }));
      }
      return this._op('pub', body);
    }

    /** Round trip to the server; resolves the time it took in ms. */
    ping() {
      return this._op('ping', '{"op":"ping"}');
    }

    _op(kind, body) {
      var self = this;
      return new Promise(function (resolve, reject) {
        if (self._state === 'open') {
          self._sendOp(kind, body, resolve, reject, null);
        } else if (self._state === 'connecting' || self._state === 'reconnecting') {
          if (self._queue.length >= self._maxQueued) {
            reject(new EventwireError('ERR_QUEUE_FULL', 'not connected and ' + self._maxQueued + ' ops already wait'));
          } else {
            self._queue.push({ kind: kind, body: body, resolve: resolve, reject: reject });
          }
        } else {
          reject(new EventwireError('ERR_CLOSED', self._state === 'idle'
            ? 'not connected: call connect() first' : 'the client is closed'));
        }
      });
    }

    /** Sends `body` (a JSON object text) with a fresh ref spliced in. */
    _sendOp(kind, body, resolve, reject, extra) {
      // A sub made in this tick must reach the server before this op (a
      // publisher subscribed to its own event expects to receive it).
      if (this._flushQueued && kind !== 'sub' && kind !== 'unsub') this._flushSubs();
      var ref = ++this._ref;
      var entry = { kind: kind, resolve: resolve, reject: reject, t0: Date.now() };
      if (extra) { entry.patterns = extra.patterns; entry.since = extra.since; }
      this._pending.set(ref, entry);
      try {
        this._ws.send('{"ref":' + ref + ',' + body.slice(1));
      } catch (err) {
        // Only while the socket is going away; its close event follows.
        this._pending.delete(ref);
        if (reject) reject(new EventwireError('ERR_CLOSED', 'the connection is closing', { cause: err }));
      }
    }

    // -- connection -------------------------------------------------------------

    /** Starts connecting (autoConnect does it for you); from 'reconnecting'
     * it skips the wait; after close() it starts over. Returns this. */
    connect() {
      if (this._state === 'connecting' || this._state === 'open') return this;
      if (this._state === 'closed' && this._ws) {
        this._reopen = true; // still closing: open again once its close event came
        return this;
      }
      if (this._timer !== null) {
        clearTimeout(this._timer);
        this._timer = null;
      }
      // From 'reconnecting' it is the next attempt, only sooner: a failure
      // goes on as a failed attempt would (the queued ops keep waiting).
      this._open(this._state === 'reconnecting');
      return this;
    }

    /**
     * Stops reconnecting and closes the connection. Pending and queued ops
     * reject with ERR_CLOSED. Resolves once the socket is closed.
     */
    close(code, reason) {
      this._state = 'closed';
      this._reopen = false;
      if (this._timer !== null) {
        clearTimeout(this._timer);
        this._timer = null;
      }
      this._failAll('the client was closed', null);
      var ws = this._ws;
      if (!ws) return Promise.resolve();
      var self = this;
      return new Promise(function (resolve) {
        self._closeWaiters.push(resolve);
        try {
          ws.close(code === undefined ? 1000 : code, reason === undefined ? '' : reason);
        } catch (err) {
          // Bad code/reason: close normally rather than leave it open.
          ws.close();
        }
      });
    }

    _open(isRetry) {
      this._reopen = false; // whatever asked for it, this is the open
      var ws;
      this._state = 'connecting';
      try {
        ws = new this._WebSocket(this.url);
      } catch (err) {
        if (!isRetry) {
          this._state = 'closed';
          throw err; // a bad URL: tell the caller now
        }
        this._emit('error', err);
        if (this._state === 'connecting') this._scheduleReconnect();
        return;
      }
      this._ws = ws;
      var self = this;
      // Handlers of a replaced socket do nothing (`self._ws !== ws`).
      ws.onopen = function () {
        if (self._ws === ws) self._onOpen();
      };
      ws.onmessage = function (ev) {
        if (self._ws === ws) self._onMessage(ev.data);
      };
      ws.onerror = function (ev) {
        if (self._ws !== ws || self._state === 'closed') return;
        var msg = ev && (ev.message || (ev.error && ev.error.message));
        self._emit('error', new EventwireError('ERR_CONNECTION', 'WebSocket error' + (msg ? ': ' + msg : ''),
          { cause: ev && ev.error }));
      };
      ws.onclose = function (ev) {
        if (self._ws === ws) self._onClose(ev ? ev.code : 1006, ev && ev.reason ? String(ev.reason) : '');
      };
    }

    _onOpen() {
      if (this._state === 'closed') return; // close() raced the handshake; its close follows
      this._state = 'open';
      this._attempt = 0;
      this._server = new Set();
      this._subSent = false;
      this._flushSubs(); // the resume sub goes first
      var queue = this._queue;
      this._queue = [];
      for (var i = 0; i < queue.length; i++) {
        this._sendOp(queue[i].kind, queue[i].body, queue[i].resolve, queue[i].reject, null);
      }
      this._emit('open');
    }

    _onClose(code, reason) {
      this._ws = null;
      this._flushQueued = false;
      var userClosed = this._state === 'closed';
      // In flight: the server may or may not have acted on them.
      this._failPending('the connection closed (code ' + code + ') before the reply', code);
      if (!userClosed) this._state = this._reconnect ? 'reconnecting' : 'closed';
      this._emit('close', { code: code, reason: reason });
      var waiters = this._closeWaiters;
      this._closeWaiters = [];
      for (var i = 0; i < waiters.length; i++) waiters[i]();
      if (this._state === 'reconnecting' && this._timer === null && this._ws === null) this._scheduleReconnect();
      else if (this._state === 'closed') this._failAll('the client is closed', code);
      if (this._state === 'closed' && this._reopen) this._open(false); // connect() came while this socket was closing
    }

    _scheduleReconnect() {
      var r = this._reconnect;
      if (!r) {
        this._state = 'closed';
        this._failAll('the client is closed', null);
        return;
      }
      this._state = 'reconnecting';
      this._attempt++;
      var base = Math.min(r.maxDelayMs, r.minDelayMs * Math.pow(r.factor, this._attempt - 1));
      var delayMs = Math.round(base * (1 - r.jitter * Math.random()));
      var self = this;
      this._timer = setTimeout(function () {
        self._timer = null;
        if (self._state === 'reconnecting') self._open(true);
      }, delayMs);
      this._emit('reconnecting', { attempt: this._attempt, delayMs: delayMs });
    }

    _failPending(message, closeCode) {
      var pending = this._pending;
      this._pending = new Map();
      pending.forEach(function (p) {
        if (p.reject) p.reject(new EventwireError('ERR_CLOSED', message, { closeCode: closeCode === null ? undefined : closeCode }));
      });
    }

    _failAll(message, closeCode) {
      this._failPending(message, closeCode);
      var queue = this._queue;
      this._queue = [];
      for (var i = 0; i < queue.length; i++) queue[i].reject(new EventwireError('ERR_CLOSED', message));
    }

    // -- incoming frames --------------------------------------------------------

    _onMessage(data) {
      if (this._state === 'closed') return; // nothing is delivered after close()
      if (typeof data !== 'string') {
        this._emit('error', new EventwireError('ERR_PROTOCOL', 'binary frame ignored: the protocol is JSON text'));
        return;
      }
      var msg;
      try {
        msg = JSON.parse(data);
      } catch (err) {
        this._emit('error', new EventwireError('ERR_PROTOCOL', 'frame is not JSON: ' + err.message));
        return;
      }
      if (Array.isArray(msg)) {
        for (var i = 0; i < msg.length && this._state !== 'closed'; i++) this._onObject(msg[i]);
      } else {
        this._onObject(msg);
      }
    }

    _onObject(msg) {
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        this._emit('error', new EventwireError('ERR_PROTOCOL', 'frame is not a JSON object'));
      } else if (typeof msg.op === 'string') {
        this._onControl(msg);
      } else {
        this._deliver(msg);
      }
    }

    _deliver(env) {
      var parsed = parseId(env.id);
      if (parsed) {
        // Safety net for exactly-once across reconnects: ids only grow.
        if (this._lastParsed && cmpParsed(parsed, this._lastParsed) <= 0) return;
        this._lastParsed = parsed;
        this._lastId = env.id;
      }
      this._emit('event', env);
      if (typeof env.type !== 'string') return;
      var segs = env.type.split(this._delimiter);
      // Snapshot, as in EventEmitter2: handlers added or removed by a
      // handler take effect from the next envelope.
      var subs = this._subs.slice();
      for (var i = 0; i < subs.length && this._state !== 'closed'; i++) {
        var sub = subs[i];
        if (!sub.handler) continue;
        for (var j = 0; j < sub.patterns.length; j++) {
          if (matchSegments(sub.patterns[j].segs, segs)) {
            try {
              sub.handler.call(this, env);
            } catch (err) {
              this._handlerError(err, false);
            }
            break; // once per subscription, however many of its patterns match
          }
        }
      }
    }

    _onControl(msg) {
      if (msg.op === 'dropped') {
        this._emit('dropped', msg);
        return;
      }
      if (msg.op !== 'ack' && msg.op !== 'error') return; // unknown notices: newer server, ignore
      var p = msg.ref === undefined ? undefined : this._pending.get(msg.ref);
      if (p) this._pending.delete(msg.ref);
      if (msg.op === 'ack') {
        if (!p || !p.resolve) return;
        if (p.kind === 'pub') p.resolve(msg.id);
        else if (p.kind === 'ping') p.resolve(Date.now() - p.t0);
        else p.resolve(msg);
        return;
      }
      var extra = {};
      for (var k in msg) if (k !== 'op' && k !== 'code' && k !== 'message') extra[k] = msg[k];
      if (p && p.patterns) extra.patterns = p.patterns;
      if (p && p.since) extra.since = p.since;
      var err = new EventwireError(typeof msg.code === 'string' ? msg.code : 'ERR_UNKNOWN',
        typeof msg.message === 'string' ? msg.message : 'the server refused the op', extra);
      if (p && p.reject) {
        p.reject(err);
        return;
      }
      if (p && p.kind === 'sub') {
        if (err.code === 'ERR_HISTORY_GAP') {
          // The server subscribed anyway and replays from `oldest`.
          this._emit('gap', err);
          return;
        }
        // The server did not take these patterns.
        for (var i = 0; i < p.patterns.length; i++) this._server.delete(p.patterns[i]);
        this._emit('error', err);
        if (err.code === 'ERR_INVALID_SINCE' && p.since && this._state === 'open') {
          // Our last id is unknown to this server (a future id: other
          // server, clock reset). Keep it as the floor and no new event would
          // ever be delivered; subscribe again without `since`.
          this._lastId = null;
          this._lastParsed = null;
          this._flushSubs();
        }
        return;
      }
      this._emit('error', err); // unsub failure, or an error with no matching ref
    }
  }

  return {
    EventwireClient: EventwireClient,
    EventwireError: EventwireError,
    patternMatches: patternMatches,
    compareIds: compareIds,
    default: EventwireClient,
  };
});
