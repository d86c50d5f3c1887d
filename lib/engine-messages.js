'use strict';
// What the engine thread tells the bus (EW_MSG_* in eventwire.h), handled on
// the JS thread: replies to requests (listen, publish, health, Redis
// commands, history), publish() ids in bursts, client pubs, authorize
// questions, Redis state, other instances' events (and, for stream feeds,
// this instance's own) from the relay. EventBus (lib/index.js) passes itself
// and its state; these functions keep no state of their own.
const { EventEmitter2 } = require('eventemitter2');
const errors = require('./errors');
const { authorizeClient } = require('./authorize');

const { makeError, fromErrno } = errors;
const errnoOf = (code) => (errors.errorTable.find((e) => e.code === code) || {}).errno;

// Engine -> JS message kinds (ew_msg_kind_t in eventwire.h).
const MSG_LISTENING = 1;
const MSG_REPLY = 2; // (and every kind not listed below) settles a pending request
const MSG_CLOSED = 3;
const MSG_EVENT = 4;
const MSG_AUTH = 5;
const MSG_REMOTE = 6;
const MSG_WARN = 7;
const MSG_REDIS = 8;
const MSG_STREAM = 9;
const MSG_PUBLISHED = 10;

// EventEmitter2's own emit: to local listeners only (EventBus#emit would
// forward the event to the engine again).
function emitLocal(bus, type, data) {
  return EventEmitter2.prototype.emit.call(bus, type, data);
}

// Takes request `req` out of st.pending: its { kind, resolve, reject, ... }
// or undefined. The entry left behind is emptied: a Map whose entries come
// and go replaces its table now and then, and V8 keeps a replaced table,
// with the entries it held then, linked to its successor until a full GC.
// Once such a table is promoted, what its entries reach survives every
// scavenge and is promoted too: through a resolve function, a settled
// promise and its value (a group read: 27 KB of records). Measured on a
// 300,000-entry drain: 2.5 MB promoted per scavenge before, 0.15-0.9 MB
// with this alone, 0.02-0.9 MB with the consumer's own (Consumer._drop,
// Fifo in lib/consumer.js).
function takePending(st, req) {
  const p = st.pending.get(req);
  if (!p) return undefined;
  st.pending.delete(req);
  const taken = { ...p };
  p.resolve = null;
  p.reject = null;
  return taken;
}

// "<req> <stream id>\n" per publish() the engine settled: the req read
// digit by digit (no string per event).
function onPublished(bus, st, text) {
  const pubs = st.pubs;
  for (let at = 0; at < text.length;) {
    let req = 0;
    let sp = at;
    for (let c = text.charCodeAt(sp); c >= 48 && c <= 57; c = text.charCodeAt(++sp)) req = req * 10 + (c - 48);
    const nl = text.indexOf('\n', sp);
    if (sp === at || text.charCodeAt(sp) !== 32 || nl < 0) break; // the engine writes whole lines
    pubs.resolve(req, text.slice(sp + 1, nl));
    at = nl + 1;
  }
}

function onEngineMessages(bus, st, msgs) {
  for (const [kind, req, value, data] of msgs) {
    if (kind === MSG_CLOSED) {
      bus._finishClose();
      continue;
    }
    if (kind === MSG_EVENT) {
      onClientPublish(bus, st, req, data);
      continue;
    }
    if (kind === MSG_AUTH) {
      onAuthorize(bus, st, req, data);
      continue;
    }
    if (kind === MSG_REMOTE) {
      onRemotes(bus, st, data);
      continue;
    }
    if (kind === MSG_WARN) {
      bus._report(fromErrno(value, data));
      continue;
    }
    if (kind === MSG_REDIS) {
      onRedisState(bus, st, value, data);
      continue;
    }
    if (kind === MSG_STREAM) {
      for (const g of st.groups.values()) g.pull();
      continue;
    }
    if (kind === MSG_PUBLISHED) {
      onPublished(bus, st, data);
      continue;
    }
    if (st.pubs.has(req)) {
      // A publish() the engine settled on its own (refused, failed).
      if (value === 0) st.pubs.resolve(req, data);
      else {
        st.counters.publishFailed++;
        st.pubs.reject(req, fromErrno(value, data || undefined));
      }
      continue;
    }
    const p = takePending(st, req);
    if (!p) continue;
    if (p.kind === 'listen') {
      if (kind === MSG_LISTENING) {
        st.address = { port: value, host: st.opts.server.host };
        p.resolve({ ...st.address });
      } else {
        st.listening = null;
        p.reject(fromErrno(value, `${st.opts.server.host}:${st.opts.server.port}`));
      }
    } else if (p.kind === 'health') {
      p.resolve(JSON.parse(data));
    } else if (p.kind === 'redis') {
      if (value === 0) p.resolve(data === undefined ? null : JSON.parse(data));
      else p.reject(fromErrno(value, data || undefined));
    } else if (p.kind === 'text') {
      if (value === 0) p.resolve(data || '');
      else p.reject(fromErrno(value, data || undefined));
    } else if (p.kind === 'history') {
      const events = data ? JSON.parse(data) : [];
      if (value === 0) p.resolve(events);
      else p.reject(fromErrno(value, value === errnoOf('ERR_HISTORY_GAP')
        ? `events after ${p.since} were evicted; error.events holds what is still kept` : undefined,
      value === errnoOf('ERR_HISTORY_GAP') ? { events } : undefined));
    }
  }
}

