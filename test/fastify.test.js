'use strict';
// eventwire/fastify against a real Fastify server (listen on an ephemeral
// port) and real HTTP clients (Node's fetch, streaming): the decorator, the
// SSE route (headers, live events, patterns, Last-Event-ID resume, cleanup
// when the client goes away), the health route, bus ownership on close,
// double registration, options, the TypeScript declarations and the example.
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const Fastify = require('fastify');
const eventwire = require('../lib/fastify');
const { EventBus, InvalidArgumentError } = require('../lib');
const native = require('../lib/native');
const { httpGet, waitFor } = require('./helpers/net');

const ROOT = path.join(__dirname, '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

// ---- an SSE client over fetch ------------------------------------------------

class SseClient {
  constructor(url, headers = {}) {
    this.url = url;
    this.requestHeaders = headers;
    this.ac = new AbortController();
    this.frames = []; // every frame: { id?, event?, data?, retry? }
    this.comments = [];
    this.events = []; // application events: { id, event, envelope }
    this.ended = false;
    this.error = null;
  }

  async open() {
    this.res = await fetch(this.url, { headers: this.requestHeaders, signal: this.ac.signal });
    this.status = this.res.status;
    this.headers = Object.fromEntries(this.res.headers);
    this.pumping = this._pump();
    return this;
  }

  async _pump() {
    const reader = this.res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          this._frame(buf.slice(0, at));
          buf = buf.slice(at + 2);
        }
      }
      this.ended = true;
    } catch (err) {
      if (err.name !== 'AbortError') this.error = err;
    }
  }

  _frame(block) {
    const frame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else frame[field] = value;
    }
    if (Object.keys(frame).length === 0) return;
    this.frames.push(frame);
    if (frame.data !== undefined && frame.event && !frame.event.startsWith('eventwire.')) {
      this.events.push({ id: frame.id, event: frame.event, envelope: JSON.parse(frame.data) });
    }
  }

  waitEvents(n) {
    return waitFor(() => this.events.length >= n, { what: `${n} SSE events (have ${this.events.length})` });
  }

  close() {
    this.ac.abort();
  }
}

// ---- fixtures ------------------------------------------------------------------

const apps = [];
const buses = [];
const clients = [];

/** A listening Fastify app with the plugin registered with `opts`. */
async function startApp(opts) {
  const app = Fastify();
  apps.push(app);
  await app.register(eventwire, opts);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: app.server.address().port };
}

function makeBus(options) {
  const bus = new EventBus(options);
  buses.push(bus);
  return bus;
}

async function sse(port, pathAndQuery, headers) {
  const c = new SseClient(`http://127.0.0.1:${port}${pathAndQuery}`, headers);
  clients.push(c);
  return c.open();
}

async function getJson(port, p) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

/** The envelope as an SSE client receives it (JSON round trip). */
const wire = (env) => JSON.parse(JSON.stringify(env));

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const app of apps.splice(0)) await app.close();
  for (const bus of buses.splice(0)) await bus.close();
  expect(native.allocLive()).toBe(0);
});

// ---- the decorator and the SSE route ---------------------------------------------

