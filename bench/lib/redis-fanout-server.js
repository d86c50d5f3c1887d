'use strict';
// bench/lib/redis-fanout-server.js - the eventwire server of bench/redis.js's
// fan-out measurement, with Redis Streams on or off. The same bus as
// bench/servers/eventwire.js (which has no Redis option), driven by the same
// bench/lib/child.js command loop (burst / rate / info / gc / quit), so the
// C clients of bench/loadgen.c count its deliveries the same way.
//
//   node bench/lib/redis-fanout-server.js [--redis redis://127.0.0.1:P]
//        [--stream KEY] [--max-seconds S]
//
// With --redis every bus.emit is XADDed, read back by the relay (XREAD BLOCK)
// and only then fanned out to the WebSocket clients. The burst driver's flow
// control (backlog()) therefore also counts the events waiting for XADD and
// the events written but not read back yet.
const path = require('path');
const { EventBus } = require(path.join(__dirname, '..', '..', 'lib', 'index.js'));
const { serve, nowUs } = require('./child');

function argOf(name) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const REDIS = argOf('--redis');
const STREAM = argOf('--stream') || 'bench:fanout';
let bus = null;

serve({
  name: REDIS ? 'eventwire+redis' : 'eventwire',
  async start() {
    bus = new EventBus({
      source: 'bench',
      server: {
        port: 0,
        host: '127.0.0.1',
        heartbeatMs: 0,
        maxConnections: 100000,
        backlog: { maxFrames: 1 << 16, maxBytes: 64 << 20 },
      },
      ...(REDIS ? { redis: { url: REDIS, stream: STREAM } } : {}),
    });
    bus.on('error', () => {});
    const { port } = await bus.listen();
    return port;
  },
  emit(n) {
    bus.emit('bench.tick', { t: nowUs(), n });
  },
  backlog() {
    const e = bus.stats().engine;
    const clients = Math.max(1, e.connections);
    let b = e.inboxEvents + Math.max(0, e.deliveries - e.framesOut) / clients;
    if (REDIS) b += e.redisQueued + Math.max(0, e.redisWritten - e.redisRelayed);
    return b;
  },
  clients() {
    return bus.stats().engine.subscriptions;
  },
  stats() {
    const e = bus.stats().engine;
    return {
      connections: e.connections,
      subscriptions: e.subscriptions,
      eventsIn: e.eventsIn,
      deliveries: e.deliveries,
      framesOut: e.framesOut,
      bytesOut: e.bytesOut,
      wakeups: e.wakeups,
      slowConsumerCloses: e.slowConsumerCloses,
      droppedLow: e.droppedLow,
      inboxRejected: e.inboxRejected,
      redisWritten: e.redisWritten,
      redisRelayed: e.redisRelayed,
      redisRejected: e.redisRejected,
      redisQueueHighWater: e.redisQueueHighWater,
      redisReconnects: e.redisReconnects,
    };
  },
  close() {
    return bus.close();
  },
});
