// EventBus#createEventStream(): a ReadableStream of Server-Sent Events.
// (This project has no DOM lib or @types/node, so EventStream is the
// ByteStreamLike fallback of types/next.d.ts.)
import { EventBus, EventStream, EventStreamOptions } from 'eventwire';
import { assertType, Equal } from './helpers';

interface AppEvents {
  'order.placed': { id: string };
  'order.shipped': { id: string; carrier: string };
  'user.created': { userId: number };
}

const signal = {
  aborted: false,
  addEventListener(_type: 'abort', _listener: () => void, _options?: { once?: boolean }): void {},
  removeEventListener(_type: 'abort', _listener: () => void): void {},
};

const bus = new EventBus<AppEvents>({ history: {} });
const all = bus.createEventStream();
assertType<Equal<typeof all, EventStream>>();
bus.createEventStream({});
bus.createEventStream({ pattern: 'order.*' });
bus.createEventStream({ pattern: 'user.created', lastEventId: '1732370000123-0', signal });
bus.createEventStream({ pattern: ['order.*', 'user.created'], lastEventId: null, signal: null });
bus.createEventStream({ heartbeatMs: 0, retryMs: 1000, maxBuffered: 100 });
const opts: EventStreamOptions<'order.*'> = { pattern: 'order.*' };
bus.createEventStream(opts);
const patterns = ['order.placed', 'order.shipped'] as const;
bus.createEventStream({ pattern: patterns }); // a readonly array is fine

async function read(stream: EventStream): Promise<void> {
  const reader = stream.getReader();
  const chunk = await reader.read();
  if (!chunk.done) {
    const bytes: Uint8Array = chunk.value;
    void bytes;
  }
  await reader.cancel();
}
void read(bus.createEventStream({ pattern: 'order.*' }));

// The untyped bus streams any pattern.
new EventBus().createEventStream({ pattern: ['learning.**', 'anything'] });

// @ts-expect-error unknown event name on a typed bus
bus.createEventStream({ pattern: 'order.cancelled' });
// @ts-expect-error unknown event name in a pattern list
bus.createEventStream({ pattern: ['order.*', 'user.deleted'] });
// @ts-expect-error the options are an object, not a pattern
bus.createEventStream('order.*');
// @ts-expect-error lastEventId is a string id
bus.createEventStream({ lastEventId: 1732370000123 });
// @ts-expect-error heartbeatMs is a number
bus.createEventStream({ heartbeatMs: '15s' });
// @ts-expect-error unknown option (the resume id is lastEventId)
bus.createEventStream({ since: '1-0' });
// @ts-expect-error signal is an AbortSignal
bus.createEventStream({ signal: true });
