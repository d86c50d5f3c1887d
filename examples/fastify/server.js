'use strict';
// A Fastify app using eventwire/fastify: `app.events` is the bus, GET /events
// streams it as Server-Sent Events on Fastify's own port, GET /health reports
// it, and POST /orders publishes an event. Open http://127.0.0.1:3000/ to see
// the stream; `curl -XPOST localhost:3000/orders -H 'content-type: application/json'
// -d '{"orderId":"o1","total":42}'` to add to it.
//
//   PORT=3000 HOST=127.0.0.1 node examples/fastify/server.js
//   WS_PORT=8080 ...   also serve WebSocket clients (ws://HOST:8080/ws) from the engine
const Fastify = require('fastify');
const eventwire = require('eventwire/fastify');

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const WS_PORT = process.env.WS_PORT === undefined || process.env.WS_PORT === '' ? null : Number(process.env.WS_PORT);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>eventwire + Fastify</title>
<h1>order.* events</h1>
<form id="f"><input name="orderId" value="o1"> <input name="total" type="number" value="42"> <button>POST /orders</button></form>
<ol id="log"></ol>
<script>
  // EventSource reconnects by itself and sends Last-Event-ID: the server
  // replays what was missed from the bus's history.
  const es = new EventSource('/events?pattern=order.*');
  es.addEventListener('order.placed', (e) => {
    const li = document.createElement('li');
    li.textContent = e.lastEventId + ' ' + e.data;
    document.getElementById('log').prepend(li);
  });
  document.getElementById('f').onsubmit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    await fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: f.get('orderId'), total: Number(f.get('total')) }) });
  };
</script>
`;

function build({ logger = false } = {}) {
  const app = Fastify({ logger });

  app.register(eventwire, {
    busOptions: {
      history: { size: 10000 }, // what reconnecting SSE clients are replayed from
      ...(WS_PORT === null ? {} : { server: { port: WS_PORT, host: HOST } }), // listen()ed during registration
    },
    // ssePath: '/events', healthPath: '/health', decorator: 'events' are the defaults
  });

  app.get('/', (request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));

  app.post('/orders', {
    schema: {
      body: {
        type: 'object',
        required: ['orderId', 'total'],
        properties: { orderId: { type: 'string', minLength: 1 }, total: { type: 'number' } },
      },
    },
  }, async (request, reply) => {
    const { orderId, total } = request.body;
    // Resolves with the event id once the engine has taken the event.
    const id = await app.events.publish('order.placed', { orderId, total }, { metadata: { requestId: request.id } });
    reply.code(201);
    return { id };
  });

  return app;
}

async function main() {
  const app = build({ logger: { level: process.env.LOG_LEVEL || 'info' } });
  const shutdown = async (signal) => {
    app.log.info({ signal }, 'closing');
    // Ends open SSE streams, then closes the bus the plugin created; with
    // nothing left open, the process then exits by itself.
    await app.close();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const url = await app.listen({ port: PORT, host: HOST });
  // One line a script can read (the port is the real one when PORT=0).
  console.log(`eventwire fastify example listening on ${url}` +
    (app.events.address() ? ` (WebSocket ws://${HOST}:${app.events.address().port}/ws)` : ''));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { build };