describe('decorator and SSE route', () => {
  test('fastify.events is the bus; GET /events streams live events with SSE headers', async () => {
    const { app, port } = await startApp();
    expect(app.events).toBeInstanceOf(EventBus);
    expect(app.hasDecorator('events')).toBe(true);
    expect(app.events.closed).toBe(false);
    expect(app.events.stats().engine.running).toBe(true); // default busOptions { history: {} }

    const local = [];
    app.events.subscribe('order.*', (e) => local.push(e));
    const c = await sse(port, '/events?pattern=order.*');
    expect(c.status).toBe(200);
    expect({
      'content-type': c.headers['content-type'],
      'cache-control': c.headers['cache-control'],
      connection: c.headers.connection,
      'x-accel-buffering': c.headers['x-accel-buffering'],
    }).toEqual(SSE_HEADERS);
    // The stream's subscription exists once the response has started.
    expect(app.events.stats().subscriptions).toBe(2);

    app.events.emit('order.placed', { orderId: 'o1', total: 42 });
    app.events.emit('user.created', { userId: 'u1' }); // not order.*
    const paidId = await app.events.publish('order.paid', { orderId: 'o1' }, { priority: 'high', metadata: { trace: 't1' } });
    await c.waitEvents(2);
    expect(local.map((e) => e.type)).toEqual(['order.placed', 'order.paid']);
    expect(local[1].id).toBe(paidId);
    expect(c.events).toEqual(local.map((e) => ({ id: e.id, event: e.type, envelope: wire(e) })));
    expect(c.events[1].envelope).toMatchObject({ type: 'order.paid', data: { orderId: 'o1' }, priority: 'high', metadata: { trace: 't1' } });
    expect(c.frames[0]).toEqual({ retry: '3000' });
    expect(c.error).toBeNull();
  });

  test('repeated ?pattern= streams the union, an event matching two patterns once; no pattern = every event', async () => {
    const { app, port } = await startApp();
    const both = await sse(port, '/events?pattern=order.*&pattern=*.placed');
    const all = await sse(port, '/events');
    app.events.emit('order.placed', 1); // matches both patterns
    app.events.emit('user.placed', 2);
    app.events.emit('order.paid', 3);
    app.events.emit('user.created', 4);
    await both.waitEvents(3);
    await all.waitEvents(4);
    expect(both.events.map((e) => [e.event, e.envelope.data])).toEqual([['order.placed', 1], ['user.placed', 2], ['order.paid', 3]]);
    expect(all.events.map((e) => [e.event, e.envelope.data])).toEqual([['order.placed', 1], ['user.placed', 2], ['order.paid', 3], ['user.created', 4]]);
  });

  test('Last-Event-ID resumes with exactly the missed events, then live ones', async () => {
    const { app, port } = await startApp();
    const bus = app.events;
    const sent = [];
    bus.subscribe('order.*', (e) => sent.push(wire(e)));

    const first = await sse(port, '/events?pattern=order.*');
    bus.emit('order.placed', { n: 1 });
    bus.emit('order.placed', { n: 2 });
    await first.waitEvents(2);
    first.close();
    await waitFor(() => bus.stats().subscriptions === 1, { what: 'the first stream to unsubscribe' });

    // Missed while disconnected: two order events (and one that does not match).
    bus.emit('order.paid', { n: 3 });
    bus.emit('user.created', { n: 'x' });
    bus.emit('order.shipped', { n: 4 });

    const lastSeen = first.events[1].id;
    const resumed = await sse(port, '/events?pattern=order.*', { 'Last-Event-ID': lastSeen });
    await resumed.waitEvents(2);
    bus.emit('order.placed', { n: 5 });
    await resumed.waitEvents(3);
    expect(resumed.events.map((e) => e.envelope)).toEqual(sent.slice(2, 5));
    expect(resumed.events.map((e) => e.envelope.data)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    expect(resumed.frames.filter((f) => f.event && f.event.startsWith('eventwire.'))).toEqual([]);

    // ?lastEventId= works too; the header wins over it (EventSource sends the header on reconnect).
    const byQuery = await sse(port, `/events?pattern=order.*&lastEventId=${sent[3].id}`);
    const headerWins = await sse(port, `/events?pattern=order.*&lastEventId=${sent[0].id}`, { 'last-event-id': sent[3].id });
    await byQuery.waitEvents(1);
    await headerWins.waitEvents(1);
    bus.emit('order.placed', { n: 6 });
    await byQuery.waitEvents(2);
    await headerWins.waitEvents(2);
    expect(byQuery.events.map((e) => e.envelope.data)).toEqual([{ n: 5 }, { n: 6 }]);
    expect(headerWins.events.map((e) => e.envelope.data)).toEqual([{ n: 5 }, { n: 6 }]);
  });

  test('aborting the client request removes its subscription', async () => {
    const { app, port } = await startApp();
    const bus = app.events;
    const before = bus.stats().subscriptions;
    expect(before).toBe(0);
    const a = await sse(port, '/events?pattern=a.*');
    const b = await sse(port, '/events?pattern=b.*&pattern=c.*'); // two subscriptions
    expect(bus.stats().subscriptions).toBe(3);
    expect((await getJson(port, '/health')).body.sse).toEqual({ connections: 2 });

    a.close();
    await waitFor(() => bus.stats().subscriptions === 2, { what: 'a to unsubscribe' });
    b.close();
    await waitFor(() => bus.stats().subscriptions === before, { what: 'b to unsubscribe' });
    expect(bus.listenerCount('a.*') + bus.listenerCount('b.*') + bus.listenerCount('c.*')).toBe(0);
    expect((await getJson(port, '/health')).body.sse).toEqual({ connections: 0 });
    // The bus still serves new streams.
    const c = await sse(port, '/events?pattern=a.*');
    bus.emit('a.x', 1);
    await c.waitEvents(1);
    expect(c.events.map((e) => e.envelope.data)).toEqual([1]);
  });

  test('bad pattern or Last-Event-ID: 400 with { code, message }', async () => {
    const { port } = await startApp();
    const badPattern = await getJson(port, '/events?pattern=order..placed');
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.code).toBe('ERR_INVALID_PATTERN');
    expect(Object.keys(badPattern.body)).toEqual(['code', 'message']);
    const res = await fetch(`http://127.0.0.1:${port}/events`, { headers: { 'Last-Event-ID': 'not-an-id' } });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 400,
      body: { code: 'ERR_INVALID_SINCE', message: 'invalid since id: lastEventId must be an event id "<ms>-<seq>"' },
    });
  });

  test('fastify.close() ends open SSE streams (it does not wait for them) and closes the created bus', async () => {
    const { app, port } = await startApp();
    const bus = app.events;
    const c = await sse(port, '/events');
    bus.emit('x.y', 1);
    await c.waitEvents(1);
    const t0 = Date.now();
    await app.close();
    // Not held open until the client drops its keep-alive socket (undici: 4 s).
    expect(Date.now() - t0).toBeLessThan(2000);
    await c.pumping;
    expect({ ended: c.ended, error: c.error }).toEqual({ ended: true, error: null });
    expect(bus.closed).toBe(true);
    expect(bus.stats().subscriptions).toBe(0);
  });

  test('sseOptions reach every stream (retry, heartbeat comments)', async () => {
    const { port } = await startApp({ sseOptions: { retryMs: 500, heartbeatMs: 20 } });
    const c = await sse(port, '/events');
    await waitFor(() => c.comments.length >= 2, { what: 'two heartbeats' });
    expect(c.frames[0]).toEqual({ retry: '500' });
    expect(c.comments.slice(0, 2)).toEqual([': ping', ': ping']);
  });
});

