// The envelope-style emit({ type, data, source?, metadata?, priority?, version? }).
import { EventBus, EmitEnvelope, EmitEnvelopeOf, EventEnvelope } from 'eventwire';
import { assertType, Equal } from './helpers';

interface AppEvents {
  'order.placed': { id: string; total: number };
  'user.created': { userId: number };
  'app.ready': undefined;
}

// ---- typed bus: `type` narrows `data` ------------------------------------------

const bus = new EventBus<AppEvents>();
const r: boolean = bus.emit({ type: 'order.placed', data: { id: 'o1', total: 10 } });
void r;
bus.emit({
  type: 'user.created',
  data: { userId: 7 },
  source: 'signup-service',
  metadata: { traceId: 'abc' },
  priority: 'high',
  version: 2,
});
bus.emit({ type: 'app.ready' }); // the payload may be undefined: data may be left out
bus.emit({ type: 'app.ready', data: undefined, priority: 'low' });

// A built envelope value, and a union of them.
const placed: EmitEnvelope<AppEvents['order.placed'], 'order.placed'> = {
  type: 'order.placed',
  data: { id: 'o2', total: 1 },
};
bus.emit(placed);
declare const any: EmitEnvelopeOf<AppEvents>;
bus.emit(any);
assertType<Equal<Extract<EmitEnvelopeOf<AppEvents>, { type: 'user.created' }>['data'], { userId: number }>>();

// Forwarding an envelope received from subscribe() (the bus assigns a new id).
bus.subscribe('order.*', (ev) => bus.emit(ev));
bus.subscribe('**', (ev: EventEnvelope<unknown>) => {
  // @ts-expect-error an envelope of unknown type and payload does not fit a typed bus
  bus.emit(ev);
});

// @ts-expect-error `data` does not match `type`
bus.emit({ type: 'order.placed', data: { userId: 7 } });
// @ts-expect-error wrong payload property type
bus.emit({ type: 'user.created', data: { userId: '7' } });
// @ts-expect-error data is required when the payload cannot be undefined
bus.emit({ type: 'order.placed' });
// @ts-expect-error unknown event name on a typed bus
bus.emit({ type: 'order.cancelled', data: { id: 'o1' } });
// @ts-expect-error patterns are not emitted
bus.emit({ type: 'order.*', data: { id: 'o1', total: 1 } });
// @ts-expect-error not a priority
bus.emit({ type: 'app.ready', priority: 'urgent' });
// @ts-expect-error metadata is an object
bus.emit({ type: 'app.ready', metadata: 'trace' });
// @ts-expect-error version is a number
bus.emit({ type: 'app.ready', version: '2' });
// @ts-expect-error source is a string
bus.emit({ type: 'app.ready', source: 1 });
// @ts-expect-error id and timestamp are assigned by the bus
bus.emit({ type: 'app.ready', id: '1-0' });
// @ts-expect-error the envelope style takes exactly one argument
bus.emit({ type: 'user.created', data: { userId: 7 } }, 'extra');
// @ts-expect-error type is required
bus.emit({ data: { userId: 7 } });
// @ts-expect-error emitAsync() has no envelope style (the object would be the name)
void bus.emitAsync({ type: 'user.created', data: { userId: 7 } });

// ---- untyped bus: any name, unknown data -------------------------------------

const open = new EventBus();
open.emit({ type: 'anything.at.all', data: { a: 1 } });
open.emit({ type: 'no.data' });
open.emit({ type: 'job.done', data: 42, priority: 'critical', metadata: { n: 1 }, source: 'worker', version: 1 });
const anyEnvelope: EmitEnvelope = { type: 'x', data: null };
open.emit(anyEnvelope);
open.subscribe('**', (ev) => open.emit(ev));
assertType<Equal<EmitEnvelope['data'], unknown>>();

// @ts-expect-error type is a string
open.emit({ type: 42, data: 1 });
// @ts-expect-error not a priority
open.emit({ type: 'x', priority: 'urgent' });
// @ts-expect-error the envelope style takes exactly one argument
open.emit({ type: 'x', data: 1 }, 2);
