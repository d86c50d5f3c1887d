// Type definitions for eventwire/compat/incidents-bus (lib/compat/incidents-bus.js;
// checked by test/incidents-bus.test.js).
//
// A drop-in for a hand-written in-memory `incidentsBus` module. The incident
// type is the caller's own (e.g. `subscribe((incident: Incident) => ...)`):
// the bus carries any JSON-serialisable value.

import type { EventBus } from './index';

/** The event type incidents are emitted as on the shared bus. */
export declare const INCIDENT_EVENT: 'incident';

/** A subscriber: receives the incident object that was published. */
export type IncidentListener<T = any> = (incident: T) => void;

/**
 * Sends `incident` to every subscriber. With eventwire enabled it is emitted
 * on the shared bus as `bus.emit('incident', incident)`, so with an engine
 * running it must be JSON-serialisable (else InvalidArgumentError
 * ERR_INVALID_PAYLOAD is thrown) and it also reaches network clients.
 */
export declare function publish<T = unknown>(incident: T): void;

/**
 * Calls `listener` for every incident published. Subscribing the same
 * function twice keeps one subscription. Returns the unsubscribe function
 * (true the first time, false afterwards).
 */
export declare function subscribe<T = any>(listener: IncidentListener<T>): () => boolean;

/** Removes a subscriber; true when it was subscribed. */
export declare function unsubscribe(listener: IncidentListener<any>): boolean;

/** false when EVENTWIRE_ENABLED was 0/false/off/no when the module loaded. */
export declare function isEventwireEnabled(): boolean;

/** The shared bus incidents go through, or null when eventwire is disabled. */
export declare function getBus(): EventBus | null;
