'use strict';
// bench/servers/eventwire.js - the eventwire contender of bench/fanout.js:
// an EventBus whose engine serves /ws, /socket.io/ and /events (SSE) on
// 127.0.0.1; clients subscribe with {"op":"sub","patterns":["bench.*"]}
// (/ws), 421["subscribe","bench.*"] (/socket.io/) or ?pattern=bench.*
// (/events), and every bus.emit('bench.tick', { t, n }) is fanned out by the
// engine thread. Driven by bench/lib/child.js.
const path = require('path');
const { EventBus } = require(path.join(__dirname, '..', '..', 'lib', 'index.js'));
const { serve, nowUs } = require('../lib/child');

let bus = null;

serve({
  name: 'eventwire',
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
    return e.inboxEvents + Math.max(0, e.deliveries - e.framesOut) / clients;
  },
  clients() {
    return bus.stats().engine.subscriptions;
  },
  stats() {
    const e = bus.stats().engine;
    return {
      connections: e.connections,
      subscriptions: e.subscriptions,
      deliveries: e.deliveries,
      framesOut: e.framesOut,
      bytesOut: e.bytesOut,
      wakeups: e.wakeups,
      slowConsumerCloses: e.slowConsumerCloses,
      droppedLow: e.droppedLow,
      inboxRejected: e.inboxRejected,
    };
  },
  close() {
    return bus.close();
  },
});
