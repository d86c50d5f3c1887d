'use strict';
// Engine lifecycle: close (twice, inside a listener), emit after close,
// processes and worker threads that end with a bus open, nothing left behind.
const path = require('path');
const { spawnSync } = require('child_process');
const { Worker } = require('worker_threads');
const { EventBus, ClosedError, EventwireError } = require('../lib');
const native = require('../lib/native');
const { httpGet, waitFor } = require('./helpers/net');

const LIB = path.join(__dirname, '..', 'lib');

function runNode(code, timeoutMs = 15000) {
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: timeoutMs, env: process.env });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: r.error && r.error.code === 'ETIMEDOUT' };
}

describe('close', () => {
  test('close() twice returns the same promise and frees every engine allocation', async () => {
    const bus = new EventBus({ engine: true });
    expect(bus.stats().engine.running).toBe(true);
    const a = bus.close();
    const b = bus.close();
    expect(a).toBe(b);
    await a;
    expect(bus.closed).toBe(true);
    expect(bus.stats().engine).toBeNull();
    expect(native.allocLive()).toBe(0);
  });

  test('close() inside a listener: the rest of the emit runs, later emits throw ERR_CLOSED', async () => {
    const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
    await bus.listen();
    const calls = [];
    let closing;
    bus.on('job.done', () => {
      calls.push('first');
      closing = bus.close();
    });
    bus.on('job.*', () => calls.push('second'));
    expect(bus.emit('job.done', { n: 1 })).toBe(true);
    expect(calls).toEqual(['first', 'second']);
    expect(() => bus.emit('job.done', {})).toThrow(ClosedError);
    await closing;
    // The event emitted before close was handed to the engine before it stopped.
    expect(bus.stats().forwarded).toBe(1);
    expect(native.allocLive()).toBe(0);
  });

  test('emit and publish after close fail with ERR_CLOSED; listen too', async () => {
    const bus = new EventBus({ engine: true });
    await bus.close();
    let err;
    try {
      bus.emit('a.b', 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventwireError);
    expect(err.code).toBe('ERR_CLOSED');
    await expect(bus.publish('a.b', 1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(bus.listen()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    // EE2 meta-events stay usable after close (removing listeners must not throw).
    const fn = () => {};
    bus.on('x', fn);
    expect(() => bus.off('x', fn)).not.toThrow();
    expect(bus.listenerCount('x')).toBe(0);
  });

  test('a plain bus (no engine) closes at once and then refuses emits', async () => {
    const bus = new EventBus();
    expect(bus.stats().engine).toBeNull();
    bus.on('a', () => {});
    await bus.close();
    expect(() => bus.emit('a')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });

  test('publishes pending at close are settled, none left hanging', async () => {
    const bus = new EventBus({ engine: true });
    const ids = [];
    const all = [];
    for (let i = 0; i < 50; i++) all.push(bus.publish('p.x', { i }).then((id) => ids.push(id)));
    await bus.close();
    await Promise.all(all);
    expect(ids).toHaveLength(50);
    expect(bus.stats().pendingPublishes).toBe(0);
  });

  test('closing the server frees the port', async () => {
    const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
    const { port } = await bus.listen();
    expect((await httpGet(port, '/health')).status).toBe(200);
    await bus.close();
    await expect(httpGet(port, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('processes and threads', () => {
  test('a process with an unref()d listening bus exits by itself', () => {
    const r = runNode(`
      const { EventBus } = require(${JSON.stringify(LIB)});
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
      bus.listen().then(({ port }) => {
        bus.emit('x.y', { ok: true });
        console.log('listening ' + port);
        bus.unref();
      });
    `);
    expect(r.timedOut).toBeFalsy();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^listening \d+/);
  });

  test('a ref()d bus keeps the process alive until close()', () => {
    const r = runNode(`
      const { EventBus } = require(${JSON.stringify(LIB)});
      const bus = new EventBus({ engine: true });
      const t0 = Date.now();
      setTimeout(() => { console.log('closing'); bus.close().then(() => console.log('closed')); }, 300);
      process.on('exit', () => console.log('exit after ' + (Date.now() - t0 >= 290 ? 'timer' : 'early')));
    `);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['closing', 'closed', 'exit after timer']);
  });

  test('process.exit() with a running engine stops it cleanly', () => {
    const r = runNode(`
      const { EventBus } = require(${JSON.stringify(LIB)});
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
      bus.listen().then(() => { for (let i = 0; i < 1000; i++) bus.emit('a.b', i); process.exit(7); });
    `);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(7);
    expect(r.stderr).toBe('');
  });

  test('a worker thread that creates and drops a bus ends by itself', async () => {
    const w = new Worker(`
      const { parentPort } = require('worker_threads');
      const { EventBus } = require(${JSON.stringify(LIB)});
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
      bus.listen().then(({ port }) => { parentPort.postMessage(port); bus.unref(); });
    `, { eval: true });
    // Listen for 'exit' first: a worker that ends right after posting has
    // its message and its 'exit' emitted in one go (Node drains the port,
    // then emits 'exit'), so a listener added after the message arrived
    // would miss it. Each phase has its own deadline, so a hang says which
    // step it was.
    const exited = new Promise((resolve) => w.once('exit', resolve));
    const phase = (what, ms, p) => Promise.race([p, new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref();
    })]);
    let port;
    let code;
    try {
      port = await phase('the worker did not report its listening port', 10000, new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }));
      code = await phase('the worker did not end after bus.unref()', 15000, exited);
    } finally {
      if (code === undefined) await w.terminate();
    }
    expect(code).toBe(0);
    // The environment teardown closed the engine: the port is free.
    await expect(httpGet(port, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('terminating a worker with a live engine closes it', async () => {
    const w = new Worker(`
      const { parentPort } = require('worker_threads');
      const { EventBus } = require(${JSON.stringify(LIB)});
      const bus = new EventBus({ server: { port: 0, host: '127.0.0.1' } });
      bus.listen().then(({ port }) => {
        parentPort.postMessage(port);
        setInterval(() => bus.emit('tick.tock', Date.now()), 1);
      });
    `, { eval: true });
    const port = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect((await httpGet(port, '/health')).status).toBe(200);
    await w.terminate();
    await waitFor(() => httpGet(port, '/health').then(() => false, (e) => e.code === 'ECONNREFUSED'), { what: 'port released' });
  });
});
