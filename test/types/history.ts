// getEventHistory() (typed like subscribe(): a literal or wildcard pattern
// narrows the envelopes) and serveStatic().
//
// Node's types are loaded here so serveStatic() can be tested with a real
// Buffer; without them the declarations fall back to Uint8Array for `body`
// (types.test.js compiles index.d.ts in a project without @types/node).
/// <reference types="node" />
import { EventBus, EventEnvelope, HistoryGapError, HistoryQuery, StaticOptions } from 'eventwire';
import { assertType, Equal } from './helpers';

type Placed = { id: string; total: number };
type Shipped = { id: string; carrier: string };
type Created = { userId: number };

interface Events {
  'order.placed': Placed;
  'order.shipped': Shipped;
  'user.created': Created;
}

const bus = new EventBus<Events>({ history: { size: 1000 } });
const untyped = new EventBus({ engine: true });

async function history(): Promise<void> {
  // No pattern: every event, one envelope member per name.
  const all = await bus.getEventHistory();
  assertType<Equal<typeof all, Array<
    | EventEnvelope<Placed, 'order.placed'>
    | EventEnvelope<Shipped, 'order.shipped'>
    | EventEnvelope<Created, 'user.created'>
  >>>();
  const newest = await bus.getEventHistory({ count: 10 });
  assertType<Equal<typeof newest, typeof all>>();

  // A literal name.
  const placed = await bus.getEventHistory({ pattern: 'order.placed', count: 5 });
  assertType<Equal<typeof placed, Array<EventEnvelope<Placed, 'order.placed'>>>>();
  const total: number = placed[0].data.total;
  void total;

  // A wildcard pattern: a union discriminated by `type`.
  const orders = await bus.getEventHistory({ pattern: 'order.*', since: '1732370000000-4' });
  assertType<Equal<typeof orders, Array<EventEnvelope<Placed, 'order.placed'> | EventEnvelope<Shipped, 'order.shipped'>>>>();
  for (const ev of orders) {
    if (ev.type === 'order.shipped') assertType<Equal<typeof ev.data, Shipped>>();
    else assertType<Equal<typeof ev.data, Placed>>();
  }
  const users = await bus.getEventHistory({ pattern: '**.created' });
  assertType<Equal<typeof users, Array<EventEnvelope<Created, 'user.created'>>>>();
  // A pattern that matches nothing: unknown data.
  const none = await bus.getEventHistory({ pattern: 'invoice.*' });
  assertType<Equal<typeof none, Array<EventEnvelope<unknown>>>>();

  // The untyped bus: any pattern, unknown data.
  const anything = await untyped.getEventHistory({ pattern: 'metrics.**', count: 100 });
  assertType<Equal<typeof anything, Array<EventEnvelope<unknown>>>>();
  const dynamicPattern: string = 'a.b';
  const dyn = await untyped.getEventHistory({ pattern: dynamicPattern });
  assertType<Equal<typeof dyn, Array<EventEnvelope<unknown>>>>();
  const everything = await untyped.getEventHistory();
  assertType<Equal<typeof everything, Array<EventEnvelope<unknown>>>>();

  // A query built ahead of time.
  const query: HistoryQuery<'order.*'> = { pattern: 'order.*', count: 20 };
  const viaQuery = await bus.getEventHistory(query);
  assertType<Equal<typeof viaQuery, typeof orders>>();
  const loose: HistoryQuery = { count: 3, since: '1-0' };
  await untyped.getEventHistory(loose);

  // It returns a promise (failures are rejections).
  const pending = bus.getEventHistory();
  assertType<Equal<typeof pending, Promise<typeof all>>>();
  // @ts-expect-error a promise, not the array
  const notArray: unknown[] = bus.getEventHistory();
  void notArray;

  // A gap rejects with HistoryGapError, carrying what is still kept.
  try {
    await bus.getEventHistory({ pattern: 'order.*', since: '1-0' });
  } catch (err) {
    if (err instanceof HistoryGapError) {
      const kept: EventEnvelope[] = err.events ?? [];
      void kept;
    }
  }

  // @ts-expect-error count is a number
  await bus.getEventHistory({ count: '3' });
  // @ts-expect-error count is a number (untyped bus too)
  await untyped.getEventHistory({ count: '3' });
  // @ts-expect-error since is an id string "<ms>-<seq>"
  await bus.getEventHistory({ since: 1732370000000 });
  // @ts-expect-error pattern is a string
  await untyped.getEventHistory({ pattern: ['order', '*'] });
  // @ts-expect-error unknown name on a typed bus
  await bus.getEventHistory({ pattern: 'order.cancelled' });
  // @ts-expect-error a non-literal pattern is not checked against the map (as in subscribe())
  await bus.getEventHistory({ pattern: dynamicPattern });
  // @ts-expect-error unknown query field
  await bus.getEventHistory({ limit: 10 });
  // @ts-expect-error the query is an object
  await bus.getEventHistory('order.*');
  // @ts-expect-error the data is narrowed: Placed has no carrier
  void placed[0].data.carrier;
}
void history;

// ---- serveStatic ---------------------------------------------------------------

const chained: EventBus<Events> = bus
  .serveStatic('/', '<!doctype html><title>eventwire</title>')
  .serveStatic('/client.js', Buffer.from('console.log(1)'), { contentType: 'text/javascript' })
  .serveStatic('/health', '{"ok":true}', { contentType: 'application/json' })
  .serveStatic('/empty', '', {});
void chained;
untyped.serveStatic('/index.html', Buffer.alloc(0)).serveStatic('/x', 'x');
const staticOpts: StaticOptions = { contentType: 'text/plain; charset=utf-8' };
bus.serveStatic('/robots.txt', 'User-agent: *\n', staticOpts);

// @ts-expect-error body is a string or a Buffer
bus.serveStatic('/n', 42);
// @ts-expect-error a plain Uint8Array is not a Buffer (rejected at run time)
bus.serveStatic('/u8', new Uint8Array(4));
// @ts-expect-error body is required
bus.serveStatic('/');
// @ts-expect-error path is a string
bus.serveStatic(1, 'x');
// @ts-expect-error contentType is a string
bus.serveStatic('/', 'x', { contentType: 1 });
// @ts-expect-error unknown option
bus.serveStatic('/', 'x', { status: 200 });
// @ts-expect-error serveStatic returns the bus, not a promise
void bus.serveStatic('/', 'x').then;
