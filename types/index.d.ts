// Type definitions for eventwire (hand-written; checked by test/types.test.js).
//
// The runtime is CommonJS (lib/index.js) with an ESM wrapper (lib/index.mjs):
//   module.exports = { EventBus, EventEmitter2, PRIORITIES, <every error class>,
//                      codes, errorTable, makeError, fromErrno, default: EventBus }
// with `__esModule` set, every name listed explicitly (so Node's ESM loader
// sees each one), and lib/index.mjs re-exporting the same names by name with
// `export default EventBus`. These declarations describe that object with
// ES-style named exports plus a `default` export, so
// `import { EventBus } from 'eventwire'`, `import EventBus from 'eventwire'`,
// `import eventwire = require('eventwire')` and (in a checked .js file)
// `const { EventBus } = require('eventwire')` all type-check.
//
// Left out on purpose: makeError and fromErrno (internal helpers; exported by
// lib/index.js but not by lib/index.mjs, so declaring them would let an ESM
// import type-check and then fail to link).
//
// Interop caveat (not fixable in this file): package.json "exports" gives the
// "import" and "require" conditions the same "types" file, and a .d.ts in a
// package without "type": "module" is CommonJS-format. So in native ESM code
// (.mts/.mjs, or `await import('eventwire')` under module node16/nodenext)
// tsc types the default import as the exports object, while lib/index.mjs's
// default export is the EventBus class; named imports are typed correctly
// there. Fix: ship an ESM-format copy (types/index.d.mts) and point
// exports["."].import.types at it.

import {
  EventEmitter2,
  ConstructorOptions,
  ListenerFn,
  Listener,
  OnOptions,
  event,
  eventNS,
} from 'eventemitter2';

export { EventEmitter2 };
import type { EventStreamOptions, EventStream } from './next';
export type { EventStreamOptions, EventStream } from './next';
export type {
  ConstructorOptions,
  ListenerFn,
  Listener,
  OnOptions,
  EventAndListener,
  CancelablePromise,
  WaitForOptions,
  WaitForFilter,
  OnceOptions,
  ListenToOptions,
  GeneralEventEmitter,
  event,
  eventNS,
} from 'eventemitter2';

// ---- the event (DESIGN §3) ------------------------------------------------

/** The priorities an event can carry, lowest first. */
export declare const PRIORITIES: readonly ['low', 'normal', 'high', 'critical'];
export type Priority = (typeof PRIORITIES)[number];

/**
 * An event as subscribe() listeners (and network clients) see it.
 * `Name` is the event name's type: a literal, or a union of the names a
 * pattern matched. Fields are readonly because one envelope object is shared
 * by every subscriber of the same emit.
 */
export interface EventEnvelope<T = unknown, Name extends string = string> {
  /** Stream id "<ms>-<seq>", assigned by the engine (or Redis). */
  readonly id: string;
  /** The concrete event name, e.g. "order.placed". */
  readonly type: Name;
  readonly data: T;
  /** Producer name: options.source of publish(), else the bus's `source`
   * (INSTANCE_ID or "<hostname>-<pid>"); "ws-client" for events published by
   * WebSocket clients. eventwire always sets it today. */
  readonly source?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Absent when the event was emitted (not published) or published without one. */
  readonly priority?: Priority;
  /** Schema version of `data`. */
  readonly version?: number;
  /** Milliseconds since the epoch (the ms part of `id`). */
  readonly timestamp: number;
}

/** Third argument of publish(). */
export interface PublishOptions {
  priority?: Priority;
  /** A plain, JSON-serialisable object. */
  metadata?: Record<string, unknown>;
  /** 1..256 characters without control characters. Overrides the bus's `source`. */
  source?: string;
  /** Non-negative integer: the schema version of `data`. */
  version?: number;
}

/**
 * The single argument of the envelope-style emit():
 * `bus.emit({ type, data, source?, metadata?, priority?, version? })`.
 * Local listeners get `data`; subscribers and clients get an envelope with
 * these fields (`id` and `timestamp` are always assigned by the bus). The
 * optional fields are validated like publish()'s options.
 */
export interface EmitEnvelope<T = unknown, Name extends string = string> extends PublishOptions {
  type: Name;
  data: T;
}

/**
 * What the envelope-style emit() accepts on a bus: one EmitEnvelope per
 * event name, so `type` narrows `data` (which may be left out when the
 * payload may be undefined). On the default open map: any name, `unknown` data.
 */
export type EmitEnvelopeOf<Events> = {
  [K in EventName<Events>]: undefined extends Events[K]
    ? Omit<EmitEnvelope<Events[K], K>, 'data'> & { data?: Events[K] }
    : EmitEnvelope<Events[K], K>;
}[EventName<Events>];

/**
 * Argument of getEventHistory(). `P` is the pattern's type, so a literal
 * pattern narrows the envelopes on a typed bus.
 */
export interface HistoryQuery<P extends string = string> {
  /** Only events matching this pattern or name ("*" = one segment, "**" =
   * zero or more). Default: every event. */
  pattern?: P;
  /** At most this many events (an integer 1..10,000): the newest ones when
   * `since` is not given, else the first ones after `since`. @default 100 */
  count?: number;
  /** Only events after this id ("<ms>-<seq>", e.g. the last id a client
   * saw). Older than the retained history: rejects with HistoryGapError
   * whose `events` holds what is still kept. */
  since?: string;
}

/** Third argument of serveStatic(). */
export interface StaticOptions {
  /** The Content-Type header (no CR/LF). @default 'text/html; charset=utf-8' */
  contentType?: string;
}

/** Node's Buffer when its types are loaded (@types/node), else Uint8Array.
 * (serveStatic() accepts a Buffer; a plain Uint8Array is rejected at run time.) */
type BufferOf<G> = G extends { Buffer: { isBuffer(obj: any): obj is infer B } } ? B : Uint8Array;
type NodeBuffer = BufferOf<typeof globalThis>;

// ---- options, addresses, stats ------------------------------------------

