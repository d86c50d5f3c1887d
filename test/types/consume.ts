// Durable consumers: consume() (single events and batches), Consumer,
// deadLetters() and getSubscriberStats().
//
// Node's types are loaded here (as in history.ts) only to check that a
// Consumer is assignable to Node's EventEmitter; the declarations themselves
// do not need @types/node (types.test.js compiles them without it).
/// <reference types="node" />
import type { EventEmitter } from 'events';
import {
  EventBus,
  EventEnvelope,
  Consumer,
  ConsumeOptions,
  ConsumedEvent,
  ConsumerStats,
  ConsumerGroup,
  DeadLetter,
  DeadLetters,
  DeadLetterQuery,
  SubscriberStats,
} from 'eventwire';
import { assertType, Equal } from './helpers';

type Placed = { id: string; total: number };

const bus = new EventBus<{ 'order.placed': Placed }>();

// ---- single events: typed by the pattern --------------------------------------

const consumer = bus.consume('order.*', async (event) => {
  const total: number = event.data.total;
  assertType<Equal<typeof event.data.total, number>>();
  assertType<Equal<typeof event.attempt, number>>();
  assertType<Equal<typeof event.type, 'order.placed'>>();
  const id: string = event.id;
  void [total, id];
  // @ts-expect-error not a property of the typed data
  void event.data.currency;
  // @ts-expect-error attempt is a number
  const a: string = event.attempt;
  void a;
}, { group: 'billing' });
assertType<Equal<typeof consumer, Consumer>>();

// A literal name, an array of patterns, every option.
bus.consume('order.placed', (event) => {
  assertType<Equal<typeof event, EventEnvelope<Placed, 'order.placed'> & { readonly attempt: number }>>();
  assertType<Equal<typeof event, ConsumedEvent<{ 'order.placed': Placed }, 'order.placed'>>>();
}, {
  group: 'mailer',
  consumer: 'mailer-1',
  concurrency: 4,
  maxRetries: 5,
  retryDelayMs: 200,
  retryMaxDelayMs: 10_000,
  deadLetter: 'mailer-dlq',
  batchSize: 0,
  batchTimeoutMs: 20,
  ackTimeoutMs: 60_000,
  startFrom: '0',
  closeTimeoutMs: 5000,
  prefetch: 64,
});
bus.consume(['order.placed', 'order.**'], (event) => {
  void event.data.total.toFixed();
}, { group: 'audit', deadLetter: false, startFrom: '1732370000000-0', batchSize: undefined });
bus.consume('order.*', () => undefined, { group: 'sync' }); // a synchronous handler

// ---- batches: a positive batchSize gives arrays ----------------------------------

bus.consume('order.*', async (events) => {
  assertType<Equal<typeof events, Array<ConsumedEvent<{ 'order.placed': Placed }, 'order.*'>>>>();
  const sum: number = events.reduce((n, e) => n + e.data.total, 0);
  const attempts: number[] = events.map((e) => e.attempt);
  void [sum, attempts];
}, { group: 'batcher', batchSize: 100, batchTimeoutMs: 10 });
bus.consume('order.*', (events) => {
  // @ts-expect-error a batch handler gets an array, not one event
  void events.data;
}, { group: 'batcher2', batchSize: 10 });

// A batchSize typed as number (maybe 0 at run time), or options typed as
// ConsumeOptions: the handler gets an event or an array.
declare const size: number;
declare const configured: ConsumeOptions;
bus.consume('order.*', (e) => {
  assertType<Equal<typeof e, ConsumedEvent<{ 'order.placed': Placed }, 'order.*'> | Array<ConsumedEvent<{ 'order.placed': Placed }, 'order.*'>>>>();
  const n: number = Array.isArray(e) ? e.length : e.data.total;
  void n;
}, { group: 'dynamic', batchSize: size });
bus.consume('order.*', (e) => {
  void (Array.isArray(e) ? e.map((x) => x.attempt) : e.attempt);
}, configured);

// ---- what does not compile ------------------------------------------------------

