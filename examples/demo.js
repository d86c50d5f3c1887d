'use strict';
// `npm run demo`: an embedded bus (no Redis) whose C engine serves a live page
// at / and the /ws gateway, while this process emits a realistic stream of
// events. The terminal shows the URL and a live rate line; Ctrl-C closes the
// bus cleanly.
const fs = require('fs');
const path = require('path');
const { EventBus } = require('..');

const PORT = Number(process.env.PORT || 8080);
const HOST = process.env.HOST || '127.0.0.1';
const RATE = Number(process.env.DEMO_RATE || 300); // events per second

const kinds = [
  ['order.placed', 'normal', () => ({ orderId: rid('ord'), total: +(Math.random() * 200).toFixed(2), currency: 'EUR' })],
  ['order.paid', 'normal', () => ({ orderId: rid('ord'), method: pick(['card', 'paypal', 'sepa']) })],
  ['order.shipped', 'low', () => ({ orderId: rid('ord'), carrier: pick(['dhl', 'ups', 'gls']) })],
  ['incident.opened', 'high', () => ({ incidentId: rid('inc'), severity: pick(['minor', 'major', 'critical']) })],
  ['incident.resolved', 'normal', () => ({ incidentId: rid('inc'), minutes: Math.round(Math.random() * 90) })],
  ['learning.progress', 'low', () => ({ userId: rid('usr'), lesson: Math.ceil(Math.random() * 40), percent: Math.round(Math.random() * 100) })],
  ['learning.path.recomputed', 'normal', () => ({ userId: rid('usr'), steps: Math.ceil(Math.random() * 12) })],
];
function rid(p) { return `${p}_${Math.random().toString(36).slice(2, 8)}`; }
function pick(a) { return a[Math.floor(Math.random() * a.length)]; }

async function listen(port) {
  const bus = new EventBus({ server: { port, host: HOST } });
  try {
    return { bus, ...(await bus.listen()) };
  } catch (err) {
    await bus.close();
    if (err.code === 'ERR_LISTEN' && port !== 0) return listen(0); // port taken: any free one
    throw err;
  }
}

async function main() {
  const { bus, port } = await listen(PORT);
  bus.serveStatic('/', fs.readFileSync(path.join(__dirname, 'demo', 'index.html')));
  bus.serveStatic('/client.js', fs.readFileSync(require.resolve('../lib/client.js')), {
    contentType: 'text/javascript; charset=utf-8',
  });
  console.log(`eventwire demo: open http://${HOST}:${port}/  (WebSocket ws://${HOST}:${port}/ws, stats http://${HOST}:${port}/stats)`);
  console.log(`emitting ~${RATE} events/s: order.*, incident.*, learning.** — type a pattern in the page`);

  const tickMs = 20;
  const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
  const emitter = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const [type, priority, make] = pick(kinds);
      bus.publish(type, make(), { priority }).catch(() => {});
    }
  }, tickMs);

  let prev = bus.stats();
  const reporter = setInterval(() => {
    const s = bus.stats();
    const e = s.engine;
    const line = `rate ${s.emitted - prev.emitted} ev/s | clients ${e.connections} | delivered ${e.deliveries - prev.engine.deliveries}/s | ` +
      `history ${e.historyEvents} | dropped ${e.droppedLow} | slow closes ${e.slowConsumerCloses}`;
    prev = s;
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns || 120) - 1)}`);
    else console.log(line);
  }, 1000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(emitter);
    clearInterval(reporter);
    await bus.close();
    console.log(`\nclosed cleanly after ${bus.stats().emitted} events`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.env.DEMO_SECONDS) setTimeout(stop, Number(process.env.DEMO_SECONDS) * 1000);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
