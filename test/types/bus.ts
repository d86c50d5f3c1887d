// A typed bus: literal names narrow payloads; wrong names, payloads,
// options and listeners are compile errors.
import {
  EventBus,
  EventEnvelope,
  EventEmitter2,
  BusStats,
  EngineStats,
  EventBusOptions,
  BacklogOptions,
  HistoryOptions,
  ServerOptions,
  Listener,
  PRIORITIES,
  Priority,
  PublishOptions,
  ServerAddress,
  NoServerAddress,
} from 'eventwire';
import { assertType, Equal } from './helpers';

interface Order {
  id: string;
  total: number;
}

// An interface (no index signature) works as the event map, not only a type alias.
interface AppEvents {
  'order.placed': Order;
  'order.shipped': { id: string; carrier: string };
  'user.created': { userId: number };
  'app.ready': undefined;
  'app.tick': number | undefined;
}

const bus = new EventBus<AppEvents>({
  wildcard: true,
  delimiter: '.',
  server: { port: 0, host: '127.0.0.1' },
  maxListeners: 20,
  source: 'billing-1',
  inbox: { maxEvents: 1000, maxBytes: 1 << 20 },
});

// Still an EventEmitter2.
const asEE2: EventEmitter2 = bus;
void asEE2;

// ---- emit --------------------------------------------------------------------

const emitted: boolean = bus.emit('order.placed', { id: 'o1', total: 10 });
void emitted;
bus.emit('app.ready'); // payload may be undefined, so it may be omitted
bus.emit('app.tick', 3);
bus.emit('app.tick');
bus.emit('error', new Error('boom')); // meta-event

// @ts-expect-error wrong payload type
bus.emit('order.placed', { id: 1, total: 10 });
// @ts-expect-error missing payload property
bus.emit('order.placed', { id: 'o1' });
// @ts-expect-error payload required
bus.emit('order.placed');
// @ts-expect-error unknown event name on a typed bus
bus.emit('order.cancelled', { id: 'o1' });
// @ts-expect-error typed emit takes one payload argument
bus.emit('user.created', { userId: 1 }, 'extra');
// @ts-expect-error patterns are not emitted on a typed bus
bus.emit('order.*', { id: 'o1', total: 1 });
// @ts-expect-error symbols and name arrays are for the untyped bus only
bus.emit(['order', 'placed'], { id: 'o1', total: 1 });

const asyncResults: Promise<unknown[]> = bus.emitAsync('user.created', { userId: 1 });
void asyncResults;
// @ts-expect-error wrong payload for emitAsync
bus.emitAsync('user.created', { userId: '1' });

// ---- publish ---------------------------------------------------------------

async function publishing(): Promise<void> {
  const id = await bus.publish('order.placed', { id: 'o1', total: 1 }, {
    priority: 'high',
    metadata: { traceId: 'abc' },
    source: 'checkout',
    version: 2,
  });
  assertType<Equal<typeof id, string>>();
  await bus.publish('app.ready');
  await bus.publish('app.ready', undefined, { priority: 'low' });
  await bus.publish('user.created', { userId: 7 });

  // @ts-expect-error wrong priority
  await bus.publish('order.placed', { id: 'o1', total: 1 }, { priority: 'urgent' });
  // @ts-expect-error unknown publish option
  await bus.publish('order.placed', { id: 'o1', total: 1 }, { ttl: 5 });
  // @ts-expect-error metadata must be an object
  await bus.publish('order.placed', { id: 'o1', total: 1 }, { metadata: 'x' });
  // @ts-expect-error wrong payload
  await bus.publish('user.created', { userId: 'seven' });
  // @ts-expect-error unknown name
  await bus.publish('user.deleted', { userId: 7 });
  // @ts-expect-error a pattern cannot be published
  await bus.publish('user.*', { userId: 7 });
  // @ts-expect-error meta-events cannot be published (even when in the map)
  await new EventBus<{ error: Error }>().publish('error', new Error('x'));
  // @ts-expect-error publish returns a Promise of the id, not the id
  const notAString: string = bus.publish('user.created', { userId: 7 });
  void notAString;
}
void publishing;

const prio: Priority = PRIORITIES[2];
assertType<Equal<Priority, 'low' | 'normal' | 'high' | 'critical'>>();
assertType<Equal<typeof PRIORITIES, readonly ['low', 'normal', 'high', 'critical']>>();
// @ts-expect-error not a priority
const badPrio: Priority = 'urgent';
void prio;
void badPrio;
const opts: PublishOptions = { priority: 'critical', version: 1 };
void opts;

// ---- on / once / many / off with literal names --------------------------------

