'use strict';
// Two processes on one Redis, a WebSocket client on each: every client sees
// both instances' events, with the same stream ids in the same order.
//   node examples/multi-instance/run.js            (starts its own redis-server)
//   REDIS_URL=redis://host:6379 node examples/multi-instance/run.js
const { fork, spawn } = require('child_process');
const net = require('net');
const path = require('path');
const { EventwireClient } = require('../../lib/client');

const SECONDS = Number(process.env.SECONDS || 4);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  let redis = null;
  let url = process.env.REDIS_URL;
  if (!url) {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 300));
  }
  const instances = ['A', 'B'].map((name) => fork(path.join(__dirname, 'instance.js'), [], {
    env: { ...process.env, NAME: name, REDIS_URL: url, PORT: '0' },
  }));
  const ports = await Promise.all(instances.map((p) => new Promise((resolve, reject) => {
    p.once('message', (m) => resolve(m.port));
    p.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  })));
  const seen = { A: [], B: [] };
  const clients = ['A', 'B'].map((name, i) => {
    const c = new EventwireClient(`ws://127.0.0.1:${ports[i]}/ws`);
    c.subscribe('order.*', (e) => seen[name].push(`${e.id} ${e.data.from}#${e.data.n}`));
    return c;
  });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await Promise.all(clients.map((c) => c.close()));
  for (const p of instances) p.disconnect();
  await Promise.all(instances.map((p) => new Promise((r) => p.once('exit', r))));
  if (redis) redis.kill();
  const common = Math.min(seen.A.length, seen.B.length);
  const same = seen.A.slice(0, common).join() === seen.B.slice(0, common).join();
  console.log(`client on A saw ${seen.A.length} events, client on B saw ${seen.B.length}; ` +
    `same ids in the same order: ${same}`);
  console.log(seen.A.slice(0, 4).map((l) => `  ${l}`).join('\n'));
  process.exit(same && common > 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