export interface ServerOptions {
  /** 0..65535; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Host name or IPv4 address; default "0.0.0.0". */
  host?: string;
  /** Path of the WebSocket endpoint (docs/PROTOCOL.md): "/" then printable
   * ASCII without "?", at most 255 bytes. @default '/ws' */
  path?: string;
  /** Most WebSocket connections open at once (1..1,000,000); further
   * upgrades are answered 503. @default 10000 */
  maxConnections?: number;
  /** Largest client message in bytes (16..64 MiB); a bigger one closes the
   * connection with 1009. @default 65536 */
  maxPayload?: number;
  /** Interval of WebSocket pings in ms (0..3,600,000; 0 = no heartbeat). A
   * connection silent for a whole interval after a ping is closed.
   * @default the environment variable WS_HEARTBEAT_INTERVAL, else 30000 */
  heartbeatMs?: number;
  /** Time allowed for a complete upgrade request, in ms (10..600,000). @default 10000 */
  handshakeTimeoutMs?: number;
  /** Accepted `Origin` headers, e.g. ["https://app.example.com"] (non-empty
   * strings); other origins are answered 403. Default: any origin. */
  allowedOrigins?: readonly string[];
  /** Accept `pub` ops from WebSocket clients (otherwise they get
   * ERR_FORBIDDEN). Client events are emitted on the bus. @default false */
  allowClientPublish?: boolean;
  /** Bounds of each connection's backlog of unsent frames (slow clients). */
  backlog?: BacklogOptions;
  /** The Socket.IO endpoint (docs/PROTOCOL.md; socket.io-client 4.x with
   * `transports: ['websocket']`): its options, or false to turn it off.
   * @default {} (on, at "/socket.io/") */
  socketIo?: SocketIoOptions | false;
  /** The Server-Sent Events endpoint (docs/PROTOCOL.md): its options, or
   * false to turn it off. @default {} (on, at "/events") */
  sse?: SseOptions | false;
  /**
   * Checks every client before it gets events: each Socket.IO connect (auth
   * = its `auth` payload, a JSON object, or null when the client sent none),
   * and each /ws upgrade and /events request before the server answers it
   * (auth = `{ token }` from `Authorization: Bearer <token>` or the `token`
   * query parameter, `{}` without one; `info` has the request's path, query
   * and headers). `true` or `{ ok: true }` accepts; `false`,
   * `{ ok: false, message }`, a throw or a rejection refuses: a Socket.IO
   * `connect_error` carrying the message, HTTP 401 `ERR_UNAUTHORIZED` with it
   * for /ws and /events. A /ws or /events answer not given within
   * `handshakeTimeoutMs` is HTTP 503 `ERR_TIMEOUT`. Default: every client is
   * accepted (with `allowedOrigins` as the only check).
   */
  authorize?: (auth: unknown, info: AuthorizeInfo) => AuthorizeResult | Promise<AuthorizeResult>;
  /**
   * Locks GET /stats and /metrics: they then need
   * `Authorization: Bearer <opsToken>` (401 ERR_UNAUTHORIZED otherwise);
   * /health stays open. 16..256 characters of A-Z a-z 0-9 - . _ ~ + /.
   * @default process.env.EVENTWIRE_OPS_TOKEN (none: open)
   */
  opsToken?: string;
}

/** Options of the Socket.IO endpoint (ServerOptions#socketIo). */
export interface SocketIoOptions {
  /** "/" then printable ASCII without "?", at most 255 bytes. @default '/socket.io/' */
  path?: string;
  /** Engine.IO `pingInterval` in ms (50..3,600,000). @default 25000 */
  pingIntervalMs?: number;
  /** Engine.IO `pingTimeout` in ms (50..3,600,000). @default 20000 */
  pingTimeoutMs?: number;
}

/** Options of the Server-Sent Events endpoint (ServerOptions#sse). */
export interface SseOptions {
  /** "/" then printable ASCII without "?", at most 255 bytes. @default '/events' */
  path?: string;
  /** Interval of `: ping` comments in ms (0..3,600,000; 0 = none).
   * @default the environment variable SSE_HEARTBEAT_INTERVAL, else 15000 */
  heartbeatMs?: number;
  /** The `retry:` reconnection delay sent to clients, in ms (1..3,600,000). @default 3000 */
  retryMs?: number;
}

/** Second argument of ServerOptions#authorize: the transport, and for /ws
 * and /events the HTTP request. */
export type AuthorizeInfo = SocketIoAuthorizeInfo | RequestAuthorizeInfo;

/** A Socket.IO connect (after its WebSocket is open). */
export interface SocketIoAuthorizeInfo {
  transport: 'socket.io';
}

/** A /ws upgrade or an /events request, before it is answered. */
export interface RequestAuthorizeInfo {
  transport: 'ws' | 'sse';
  /** The request path without its query string. */
  path: string;
  /** Query parameters: a string, or an array when repeated (no prototype). */
  query: Record<string, string | string[]>;
  /** Header names in lower case; repeats joined with ", " (cookies with "; "); no prototype. */
  headers: Record<string, string>;
}

/** First argument of ServerOptions#authorize for /ws and /events. */
export interface RequestAuth {
  /** From `Authorization: Bearer <token>`, else the `token` query parameter. */
  token?: string;
}

/** What ServerOptions#authorize returns (or resolves with). */
export type AuthorizeResult =
  | boolean
  | {
      ok: boolean;
      /** Why a client is refused (sent to it). */
      message?: string;
      /**
       * With `ok: true`: the only patterns this client may subscribe to
       * (1..64); a subscription must lie within one of them, segment by
       * segment (`**` here covers any run of segments, `*` one segment), or
       * it gets ERR_FORBIDDEN. Omitted: any pattern.
       */
      patterns?: string[];
    };

/** Per-connection backlog bounds: when an event does not fit, `low` events
 * are dropped first, otherwise the connection is closed with 4008. */
export interface BacklogOptions {
  /** Frames (1..16,777,216). @default 4096 */
  maxFrames?: number;
  /** Bytes (1024..1 GiB). @default 4194304 (4 MiB) */
  maxBytes?: number;
}

/** The engine's in-memory event history (getEventHistory(), `since` resume). */
export interface HistoryOptions {
  /** Most events kept (1..10,000,000). @default 10000 */
  size?: number;
  /** Oldest event kept, in ms (a positive integer). @default 86400000 (24 h) */
  maxAgeMs?: number;
}

export interface InboxOptions {
  /** Most events waiting for the engine thread (positive integer). */
  maxEvents?: number;
  /** Most bytes waiting for the engine thread (positive integer). */
  maxBytes?: number;
}

/**
 * Options of `new EventBus()`: EventEmitter2's options (one default differs:
 * `wildcard` is true) plus eventwire's own. Unknown keys are rejected at run
 * time with ERR_INVALID_OPTION.
 */
export interface EventBusOptions extends ConstructorOptions {
  /** @default true (EventEmitter2 defaults to false) */
  wildcard?: boolean;
  /** 1..8 bytes, without "*" or control characters. Wildcard patterns are
   * typed only for the default "." (see PayloadOf). @default '.' */
  delimiter?: string;
  /** Start the network server: its options, `true` for the defaults
   * (0.0.0.0, ephemeral port, path "/ws"), or false/null/undefined for none. */
  server?: ServerOptions | boolean | null;
  /** Bounds of the engine's event history. Giving it (even `{}`) starts the
   * engine; without it the defaults apply whenever the engine runs. */
  history?: HistoryOptions;
  /** Start the engine thread even without a server or history. Default:
   * only when `server` or `history` is set (serveStatic() also starts it). */
  engine?: boolean;
  /** Default `source` of envelopes; default INSTANCE_ID or "<hostname>-<pid>". */
  source?: string;
  /** Bounds of the queue between JS and the engine thread. */
  inbox?: InboxOptions;
  /**
   * Redis Streams persistence and fan-out across instances: a URL
   * "redis://[:password@]host[:port][/db]", `true` for the environment
   * variable REDIS_URL, an object of RedisOptions, or false/null/undefined
   * for none. Giving it starts the engine; listen() then waits for the first
   * connection.
   */
  redis?: string | true | RedisOptions | false | null;
}

