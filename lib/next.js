'use strict';
// eventwire/next: the Next.js (app router) glue.
//
// - getEventBus(): one bus per process. Next.js dev re-evaluates modules on
//   every hot reload (and may load this file more than once across its server
//   bundles), so the bus lives on globalThis under a registry symbol: the first
//   call creates it (and starts its server, when it has one), every later call,
//   from any copy of this module, returns it.
// - eventStreamResponse(bus, request, options): a Server-Sent Events Response
//   (lib/sse.js).
// - createRouteHandler(options): `export const GET = createRouteHandler()` for
//   app/api/events/route.ts.
const { EventBus } = require('./index');
const { makeError } = require('./errors');
const { eventStreamResponse, createEventStream, sseHeaders, checkStreamOptions } = require('./sse');

const BUS_KEY = Symbol.for('eventwire.bus');

function report(bus, err) {
  bus._report(err); // real 'error' listeners, else a process warning
}

/**
 * The process-wide bus. The first call creates it with `options` (default
 * `{ history: {}, maxListeners: 0 }`: an engine with the default history,
 * so SSE clients can resume, and no listener-count warning) and, when `options.server` is given, calls listen() once; later
 * calls return the same bus and ignore `options`. A bus that was closed is
 * replaced by a new one on the next call.
 */
function getEventBus(options) {
  const slot = globalThis[BUS_KEY];
  if (slot && slot.bus && !slot.bus.closed) return slot.bus;
  // maxListeners 0: every open SSE stream (and incidents-bus subscriber)
  // adds a listener to this shared bus; the 11th is not a leak.
  const opts = options === undefined ? { history: {}, maxListeners: 0 } : options;
  const bus = new EventBus(opts);
  const entry = { bus, listening: null };
  if (opts && opts.server) {
    entry.listening = bus.listen();
    // Awaited or not, a failed listen() is reported (never an unhandled rejection).
    entry.listening.catch((err) => report(bus, err));
  }
  Object.defineProperty(globalThis, BUS_KEY, { value: entry, configurable: true, writable: true, enumerable: false });
  for (const fn of [...created]) fn(bus);
  return bus;
}

// Told of every bus getEventBus() creates (eventwire/compat/incidents-bus
// moves its subscribers to a replacement at once, not at its next call).
const created = new Set();
function onEventBusCreated(fn) {
  created.add(fn);
  return () => created.delete(fn);
}

/**
 * The listen() promise of the process-wide bus: its address once it accepts
 * connections, null when it has no server (or was not created yet).
 */
function eventBusReady() {
  const slot = globalThis[BUS_KEY];
  if (!slot || slot.bus.closed || !slot.listening) return Promise.resolve(null);
  return slot.listening;
}

const HANDLER_KEYS = new Set(['bus', 'pattern', 'heartbeatMs', 'retryMs', 'maxBuffered']);

/**
 * An app-router GET handler streaming Server-Sent Events: `bus` (a bus or a
 * function returning one; default getEventBus()), `pattern` (used when the
 * request has no `pattern` query parameter; default "**"), and the stream
 * options heartbeatMs, retryMs, maxBuffered.
 */
function createRouteHandler(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw makeError('ERR_INVALID_ARGUMENT', 'createRouteHandler(options) needs an object');
  }
  for (const key of Object.keys(options)) {
    if (!HANDLER_KEYS.has(key)) {
      throw makeError('ERR_INVALID_ARGUMENT', `createRouteHandler(): ${key} is not a known option (known: ${[...HANDLER_KEYS].join(', ')})`);
    }
  }
  const { bus, ...streamOptions } = options;
  if (bus !== undefined && typeof bus !== 'function' && !(bus && typeof bus.subscribe === 'function')) {
    throw makeError('ERR_INVALID_ARGUMENT', 'createRouteHandler(): bus must be an EventBus or a function returning one');
  }
  checkStreamOptions(streamOptions);
  return async function GET(request) {
    const b = bus === undefined ? getEventBus() : typeof bus === 'function' ? bus() : bus;
    return eventStreamResponse(b, request, streamOptions);
  };
}

module.exports = {
  getEventBus,
  onEventBusCreated,
  eventBusReady,
  createRouteHandler,
  eventStreamResponse,
  createEventStream,
  sseHeaders,
};
