// `new EventBus()` (the default open map) is typed like EventEmitter2: any
// name, symbol or name array, any arguments, `any` listener parameters.
import { EventBus, EventEmitter2, EventEnvelope, Listener, ListenerFn } from 'eventwire';
import { assertType, Equal } from './helpers';

const bus = new EventBus();
assertType<Equal<typeof bus, EventBus<Record<string, unknown>>>>();
const ee2: EventEmitter2 = bus;
void ee2;

// emit: any name and any number of values.
const r1: boolean = bus.emit('anything');
const r2: boolean = bus.emit('order.placed', { id: 1 }, 'second', 3);
const sym = Symbol('local');
bus.emit(sym, 1);
bus.emit(['order', 'placed'], { id: 1 });
bus.emit('order.*', 'emitted wildcards reach local listeners');
void [r1, r2];
const results: Promise<any[]> = bus.emitAsync('job.run', 1, 2);
void results;

// Listeners: EventEmitter2's ListenerFn, parameters are `any`.
bus.on('order.placed', (order, extra) => {
  const anyOrder: { whatever: number } = order; // any, as with EventEmitter2
  void [anyOrder, extra];
});
bus.on('a.b', (a: string, b: number) => void [a, b]);
bus.on(sym, () => {});
bus.on(['order', '*'], () => {});
const fn: ListenerFn = () => {};
bus.once('x', fn).many('y', 2, fn).prependListener('z', fn).off('x', fn).removeListener('y', fn);
const l: Listener = bus.on('x', fn, { objectify: true });
void l;
bus.prependOnceListener('z', fn);
bus.prependMany('z', 3, fn);
bus.addListener('z', fn);
bus.onAny((event, ...values) => void [event, values]);
bus.removeAllListeners('x');
const n: number = bus.listenerCount('x');
void n;
void bus.waitFor('ready', 1000);
// @ts-expect-error still a function listener
bus.on('x', 42);
// @ts-expect-error still a string, symbol or array name
bus.on(42, fn);

// publish/subscribe: any name, payload `unknown`.
async function untypedPublish(): Promise<void> {
  const id: string = await bus.publish('anything.at.all', { a: 1 }, { priority: 'low' });
  await bus.publish('no.payload');
  void id;
  // @ts-expect-error publish takes a string name (no symbols or arrays)
  await bus.publish(sym, 1);
}
void untypedPublish;
const off = bus.subscribe('learning.**', (event) => {
  assertType<Equal<typeof event, EventEnvelope<unknown>>>();
  const t: string = event.type;
  void t;
  // @ts-expect-error payload is unknown until narrowed
  void event.data.x;
});
const removed: boolean = off();
void removed;
// @ts-expect-error subscribe needs a function
bus.subscribe('x', null);

// A subclass of the untyped bus can still override like an EventEmitter2.
class AppBus extends EventBus {
  override emit(event: string | symbol | (string | symbol)[], ...values: any[]): boolean {
    return super.emit(event, ...values);
  }
}
new AppBus().emit('x', 1, 2);

// A class extending a typed bus.
class OrderBus extends EventBus<{ 'order.placed': { id: string } }> {
  place(id: string): Promise<string> {
    return this.publish('order.placed', { id });
  }
}
void new OrderBus().place('o1');