// @ts-expect-error group is required
bus.consume('order.*', () => {}, { concurrency: 2 });
// @ts-expect-error options (with group) are required
bus.consume('order.*', () => {});
// @ts-expect-error the handler must be a function
bus.consume('order.*', 'handler', { group: 'g' });
// @ts-expect-error the handler must be a function (batches too)
bus.consume('order.*', 42, { group: 'g', batchSize: 10 });
// @ts-expect-error unknown option (rejected at run time too)
bus.consume('order.*', () => {}, { group: 'g', colour: 1 });
// @ts-expect-error group is a string
bus.consume('order.*', () => {}, { group: 7 });
// @ts-expect-error concurrency is a number
bus.consume('order.*', () => {}, { group: 'g', concurrency: '4' });
// @ts-expect-error deadLetter is a boolean or a stream name
bus.consume('order.*', () => {}, { group: 'g', deadLetter: 0 });
// @ts-expect-error an unknown event name on a typed bus
bus.consume('order.cancelled', () => {}, { group: 'g' });
// @ts-expect-error a single-event handler does not get an array
bus.consume('order.*', (events: unknown[]) => events, { group: 'g' });
// @ts-expect-error the data of a typed bus
bus.consume('order.placed', (event) => event.data.userId, { group: 'g' });

// ---- the Consumer -----------------------------------------------------------------

async function lifecycle(c: Consumer): Promise<void> {
  const chained: Consumer = c.pause().resume();
  const name: string = c.name;
  const group: ConsumerGroup = c.group;
  const groupName: string = c.group.name;
  const patterns: readonly string[] = c.group.patterns;
  void [chained, name, group, groupName, patterns];
  c.once('closed', () => {});
  c.on('closed', () => {}).off('closed', () => {});
  const closed: Promise<void> = c.close();
  await closed;

  const s: ConsumerStats = c.stats();
  assertType<Equal<keyof ConsumerStats,
    | 'group' | 'consumer' | 'inFlight' | 'queued' | 'processed' | 'failed' | 'retried'
    | 'deadLettered' | 'timedOut' | 'pending' | 'lag' | 'paused' | 'closed'>>();
  const counts: number[] = [s.inFlight, s.queued, s.processed, s.failed, s.retried, s.deadLettered, s.timedOut, s.pending, s.lag];
  const flags: boolean[] = [s.paused, s.closed];
  const names: string[] = [s.group, s.consumer];
  void [counts, flags, names];

  // A Node EventEmitter at run time (lib/consumer.js).
  const ee: EventEmitter = c;
  void ee;
  // @ts-expect-error the group is an object, not its name
  const g: string = c.group;
  void g;
  // @ts-expect-error close() is a Promise
  const notVoid: void = c.close();
  void notVoid;
}
void lifecycle;

// Consumer is a type only: lib/index.js does not export the class.
// @ts-expect-error not a value
new Consumer();

// ---- dead letters ------------------------------------------------------------------

async function deadLetters(): Promise<void> {
  const dlq: DeadLetters = bus.deadLetters('g');
  const items = await dlq.list();
  assertType<Equal<typeof items, DeadLetter[]>>();
  const query: DeadLetterQuery = { count: 10, since: '1732370000000-0' };
  for (const d of await dlq.list(query)) {
    const error: string = d.error;
    assertType<Equal<typeof d.error, string>>();
    const envelope: EventEnvelope = d.envelope;
    const fields: [string, number, string, number] = [d.id, d.attempts, d.consumer, d.failedAt];
    const code: string | undefined = d.code;
    const redisOnly: [string | undefined, string | undefined] = [d.dlqId, d.group];
    void [error, envelope, fields, code, redisOnly];
    const retried: true = await dlq.retry(d.id);
    void retried;
  }
  const purged: number = await dlq.purge();
  void purged;
  // @ts-expect-error retry() takes the event id
  await dlq.retry();
  // @ts-expect-error count is a number
  await dlq.list({ count: '10' });
  // @ts-expect-error deadLetters() takes the group name
  bus.deadLetters();
}
void deadLetters;

// ---- getSubscriberStats() -------------------------------------------------------

const groups: SubscriberStats[] = bus.getSubscriberStats();
for (const g of groups) {
  assertType<Equal<keyof SubscriberStats,
    'group' | 'patterns' | 'lag' | 'pending' | 'deadLetters' | 'overflow' | 'consumers'>>();
  const n: number[] = [g.lag, g.pending, g.deadLetters, g.overflow];
  const patterns: string[] = g.patterns;
  const consumers: ConsumerStats[] = g.consumers;
  const group: string = g.group;
  void [n, patterns, consumers, group];
}

// ---- the untyped bus: any name or pattern, unknown data ---------------------------

const untyped = new EventBus();
untyped.consume('anything.**', (event) => {
  assertType<Equal<typeof event.data, unknown>>();
  assertType<Equal<typeof event.attempt, number>>();
}, { group: 'any' });
untyped.consume(['a', 'b.*'], (events) => {
  const n: number = events.length;
  void n;
}, { group: 'any2', batchSize: 50 });
