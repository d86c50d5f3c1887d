'use strict';
// bench/servers/node-sse.js - a minimal Server-Sent Events peer for
// bench/fanout.js's SSE comparison: a plain Node `http` server answering
// GET /events with 200 text/event-stream (chunked, as Node sends a response
// without Content-Length), `retry: 3000`, then one `id:/event:/data:` block
// per event, built once per event and written with res.write() to every open
// stream. The `pattern` query is accepted and ignored (every stream gets
// every event). Driven by bench/lib/child.js.
const http = require('http');
const { serve, nowUs, envelopeText } = require('../lib/child');

let server = null;
let blockBytes = 160;
const streams = new Set();
const HEAD = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

serve({
  name: 'node-sse',
  start() {
    server = http.createServer((req, res) => {
      if (req.method !== 'GET' || !req.url.startsWith('/events')) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, HEAD);
      res.write('retry: 3000\n\n');
      streams.add(res);
      const gone = () => streams.delete(res);
      res.on('close', gone);
      res.on('error', gone);
    });
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 60000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', 4096, () => resolve(server.address().port));
    });
  },
  emit(n) {
    const env = envelopeText(nowUs(), n);
    const id = env.slice(7, env.indexOf('"', 7));
    const block = Buffer.from(`id: ${id}\nevent: bench.tick\ndata: ${env}\n\n`);
    blockBytes = block.length + 8;
    for (const res of streams) res.write(block);
  },
  backlog() {
    let bytes = 0;
    for (const res of streams) bytes += res.writableLength;
    return bytes / Math.max(1, streams.size) / blockBytes;
  },
  clients() {
    return streams.size;
  },
  stats() {
    return { clients: streams.size };
  },
  close() {
    for (const res of streams) res.destroy();
    streams.clear();
    return new Promise((resolve) => server.close(() => resolve()));
  },
});