/** EventBusOptions#redis as an object. Unknown keys are rejected with ERR_INVALID_OPTION. */
export interface RedisOptions {
  /** "redis://[:password@]host[:port][/db]" (no TLS, no ACL user names).
   * @default the environment variable REDIS_URL (required then) */
  url?: string;
  /** Key prefix (non-empty, no control characters). @default 'eventwire' */
  prefix?: string;
  /** The stream key (1..512 bytes, no control characters). @default `${prefix}:events` */
  stream?: string;
  /** Approximate most entries kept in the stream (XADD MAXLEN ~), a positive integer.
   * @default the environment variable REDIS_STREAM_RETENTION, else 100000 */
  retention?: number;
  /** Most events waiting for (or in) XADD (1..10,000,000); past it events are
   * refused (ERR_QUEUE_FULL) and health() reports "unavailable".
   * @default the environment variable EVENT_QUEUE_SIZE, else 10000 */
  queueSize?: number;
  /** Time allowed for a connection attempt, in ms (10..600,000). @default 5000 */
  connectTimeoutMs?: number;
  /** Failed connects in a row (1..1,000,000) after which the events waiting
   * fail with ERR_REDIS_UNAVAILABLE (reconnecting goes on).
   * @default the environment variable MAX_RECONNECT_ATTEMPTS, else 10 */
  maxReconnectAttempts?: number;
}

/** Where the server listens (listen(), address()). */
export interface ServerAddress {
  port: number;
  host: string;
}

/** What listen() resolves with on a bus without a server (Redis only): `{}`. */
export interface NoServerAddress {
  port?: undefined;
  host?: undefined;
}

/** The Redis connection as stats() reports it: "off" without Redis. */
export type RedisState = 'off' | 'connecting' | 'ready';

/** What health() resolves with (the engine's part is built by ew__engine_health_json,
 * native/src/engine.c, and ew__redis_health_json, native/src/redis.c). */
export interface Health {
  /** "unavailable" while Redis is down, its relay is stalled or its queue
   * is full, and after close(). */
  status: 'ok' | 'unavailable';
  /** "local": no engine runs; "embedded": engine without Redis; "redis": with Redis. */
  mode: 'embedded' | 'redis' | 'local';
  /** Only after close(). */
  closed?: true;
  /** Only in mode "redis" while the bus is open. */
  redis?: RedisHealth;
}

/** The Redis part of Health. */
export interface RedisHealth {
  /** "ready": both connections (XADD and relay) up; "connecting": not
   * both, with a connection up or being established; "down": none, waiting
   * for the next attempt. */
  state: 'ready' | 'connecting' | 'down';
  /** Events waiting for (or in) XADD. */
  queued: number;
  /** RedisOptions#queueSize. */
  queueSize: number;
  /** 1 while XADDs are in flight, else 0. */
  inflight: number;
  /** The relay's XREAD has not answered for over 5 s, or the relay has been
   * paused (relayPaused) for over 5 s. */
  relayStalled: boolean;
  /** The relay stopped reading: 16 MB of other instances' events wait for
   * the JS thread (a blocked or overloaded event loop). It reads again as
   * soon as the JS thread takes them; the stream keeps the rest. */
  relayPaused: boolean;
  /** Redis refused an XADD (an error reply: OOM under maxmemory, READONLY
   * from a replica, ...) and has accepted none since, for at most 30 s
   * after the last refusal: those publish() calls rejected
   * ERR_REDIS_UNAVAILABLE (lastError says why) and the status is
   * unavailable. */
  writesRefused: boolean;
  /** How far the relay's position is behind the newest entry this bus wrote
   * (in stream-id milliseconds; 0 = caught up). */
  relayLagMs: number;
  /** This bus's own events Redis acknowledged that the relay has not read
   * back yet (its local clients get them then). */
  relayBehind: number;
  /** When the relay last got an XREAD reply (ms since the epoch; 0 = never). */
  lastReadMs: number;
  /** The ms part of the last stream id relayed (0 = none). */
  lastEventMs: number;
  /** Failed connects in a row. */
  reconnectAttempts: number;
  /** The last connection error, null when none. */
  lastError: string | null;
}

/** Counters of the engine thread (native/binding.cc Engine#stats). */
export interface EngineStats {
  running: boolean;
  /** Bound port, 0 when not listening. */
  port: number;
  /** Batches taken from the inbox. */
  batchesIn: number;
  /** Events taken from the inbox. */
  eventsIn: number;
  bytesIn: number;
  /** Malformed batch records skipped (a bug if ever > 0). */
  badRecords: number;
  /** Events refused because the inbox was full. */
  inboxRejected: number;
  /** Events waiting in the inbox now. */
  inboxEvents: number;
  /** Bytes waiting in the inbox now. */
  inboxBytes: number;
  inboxHighWaterEvents: number;
  inboxHighWaterBytes: number;
  /** Engine loop wake-ups by the inbox. */
  wakeups: number;
  /** HTTP requests received (upgrades and static routes). */
  httpRequests: number;
  /** WebSocket connections open now. */
  connections: number;
  /** WebSocket connections accepted so far. */
  connectionsTotal: number;
  /** Patterns held by WebSocket connections now. */
  subscriptions: number;
  /** Event frames queued to connections. */
  deliveries: number;
  /** Frames written to connections (events and control frames). */
  framesOut: number;
  /** Bytes written to connections. */
  bytesOut: number;
  /** Events published by clients (`pub` ops). */
  clientPublishes: number;
  /** `low` events dropped for slow clients (reported to them as `dropped`). */
  droppedLow: number;
  /** Connections closed with 4008 because a normal/high/critical event did
   * not fit in their backlog. */
  slowConsumerCloses: number;
  /** Connections closed for not answering a heartbeat ping. */
  heartbeatTimeouts: number;
  /** Connections closed for a protocol violation (1002, 1003, 1007, 1009). */
  protocolErrors: number;
  /** Upgrade requests answered with a 4xx/5xx status. */
  handshakeRejects: number;
  /** `error` replies to client ops. */
  opErrors: number;
  /** Largest per-connection backlog seen, in frames. */
  backlogHighWaterFrames: number;
  /** Largest per-connection backlog seen, in bytes. */
  backlogHighWaterBytes: number;
  /** Events in the history now. */
  historyEvents: number;
  /** Events evicted from the history (by `history.size` or `maxAgeMs`) so far. */
  historyEvicted: number;
  /** Both Redis connections are ready (false without Redis). */
  redisConnected: boolean;
  /** Events waiting for (or in) XADD now. */
  redisQueued: number;
  /** Largest `redisQueued` seen. */
  redisQueueHighWater: number;
  /** XADDs acknowledged by Redis. */
  redisWritten: number;
  /** Stream entries read by the relay (from every instance). */
  redisRelayed: number;
  /** Events the Redis side refused or gave up on (queue full, Redis
   * unavailable after `maxReconnectAttempts`). */
  redisRejected: number;
  /** Redis connections lost after being ready. */
  redisReconnects: number;
  /** Times the relay paused for the JS thread (see RedisHealth#relayPaused). */
  redisRelayPauses: number;
}

