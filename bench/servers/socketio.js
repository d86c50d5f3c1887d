'use strict';
// bench/servers/socketio.js - the socket.io 4.8 peer of bench/fanout.js's
// Socket.IO comparison: an http server with `new Server(httpServer, {
// transports: ['websocket'], serveClient: false, perMessageDeflate: false })`
// on /socket.io/. A client's `subscribe` event is acked with { ok: true },
// like eventwire's /socket.io/ does; every event is one io.emit() broadcast
// (encoded once per event by the adapter, with the WebSocket frame
// pre-built) of the same envelope object eventwire sends, plus its id as the
// second argument: the same `42["bench.tick",{...},"<id>"]` packet text.
// Driven by bench/lib/child.js.
const http = require('http');
const { Server } = require('socket.io');
const { serve, nowUs, envelopeObject } = require('../lib/child');

let server = null;
let io = null;
// bytes of one event packet on the wire (frame header + 42[...]), for backlog()
const frameBytes = 160;
const subscribed = new Set();

serve({
  name: 'socketio',
  start() {
    server = http.createServer((req, res) => {
      res.writeHead(404);
      res.end();
    });
    io = new Server(server, {
      transports: ['websocket'],
      serveClient: false,
      perMessageDeflate: false,
      // the defaults, written out: eventwire's /socket.io/ uses the same
      pingInterval: 25000,
      pingTimeout: 20000,
      maxHttpBufferSize: 64 * 1024,
    });
    io.on('connection', (socket) => {
      socket.on('subscribe', (patterns, ack) => {
        subscribed.add(socket);
        if (typeof ack === 'function') ack({ ok: true });
      });
      socket.on('disconnect', () => subscribed.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', 4096, () => resolve(server.address().port));
    });
  },
  emit(n) {
    // the object a socket.io app would emit; socket.io stringifies it once
    // per broadcast
    const env = envelopeObject(nowUs(), n);
    io.emit('bench.tick', env, env.id);
  },
  backlog() {
    // packets waiting in engine.io's writeBuffer + bytes waiting in ws
    let bytes = 0;
    let packets = 0;
    const clients = io.engine.clients;
    let n = 0;
    for (const id in clients) {
      const conn = clients[id];
      n++;
      packets += conn.writeBuffer.length;
      const ws = conn.transport && conn.transport.socket;
      if (ws) bytes += ws.bufferedAmount;
    }
    return (packets + bytes / frameBytes) / Math.max(1, n);
  },
  clients() {
    return subscribed.size;
  },
  stats() {
    return { clients: io.engine.clientsCount, subscribed: subscribed.size };
  },
  close() {
    return new Promise((resolve) => {
      io.close(() => resolve());
      io.disconnectSockets(true);
    });
  },
});
