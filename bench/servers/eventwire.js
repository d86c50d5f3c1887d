'use strict';
// bench/servers/eventwire.js - the eventwire contender of bench/fanout.js
// (and, with --redis, the server of bench/redis.js's fan-out measurement):
// an EventBus whose engine serves /ws, /socket.io/ and /events (SSE) on
// 127.0.0.1; clients subscribe with {"op":"sub","patterns":["bench.*"]}
// (/ws), 421["subscribe","bench.*"] (/socket.io/) or ?pattern=bench.*
// (/events), and every bus.emit('bench.tick', { t, n }) is fanned out by the
// engine thread. Driven by bench/lib/child.js.
//
//   node bench/servers/eventwire.js [--redis redis://127.0.0.1:P] [--stream KEY] [--max-seconds S]
//
// With --redis every bus.emit is XADDed, read back by the relay (XREAD BLOCK)
// and only then fanned out to the clients. The burst driver's flow control
// (backlog()) then also counts the events waiting for XADD and the events
// written but not read back yet.
const path = require('path');
const { EventBus } = require(path.join(__dirname, '..', '..', 'lib', 'index.js'));
const { serve, nowUs } = require('../lib/child');

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
        // The burst driver keeps at most a few hundred events per client in
        // flight; these bounds only make sure the flow control, not the
        // slow-consumer policy, is what limits a burst.
        backlog: { maxFrames: 1 << 16, maxBytes: 64 << 20 },
        // /socket.io/ (Engine.IO pings every 25 s, as socket.io's default)
        // and /events are on by default; like /ws, SSE sends no heartbeat.
        sse: { heartbeatMs: 0 },
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
    // events not yet taken by the engine + frames queued per connection
    // (framesOut also counts the few control frames: acks)
    let b = e.inboxEvents + Math.max(0, e.deliveries - e.framesOut) / clients;
    if (REDIS) b += e.redisQueued + Math.max(0, e.redisWritten - e.redisRelayed);
    return b;
  },
  clients() {
    return bus.stats().engine.subscriptions;
  },
  stats() {
    const e = bus.stats().engine;
    const s = {
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
    };
    if (REDIS) {
      Object.assign(s, {
        redisWritten: e.redisWritten,
        redisRelayed: e.redisRelayed,
        redisRejected: e.redisRejected,
        redisQueueHighWater: e.redisQueueHighWater,
        redisReconnects: e.redisReconnects,
      });
    }
    return s;
  },
  close() {
    return bus.close();
  },
});
