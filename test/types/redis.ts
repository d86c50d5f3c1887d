// Redis options, health() and the Redis parts of stats().
import {
  EventBus,
  EventBusOptions,
  RedisOptions,
  Health,
  RedisHealth,
  RedisState,
  BusStats,
  EngineStats,
  ServerAddress,
  NoServerAddress,
} from 'eventwire';
import { assertType, Equal } from './helpers';

// ---- options: a URL, true (REDIS_URL), an object, or off -------------------

new EventBus({ redis: 'redis://localhost:6379' });
new EventBus({ redis: 'redis://:secret@redis.internal:6380/2', server: true });
new EventBus({ redis: true }); // reads REDIS_URL
new EventBus({ redis: {} }); // REDIS_URL too, with the object's other options
new EventBus({ redis: false });
new EventBus({ redis: null });
new EventBus({ redis: undefined });
const redisOpts: RedisOptions = {
  url: 'redis://localhost:6379/0',
  prefix: 'billing',
  stream: 'billing:events',
  retention: 1_000_000,
  queueSize: 50_000,
  connectTimeoutMs: 2000,
  maxReconnectAttempts: 20,
};
const withRedis: EventBusOptions = { redis: redisOpts, history: { size: 100 } };
new EventBus<{ 'order.placed': { id: string } }>(withRedis);
assertType<Equal<EventBusOptions['redis'], string | true | RedisOptions | false | null | undefined>>();

// @ts-expect-error redis is a URL, true, an options object or false/null
new EventBus({ redis: 5 });
// @ts-expect-error a port alone is not a URL
new EventBus({ redis: 6379 });
// @ts-expect-error unknown Redis option (rejected at run time too)
new EventBus({ redis: { url: 'redis://localhost', host: 'localhost' } });
// @ts-expect-error url is a string
new EventBus({ redis: { url: { href: 'redis://localhost' } } });
// @ts-expect-error retention is a number
new EventBus({ redis: { retention: '100k' } });
// @ts-expect-error queueSize is a number
new EventBus({ redis: { queueSize: null } });
// @ts-expect-error connectTimeoutMs is a number
new EventBus({ redis: { connectTimeoutMs: '5s' } });
// @ts-expect-error maxReconnectAttempts is a number
new EventBus({ redis: { maxReconnectAttempts: '10' } });
// @ts-expect-error prefix is a string
new EventBus({ redis: { prefix: ['app'] } });
// @ts-expect-error stream is a string
new EventBus({ redis: { stream: 1 } });
// @ts-expect-error an array of URLs is not accepted
new EventBus({ redis: ['redis://a', 'redis://b'] });

// ---- listen(): a Redis-only bus resolves {} -------------------------------

async function redisOnly(): Promise<void> {
  const bus = new EventBus({ redis: true });
  const addr = await bus.listen();
  assertType<Equal<typeof addr, ServerAddress | NoServerAddress>>();
  const port: number | undefined = addr.port;
  void port;
  // publish() resolves the Redis stream id in Redis mode.
  const id: string = await bus.publish('order.placed', { id: 'o1' });
  void id;
  await bus.close();
}
void redisOnly;

// ---- health() ----------------------------------------------------------------

async function health(): Promise<void> {
  const bus = new EventBus({ redis: 'redis://localhost:6379' });
  const h = await bus.health();
  assertType<Equal<typeof h, Health>>();
  assertType<Equal<Health['status'], 'ok' | 'unavailable'>>();
  assertType<Equal<Health['mode'], 'embedded' | 'redis' | 'local'>>();
  assertType<Equal<Health['closed'], true | undefined>>();
  const ok: boolean = h.status === 'ok';
  void ok;
  if (h.redis) {
    const r: RedisHealth = h.redis;
    assertType<Equal<typeof r.state, 'ready' | 'connecting' | 'down'>>();
    const waiting: number = r.queued + r.inflight;
    const room: number = r.queueSize - r.queued;
    const stalled: boolean = r.relayStalled;
    const ages: number[] = [r.lastReadMs, r.lastEventMs, r.reconnectAttempts];
    const lastError: string | null = r.lastError;
    void [waiting, room, stalled, ages, lastError];
    // @ts-expect-error lastError may be null
    void r.lastError.length;
    // @ts-expect-error not a state
    const off: RedisHealth['state'] = 'off';
    void off;
  }
  // @ts-expect-error redis is absent outside mode "redis"
  void h.redis.queued;
  // @ts-expect-error not a status
  const degraded: Health['status'] = 'degraded';
  void degraded;
  // @ts-expect-error health() is a Promise
  const notHealth: Health = bus.health();
  void notHealth;
  // @ts-expect-error health() takes no argument
  void bus.health(true);

  // Every bus has it, typed or not.
  const typed: Promise<Health> = new EventBus<{ a: number }>().health();
  void typed;
}
void health;

// ---- stats(): the Redis state and the engine's Redis counters --------------

const stats: BusStats = new EventBus({ redis: true }).stats();
assertType<Equal<BusStats['redis'], RedisState>>();
assertType<Equal<RedisState, 'off' | 'connecting' | 'ready'>>();
if (stats.redis === 'ready') {
  const engine: EngineStats | null = stats.engine;
  if (engine) {
    const connected: boolean = engine.redisConnected;
    const counters: number[] = [
      engine.redisQueued,
      engine.redisQueueHighWater,
      engine.redisWritten,
      engine.redisRelayed,
      engine.redisRejected,
      engine.redisReconnects,
    ];
    void [connected, counters];
    // @ts-expect-error redisConnected is a boolean, not a count
    const n: number = engine.redisConnected;
    void n;
  }
}
// @ts-expect-error not a Redis state (stats() says "off" without Redis)
const down: BusStats['redis'] = 'down';
void down;