// A WebSocket client's `pub`: emitted here like any event (local listeners,
// then back to the engine with the client's token, which acks it with the
// id). If it cannot be emitted, the client gets the error instead.
function onClientPublish(bus, st, token, json) {
  let op;
  try {
    op = JSON.parse(json); // the client's raw op text: data reaches JS untouched
    if (st.closed) throw makeError('ERR_CLOSED', 'the bus is closing');
    if (op.op !== 'pub') throw makeError('ERR_UNKNOWN_OP', 'op must be one of sub, unsub, pub, ping');
    if (typeof op.type !== 'string') throw makeError('ERR_INVALID_ARGUMENT', 'pub needs a string type');
    const options = { source: 'ws-client' };
    if (op.priority !== undefined) options.priority = op.priority;
    if (op.metadata !== undefined) options.metadata = op.metadata;
    const data = op.data === undefined ? null : op.data;
    const env = bus._accept(op.type, data, options, `c${token}`);
    const prev = st.current;
    st.current = env;
    try {
      emitLocal(bus, op.type, data);
    } catch (err) {
      bus._report(err); // a throwing local listener must not lose the event
    } finally {
      st.current = prev;
    }
  } catch (err) {
    if (st.engine) st.engine.answer(token, errnoOf(err.code) || errnoOf('ERR_ENGINE'), String(err.message));
  }
}

// An event another instance wrote to the stream: local listeners only.
// Records "<type> US <envelope JSON> RS" (a burst of the relay's events).
function onRemotes(bus, st, text) {
  for (let at = 0; at < text.length;) {
    const us = text.indexOf('\x1f', at);
    const rs = text.indexOf('\x1e', us + 1);
    if (us < 0 || rs < 0) break; // the engine writes whole records
    onRemote(bus, st, text, us, rs, at);
    at = rs + 1;
  }
}

// One stream entry: text.slice(at, us) is its type (after a 0x1d mark:
// this instance's own, for stream feeds only), text.slice(us + 1, end) its
// envelope, parsed only when someone will get it (an instance without
// listeners for a type pays no JSON.parse per event of it).
function onRemote(bus, st, text, us, end, at) {
  const own = text.charCodeAt(at) === 0x1d;
  const type = text.slice(own ? at + 1 : at, us);
  const listeners = !own && ((bus._all && bus._all.length) || bus.hasListeners(type));
  if (!listeners && !st.feeds.size) return;
  let env;
  try {
    env = JSON.parse(text.slice(us + 1, end));
  } catch (err) {
    return;
  }
  for (const feed of st.feeds) {
    try {
      feed(env);
    } catch (err) {
      bus._report(err);
    }
  }
  if (!listeners) return;
  const prev = st.current;
  st.current = env;
  try {
    emitLocal(bus, env.type, env.data);
  } catch (err) {
    bus._report(err); // a throwing listener must not stop the relay
  } finally {
    st.current = prev;
  }
}

function onRedisState(bus, st, value, message) {
  const r = st.redis;
  if (value === 1) {
    r.state = 'ready';
    r.everConnected = true;
    for (const w of r.waiters.splice(0)) w.resolve();
    return;
  }
  r.state = 'connecting';
  r.lastError = message || r.lastError;
  // listen() waits for the first connection: a failure before it is a
  // clear error there (the engine keeps trying in the background).
  if (!r.everConnected) {
    const err = makeError('ERR_REDIS_UNAVAILABLE', message || 'cannot connect to Redis');
    for (const w of r.waiters.splice(0)) w.reject(err);
  }
}

function onAuthorize(bus, st, token, json) {
  authorizeClient(json, {
    hook: st.opts.server.authorize,
    timeoutMs: st.opts.server.handshakeTimeoutMs,
    checkPattern: (p) => bus._checkPattern(p),
    report: (err) => bus._report(err),
    answer: (ok, message) => {
      if (st.engine) st.engine.answer(token, ok ? 0 : errnoOf('ERR_FORBIDDEN'), message);
    },
  });
}


/**
 * Events from the engine's history, oldest first: those matching `pattern`
 * (all when omitted), after the id `since` (or the newest `count`).
 */

module.exports = { onEngineMessages, takePending };