/** What stats() returns: JS-side counters and, while it runs, the engine's. */
export interface BusStats {
  closed: boolean;
  listening: boolean;
  /** Live subscribe() subscriptions. */
  subscriptions: number;
  /** Events accepted by emit/emitAsync/publish (that built an envelope). */
  emitted: number;
  /** Events handed to the engine. */
  forwarded: number;
  /** Batches handed to the engine. */
  batches: number;
  /** publish() promises waiting for the engine (or Redis). */
  pendingPublishes: number;
  /** The Redis connection: "off" without Redis, "ready" once connected,
   * "connecting" before that and while reconnecting. */
  redis: RedisState;
  dropped: { inboxFull: number };
  publishFailed: number;
  /** null when no engine thread runs. */
  engine: EngineStats | null;
}

// ---- pattern matching at the type level -----------------------------------
//
// EventEmitter2 wildcard rules (DESIGN §4, reference/eventemitter2.md):
// names split on the delimiter; a "*" segment matches exactly one segment
// (an empty one too); a "**" segment matches zero or more segments. Only
// whole segments are wildcards ("order*" is a plain name). The types assume
// the default delimiter "."; with another delimiter a wildcard pattern simply
// matches no key and its payload is `unknown`.

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
        ? true // "**" took zero segments
        : Name extends readonly [string, ...infer NRest extends string[]]
          ? SegmentsMatch<Pattern, NRest> // "**" takes one more segment
          : false
      : Pattern extends readonly [infer PHead extends string, ...infer PRest extends string[]]
        ? Name extends readonly [infer NHead extends string, ...infer NRest extends string[]]
          ? PHead extends '*' | NHead ? SegmentsMatch<PRest, NRest> : false
          : false
        : false;

/** true when a pattern ("order.*", "**") matches a concrete name. */
export type PatternMatches<Pattern extends string, Name extends string, D extends string = '.'> =
  SegmentsMatch<SplitName<Pattern, D>, SplitName<Name, D>>;

/** The names of `Events` a pattern (or literal name) stands for; never when none. */
export type MatchingNames<Events, P extends string> =
  P extends EventName<Events>
    ? P
    : { [K in EventName<Events>]: PatternMatches<P, K> extends true ? K : never }[EventName<Events>];

/** What listeners and subscribe() accept on a bus: a known name or any pattern with "*". */
export type EventPattern<Events> = EventName<Events> | `${string}*${string}`;

/**
 * The payload a listener of `P` receives: `Events[P]` for a known name, the
 * union of the matching events' payloads for a pattern, `unknown` when the
 * pattern matches no event.
 */
export type PayloadOf<Events, P extends string> =
  P extends EventName<Events>
    ? Events[P]
    : [MatchingNames<Events, P>] extends [never]
      ? unknown
      : Events[MatchingNames<Events, P>];

/**
 * The envelope a subscribe() listener of `P` receives: a union with one
 * member per matching event, so `switch (ev.type)` narrows `ev.data`.
 */
export type EnvelopeOf<Events, P extends string> =
  string extends EventName<Events>
    ? EventEnvelope<PayloadOf<Events, P>> // open map: any name can match
    : [MatchingNames<Events, P>] extends [never]
      ? EventEnvelope<unknown>
      : { [K in MatchingNames<Events, P>]: EventEnvelope<Events[K], K> }[MatchingNames<Events, P>];

/**
 * true for the default open map (string keys, unknown/any payloads): such a
 * bus keeps EventEmitter2's untyped signatures (any name, symbol or array,
 * listeners `(...values: any[]) => void`).
 */
export type IsUntyped<Events> =
  string extends keyof Events ? (unknown extends Events[keyof Events] ? true : false) : false;

/**
 * The parameter type of the untyped overloads on a typed bus: no name has
 * this type, so those overloads never apply there. (A named type rather than
 * `never` so that tsc's "not assignable to parameter of type
 * 'UntypedEventBusOnly'" says why that overload was skipped.)
 */
export interface UntypedEventBusOnly {
  readonly 'this overload is for EventBus<Record<string, unknown>> only': never;
}

/** `T` on an untyped bus, UntypedEventBusOnly on a typed one. */
type UntypedOnly<Events, T> = IsUntyped<Events> extends true ? T : UntypedEventBusOnly;

/**
 * The parameter of the envelope-style emit(). On the untyped bus it also
 * admits EventEmitter2's names (which the first overload takes anyway), so
 * that a subclass can still override emit() with EventEmitter2's signature.
 */
type EnvelopeEmitParam<Events> =
  IsUntyped<Events> extends true ? EmitEnvelopeOf<Events> | event | eventNS : EmitEnvelopeOf<Events>;

/** Arguments after the name: the payload is optional when it may be undefined. */
type PayloadArgs<T> = undefined extends T ? [data?: T] : [data: T];
type PublishArgs<T> = undefined extends T
  ? [data?: T, options?: PublishOptions]
  : [data: T, options?: PublishOptions];

/** EventEmitter2 meta-events, available with their own signatures on every bus. */
export interface MetaEventListeners {
  /** Errors emitted on the bus, including engine failures of fire-and-forget
   * emits (EventwireError); without an 'error' listener those become process
   * warnings instead. */
  error: (error: Error) => void;
  /** Only with the `newListener` option. Receives EventEmitter2's wrapper. */
  newListener: (event: event | eventNS, listener: ListenerFn) => void;
  /** Only with the `removeListener` option. */
  removeListener: (event: event | eventNS, listener: ListenerFn) => void;
  /** Only with the `removeListener` option. */
  removeListenerAny: (listener: ListenerFn) => void;
}
export type MetaEventName = keyof MetaEventListeners;

/** Names publish() accepts: meta-events are rejected with ERR_INVALID_EVENT_NAME. */
type PublishName<Events> = Exclude<EventName<Events>, MetaEventName>;

/** A listener of `P`: called with `this` = the bus (EventEmitter2 sets `this.event`). */
export type PayloadListener<Events, P extends string, This = unknown> =
  (this: This, data: PayloadOf<Events, P>) => void;

/** A subscribe() listener of `P`. */
export type EnvelopeListener<Events, P extends string, This = unknown> =
  (this: This, event: EnvelopeOf<Events, P>) => void;

/** Options of on()/many()/... that make them return a Listener object. */
type ObjectifyOptions = OnOptions & { objectify: true };

// ---- durable consumers (lib/consumer.js) -----------------------------------
//
// bus.consume() returns a Consumer (not exported at run time: it is declared
// here as a type only, so `new Consumer()` or `instanceof Consumer` do not
// type-check). Embedded mode (no Redis): in-memory groups within the
// process. Redis mode: a Redis consumer group on the bus's stream.

/**
 * Third argument of consume(). Checked at run time: a value out of range
 * (numbers are integers), a bad name or an unknown key throws
 * InvalidArgumentError (ERR_INVALID_ARGUMENT); `undefined` counts as not
 * given. `deadLetter`, `startFrom` and, in Redis mode, the claiming part of
 * `ackTimeoutMs` belong to the group: the consume() that creates the group
 * on this bus sets them.
 */
