'use strict';
// eventwire/compat/incidents-bus: a drop-in for the in-memory `incidentsBus`
// module Next.js apps hand-write (publish(incident) / subscribe(cb) /
// unsubscribe(cb), process-local subscribers feeding an SSE route).
//
// With eventwire enabled (the default), publish() emits the incident on the
// process's shared EventBus as event type "incident", so everything else on
// the bus sees it too: on('incident') listeners, subscribe('incident' or a
// pattern), and, when the bus runs an engine, WebSocket/SSE clients and the
// history. Subscribers still receive the incident object itself, as before.
//
// EVENTWIRE_ENABLED=0 (or false/off/no), read once when this module loads,
// keeps the legacy behaviour: a plain Set of callbacks, no bus, and the
// native addon is never loaded (lib/next.js, and through it lib/index.js, is
// required lazily, only when enabled).

const INCIDENT_EVENT = 'incident';

const enabled = !/^(0|false|off|no)$/i.test(String(process.env.EVENTWIRE_ENABLED || '').trim());

// callback -> listener registered on the bus (one per callback, like a Set).
const subscribers = new Map();
let attachedBus = null; // the bus the listeners are on
let watching = false; // told of new shared buses (eventwire/next onEventBusCreated)

function isEventwireEnabled() {
  return enabled;
}

// Calls one subscriber; a throwing subscriber (typically an SSE writer whose
// stream already closed) neither stops the others nor the publisher.
function deliver(cb, incident) {
  try {
    cb(incident);
  } catch (err) {
    process.emitWarning(`an incidents-bus subscriber threw: ${err && err.message}`, {
      type: 'EventwireWarning',
      code: 'EVENTWIRE_SUBSCRIBER_ERROR',
    });
  }
}

/**
 * The shared EventBus incidents go through, or null when eventwire is
 * disabled (EVENTWIRE_ENABLED=0).
 */
function getBus() {
  if (!enabled) return null;
  // eventwire/next keeps the process-wide bus on globalThis[Symbol.for('eventwire.bus')]
  // (created on first use with { history: {} }, replaced once closed).
  const next = require('../next');
  if (!watching) {
    watching = true;
    next.onEventBusCreated(attach); // a replacement made by anyone's getEventBus() call
  }
  return attach(next.getEventBus());
}

function attach(bus) {
  if (bus !== attachedBus) {
    // The shared bus was replaced (closed and created again): subscribers
    // live as long as the process, as they did with the in-memory module.
    for (const [cb, listener] of subscribers) {
      if (attachedBus) attachedBus.off(INCIDENT_EVENT, listener);
      const next = (incident) => deliver(cb, incident);
      subscribers.set(cb, next);
      bus.on(INCIDENT_EVENT, next);
    }
    attachedBus = bus;
  }
  return bus;
}

/** Sends an incident to every subscriber (and, when enabled, the bus). */
function publish(incident) {
  if (!enabled) {
    for (const cb of [...subscribers.keys()]) deliver(cb, incident);
    return;
  }
  getBus().emit(INCIDENT_EVENT, incident);
}

/**
 * Calls `cb(incident)` for every incident published. Subscribing the same
 * function twice keeps one subscription. Returns a function that removes it
 * (true the first time, false afterwards).
 */
function subscribe(cb) {
  if (typeof cb !== 'function') throw new TypeError('subscribe(cb) needs a function');
  if (!subscribers.has(cb)) {
    if (enabled) {
      const bus = getBus();
      const listener = (incident) => deliver(cb, incident);
      subscribers.set(cb, listener);
      bus.on(INCIDENT_EVENT, listener);
    } else {
      subscribers.set(cb, null);
    }
  }
  return () => unsubscribe(cb);
}

/** Removes a subscriber; true when it was subscribed. */
function unsubscribe(cb) {
  if (!subscribers.has(cb)) return false;
  const listener = subscribers.get(cb);
  subscribers.delete(cb);
  if (listener && attachedBus) attachedBus.off(INCIDENT_EVENT, listener);
  return true;
}

module.exports = {
  publish,
  subscribe,
  unsubscribe,
  getBus,
  isEventwireEnabled,
  INCIDENT_EVENT,
};
