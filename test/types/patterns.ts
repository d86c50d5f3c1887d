// Wildcard patterns ("*" = one segment, "**" = zero or more, EventEmitter2
// rules): the payload is the union of the matching events' payloads, and
// `unknown` when nothing matches.
import { EventBus, EventEnvelope, MatchingNames, PatternMatches, PayloadOf } from 'eventwire';
import { assertType, Equal } from './helpers';

type Placed = { id: string; total: number };
type Shipped = { id: string; carrier: string };
type Refund = { id: string; amount: number };
type Created = { userId: number };

type Events = {
  order: { count: number };
  'order.placed': Placed;
  'order.shipped': Shipped;
  'order.payment.refunded': Refund;
  'user.created': Created;
  'user.profile.updated': { userId: number; fields: string[] };
  ping: null;
};

const bus = new EventBus<Events>();

// ---- "*": exactly one segment ------------------------------------------------
bus.on('order.*', (data) => {
  assertType<Equal<typeof data, Placed | Shipped>>();
});
bus.on('*.created', (data) => {
  assertType<Equal<typeof data, Created>>();
});
bus.on('*', (data) => {
  assertType<Equal<typeof data, { count: number } | null>>();
});
bus.on('order.*.refunded', (data) => {
  assertType<Equal<typeof data, Refund>>();
});
bus.on('*.*', (data) => {
  assertType<Equal<typeof data, Placed | Shipped | Created>>();
});

// ---- "**": zero or more segments ---------------------------------------------
bus.on('order.**', (data) => {
  // "order" itself (zero segments), "order.placed", "order.shipped", "order.payment.refunded"
  assertType<Equal<typeof data, { count: number } | Placed | Shipped | Refund>>();
});
bus.on('**.refunded', (data) => {
  assertType<Equal<typeof data, Refund>>();
});
bus.on('user.**.updated', (data) => {
  assertType<Equal<typeof data, { userId: number; fields: string[] }>>();
});
bus.on('**', (data) => {
  assertType<Equal<typeof data, Events[keyof Events]>>();
});

// ---- nothing matches: unknown --------------------------------------------------
bus.on('invoice.*', (data) => {
  assertType<Equal<typeof data, unknown>>();
});
bus.on('order.placed.*', (data) => {
  assertType<Equal<typeof data, unknown>>();
});
// Only whole segments are wildcards: "order*" is a plain name, and unknown here.
bus.on('order*', (data) => {
  assertType<Equal<typeof data, unknown>>();
});

// @ts-expect-error the union's members do not all have `total`
bus.on('order.*', (data) => void data.total);
// @ts-expect-error a listener for a pattern must accept every matching payload
bus.on('order.*', (data: Placed) => void data);
// @ts-expect-error an unknown payload must be narrowed before use
bus.on('invoice.*', (data) => void data.id);
// A pattern without "*" must be a known name.
// @ts-expect-error unknown name
bus.on('order.cancelled', () => {});

bus.many('user.*', 2, (data) => {
  assertType<Equal<typeof data, Created>>();
});
bus.once('**.updated', (data) => {
  assertType<Equal<typeof data, { userId: number; fields: string[] }>>();
});
bus.prependListener('*.placed', (data) => {
  assertType<Equal<typeof data, Placed>>();
});
const listener = (data: Placed | Shipped): void => void data;
bus.on('order.*', listener);
bus.off('order.*', listener);

// ---- subscribe: a union of envelopes, discriminated by `type` -----------------
bus.subscribe('order.*', (event) => {
  assertType<Equal<typeof event, EventEnvelope<Placed, 'order.placed'> | EventEnvelope<Shipped, 'order.shipped'>>>();
  if (event.type === 'order.placed') {
    assertType<Equal<typeof event.data, Placed>>();
    const total: number = event.data.total;
    void total;
  } else {
    assertType<Equal<typeof event.data, Shipped>>();
  }
  // @ts-expect-error not one of the matched names
  if (event.type === 'user.created') return;
});
bus.subscribe('learning.**', (event) => {
  assertType<Equal<typeof event, EventEnvelope<unknown>>>();
});
bus.subscribe('user.created', (event) => {
  assertType<Equal<typeof event.data, Created>>();
  assertType<Equal<typeof event.type, 'user.created'>>();
});

// ---- the helper types themselves -----------------------------------------------
assertType<Equal<PatternMatches<'a.*', 'a.b'>, true>>();
assertType<Equal<PatternMatches<'a.*', 'a.'>, true>>(); // "*" matches an empty segment
assertType<Equal<PatternMatches<'a.*', 'a'>, false>>();
assertType<Equal<PatternMatches<'a.*', 'a.b.c'>, false>>();
assertType<Equal<PatternMatches<'a.**', 'a'>, true>>();
assertType<Equal<PatternMatches<'a.**', 'a.b.c'>, true>>();
assertType<Equal<PatternMatches<'**.z', 'z'>, true>>();
assertType<Equal<PatternMatches<'a.**.z', 'a.z'>, true>>();
assertType<Equal<PatternMatches<'a.**.z', 'a.b.c.z'>, true>>();
assertType<Equal<PatternMatches<'a.**.z', 'a.b.c'>, false>>();
assertType<Equal<PatternMatches<'*.b', 'a.b'>, true>>();
assertType<Equal<PatternMatches<'*', 'a.b'>, false>>();
assertType<Equal<PatternMatches<'**', 'a.b.c'>, true>>();
assertType<Equal<MatchingNames<Events, 'user.*'>, 'user.created'>>();
assertType<Equal<MatchingNames<Events, 'nope.*'>, never>>();
assertType<Equal<PayloadOf<Events, 'order.placed'>, Placed>>();
assertType<Equal<PayloadOf<Events, 'order.*'>, Placed | Shipped>>();
assertType<Equal<PayloadOf<Events, 'nope.*'>, unknown>>();
// A union of names gives the union of payloads.
assertType<Equal<PayloadOf<Events, 'order.placed' | 'user.created'>, Placed | Created>>();

// ---- an open map with a typed payload keeps any name, typed payloads ----------
const numbers = new EventBus<Record<string, number>>();
numbers.on('anything.at.all', (n) => {
  assertType<Equal<typeof n, number>>();
});
numbers.on('metrics.*', (n) => {
  assertType<Equal<typeof n, number>>();
});
numbers.emit('x', 1);
// @ts-expect-error payloads are numbers
numbers.emit('x', 'one');
numbers.subscribe('metrics.**', (ev) => {
  assertType<Equal<typeof ev, EventEnvelope<number>>>();
});