export interface ConsumeOptions {
  /** Required. The consumer group (1..128 characters of A-Z a-z 0-9 _ . : -).
   * Consumers of the same group share its events; each group gets every
   * matching event. Every consumer of a group consumes the same patterns.
   * In Redis mode, the name of the Redis consumer group. */
  group: string;
  /** This consumer's name in the group (same characters as `group`).
   * @default "<the bus's instance id>-<n>" */
  consumer?: string;
  /** Handler calls (batches, with `batchSize`) in flight at once, 1..10,000.
   * With 1, events are handled in order, a retried event before any later
   * one; with more, they start in order but may finish in any order.
   * @default 1 */
  concurrency?: number;
  /** Retries after the first try (0..1,000); an event that still fails goes
   * to the dead letters (see `deadLetter`) and is acked. @default 3 */
  maxRetries?: number;
  /** Delay before the first retry in ms (0..3,600,000), doubled for each
   * further retry (exponential backoff, ±25 % jitter). The handler's slot
   * stays taken during the delay. @default 100 */
  retryDelayMs?: number;
  /** Cap of the retry delay in ms before jitter (0..86,400,000). @default 30000 */
  retryMaxDelayMs?: number;
  /** What happens to an event that failed after `maxRetries`: `true` keeps it
   * in the group's dead letters (deadLetters(group); embedded: an in-memory
   * ring of 10,000 per group; Redis: the stream `<stream>:dlq:<group>`), a
   * string names that Redis stream instead (same characters as `group`;
   * embedded mode treats it as `true`), `false` drops it (still counted in
   * `deadLettered`). @default true */
  deadLetter?: boolean | string;
  /** 0: the handler receives one event per call. 1..10,000: it receives an
   * array of up to this many events (fewer after `batchTimeoutMs`), retried
   * and dead-lettered as a whole. @default 0 */
  batchSize?: number;
  /** With `batchSize`: how long to wait for a full batch before handing over
   * a partial one, in ms (0..3,600,000). @default 50 */
  batchTimeoutMs?: number;
  /** A handler whose promise has not settled after this many ms (1..86,400,000)
   * fails with TimeoutError (ERR_TIMEOUT) and is retried (`timedOut` counts
   * it); synchronous handlers are not timed. In Redis mode, entries left
   * unacked this long by a consumer that is gone are claimed (XAUTOCLAIM) by
   * a live one. @default 30000 */
  ackTimeoutMs?: number;
  /** Where a new group starts: '$' new events only, '0' every retained event
   * (embedded: the engine's history, when the engine runs; Redis: the whole
   * stream), or an event id "<ms>-<seq>": the events after it. Only used when
   * the group is created (an existing Redis group keeps its position).
   * @default '$' */
  startFrom?: '$' | '0' | string;
  /** How long close() waits for running handlers, in ms (0..3,600,000).
   * @default 10000 */
  closeTimeoutMs?: number;
  /** Redis mode: the most entries a consumer holds at once (fetched and not
   * yet acked, running ones included; never fewer than concurrency ×
   * batchSize), 1..100,000. It holds about 50 ms of work at the handler's
   * measured pace, up to this, so fast handlers read in large batches and
   * slow ones leave events to other consumers of the group. Embedded
   * consumers take only what they can run. @default 2048 */
  prefetch?: number;
}

/**
 * The event a consume() handler receives: the envelope of `P` (one member
 * per matching event on a typed bus, like subscribe()) and `attempt`.
 */
export type ConsumedEvent<Events, P extends string> = EnvelopeOf<Events, P> & {
  /** 1 on the first try, then 2, 3, ... across retries and redeliveries
   * (Redis: an entry claimed from a consumer that is gone counts on). */
  readonly attempt: number;
};

/** A consume() handler of single events. Its result may be a promise: the
 * event is acked once it resolves; a throw or rejection is a failure. */
export type ConsumeHandler<Events, P extends string> =
  (event: ConsumedEvent<Events, P>) => unknown;

/** A consume() handler of batches (`batchSize` >= 1): 1..batchSize events. */
export type BatchConsumeHandler<Events, P extends string> =
  (events: Array<ConsumedEvent<Events, P>>) => unknown;

/**
 * The handler type of consume()'s batch overload when `batchSize` is not a
 * number literal (a `number`, which may be 0 at run time, or absent): no
 * handler has this type, so that overload does not apply. (A named type
 * rather than `never` so that tsc's message says why.)
 */
export interface LiteralBatchSizeOnly {
  readonly 'this overload needs a literal batchSize such as 10': never;
}

/** The group a Consumer belongs to (an internal object; only these fields are declared). */
export interface ConsumerGroup {
  /** ConsumeOptions#group. */
  readonly name: string;
  /** The patterns the group consumes. */
  readonly patterns: readonly string[];
}

/**
 * The API of Node's EventEmitter ('events'), which Consumer extends at run
 * time. Spelled out here instead of imported so that these declarations
 * need no @types/node; with @types/node a Consumer is assignable to its
 * EventEmitter. The only event a Consumer emits is 'closed'.
 */
