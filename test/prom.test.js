'use strict';
// bus.registerMetrics(registry) with the real prom-client: the engine's
// counters (same names as GET /metrics), `up`, the bus's counters and the
// durable consumers' per group/consumer, read at scrape time; bad arguments
// are EventwireErrors with ERR_INVALID_ARGUMENT.
const client = require('prom-client');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { RedisServer } = require('./helpers/redis');
const { waitFor } = require('./helpers/net');

const buses = [];
let redis = null;
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
  if (redis) await redis.kill();
  redis = null;
  expect(native.allocLive()).toBe(0);
});

function open(opts) {
  const bus = new EventBus(opts);
  bus.on('error', () => {});
  buses.push(bus);
  return bus;
}

/** registry.metrics() text -> { 'name{labels}': value } with TYPE checks. */
async function scrape(registry) {
  const text = await registry.metrics();
  const out = {};
  const types = {};
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (counter|gauge)$/.exec(line);
    if (t) types[t[1]] = t[2];
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) out[m[1] + (m[2] || '')] = Number(m[3]);
  }
  return { values: out, types };
}

test('engine and bus counters as on /metrics, up = 1, counters typed counter', async () => {
  const bus = open({ server: { port: 0, host: '127.0.0.1' } });
  const { port } = await bus.listen();
  const registry = new client.Registry();
  bus.registerMetrics(registry);
  for (let i = 0; i < 30; i++) bus.emit('m.x', { i });
  await waitFor(() => bus.stats().engine.eventsIn === 30, { what: 'engine took 30' });
  const { values, types } = await scrape(registry);
  expect(values.eventwire_up).toBe(1);
  expect(values.eventwire_events_in_total).toBe(30);
  expect(values.eventwire_emitted_total).toBe(30);
  expect(values.eventwire_forwarded_total).toBe(30);
  expect(types.eventwire_events_in_total).toBe('counter');
  expect(types.eventwire_connections).toBe('gauge');
  expect(values.eventwire_redis_written_total).toBeUndefined(); // not in Redis mode
  // Same names and values as the engine's own GET /metrics.
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    const [n, v] = line.split(' ');
    if (n === 'eventwire_connections_total' || n === 'eventwire_connections') continue; // the fetch itself
    expect([n, values[n]]).toEqual([n, Number(v)]);
  }
  // Read at scrape time: more events, higher values, no double counting.
  for (let i = 0; i < 5; i++) bus.emit('m.x', { i });
  await waitFor(() => bus.stats().engine.eventsIn === 35, { what: 'engine took 35' });
  expect((await scrape(registry)).values.eventwire_events_in_total).toBe(35);
  expect((await scrape(registry)).values.eventwire_events_in_total).toBe(35);
});

test('durable consumers per group and consumer; a prefix; unregister()', async () => {
  const bus = open({ engine: true });
  const registry = new client.Registry();
  const unregister = bus.registerMetrics(registry, { prefix: 'app_bus_' });
  let calls = 0;
  bus.consume('job.*', (e) => {
    calls++;
    if (e.data.fail) throw new Error('boom');
  }, { group: 'mailer', consumer: 'w1', maxRetries: 1, retryDelayMs: 1 });
  for (let i = 0; i < 8; i++) bus.emit('job.run', { i });
  bus.emit('job.run', { fail: true });
  await waitFor(() => calls === 10, { what: '8 + 2 calls' });
  await waitFor(async () => (await scrape(registry)).values['app_bus_consumer_dead_lettered_total{group="mailer",consumer="w1"}'] === 1,
    { what: 'dead letter counted' });
  const { values } = await scrape(registry);
  expect(values['app_bus_consumer_processed_total{group="mailer",consumer="w1"}']).toBe(8);
  expect(values['app_bus_consumer_failed_total{group="mailer",consumer="w1"}']).toBe(2);
  expect(values['app_bus_consumer_retried_total{group="mailer",consumer="w1"}']).toBe(1);
  expect(values['app_bus_group_dead_letters{group="mailer"}']).toBe(1);
  expect(values['app_bus_group_lag{group="mailer"}']).toBe(0);
  expect(values.app_bus_up).toBe(1);
  expect(Object.keys(values).some((k) => k.startsWith('eventwire_'))).toBe(false);
  unregister();
  expect((await registry.metrics()).includes('app_bus_')).toBe(false);
});

test('Redis mode: Redis gauges, and up goes to 0 while Redis is down', async () => {
  redis = await RedisServer.start();
  const bus = open({ redis: redis.url() });
  await bus.listen();
  const registry = new client.Registry();
  bus.registerMetrics(registry);
  await bus.publish('r.x', { a: 1 });
  let { values } = await scrape(registry);
  expect(values.eventwire_up).toBe(1);
  expect(values.eventwire_redis_written_total).toBe(1);
  await redis.kill();
  await waitFor(() => bus.stats().redis === 'connecting', { what: 'Redis down' });
  ({ values } = await scrape(registry));
  expect(values.eventwire_up).toBe(0);
  expect(values.eventwire_redis_reconnects_total).toBeGreaterThanOrEqual(1);
});

test('bad arguments: ERR_INVALID_ARGUMENT with what to fix', async () => {
  const bus = open({});
  const registry = new client.Registry();
  expect(() => bus.registerMetrics({})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/prom-client Registry/) }));
  expect(() => bus.registerMetrics(registry, { prefix: '1bad-' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/prefix must match/) }));
  expect(() => bus.registerMetrics(registry, null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  bus.registerMetrics(registry);
  expect(() => bus.registerMetrics(registry)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/already in this registry/) }));
  bus.registerMetrics(registry, { prefix: 'second_' }); // another prefix: a second set beside the first
  const text = await registry.metrics();
  expect(text).toMatch(/^second_up 1$/m);
  expect(text).toMatch(/^eventwire_up 1$/m);
});
