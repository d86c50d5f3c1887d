// Type definitions for eventwire/next (lib/next.js) and the Server-Sent
// Events stream of lib/sse.js (also behind EventBus#createEventStream).
//
// This file needs no particular `lib` or `@types`: the fetch types it
// returns (Response, ReadableStream) are taken from the global scope when
// lib "dom" or @types/node declare them (a Next.js project has both), and
// fall back to the small structural interfaces below otherwise. Inputs are
// structural (RequestLike, AbortSignalLike), so a real Request or
// AbortSignal from either declaration is accepted.

import type { EventBus, EventBusOptions, ServerAddress } from './index';

type Globals = typeof globalThis;

/** The minimal AbortSignal the stream needs (a real AbortSignal fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The minimal fetch Request eventStreamResponse() reads (a real Request fits). */
export interface RequestLike {
  /** Absolute URL; its `pattern` (repeatable) and `lastEventId` query parameters are read. */
  readonly url: string;
  /** `Last-Event-ID` is read. */
  readonly headers: { get(name: string): string | null };
  /** The stream ends when it aborts (the client went away). */
  readonly signal?: AbortSignalLike;
}

/** Stand-in for ReadableStream<Uint8Array> where no fetch types are declared. */
export interface ByteStreamLike {
  readonly locked: boolean;
  cancel(reason?: unknown): Promise<void>;
  getReader(): {
    read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: undefined }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** Stand-in for Response where no fetch types are declared. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ByteStreamLike | null;
}

/** The global Response type (lib "dom" or @types/node), else ResponseLike. */
export type WebResponse = Globals extends { Response: { prototype: infer R } } ? R : ResponseLike;

/**
 * What createEventStream() returns: a ReadableStream<Uint8Array> of SSE bytes
 * (the type of a Response body where fetch types are declared, else
 * ByteStreamLike).
 */
export type EventStream = Globals extends { Response: { prototype: { body: infer B } } }
  ? NonNullable<B>
  : ByteStreamLike;

/** Options of createEventStream() / EventBus#createEventStream(). */
export interface EventStreamOptions<P extends string = string> {
  /** Pattern(s) to stream ("order.*", "incident.**", a name). An event
   * matching several is sent once. Invalid: throws ERR_INVALID_PATTERN.
   * @default '**' */
  pattern?: P | readonly P[];
  /** Resume after this id ("<ms>-<seq>", the client's Last-Event-ID): the
   * matching events after it from history, then live ones, with no gap and
   * no duplicate. Older than the history: an `eventwire.gap` event first.
   * Empty/null = live only. Not an id: throws ERR_INVALID_SINCE. */
  lastEventId?: string | null;
  /** Ends the stream (and removes its subscriptions) when it aborts. */
  signal?: AbortSignalLike | null;
  /** Interval of `: ping` comments in ms; 0 = none.
   * @default the environment variable SSE_HEARTBEAT_INTERVAL, else 15000 */
  heartbeatMs?: number;
  /** The `retry:` reconnection delay sent first, in ms. @default 3000 */
  retryMs?: number;
  /** Most live events waiting for a reader that does not keep up; past it
   * `low` events are dropped (and announced in `eventwire.dropped`), and a
   * `normal`+ event ends the stream with `eventwire.error` ERR_LIMIT.
   * @default 1000 */
  maxBuffered?: number;
}

/** Data of the `eventwire.gap` event: events after the resume id were evicted. */
export interface SseGapNotice {
  code: 'ERR_HISTORY_GAP';
  /** Oldest kept matching event id (the replay starts there), null when none. */
  oldest: string | null;
}

/** Data of the `eventwire.dropped` event: `low` events this client did not get. */
export interface SseDroppedNotice {
  count: number;
  first: string;
  last: string;
}

/** Data of the `eventwire.error` event that ends a stream. */
export interface SseErrorNotice {
  /** ERR_LIMIT: the reader fell `maxBuffered` events behind (reconnect with
   * Last-Event-ID); ERR_CLOSED: the bus closed; others: a failed history read. */
  code: string;
  reason?: 'slow_consumer';
  message?: string;
}

/** The response headers of an SSE stream. */
export declare const sseHeaders: Readonly<{
  'Content-Type': 'text/event-stream; charset=utf-8';
  'Cache-Control': 'no-cache, no-transform';
  Connection: 'keep-alive';
  'X-Accel-Buffering': 'no';
}>;

/**
 * A ReadableStream of Server-Sent Events for the events of `bus`: first
 * `retry:`, then (after `lastEventId`) the history, then live events as
 * `id:`/`event: <type>`/`data: <envelope JSON>`. Throws InvalidArgumentError
 * or ClosedError.
 */
export declare function createEventStream(bus: EventBus<any>, options?: EventStreamOptions): EventStream;

/**
 * A Response streaming Server-Sent Events (sseHeaders) for `request`:
 * patterns from its `pattern` query parameters (else options.pattern), the
 * resume id from its `Last-Event-ID` header (else `lastEventId` query
 * parameter), ended by `request.signal`. A bad pattern or id: 400 with JSON
 * {code, message}; a closed bus: 503.
 */
export declare function eventStreamResponse(
  bus: EventBus<any>,
  request: RequestLike,
  options?: Omit<EventStreamOptions, 'lastEventId' | 'signal'>
): WebResponse;

/**
 * The process-wide bus, kept on globalThis[Symbol.for('eventwire.bus')] so
 * that Next.js hot reloads reuse it. The first call creates it with `options`
 * (default `{ history: {}, maxListeners: 0 }`) and calls listen() when `options.server` is
 * given; later calls return it and ignore `options`. A closed bus is replaced
 * on the next call.
 */
export declare function getEventBus<Events extends object = Record<string, unknown>>(
  options?: EventBusOptions
): EventBus<Events>;

/** The process-wide bus's listen() promise; null when it has no server. */
export declare function eventBusReady(): Promise<ServerAddress | null>;

export interface RouteHandlerOptions extends Omit<EventStreamOptions, 'lastEventId' | 'signal'> {
  /** The bus, or a function returning it. @default getEventBus() */
  bus?: EventBus<any> | (() => EventBus<any>);
}

/** `export const GET = createRouteHandler()` in app/api/events/route.ts. */
export declare function createRouteHandler(
  options?: RouteHandlerOptions
): (request: RequestLike) => Promise<WebResponse>;
