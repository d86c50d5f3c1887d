// TypeScript use of eventwire/fastify: augment EventwireEvents once, and
// `fastify.events` is a typed EventBus. Checked with tsc by test/fastify.test.js
// (`npx tsc -p examples/fastify`).
import Fastify from 'fastify';
import eventwire from 'eventwire/fastify';
import type { EventwireHealth, FastifyEventwireOptions } from 'eventwire/fastify';

declare module 'eventwire/fastify' {
  interface EventwireEvents {
    'order.placed': { orderId: string; total: number };
    'order.paid': { orderId: string };
  }
}

const options: FastifyEventwireOptions = {
  busOptions: { history: { size: 1000 } },
  ssePath: '/events',
  healthPath: false,
  sseOptions: { heartbeatMs: 15000 },
};

export async function start(): Promise<string> {
  const app = Fastify();
  await app.register(eventwire, options);

  app.post<{ Body: { orderId: string; total: number } }>('/orders', async (request) => {
    app.events.emit('order.placed', { orderId: request.body.orderId, total: request.body.total });
    const id: string = await app.events.publish('order.paid', { orderId: request.body.orderId }, { priority: 'high' });
    return { id };
  });

  // A pattern narrows to the union of the matching events.
  app.events.subscribe('order.*', (event) => {
    const name: 'order.placed' | 'order.paid' = event.type;
    if (event.type === 'order.placed') event.data.total.toFixed(2);
    void name;
  });
  app.events.on('order.paid', (data) => data.orderId.toUpperCase());

  // @ts-expect-error the payload of order.placed needs a number total
  app.events.emit('order.placed', { orderId: 'o1', total: '42' });
  // @ts-expect-error not an event of EventwireEvents
  app.events.emit('order.refunded', { orderId: 'o1' });
  // @ts-expect-error ssePath is a path or false
  await app.register(eventwire, { ssePath: 42 });

  const health: EventwireHealth['status'] = 'ok';
  void health;
  return app.listen({ port: 0 });
}
