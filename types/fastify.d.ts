// Type definitions for eventwire/fastify (lib/fastify.js; checked by
// test/fastify.test.js through examples/fastify/typed.ts).
//
// The runtime is CommonJS: `module.exports = plugin`, with `default`,
// `eventwire` and `fastifyEventwire` pointing at the same function. These
// declarations use the `export =` + namespace shape of the Fastify plugins
// (@fastify/jwt, @fastify/redis), so `import eventwire from 'eventwire/fastify'`
// (esModuleInterop), `import { fastifyEventwire } from 'eventwire/fastify'`
// and `require('eventwire/fastify')` all type-check.
//
// Typed events: augment the empty interface, as with @fastify/jwt's FastifyJWT:
//
//   declare module 'eventwire/fastify' {
//     interface EventwireEvents { 'order.placed': { orderId: string } }
//   }
//
// Then `fastify.events` is an EventBus<EventwireEvents>. Left empty, it is the
// untyped EventBus (any name, EventEmitter2's signatures). The declaration
// merging below is for the default decorator name `events`; with another
// `decorator` option, declare that property on FastifyInstance yourself.

import type { FastifyPluginAsync } from 'fastify';
import type { EventBus, EventBusOptions } from './index';
import type { EventStreamOptions } from './next';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bus of eventwire/fastify (its `decorator` option, default "events"). */
    events: EventBus<fastifyEventwire.EventwireEventMap>;
  }
}

type FastifyEventwire = FastifyPluginAsync<fastifyEventwire.FastifyEventwireOptions>;

declare namespace fastifyEventwire {
  /**
   * The events of `fastify.events`: name -> payload. Empty here; augment it
   * with `declare module 'eventwire/fastify' { interface EventwireEvents { ... } }`.
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  export interface EventwireEvents {}

  /** EventwireEvents once augmented, else the open map of an untyped bus. */
  export type EventwireEventMap =
    keyof EventwireEvents extends never ? Record<string, unknown> : EventwireEvents;

  export interface FastifyEventwireOptions {
    /**
     * An existing bus to use. It is not closed on fastify.close() unless
     * `closeBus` is true. Not together with `busOptions`.
     */
    bus?: EventBus<any>;
    /** Close the given `bus` on fastify.close(). @default false */
    closeBus?: boolean;
    /**
     * Options of the bus the plugin creates when no `bus` is given; that bus
     * is always closed on fastify.close().
     * @default { history: {}, maxListeners: 0 } (an engine with its history ring, so SSE
     * clients resume from Last-Event-ID)
     */
    busOptions?: EventBusOptions;
    /** Name of the decoration on the Fastify instance. @default 'events' */
    decorator?: string;
    /** Path of the GET route serving Server-Sent Events, or false for none. @default '/events' */
    ssePath?: string | false;
    /** Options of every SSE stream (EventBus#createEventStream): `heartbeatMs`
     * (default SSE_HEARTBEAT_INTERVAL or 15000), `retryMs` (default 3000),
     * `maxBuffered` (default 1000). */
    sseOptions?: Pick<EventStreamOptions, 'heartbeatMs' | 'retryMs' | 'maxBuffered'>;
    /** Path of the GET health route, or false for none. @default '/health' */
    healthPath?: string | false;
    /**
     * Await bus.listen() (the engine's own WebSocket server) during
     * registration. @default true when the plugin creates the bus with
     * `busOptions.server`, false otherwise.
     */
    listen?: boolean;
  }

  /** The engine part of the health document (null without an engine). */
  export interface EventwireEngineHealth {
    running: boolean;
    port: number;
    connections: number;
    subscriptions: number;
    historyEvents: number;
  }

  /** Body of GET healthPath: 200 with status "ok", 503 with "unavailable". */
  export interface EventwireHealth {
    status: 'ok' | 'unavailable';
    bus: {
      closed: boolean;
      listening: boolean;
      subscriptions: number;
      engine: EventwireEngineHealth | null;
    };
    sse: { connections: number };
  }

  export const fastifyEventwire: FastifyEventwire;
  export const eventwire: FastifyEventwire;
  export { fastifyEventwire as default };
}

declare function fastifyEventwire(
  ...params: Parameters<FastifyEventwire>
): ReturnType<FastifyEventwire>;

export = fastifyEventwire;