// ---- health ----------------------------------------------------------------------

describe('health route', () => {
  test('200 while the bus is open, 503 once it is closed (and /events answers 503)', async () => {
    const bus = makeBus({ history: {} });
    const { port } = await startApp({ bus });
    bus.emit('a.b', 1);
    await bus.getEventHistory(); // the engine has taken the event
    const ok = await getJson(port, '/health');
    expect(ok).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: {
        status: 'ok',
        bus: {
          closed: false,
          listening: false,
          subscriptions: 0,
          engine: { running: true, port: 0, connections: 0, subscriptions: 0, historyEvents: 1 },
        },
        sse: { connections: 0 },
      },
    });
    await bus.close();
    expect(await getJson(port, '/health')).toEqual({
      status: 503,
      type: 'application/json; charset=utf-8',
      body: {
        status: 'unavailable',
        bus: { closed: true, listening: false, subscriptions: 0, engine: null },
        sse: { connections: 0 },
      },
    });
    expect(await getJson(port, '/events')).toEqual({
      status: 503,
      type: 'application/json; charset=utf-8',
      body: { code: 'ERR_CLOSED', message: 'the event bus is closed' },
    });
  });

  test('a bus without engine is healthy (engine: null); paths are configurable or off', async () => {
    const bus = makeBus();
    const { port } = await startApp({ bus, healthPath: '/_/health', ssePath: false });
    expect((await getJson(port, '/_/health')).body).toEqual({
      status: 'ok',
      bus: { closed: false, listening: false, subscriptions: 0, engine: null },
      sse: { connections: 0 },
    });
    expect((await getJson(port, '/health')).status).toBe(404);
    expect((await getJson(port, '/events')).status).toBe(404);
  });
});

// ---- bus ownership -------------------------------------------------------------------