bus.on('order.placed', (order) => {
  assertType<Equal<typeof order, Order>>();
});
bus.once('user.created', (u) => {
  assertType<Equal<typeof u, { userId: number }>>();
});
bus.many('order.shipped', 3, (s) => {
  assertType<Equal<typeof s, { id: string; carrier: string }>>();
});
bus.prependListener('app.tick', (n) => {
  assertType<Equal<typeof n, number | undefined>>();
});
bus.prependOnceListener('order.placed', (o) => void o.total.toFixed());
bus.prependMany('order.placed', 2, (o) => void o.id.toUpperCase());
bus.addListener('user.created', (u) => void u.userId.toFixed());

// `this` is the bus (EventEmitter2 sets this.event to the emitted name).
bus.on('order.*', function (data) {
  const self: EventBus<AppEvents> = this;
  const name = this.event;
  void self;
  void name;
  void data;
});

// Chaining returns the bus; { objectify: true } returns a Listener object.
const chained: EventBus<AppEvents> = bus.on('app.ready', () => {}).on('app.tick', () => {});
void chained;
const handle: Listener = bus.on('order.placed', () => {}, { objectify: true });
handle.off();
const manyHandle: Listener = bus.many('order.placed', 2, () => {}, { objectify: true });
void manyHandle;
bus.on('order.placed', async (o) => {
  await Promise.resolve(o.id);
}, { promisify: true });
bus.once('order.placed', () => {}, true);

// Meta-events keep their EventEmitter2 signatures on a typed bus.
bus.on('error', (err) => {
  assertType<Equal<typeof err, Error>>();
});
bus.on('newListener', (ev, fn) => void [ev, fn]);
bus.on('removeListenerAny', (fn) => void fn);

// @ts-expect-error listener expects the wrong payload type
bus.on('order.placed', (o: { id: number }) => void o);
// @ts-expect-error unknown event name
bus.on('order.refunded', () => {});
// @ts-expect-error a listener must be a function
bus.on('order.placed', 'not a function');
// @ts-expect-error a listener must be a function
bus.once('order.placed', 42);
// @ts-expect-error wrong payload for many
bus.many('user.created', 2, (u: { userId: string }) => void u);
// @ts-expect-error timesToListen must be a number
bus.many('user.created', '2', () => {});
// @ts-expect-error the payload is not a string
bus.on('user.created', (u) => u.toUpperCase());
// @ts-expect-error objectify returns a Listener, not the bus
const notBus: EventBus<AppEvents> = bus.on('order.placed', () => {}, { objectify: true });
void notBus;

const onPlaced = (o: Order): void => void o;
bus.on('order.placed', onPlaced);
bus.off('order.placed', onPlaced);
bus.removeListener('order.*', onPlaced);
// @ts-expect-error unknown name in off()
bus.off('order.unknown', onPlaced);
// @ts-expect-error off() needs a function
bus.off('order.placed', 'onPlaced');

// ---- subscribe ------------------------------------------------------------------

const off = bus.subscribe('order.placed', (event) => {
  assertType<Equal<typeof event, EventEnvelope<Order, 'order.placed'>>>();
  const id: string = event.id;
  const ts: number = event.timestamp;
  const prio2: Priority | undefined = event.priority;
  const meta: Readonly<Record<string, unknown>> | undefined = event.metadata;
  const version: number | undefined = event.version;
  void [id, ts, prio2, meta, version];
  // @ts-expect-error envelopes are shared between subscribers: readonly
  event.data = { id: 'x', total: 0 };
});
assertType<Equal<typeof off, () => boolean>>();
const removed: boolean = off();
void removed;
// @ts-expect-error subscribe returns a function, not a boolean
const notBool: boolean = bus.subscribe('order.placed', () => {});
void notBool;
// @ts-expect-error subscribe returns a function returning boolean
const notVoidFn: () => string = bus.subscribe('order.placed', () => {});
void notVoidFn;
// @ts-expect-error listener gets the envelope, not the payload
bus.subscribe('order.placed', (o: Order) => void o);
// @ts-expect-error unknown name on a typed bus
bus.subscribe('orders.placed', () => {});
// @ts-expect-error subscribe needs a listener function
bus.subscribe('order.placed', { handleEvent() {} });
// A listener typed with the documented EventEnvelope<T> still fits.
bus.subscribe('order.*', (ev: EventEnvelope<Order | { id: string; carrier: string }>) => void ev);

// ---- server and lifecycle -----------------------------------------------------

