'use strict';
// `npm run demo`: an embedded bus (no Redis) with the engine's HTTP server,
// a realistic stream of events, a wildcard subscriber, and a live rate line.
// Ctrl-C closes the bus cleanly. (The WebSocket gateway will add a live page.)
const { EventBus } = require('..');

const PORT = Number(process.env.PORT || 8080);
const RATE = Number(process.env.DEMO_RATE || 300); // events per second
const PATTERN = process.argv[2] || 'order.*';

const kinds = [
  ['order.placed', () => ({ orderId: rid('ord'), total: +(Math.random() * 200).toFixed(2), currency: 'EUR' })],
  ['order.paid', () => ({ orderId: rid('ord'), method: pick(['card', 'paypal', 'sepa']) })],
  ['order.shipped', () => ({ orderId: rid('ord'), carrier: pick(['dhl', 'ups', 'gls']) })],
  ['incident.opened', () => ({ incidentId: rid('inc'), severity: pick(['low', 'high', 'critical']) })],
  ['incident.resolved', () => ({ incidentId: rid('inc'), minutes: Math.round(Math.random() * 90) })],
  ['learning.progress', () => ({ userId: rid('usr'), lesson: Math.ceil(Math.random() * 40), percent: Math.round(Math.random() * 100) })],
];
function rid(p) { return `${p}_${Math.random().toString(36).slice(2, 8)}`; }
function pick(a) { return a[Math.floor(Math.random() * a.length)]; }

async function main() {
  let bus = new EventBus({ server: { port: PORT, host: '127.0.0.1' } });
  let port;
  try {
    ({ port } = await bus.listen());
  } catch (err) {
    if (err.code !== 'ERR_LISTEN') throw err;
    // The preferred port is taken: take any free one rather than fail.
    await bus.close();
    bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
    ({ port } = await bus.listen());
  }
  run(bus, port);
}

function run(bus, port) {
  let matched = 0;
  let last = null;
  bus.subscribe(PATTERN, (event) => {
    matched++;
    last = event;
  });
  console.log(`eventwire demo: engine listening on http://127.0.0.1:${port}  (try: curl http://127.0.0.1:${port}/health)`);
  console.log(`emitting ~${RATE} events/s; showing events matching "${PATTERN}" (pass another pattern as an argument)`);

  const tickMs = 20;
  const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
  const emitter = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const [type, make] = pick(kinds);
      bus.emit(type, make());
    }
  }, tickMs);

  let prev = bus.stats();
  let prevMatched = 0;
  const reporter = setInterval(() => {
    const s = bus.stats();
    const rate = s.emitted - prev.emitted;
    const line = `rate ${rate} ev/s | engine received ${s.engine.eventsIn} in ${s.engine.batchesIn} batches | ` +
      `"${PATTERN}" ${matched - prevMatched}/s` + (last ? ` | last ${last.type} ${JSON.stringify(last.data)}` : '');
    prev = s;
    prevMatched = matched;
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line.slice(0, process.stdout.columns - 1 || 120)}`);
    else console.log(line);
  }, 1000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(emitter);
    clearInterval(reporter);
    await bus.close();
    const s = bus.stats();
    console.log(`\nclosed cleanly after ${s.emitted} events (${s.dropped.inboxFull} dropped)`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.env.DEMO_SECONDS) setTimeout(stop, Number(process.env.DEMO_SECONDS) * 1000);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