describe('bus ownership', () => {
  test('a provided bus is not closed on fastify.close()', async () => {
    const bus = makeBus({ engine: true });
    const { app } = await startApp({ bus });
    expect(app.events).toBe(bus);
    await app.close();
    expect(bus.closed).toBe(false);
    expect(await bus.publish('still.works', 1)).toMatch(/^\d+-\d+$/);
    await bus.close();
    expect(native.allocLive()).toBe(0);
  });

  test('a provided bus is closed on fastify.close() with closeBus: true', async () => {
    const bus = makeBus({ engine: true });
    const { app } = await startApp({ bus, closeBus: true });
    expect(app.events).toBe(bus);
    await app.close();
    expect(bus.closed).toBe(true);
    expect(bus.stats().engine).toBeNull();
    expect(native.allocLive()).toBe(0);
  });

  test('a created bus is closed on fastify.close(): engine stopped, native allocations freed', async () => {
    const { app } = await startApp({ busOptions: { history: { size: 100 } } });
    const bus = app.events;
    expect(native.allocLive()).toBeGreaterThan(0);
    bus.emit('a.b', 1);
    await app.close();
    expect(bus.closed).toBe(true);
    expect(bus.stats().engine).toBeNull();
    expect(native.allocLive()).toBe(0);
  });

  test('busOptions.server: the engine server is listening once registered (unless listen: false)', async () => {
    const { app } = await startApp({ busOptions: { server: { port: 0, host: '127.0.0.1' } } });
    const addr = app.events.address();
    expect(addr.host).toBe('127.0.0.1');
    expect(addr.port).toBeGreaterThan(0);
    const engineHealth = await httpGet(addr.port, '/health'); // the engine's own server
    expect([engineHealth.status, JSON.parse(engineHealth.body).status]).toEqual([200, 'ok']);
    expect((await getJson(app.server.address().port, '/health')).body.bus.listening).toBe(true);

    const { app: quiet } = await startApp({ busOptions: { server: { port: 0, host: '127.0.0.1' } }, listen: false, decorator: 'events' });
    expect(quiet.events.address()).toBeNull();
  });

  test('a failing listen() fails the registration and closes the bus it created', async () => {
    const taken = makeBus({ server: { port: 0, host: '127.0.0.1' } });
    const { port } = await taken.listen();
    const app = Fastify();
    apps.push(app);
    app.register(eventwire, { busOptions: { server: { port, host: '127.0.0.1' } } });
    const err = await app.ready().then(() => null, (e) => e);
    expect(err.code).toBe('ERR_LISTEN');
    await taken.close();
    expect(native.allocLive()).toBe(0);
  });
});

// ---- registration ----------------------------------------------------------------------

