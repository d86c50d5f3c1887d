'use strict';
// bench/servers/uws.js - the uWebSockets.js peer of bench/fanout.js (npm
// `uws-pack`, the uWebSockets.js v20 binaries, ESM only: loaded with
// import()). Every client subscribes to the topic 'bench' on open; its sub op
// is parsed and acked like eventwire does. An event is one app.publish() of
// the pre-serialised envelope text. Driven by bench/lib/child.js.
const path = require('path');
const { pathToFileURL } = require('url');
const { serve, nowUs, envelopeText } = require('../lib/child');

// From the project's node_modules, else from UWS_PACK_DIR (a directory with
// node_modules/uws-pack, or the uws-pack package directory itself).
async function loadUws() {
  try {
    return await import('uws-pack');
  } catch (err) {
    const dir = process.env.UWS_PACK_DIR;
    if (!dir) throw err;
    for (const p of [path.join(dir, 'node_modules', 'uws-pack'), dir]) {
      try {
        return await import(pathToFileURL(path.join(p, 'dist', 'index.mjs')).href);
      } catch {
        // next
      }
    }
    throw err;
  }
}

let uWS = null;
let app = null;
let listenSocket = null;
let eventBytes = 120;
const sockets = new Set();

serve({
  name: 'uws',
  async start() {
    uWS = await loadUws();
    app = uWS.App();
    app.ws('/*', {
      compression: uWS.DISABLED,
      maxPayloadLength: 64 * 1024,
      idleTimeout: 0,
      sendPingsAutomatically: false,
      // publish() skips a subscriber whose backpressure is over this: keep it
      // far above what the burst driver's window lets build up.
      maxBackpressure: 64 * 1024 * 1024,
      closeOnBackpressureLimit: false,
      open(ws) {
        ws.subscribe('bench');
        sockets.add(ws);
      },
      message(ws, message) {
        let op;
        try {
          op = JSON.parse(Buffer.from(message).toString());
        } catch {
          return;
        }
        if (op && op.op === 'sub') ws.send(JSON.stringify({ op: 'ack', ref: op.ref }), false);
      },
      close(ws) {
        sockets.delete(ws);
      },
    });
    return new Promise((resolve, reject) => {
      app.listen('127.0.0.1', 0, (ls) => {
        if (!ls) return reject(new Error('uWS listen failed'));
        listenSocket = ls;
        resolve(uWS.us_socket_local_port(ls));
      });
    });
  },
  emit(n) {
    const text = envelopeText(nowUs(), n);
    eventBytes = text.length;
    app.publish('bench', text, false);
  },
  backlog() {
    let bytes = 0;
    for (const ws of sockets) bytes += ws.getBufferedAmount();
    return bytes / Math.max(1, sockets.size) / (eventBytes + 2);
  },
  clients() {
    return sockets.size;
  },
  stats() {
    return { clients: sockets.size, subscribers: app.numSubscribers('bench') };
  },
  close() {
    if (listenSocket) uWS.us_listen_socket_close(listenSocket);
    for (const ws of [...sockets]) ws.close();
    return Promise.resolve();
  },
});
