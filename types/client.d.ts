// Type definitions for eventwire/client (lib/client.js; hand-written).
//
// The runtime is CommonJS plus an ESM wrapper (lib/client.mjs):
//   module.exports = { EventwireClient, EventwireError, patternMatches, compareIds, default: EventwireClient }
// and, as a classic browser script, globalThis.eventwire = { EventwireClient, ... }.
// Self-contained: no DOM lib, no @types/ws, no import of the server types.

// ---- the event ------------------------------------------------------------

export type Priority = 'low' | 'normal' | 'high' | 'critical';

/** An event as the server sends it (DESIGN §3). `Name` is the event name's
 * type: a literal, or a union of the names a pattern matched. */
export interface EventEnvelope<T = unknown, Name extends string = string> {
  /** Stream id "<ms>-<seq>". */
  readonly id: string;
  /** The concrete event name, e.g. "order.placed". */
  readonly type: Name;
  readonly data: T;
  readonly source?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly priority?: Priority;
  /** Schema version of `data`. */
  readonly version?: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

// ---- names and patterns -----------------------------------------------------
// "*" matches one segment, "**" zero or more. The types assume the default
// delimiter "."; with another one a wildcard pattern matches no key and its
// payload is `unknown`.

/** The string keys of an event map. */
export type EventName<Events> = Extract<keyof Events, string>;

/** "a.b.c" -> ["a", "b", "c"]. */
export type SplitName<S extends string, D extends string = '.'> =
  S extends `${infer Head}${D}${infer Rest}` ? [Head, ...SplitName<Rest, D>] : [S];

/** true when the pattern's segments match the name's segments. */
export type SegmentsMatch<Pattern extends readonly string[], Name extends readonly string[]> =
  Pattern extends readonly []
    ? Name extends readonly [] ? true : false
    : Pattern extends readonly ['**', ...infer PRest extends string[]]
      ? SegmentsMatch<PRest, Name> extends true
        ? true
        : Name extends readonly [string, ...infer NRest extends string[]]
          ? SegmentsMatch<Pattern, NRest>
          : false
      : Pattern extends readonly [infer PHead extends string, ...infer PRest extends string[]]
        ? Name extends readonly [infer NHead extends string, ...infer NRest extends string[]]
          ? PHead extends '*' | NHead ? SegmentsMatch<PRest, NRest> : false
          : false
        : false;

/** true when a pattern ("order.*", "**") matches a concrete name. */
export type PatternMatches<Pattern extends string, Name extends string, D extends string = '.'> =
  SegmentsMatch<SplitName<Pattern, D>, SplitName<Name, D>>;

/** The names of `Events` a pattern (or name) stands for; never when none. */
export type MatchingNames<Events, P extends string> =
  P extends EventName<Events>
    ? P
    : { [K in EventName<Events>]: PatternMatches<P, K> extends true ? K : never }[EventName<Events>];

/** What subscribe() accepts: a known name, or any string with a "*" (a
 * pattern). On the default open map, any string. */
export type EventPattern<Events> = EventName<Events> | `${string}*${string}`;

/** The payload a handler of `P` receives: the union of the matching events'
 * payloads, `unknown` when the pattern matches no known event. */
export type PayloadOf<Events, P extends string> =
  P extends EventName<Events>
    ? Events[P]
    : [MatchingNames<Events, P>] extends [never]
      ? unknown
      : Events[MatchingNames<Events, P>];

/** The envelope a handler of `P` receives: one member per matching event,
 * so `switch (event.type)` narrows `event.data`. */
export type EnvelopeOf<Events, P extends string> =
  string extends EventName<Events>
    ? EventEnvelope<PayloadOf<Events, P>>
    : [MatchingNames<Events, P>] extends [never]
      ? EventEnvelope<unknown>
      : { [K in MatchingNames<Events, P>]: EventEnvelope<Events[K], K> }[MatchingNames<Events, P>];

// ---- options -----------------------------------------------------------------

/** Backoff between reconnect attempts: delay = min(maxDelayMs,
 * minDelayMs × factor^(attempt−1)) × (1 − jitter × random()), reset after a
 * successful open. */
export interface ReconnectOptions {
  /** Default 250. */
  minDelayMs?: number;
  /** Default 10000. */
  maxDelayMs?: number;
  /** Default 2 (≥ 1). */
  factor?: number;
  /** 0..1, default 0.5. */
  jitter?: number;
}

/** The part of the WebSocket API the client uses: the browser's, Node ≥ 22's
 * global, and the `ws` package's all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface EventwireClientOptions {
  /** Patterns subscribed for the client's lifetime, without a handler (their
   * events reach 'event' listeners). Use subscribe() for removable ones. */
  patterns?: readonly string[];
  /** Resume point: the first `sub` carries `since: lastId`. */
  lastId?: string;
  /** Default: globalThis.WebSocket, else the `ws` package (Node < 22 needs it
   * installed, or this option). */
  WebSocket?: WebSocketConstructor;
  /** Default {}, i.e. the defaults of ReconnectOptions; false: never reconnect. */
  reconnect?: ReconnectOptions | boolean;
  /** Default true; otherwise call connect(). */
  autoConnect?: boolean;
  /** The server bus's delimiter; default ".". */
  delimiter?: string;
  /** Ops (publish, ping) issued while (re)connecting wait in a queue of this
   * size; beyond it they reject with ERR_QUEUE_FULL. Default 1024. */
  maxQueued?: number;
}