async function lifecycle(): Promise<void> {
  const addr = await bus.listen();
  // `{}` on a Redis-only bus (no server): narrow on `port`.
  assertType<Equal<typeof addr, ServerAddress | NoServerAddress>>();
  // @ts-expect-error the port is undefined on a bus without a server
  const unchecked: number = addr.port;
  void unchecked;
  if (addr.port !== undefined) {
    assertType<Equal<typeof addr, ServerAddress>>();
    const port: number = addr.port;
    const host: string = addr.host;
    void [port, host];
  }
  const now = bus.address();
  assertType<Equal<typeof now, ServerAddress | null>>();
  // @ts-expect-error address() may be null
  void bus.address().port;

  const same: EventBus<AppEvents> = bus.unref().ref();
  void same;
  const closed: boolean = bus.closed;
  void closed;
  // @ts-expect-error closed is read-only
  bus.closed = true;

  const s: BusStats = bus.stats();
  const emittedCount: number = s.emitted;
  const dropped: number = s.dropped.inboxFull;
  const engine: EngineStats | null = s.engine;
  if (engine) {
    const running: boolean = engine.running;
    const rejected: number = engine.inboxRejected;
    const open: number = engine.connections;
    const slow: number = engine.slowConsumerCloses + engine.droppedLow;
    const kept: number = engine.historyEvents - engine.historyEvicted;
    void [running, rejected, open, slow, kept];
    // @ts-expect-error counters are numbers
    const notBool: boolean = engine.heartbeatTimeouts;
    void notBool;
    // @ts-expect-error not a counter
    void engine.connectionsOpen;
  }
  // @ts-expect-error engine stats may be null
  void s.engine.wakeups;
  void [emittedCount, dropped];

  const done: Promise<void> = bus.close();
  await done;
}
void lifecycle;

// ---- options ---------------------------------------------------------------------

const o1: EventBusOptions = { server: true };
const o2: EventBusOptions = { server: false, engine: true, redis: false };
const o3: EventBusOptions = { server: null, ignoreErrors: true, verboseMemoryLeak: true };
void [o1, o2, o3];
// @ts-expect-error unknown option (rejected at run time too)
new EventBus({ persistence: { size: 10 } });
// @ts-expect-error port is a number
new EventBus({ server: { port: '8080' } });

// server: every option of the WebSocket server (docs/PROTOCOL.md).
const serverOpts: ServerOptions = {
  port: 8080,
  host: '127.0.0.1',
  path: '/events',
  maxConnections: 500,
  maxPayload: 1 << 16,
  heartbeatMs: 0, // off
  handshakeTimeoutMs: 5000,
  allowedOrigins: ['https://app.example.com'],
  allowClientPublish: true,
  backlog: { maxFrames: 1024, maxBytes: 1 << 20 },
};
new EventBus<AppEvents>({ server: serverOpts });
const origins = ['https://a.example.com', 'https://b.example.com'] as const;
new EventBus({ server: { allowedOrigins: origins } }); // a readonly array is fine
new EventBus({ server: { backlog: {} } });
const backlogOpts: BacklogOptions = { maxBytes: 4096 };
void backlogOpts;

// history: bounds of the engine's history; giving it starts the engine.
new EventBus({ history: { size: 10 } });
new EventBus({ history: { maxAgeMs: 60_000 }, server: true });
new EventBus({ history: {} });
const historyOpts: HistoryOptions = { size: 50_000, maxAgeMs: 3_600_000 };
const o4: EventBusOptions = { history: historyOpts, engine: true };
void o4;

// @ts-expect-error allowedOrigins is an array of origins
new EventBus({ server: { allowedOrigins: 'https://app.example.com' } });
// @ts-expect-error allowedOrigins holds strings
new EventBus({ server: { allowedOrigins: [/example\.com$/] } });
// @ts-expect-error backlog is an object { maxFrames, maxBytes }
new EventBus({ server: { backlog: 5 } });
// @ts-expect-error backlog bounds are numbers
new EventBus({ server: { backlog: { maxFrames: '4096' } } });
// @ts-expect-error unknown backlog option
new EventBus({ server: { backlog: { maxEvents: 10 } } });
// @ts-expect-error allowClientPublish is a boolean
new EventBus({ server: { allowClientPublish: 'yes' } });
// @ts-expect-error heartbeatMs is a number (0 turns heartbeats off)
new EventBus({ server: { heartbeatMs: false } });
// @ts-expect-error path is a string
new EventBus({ server: { path: ['/ws'] } });
// @ts-expect-error maxConnections is a number
new EventBus({ server: { maxConnections: '10' } });
// @ts-expect-error maxPayload is a number
new EventBus({ server: { maxPayload: '64k' } });
// @ts-expect-error handshakeTimeoutMs is a number
new EventBus({ server: { handshakeTimeoutMs: null } });
// @ts-expect-error unknown server option (rejected at run time too)
new EventBus({ server: { tls: true } });
// @ts-expect-error history is an object { size, maxAgeMs }
new EventBus({ history: 1000 });
// @ts-expect-error history bounds are numbers
new EventBus({ history: { size: '10k' } });
// @ts-expect-error unknown history option
new EventBus({ history: { maxBytes: 1 } });
// @ts-expect-error history: true is not accepted (pass {} for the defaults)
new EventBus({ history: true });
// @ts-expect-error inbox bounds are numbers
new EventBus({ inbox: { maxEvents: 'many' } });
// @ts-expect-error engine is a boolean
new EventBus({ engine: 1 });

// The event map must be an object type.
// @ts-expect-error not an event map
type NotAMap = EventBus<string>;