export interface ConsumerEventEmitter {
  on(event: 'closed', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  addListener(event: 'closed', listener: () => void): this;
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'closed', listener: () => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  prependListener(event: 'closed', listener: () => void): this;
  prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependOnceListener(event: 'closed', listener: () => void): this;
  prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this;
  off(event: string | symbol, listener: (...args: any[]) => void): this;
  removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  removeAllListeners(event?: string | symbol): this;
  emit(event: string | symbol, ...args: any[]): boolean;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
  listeners(event: string | symbol): Function[];
  rawListeners(event: string | symbol): Function[];
  listenerCount(event: string | symbol, listener?: Function): number;
  eventNames(): Array<string | symbol>;
}

/**
 * A durable consumer, returned by consume(): runs the handler with bounded
 * concurrency, retries, a timeout and dead letters, and acks what
 * succeeded. A Node EventEmitter (ConsumerEventEmitter) that emits 'closed'
 * once close() is done.
 */
declare class Consumer {
  private constructor();
  /** The group it belongs to. */
  readonly group: ConsumerGroup;
  /** ConsumeOptions#consumer, or the generated name. */
  readonly name: string;
  /** Takes no new entries and starts no handler calls (running ones go
   * on; a partial batch waits) until resume(). */
  pause(): this;
  resume(): this;
  /**
   * Stops fetching, waits for running handlers (at most `closeTimeoutMs`;
   * Redis: also for the entries already fetched), gives the rest back to the
   * group (embedded: to its other consumers; Redis: left pending, claimed
   * after `ackTimeoutMs`), waits for the acks, then emits 'closed'. Never
   * rejects; idempotent (same promise). bus.close() closes every consumer.
   */
  close(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): ConsumerStats;
}
interface Consumer extends ConsumerEventEmitter {}
export type { Consumer };

/** What Consumer#stats() returns (one per consumer in SubscriberStats). */
export interface ConsumerStats {
  /** ConsumeOptions#group. */
  group: string;
  /** Consumer#name. */
  consumer: string;
  /** Handler calls running or waiting to retry (a batch counts once). */
  inFlight: number;
  /** Events given to this consumer and not started yet. */
  queued: number;
  /** Events handled successfully (then acked). */
  processed: number;
  /** Failed tries, per event (a retried event counts each time). */
  failed: number;
  /** Retries scheduled, per event. */
  retried: number;
  /** Events given up after `maxRetries` (dead-lettered, or dropped with
   * `deadLetter: false`). */
  deadLettered: number;
  /** Handler calls that did not settle within `ackTimeoutMs`. */
  timedOut: number;
  /** Entries delivered and not acked: this consumer's (embedded) or the
   * whole group's (Redis, XINFO GROUPS, refreshed about every second). */
  pending: number;
  /** The group's entries not yet delivered to any consumer (Redis: XINFO
   * GROUPS lag, refreshed about every second). */
  lag: number;
  paused: boolean;
  /** true once close() was called. */
  closed: boolean;
}

/** An event that failed after `maxRetries` (DeadLetters#list()). */
export interface DeadLetter {
  /** The event's id: its idempotency key, and the id retry() takes. */
  id: string;
  /** The event as the handler got it, without `attempt`. */
  envelope: EventEnvelope;
  /** The last failure's message (or the thrown value as a string). */
  error: string;
  /** The last failure's `code`, when it had one (e.g. 'ERR_TIMEOUT'). */
  code?: string | undefined;
  /** Tries made, across retries and redeliveries. */
  attempts: number;
  /** Name of the consumer that gave up. */
  consumer: string;
  /** When it gave up, in ms since the epoch. */
  failedAt: number;
  /** Redis mode only: the id of the entry in the dead-letter stream. */
  dlqId?: string;
  /** Redis mode only: ConsumeOptions#group. */
  group?: string;
}

/** Argument of DeadLetters#list(). */
export interface DeadLetterQuery {
  /** At most this many, oldest first. @default 100 */
  count?: number;
  /** Only dead letters of events whose id is after this one ("<ms>-<seq>"): a filter, not a paging cursor. */
  since?: string;
}

/** What deadLetters(group) returns. */
export interface DeadLetters {
  /** The dead letters, in the order they failed (Redis: the whole dead-letter stream, read in pages). */
  list(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  /**
   * Hands the event with this id back to this group only (with a new first
   * try; its id stays the same) and removes the dead letter. Resolves true;
   * rejects with InvalidArgumentError (ERR_INVALID_ARGUMENT) when the group
   * has no dead letter with that id.
   */
  retry(id: string): Promise<true>;
  /** Removes every dead letter of the group; resolves with how many there were. */
  purge(): Promise<number>;
}

/** One consumer group of the bus (getSubscriberStats()). */
export interface SubscriberStats {
  /** ConsumeOptions#group. */
  group: string;
  /** The patterns the group consumes. */
  patterns: string[];
  /** Entries not yet delivered to a consumer (Redis: XINFO GROUPS lag). */
  lag: number;
  /** Entries delivered and not acked (Redis: XINFO GROUPS pending). */
  pending: number;
  /** Dead letters kept (Redis: XLEN of the dead-letter stream; 0 with
   * `deadLetter: false`). Redis figures are refreshed about every second. */
  deadLetters: number;
  /** Embedded mode: entries dropped because the group's backlog reached
   * 100,000 (oldest first). Always 0 in Redis mode. */
  overflow: number;
  /** Its consumers on this bus, until their close() is done. */
  consumers: ConsumerStats[];
}

// ---- the bus ----------------------------------------------------------------

/**
 * An EventEmitter2 (wildcard on by default) whose events are also forwarded to
 * the eventwire engine (server, clients) when one runs.
 *
 * `Events` maps event names to payload types, e.g.
 * `new EventBus<{ 'order.placed': { id: string } }>()`. With the default open
 * map the bus is typed exactly like EventEmitter2. The constraint is `object`
 * rather than `Record<string, unknown>` so that an `interface` (which has no
 * implicit index signature) can be the event map.
 *
 * Typing choices and compromises (EventBus must stay assignable to
 * EventEmitter2, which tsc checks through method-parameter bivariance; the
 * untyped overloads are disabled on a typed bus through their parameter type):
 * - A typed bus accepts string names/patterns only; symbols and name arrays
 *   (EventEmitter2's eventNS) are accepted on the untyped bus only.
 * - Typed emit()/publish() take exactly one payload argument; EventEmitter2's
 *   `emit(name, a, b)` (delivered to subscribers as data [a, b]) is untyped-only.
 * - A non-literal `options` value of type OnOptions whose `objectify` may be
 *   true is typed as returning `this` (only a literal `{ objectify: true }`
 *   selects the Listener-returning overload).
 * - waitFor, onAny, listeners, listenerCount, hasListeners,
 *   removeAllListeners, listenTo and the static EventEmitter2.once keep their
 *   untyped EventEmitter2 signatures.
 * - Wildcard payloads are computed for the "." delimiter only.
 * - The envelope-style emit({ type, data, ... }) narrows `data` by `type` on
 *   a typed bus; emitAsync() has no envelope style (neither at run time).
 */
export declare class EventBus<Events extends object = Record<string, unknown>> extends EventEmitter2 {
  constructor(options?: EventBusOptions);

  /** The bus class (mirrors EventEmitter2.EventEmitter2). */
  static readonly EventBus: typeof EventBus;
  static readonly PRIORITIES: typeof PRIORITIES;

  /** Set by EventEmitter2 before each listener call: the emitted name. */
  event?: event | eventNS;

  /** true once close() was called. */
  readonly closed: boolean;

  // -- emitting ---------------------------------------------------------------

  /**
   * Calls the local listeners synchronously and forwards the event to the
   * engine (when one runs). Throws (before any listener) on a bad name,
   * unserialisable data, or after close().
   */
  emit(event: UntypedOnly<Events, event | eventNS>, ...values: any[]): boolean;
  emit<N extends EventName<Events>>(event: N, ...args: PayloadArgs<Events[N]>): boolean;
  emit(event: 'error', error: unknown): boolean;
  /**
   * Envelope style: `emit({ type, data, source?, metadata?, priority?, version? })`
   * (exactly one argument). Local listeners get `data`; subscribers and
   * clients get an envelope with the given fields. Throws like emit(), and
   * InvalidArgumentError on a bad priority, metadata, source or version.
   */
  emit(envelope: EnvelopeEmitParam<Events>): boolean;

  /** emit() that awaits the listeners' results (EventEmitter2 emitAsync). */
  emitAsync(event: UntypedOnly<Events, event | eventNS>, ...values: any[]): Promise<any[]>;
  emitAsync<N extends EventName<Events>>(event: N, ...args: PayloadArgs<Events[N]>): Promise<unknown[]>;

  /**
   * Emits like emit() with envelope options; resolves with the event id once
   * it is durable: in Redis mode the Redis stream id once XADD acknowledged
   * it, else the engine's id once the engine has taken the event (at once
   * without an engine). Rejects with an EventwireError (never throws) on a
   * pattern, a reserved name, bad options, a full inbox or Redis queue,
   * Redis unavailable (RedisError), or after close().
   */
  publish<N extends PublishName<Events>>(type: N, ...args: PublishArgs<Events[N]>): Promise<string>;