export interface PublishOptions {
  priority?: Priority;
  /** A plain, JSON-serialisable object. */
  metadata?: Record<string, unknown>;
}

// ---- errors and notices ---------------------------------------------------------

/**
 * Every error the client makes. `code` is stable:
 * ERR_CLOSED, ERR_QUEUE_FULL, ERR_CONNECTION, ERR_PROTOCOL, ERR_NO_WEBSOCKET,
 * ERR_INVALID_OPTION, ERR_INVALID_ARGUMENT, ERR_INVALID_PATTERN,
 * ERR_INVALID_EVENT_NAME, ERR_INVALID_PAYLOAD, ERR_LIMIT, or the code of the
 * server's error reply (ERR_FORBIDDEN, ERR_HISTORY_GAP, ERR_INVALID_SINCE, ...).
 */
export declare class EventwireError extends Error {
  constructor(code: string, message: string, extra?: Record<string, unknown>);
  readonly code: string;
  /** The op's ref, on errors replied by the server. */
  readonly ref?: number;
  /** ERR_CLOSED: the close code of the connection, when it closed under the op. */
  readonly closeCode?: number;
  /** Errors of a `sub` or `unsub`: the patterns of that op. */
  readonly patterns?: string[];
  /** ERR_HISTORY_GAP / ERR_INVALID_SINCE: the id the client resumed from. */
  readonly since?: string;
  /** ERR_HISTORY_GAP: the oldest id the server still has (replay starts there). */
  readonly oldest?: string;
  readonly cause?: unknown;
  readonly [extra: string]: unknown;
}

/** 'gap': events after `since` and before `oldest` are lost. The server
 * replays from `oldest` and goes live; the client stays subscribed. */
export interface HistoryGapError extends EventwireError {
  readonly code: 'ERR_HISTORY_GAP';
  readonly oldest: string;
  readonly since: string;
}

/** 'dropped': low-priority events the server dropped for this slow client. */
export interface DroppedNotice {
  readonly op: 'dropped';
  readonly count: number;
  readonly first: string;
  readonly last: string;
  readonly reason: string;
}

export interface CloseInfo {
  /** 1000 after close(); 4008 slow consumer, 1001 server shutdown and 1006
   * (no close frame) are followed by a reconnect. */
  readonly code: number;
  readonly reason: string;
}

export interface ReconnectingInfo {
  /** 1 for the first attempt after a successful open. */
  readonly attempt: number;
  readonly delayMs: number;
}

