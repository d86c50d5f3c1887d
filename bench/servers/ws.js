'use strict';
// bench/servers/ws.js - the `ws` peer of bench/fanout.js: an http server with
// a WebSocketServer on /ws (no compression). Every client is a subscriber;
// its sub op is parsed and acked like eventwire does. An event is serialised
// once into a Buffer and sent to every open client with ws.send(), the
// idiomatic ws broadcast. Driven by bench/lib/child.js.
const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');
const { serve, nowUs, envelopeText } = require('../lib/child');

let server = null;
let wss = null;
let eventBytes = 120;
const TEXT = { binary: false };

serve({
  name: 'ws',
  start() {
    server = http.createServer((req, res) => {
      res.writeHead(404);
      res.end();
    });
    wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });
    wss.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data) => {
        let op;
        try {
          op = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (op && op.op === 'sub') ws.send(JSON.stringify({ op: 'ack', ref: op.ref }));
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', 4096, () => resolve(server.address().port));
    });
  },
  emit(n) {
    const buf = Buffer.from(envelopeText(nowUs(), n));
    eventBytes = buf.length;
    for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(buf, TEXT);
  },
  backlog() {
    let bytes = 0;
    for (const c of wss.clients) bytes += c.bufferedAmount;
    return bytes / Math.max(1, wss.clients.size) / (eventBytes + 2);
  },
  clients() {
    return wss.clients.size;
  },
  stats() {
    return { clients: wss.clients.size };
  },
  close() {
    for (const c of wss.clients) c.terminate();
    return new Promise((resolve) => wss.close(() => server.close(() => resolve())));
  },
});