  /**
   * Calls `listener` with the full envelope of every event matching `pattern`
   * ("order.*", "learning.**", or a name). Returns a function that removes
   * the subscription: true the first time, false afterwards.
   */
  subscribe<P extends EventPattern<Events>>(
    pattern: P,
    listener: EnvelopeListener<Events, P, this>
  ): () => boolean;

  /**
   * Events kept in the engine's history (HistoryOptions), oldest first:
   * those matching `query.pattern` (every event when omitted), after
   * `query.since` or else the newest `query.count` (default 100). Events
   * emitted just before the call are included. As with subscribe(), a
   * literal or wildcard pattern narrows the envelopes on a typed bus.
   *
   * Needs the engine (options `server`, `history` or `engine: true`).
   * Rejects (never throws) with InvalidArgumentError (ERR_INVALID_OPTION
   * without an engine, ERR_INVALID_PATTERN, ERR_INVALID_ARGUMENT for
   * `count`, ERR_INVALID_SINCE), ClosedError, or HistoryGapError (its
   * `events` holds the events still kept after the gap).
   */
  getEventHistory<P extends EventPattern<Events> = '**'>(
    query?: HistoryQuery<P>
  ): Promise<Array<EnvelopeOf<Events, P>>>;

  /** A web ReadableStream<Uint8Array> of Server-Sent Events ... (see lib/sse.js) */
  createEventStream<P extends EventPattern<Events> = '**'>(options?: EventStreamOptions<P>): EventStream;

  /**
   * Serves `body` at GET `path` on the engine's HTTP server (replacing an
   * earlier route for that path); starts the engine if needed. `path` starts
   * with "/" and holds printable ASCII without "?". Throws InvalidArgumentError
   * on a bad argument, ClosedError after close().
   */
  serveStatic(path: string, body: string | NodeBuffer, options?: StaticOptions): this;

  /**
   * Serves the operator page (lib/admin.html) at GET `path` (default
   * "/admin") through serveStatic(): the /health status, the /stats counters
   * with per-second rates, the Redis state, and a live tail of events over
   * the WebSocket endpoint. It reads only what /health, /stats and /ws
   * already expose; /stats is unauthenticated, so keep the page behind a
   * proxy's auth. Throws InvalidArgumentError (ERR_INVALID_ARGUMENT) on a bad
   * path, ClosedError after close().
   */
  serveAdmin(path?: string): this;
  /**
   * Puts the bus's metrics into a prom-client registry (prom-client is an
   * optional peer): engine counters as on GET /metrics, `up`, the bus's own
   * counters and the durable consumers' (labels group, consumer). Values are
   * read at scrape time. Returns a function that removes them again.
   * Throws ERR_INVALID_ARGUMENT for a bad registry or prefix, or when the
   * names are already registered.
   */
  registerMetrics(registry: { registerMetric(metric: unknown): void; getSingleMetric(name: string): unknown; removeSingleMetric(name: string): void }, options?: { prefix?: string; client?: unknown }): () => void;

  // -- durable consumers (lib/consumer.js) ---------------------------------------

  /**
   * A durable consumer: `handler(event)` runs for every event matching
   * `pattern` (a name or wildcard pattern, or a non-empty array of them), at
   * least once: event.id is the idempotency key, event.attempt the try. A
   * handler that throws, rejects or does not settle within `ackTimeoutMs` is
   * retried with backoff, then dead-lettered (deadLetters()). Consumers of
   * the same `group` share the work. As with subscribe(), a literal or
   * wildcard pattern narrows the events on a typed bus.
   *
   * Throws InvalidArgumentError (ERR_INVALID_PATTERN, ERR_INVALID_ARGUMENT:
   * bad handler or options, or a group already consuming other patterns)
   * or ClosedError after close().
   *
   * Overloads: without `batchSize` (or with 0) the handler receives one
   * event; with a positive literal `batchSize` (e.g. 10) an array of events.
   * When `batchSize` is a non-literal `number` (or the options are typed as
   * ConsumeOptions) the handler receives either, as it may be 0 at run time.
   */
  consume<P extends EventPattern<Events>>(
    pattern: P | readonly P[],
    handler: ConsumeHandler<Events, P>,
    options: ConsumeOptions & { batchSize?: 0 | undefined }
  ): Consumer;
  consume<P extends EventPattern<Events>, B extends number>(
    pattern: P | readonly P[],
    handler: number extends B ? LiteralBatchSizeOnly : BatchConsumeHandler<Events, P>,
    options: ConsumeOptions & { batchSize: B }
  ): Consumer;
  consume<P extends EventPattern<Events>>(
    pattern: P | readonly P[],
    handler: (event: ConsumedEvent<Events, P> | Array<ConsumedEvent<Events, P>>) => unknown,
    options: ConsumeOptions
  ): Consumer;

  /**
   * The dead letters of a consumer group of this bus. Throws
   * InvalidArgumentError (ERR_INVALID_ARGUMENT) when no consume() on this
   * bus created the group.
   */
  deadLetters(group: string): DeadLetters;

  /** Per consumer group of this bus (in creation order): its consumers'
   * counters, lag, pending entries and dead letters. */
  getSubscriberStats(): SubscriberStats[];

  // -- listeners (EventEmitter2 semantics) --------------------------------------
  // Overload order: untyped (active on the default open map only), typed
  // names and patterns, meta-events.

  on(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options: ObjectifyOptions): Listener;
  on(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options?: boolean | OnOptions): this;
  on<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  on<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options?: boolean | OnOptions): this;
  on<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  on<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options?: boolean | OnOptions): this;

  addListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn): this;
  addListener<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>): this;
  addListener<M extends MetaEventName>(event: M, listener: MetaEventListeners[M]): this;

  prependListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options: ObjectifyOptions): Listener;
  prependListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options?: boolean | OnOptions): this;
  prependListener<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  prependListener<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options?: boolean | OnOptions): this;
  prependListener<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  prependListener<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options?: boolean | OnOptions): this;

  once(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options: ObjectifyOptions): Listener;
  once(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options?: true | OnOptions): this;
  once<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  once<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options?: true | OnOptions): this;
  once<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  once<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options?: true | OnOptions): this;

  prependOnceListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options: ObjectifyOptions): Listener;
  prependOnceListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn, options?: boolean | OnOptions): this;
  prependOnceListener<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  prependOnceListener<P extends EventPattern<Events>>(event: P, listener: PayloadListener<Events, P, this>, options?: boolean | OnOptions): this;
  prependOnceListener<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  prependOnceListener<M extends MetaEventName>(event: M, listener: MetaEventListeners[M], options?: boolean | OnOptions): this;

  many(event: UntypedOnly<Events, event | eventNS>, timesToListen: number, listener: ListenerFn, options: ObjectifyOptions): Listener;
  many(event: UntypedOnly<Events, event | eventNS>, timesToListen: number, listener: ListenerFn, options?: boolean | OnOptions): this;
  many<P extends EventPattern<Events>>(event: P, timesToListen: number, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  many<P extends EventPattern<Events>>(event: P, timesToListen: number, listener: PayloadListener<Events, P, this>, options?: boolean | OnOptions): this;
  many<M extends MetaEventName>(event: M, timesToListen: number, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  many<M extends MetaEventName>(event: M, timesToListen: number, listener: MetaEventListeners[M], options?: boolean | OnOptions): this;

  prependMany(event: UntypedOnly<Events, event | eventNS>, timesToListen: number, listener: ListenerFn, options: ObjectifyOptions): Listener;
  prependMany(event: UntypedOnly<Events, event | eventNS>, timesToListen: number, listener: ListenerFn, options?: boolean | OnOptions): this;
  prependMany<P extends EventPattern<Events>>(event: P, timesToListen: number, listener: PayloadListener<Events, P, this>, options: ObjectifyOptions): Listener;
  prependMany<P extends EventPattern<Events>>(event: P, timesToListen: number, listener: PayloadListener<Events, P, this>, options?: boolean | OnOptions): this;
  prependMany<M extends MetaEventName>(event: M, timesToListen: number, listener: MetaEventListeners[M], options: ObjectifyOptions): Listener;
  prependMany<M extends MetaEventName>(event: M, timesToListen: number, listener: MetaEventListeners[M], options?: boolean | OnOptions): this;

  /** Removes a listener registered under the same name or pattern. */
  off(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn): this;
  off(event: EventPattern<Events> | MetaEventName, listener: (...args: any[]) => void): this;
  removeListener(event: UntypedOnly<Events, event | eventNS>, listener: ListenerFn): this;
  removeListener(event: EventPattern<Events> | MetaEventName, listener: (...args: any[]) => void): this;

  // -- server and lifecycle -------------------------------------------------------

  /**
   * Starts the server configured in options.server and, when options.redis
   * is set, waits for the first Redis connection; resolves with the
   * server's address once it accepts connections, or with `{}` on a bus
   * with Redis but no server (the same promise on every call until one
   * fails). Rejects with ServerError (ERR_NO_SERVER without server and
   * Redis, ERR_LISTEN), RedisError (Redis unreachable before its first
   * connection; the engine keeps trying) or ClosedError.
   */
  listen(): Promise<ServerAddress | NoServerAddress>;

  /** The bound address once listening, else null. */
  address(): ServerAddress | null;

  /** Lets the process exit while the bus is open (like net.Server#unref). */
  unref(): this;
  ref(): this;

  /**
   * Stops accepting events, hands every accepted event to the engine, stops
   * and frees the engine thread. Idempotent (same promise); safe inside a
   * listener.
   */
  close(): Promise<void>;

  /** A snapshot of the counters. */
  stats(): BusStats;

  /**
   * The bus's health: `{ status: 'ok', mode: 'local' }` without an engine,
   * the engine's (and Redis connection's) state otherwise; after close()
   * `{ status: 'unavailable', mode, closed: true }`. Rejects with
   * ClosedError when the bus closes before the engine answers.
   */
  health(): Promise<Health>;
}

export default EventBus;

// ---- errors ------------------------------------------------------------------

/** The stable `code` of every EventwireError (EW_ERRNO_MAP in native/include/eventwire.h). */
export type ErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NO_MEMORY'
  | 'ERR_CLOSED'
  | 'ERR_QUEUE_FULL'
  | 'ERR_INVALID_PATTERN'
  | 'ERR_INVALID_EVENT_NAME'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_BATCH'
  | 'ERR_INVALID_PAYLOAD'
  | 'ERR_LISTEN'
  | 'ERR_ALREADY_LISTENING'
  | 'ERR_NO_SERVER'
  | 'ERR_THREAD'
  | 'ERR_ENGINE'
  | 'ERR_HISTORY_GAP'
  | 'ERR_REDIS_UNAVAILABLE'
  | 'ERR_TIMEOUT'
  | 'ERR_INVALID_JSON'
  | 'ERR_UNKNOWN_OP'
  | 'ERR_INVALID_SINCE'
  | 'ERR_FORBIDDEN'
  | 'ERR_LIMIT';

/** Every code, keyed by itself: `codes.ERR_CLOSED === 'ERR_CLOSED'`. */
export declare const codes: { readonly [C in ErrorCode]: C };

/** The C error table: errno (negative) -> code and message. */
export declare const errorTable: ReadonlyArray<{
  readonly errno: number;
  readonly code: ErrorCode;
  readonly message: string;
}>;

export type InvalidArgumentErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_PATTERN'
  | 'ERR_INVALID_EVENT_NAME'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_BATCH'
  | 'ERR_INVALID_PAYLOAD'
  | 'ERR_INVALID_SINCE'
  | 'ERR_INVALID_JSON'
  | 'ERR_UNKNOWN_OP';
/** ERR_FORBIDDEN and ERR_LIMIT are the WebSocket protocol's refusals (docs/PROTOCOL.md). */
export type ServerErrorCode =
  | 'ERR_LISTEN'
  | 'ERR_ALREADY_LISTENING'
  | 'ERR_NO_SERVER'
  | 'ERR_FORBIDDEN'
  | 'ERR_LIMIT';
export type EngineErrorCode = 'ERR_NO_MEMORY' | 'ERR_THREAD' | 'ERR_ENGINE';

/** Base class of every error eventwire throws or rejects with. */
export declare class EventwireError extends Error {
  /** `extra` properties are copied onto the error. */
  constructor(code: ErrorCode, message: string, extra?: object);
  readonly code: ErrorCode;
  /** The class name, e.g. "QueueFullError". */
  name: string;
  /** Events dropped with this error (engine refusals of a batch). */
  readonly dropped?: number;
}
export declare class InvalidArgumentError extends EventwireError {
  constructor(code: InvalidArgumentErrorCode, message: string, extra?: object);
  readonly code: InvalidArgumentErrorCode;
}
export declare class ClosedError extends EventwireError {
  constructor(code: 'ERR_CLOSED', message: string, extra?: object);
  readonly code: 'ERR_CLOSED';
}
export declare class QueueFullError extends EventwireError {
  constructor(code: 'ERR_QUEUE_FULL', message: string, extra?: object);
  readonly code: 'ERR_QUEUE_FULL';
}
export declare class ServerError extends EventwireError {
  constructor(code: ServerErrorCode, message: string, extra?: object);
  readonly code: ServerErrorCode;
}
/** The requested `since` id is older than the retained history: events were lost. */
export declare class HistoryGapError extends EventwireError {
  constructor(code: 'ERR_HISTORY_GAP', message: string, extra?: object);
  readonly code: 'ERR_HISTORY_GAP';
  /** From getEventHistory(): the matching events still kept (oldest first). */
  readonly events?: EventEnvelope[];
}
export declare class RedisError extends EventwireError {
  constructor(code: 'ERR_REDIS_UNAVAILABLE', message: string, extra?: object);
  readonly code: 'ERR_REDIS_UNAVAILABLE';
}
export declare class TimeoutError extends EventwireError {
  constructor(code: 'ERR_TIMEOUT', message: string, extra?: object);
  readonly code: 'ERR_TIMEOUT';
}
/** Engine failures without a class of their own (ERR_NO_MEMORY, ERR_THREAD, ERR_ENGINE). */
export declare class EngineError extends EventwireError {
  constructor(code: EngineErrorCode, message: string, extra?: object);
  readonly code: EngineErrorCode;
}
