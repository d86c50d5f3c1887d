'use strict';
// One eventwire instance on a shared Redis: serves /ws on PORT, emits an
// "order.placed" every 500 ms with its NAME, and logs events from others.
const { EventBus } = require('../..');

const name = process.env.NAME || `instance-${process.pid}`;
const bus = new EventBus({
  redis: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
  server: { port: Number(process.env.PORT || 0), host: '127.0.0.1' },
  source: name,
});

bus.on('order.*', (data) => {
  if (data.from !== name) console.log(`[${name}] got ${data.from}'s order #${data.n} (via Redis)`);
});

bus.listen().then(({ port }) => {
  console.log(`[${name}] listening on ws://127.0.0.1:${port}/ws`);
  if (process.send) process.send({ port });
  let n = 0;
  const timer = setInterval(() => {
    bus.publish('order.placed', { from: name, n: ++n }).catch((err) => console.error(`[${name}]`, err.message));
  }, 500);
  const stop = () => {
    clearInterval(timer);
    bus.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}, (err) => {
  console.error(`[${name}] cannot start: ${err.code} ${err.message}`);
  process.exit(1);
});