export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Client events and their listeners. */
export interface ClientEventMap<Events = Record<string, unknown>> {
  /** Every envelope delivered (before the subscribe() handlers). */
  event: (event: EnvelopeOf<Events, '**'>) => void;
  /** After each successful (re)connection, once the resume `sub` is sent. */
  open: () => void;
  /** After each connection closes; a 'reconnecting' follows unless close()
   * was called or reconnect is false. */
  close: (info: CloseInfo) => void;
  /** Informational: failed connections, protocol errors, refused subs;
   * never thrown when nobody listens. Exceptions thrown by your handlers also
   * come here (and are rethrown asynchronously when nobody listens). */
  error: (error: EventwireError | Error) => void;
  dropped: (notice: DroppedNotice) => void;
  gap: (error: HistoryGapError) => void;
  reconnecting: (info: ReconnectingInfo) => void;
}
export type ClientEventName = keyof ClientEventMap;

/** Arguments after the type: the payload is optional when it may be undefined. */
type PublishArgs<T> = undefined extends T
  ? [data?: T, options?: PublishOptions]
  : [data: T, options?: PublishOptions];

// ---- the client -------------------------------------------------------------------

/**
 * A client of the eventwire `/ws` endpoint, for browsers and Node.
 *
 * `Events` maps event names to payload types, e.g.
 * `new EventwireClient<{ 'order.placed': { id: string } }>(url)`; literal names
 * and patterns then narrow the envelopes handlers receive.
 */
export declare class EventwireClient<Events extends Record<string, unknown> = Record<string, unknown>> {
  /** Connects at once unless `options.autoConnect` is false. Throws
   * EventwireError on bad options, or ERR_NO_WEBSOCKET. */
  constructor(url: string | { readonly href: string }, options?: EventwireClientOptions);

  readonly url: string;
  /** Id of the last envelope received (or options.lastId); null before any. */
  readonly lastId: string | null;
  readonly state: ClientState;
  /** The union of the subscribed patterns, in the order they were added. */
  readonly patterns: string[];

  /**
   * Calls `handler` with each envelope whose type matches the pattern (or
   * any of the patterns), once per envelope. Returns a function that removes
   * the subscription: true the first time, false afterwards. The server is
   * subscribed to the union of all patterns; changes made in one tick go out
   * as one `sub`/`unsub`. Throws EventwireError on an invalid pattern
   * (ERR_INVALID_PATTERN) or beyond 64 distinct patterns (ERR_LIMIT).
   */
  subscribe<P extends EventPattern<Events>>(
    pattern: P | readonly P[],
    handler?: (this: this, event: EnvelopeOf<Events, P>) => void
  ): () => boolean;

  /**
   * Publishes through the server (it must allow client publish). Resolves the
   * event's id. Rejects with EventwireError: the server's code, ERR_CLOSED if
   * the connection closes before the ack (never retried: the server may have
   * published it already), ERR_QUEUE_FULL, or ERR_INVALID_* before sending.
   */
  publish<N extends EventName<Events>>(type: N, ...args: PublishArgs<Events[N]>): Promise<string>;

  /** Round trip to the server: resolves the time it took, in ms. */
  ping(): Promise<number>;

  on<K extends ClientEventName>(event: K, listener: ClientEventMap<Events>[K]): this;
  once<K extends ClientEventName>(event: K, listener: ClientEventMap<Events>[K]): this;
  off<K extends ClientEventName>(event: K, listener: ClientEventMap<Events>[K]): this;

  /** Starts connecting (when autoConnect is false, or again after close()
   * has resolved); while waiting to reconnect, retries now. */
  connect(): this;

  /** Stops reconnecting and closes (default code 1000). Pending and queued
   * ops reject with ERR_CLOSED. Resolves once the socket is closed. */
  close(code?: number, reason?: string): Promise<void>;
}

/** EventEmitter2's wildcard match of a concrete name against a pattern. */
export declare function patternMatches(pattern: string, name: string, delimiter?: string): boolean;

/** -1, 0 or 1 for two ids "<ms>-<seq>" (compared as numbers, any size);
 * throws EventwireError ERR_INVALID_ARGUMENT on anything else. */
export declare function compareIds(a: string, b: string): -1 | 0 | 1;

export default EventwireClient;