describe('registration', () => {
  test('registering twice throws a clear error; the first bus is still closed on close()', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(eventwire);
    app.register(eventwire);
    const err = await app.ready().then(() => null, (e) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('ERR_INVALID_OPTION');
    expect(err.message).toBe('invalid option: eventwire/fastify: fastify already has a decorator "events": ' +
      'eventwire is registered twice (register it once, at the root) or another plugin uses that name ' +
      '(pass { decorator: "otherName" })');
    const bus = app.events;
    await app.close();
    expect(bus.closed).toBe(true);
    expect(native.allocLive()).toBe(0);
  });

  test('two buses under different decorators and paths; the plugin is not encapsulated', async () => {
    const app = Fastify();
    apps.push(app);
    // skip-override: the decorators land on the instance register() was
    // called on (here the root), not in a context of the plugin's own.
    app.register(eventwire);
    app.register(eventwire, { decorator: 'audit', ssePath: '/audit/events', healthPath: false });
    let seenInChild;
    app.register(async (child) => {
      seenInChild = [child.events, child.audit];
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(seenInChild).toEqual([app.events, app.audit]);
    const port = app.server.address().port;
    expect(app.events).toBeInstanceOf(EventBus);
    expect(app.audit).toBeInstanceOf(EventBus);
    expect(app.audit).not.toBe(app.events);
    const c = await sse(port, '/audit/events');
    app.events.emit('x.y', 'main');
    app.audit.emit('x.y', 'audit');
    await c.waitEvents(1);
    expect(c.events.map((e) => e.envelope.data)).toEqual(['audit']);
    expect(eventwire[Symbol.for('plugin-meta')]).toEqual({ name: 'eventwire', fastify: '4.x || 5.x' });
    expect(eventwire[Symbol.for('fastify.display-name')]).toBe('eventwire');
    expect(eventwire[Symbol.for('skip-override')]).toBe(true);
    expect([eventwire.default, eventwire.eventwire, eventwire.fastifyEventwire]).toEqual([eventwire, eventwire, eventwire]);
  });

  test.each([
    [{ bogus: 1 }, 'invalid option: eventwire/fastify: bogus is not a known option (known: bus, closeBus, busOptions, decorator, ssePath, healthPath, listen, sseOptions)'],
    [{ bus: {} }, 'invalid option: eventwire/fastify: bus must be an EventBus'],
    [{ ssePath: 'events' }, 'invalid option: eventwire/fastify: ssePath must be a path starting with "/" or false, got "events"'],
    [{ decorator: '' }, 'invalid option: eventwire/fastify: decorator must be a non-empty string'],
    [{ closeBus: 'yes' }, 'invalid option: eventwire/fastify: closeBus must be a boolean'],
    [{ sseOptions: { heartbeat: 1 } }, 'invalid option: eventwire/fastify: sseOptions.heartbeat is not a known option (known: heartbeatMs, retryMs, maxBuffered)'],
    [{ sseOptions: { maxBuffered: 0 } }, /^invalid argument: createEventStream\(\): maxBuffered must be an integer 1\.\.1000000, got 0$/],
  ])('bad options %j are refused before any bus is created', async (opts, message) => {
    const app = Fastify();
    apps.push(app);
    app.register(eventwire, opts);
    const err = await app.ready().then(() => null, (e) => e);
    if (message instanceof RegExp) expect(err.message).toMatch(message); // checked at register, not per request
    else expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_INVALID_OPTION', message });
    expect(app.hasDecorator('events')).toBe(false);
  });

  test('bus together with busOptions, or a closed bus, is refused', async () => {
    const bus = makeBus();
    const app = Fastify();
    apps.push(app);
    app.register(eventwire, { bus, busOptions: {} });
    await expect(app.ready()).rejects.toThrow('invalid option: eventwire/fastify: pass either bus (an existing EventBus) or busOptions (to create one), not both');
    await bus.close();
    const app2 = Fastify();
    apps.push(app2);
    app2.register(eventwire, { bus });
    await expect(app2.ready()).rejects.toThrow('invalid option: eventwire/fastify: the bus given is already closed');
  });
});

// ---- types and the example ---------------------------------------------------------------

test('types: examples/fastify/typed.ts (augmented EventwireEvents, @ts-expect-error lines) compiles with tsc', () => {
  const r = spawnSync(TSC, ['-p', path.join('examples', 'fastify', 'tsconfig.json'), '--pretty', 'false'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });
  if (r.error) throw r.error;
  expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
}, 60000);

describe('examples/fastify/server.js', () => {
  let child;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
  });

  test('serves the page, publishes on POST /orders to SSE clients, and exits cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'examples', 'fastify', 'server.js')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const m = await waitFor(() => /listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(out), { what: `the example to listen (stderr: ${err})` });
    const port = Number(m[1]);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("new EventSource('/events?pattern=order.*')");

    const c = await sse(port, '/events?pattern=order.*');
    const posted = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'o7', total: 12.5 }),
    });
    expect(posted.status).toBe(201);
    const { id } = await posted.json();
    await c.waitEvents(1);
    expect(c.events[0].id).toBe(id);
    expect(c.events[0].envelope).toMatchObject({ id, type: 'order.placed', data: { orderId: 'o7', total: 12.5 } });
    expect((await getJson(port, '/health')).body.status).toBe('ok');

    const bad = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"o8"}',
    });
    expect(bad.status).toBe(400);

    child.kill('SIGTERM'); // the SSE client is still connected
    expect(await exited).toEqual({ code: 0, signal: null });
    await c.pumping;
    expect({ ended: c.ended, error: c.error }).toEqual({ ended: true, error: null });
    expect(err).toBe('');
  }, 30000);
});
