'use strict';
// GET /metrics on the engine's server: Prometheus text (version 0.0.4) with
// the same numbers as stats(), eventwire_up following /health (0 while Redis
// is down), Redis gauges only in Redis mode, GET/HEAD only.
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { RedisServer } = require('./helpers/redis');
const { TestClient } = require('./helpers/wsclient');
const { waitFor } = require('./helpers/net');

const buses = [];
const clients = [];
let redis = null;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(buses.splice(0).map((b) => b.close()));
  if (redis) await redis.kill();
  redis = null;
  expect(native.allocLive()).toBe(0);
});

async function start(opts = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', heartbeatMs: 0 }, ...opts });
  bus.on('error', () => {});
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port };
}

/** Parses the exposition text strictly: HELP and TYPE before each sample, one sample per metric. */
function parse(text) {
  const metrics = {};
  const lines = text.split('\n');
  expect(lines.pop()).toBe(''); // ends with a newline
  for (let i = 0; i < lines.length; i += 3) {
    const help = /^# HELP ([a-z_]+) (.+)$/.exec(lines[i]);
    const type = /^# TYPE ([a-z_]+) (counter|gauge)$/.exec(lines[i + 1]);
    const sample = /^([a-z_]+) (\d+)$/.exec(lines[i + 2]);
    expect([lines[i], !!help, !!type, !!sample]).toEqual([lines[i], true, true, true]);
    expect(type[1]).toBe(help[1]);
    expect(sample[1]).toBe(help[1]);
    if (type[2] === 'counter') expect(help[1]).toMatch(/_total$/);
    expect(metrics[help[1]]).toBeUndefined();
    metrics[help[1]] = Number(sample[2]);
  }
  return metrics;
}

async function scrape(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parse(await res.text());
}

test('the counters are those of stats(): events, deliveries, connections, subscriptions', async () => {
  const { bus, port } = await start();
  const c = new TestClient(port);
  clients.push(c);
  await c.sub(['m.*']);
  for (let i = 0; i < 25; i++) bus.emit('m.x', { i });
  bus.emit('other.x', {});
  await c.waitEvents(25);
  const m = await scrape(port);
  const e = bus.stats().engine;
  expect(m.eventwire_up).toBe(1);
  expect(m.eventwire_events_in_total).toBe(26);
  expect(m.eventwire_events_in_total).toBe(e.eventsIn);
  expect(m.eventwire_deliveries_total).toBe(25);
  expect(m.eventwire_connections).toBe(1); // the WebSocket client (a plain HTTP request is not one)
  expect(m.eventwire_subscriptions).toBe(1);
  expect(m.eventwire_history_events).toBe(26);
  expect(m.eventwire_connections_total).toBe(1);
  expect(m.eventwire_redis_connected).toBeUndefined(); // not in Redis mode
  expect(m.eventwire_redis_written_total).toBeUndefined();
  // Counters only grow.
  bus.emit('m.x', { i: 25 });
  await c.waitEvents(26);
  const m2 = await scrape(port);
  expect(m2.eventwire_events_in_total).toBe(27);
  expect(m2.eventwire_deliveries_total).toBe(26);
});

test('GET and HEAD only; a POST is 405 with Allow', async () => {
  const { port } = await start();
  const post = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST', body: 'x' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET');
  expect(await post.json()).toMatchObject({ code: 'ERR_METHOD' });
  const head = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(await head.text()).toBe('');
});

test('Redis mode: Redis gauges, and eventwire_up goes to 0 while Redis is down, back to 1 after', async () => {
  redis = await RedisServer.start();
  const { bus, port } = await start({ redis: redis.url() });
  for (let i = 0; i < 10; i++) await bus.publish('r.x', { i });
  let m = await scrape(port);
  expect(m.eventwire_up).toBe(1);
  expect(m.eventwire_redis_connected).toBe(1);
  expect(m.eventwire_redis_written_total).toBe(10);
  expect(m.eventwire_redis_queued).toBe(0);
  expect(m.eventwire_redis_last_event_timestamp_ms).toBeGreaterThan(Date.now() - 60000);
  await redis.kill();
  await waitFor(() => bus.stats().redis === 'connecting', { timeoutMs: 5000, what: 'Redis down' });
  bus.emit('r.x', { i: 'queued' });
  await waitFor(() => bus.stats().engine.redisQueued === 1, { timeoutMs: 5000, what: 'one event queued' });
  m = await scrape(port);
  expect(m.eventwire_up).toBe(0);
  expect(m.eventwire_redis_connected).toBe(0);
  expect(m.eventwire_redis_queued).toBe(1);
  expect(m.eventwire_redis_reconnects_total).toBeGreaterThanOrEqual(1);
  await redis.start();
  await waitFor(() => bus.stats().engine.redisWritten === 11, { timeoutMs: 10000, what: 'the queued event written' });
  await waitFor(async () => (await scrape(port)).eventwire_up === 1, { timeoutMs: 5000, what: 'up again' });
});
