'use strict';
// server.authorize for /ws and /events (the engine asks before its 101 /
// 200): what the hook sees (auth.token from "Authorization: Bearer" or
// ?token=, the request's path, query and headers), refusals as HTTP 401 with
// the hook's message, a hook that throws or never answers, the checks that
// come before the hook, early client frames kept through the wait, the
// bound on requests waiting, and Socket.IO still asked at its connect
// packet only. Real `ws` clients, fetch, raw sockets.
const net = require('net');
const WebSocket = require('ws');
const { io } = require('socket.io-client');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { TestClient } = require('./helpers/wsclient');
const { SseStream } = require('./helpers/sse');
const { waitFor } = require('./helpers/net');
const { startCli } = require('./helpers/cli');

jest.setTimeout(30000);

const buses = [];
const sockets = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

async function listening(server = {}) {
  const calls = [];
  const hook = server.authorize;
  const bus = new EventBus({
    server: {
      port: 0,
      host: '127.0.0.1',
      heartbeatMs: 0,
      ...server,
      authorize: (auth, info) => {
        calls.push([auth, info]);
        return hook(auth, info);
      },
    },
  });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, port, base: `http://127.0.0.1:${port}`, calls };
}

const byToken = (auth) => (auth.token === 'good' ? true : { ok: false, message: `token ${JSON.stringify(auth.token)} refused` });

/** Opens a `ws` WebSocket: { ws } once open, or the HTTP refusal { status, headers, body }. */
function wsOpen(url, opts) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, opts);
    ws.on('open', () => resolve({ ws }));
    ws.on('error', () => {});
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
  });
}

/** A raw TCP exchange: sends `bytes`, resolves with everything read until the server closes. */
function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    sockets.push(s);
    let got = Buffer.alloc(0);
    s.on('data', (d) => (got = Buffer.concat([got, d])));
    s.on('end', () => resolve(got.toString('latin1')));
    s.on('error', reject);
  });
}

const UPGRADE = (path, extra = '') => 'GET ' + path + ' HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'
  + 'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' + extra + '\r\n';

describe('/ws', () => {
  test('a token in ?token= or "Authorization: Bearer" reaches the hook as auth.token; true opens, a refusal is 401 with its message', async () => {
    const { bus, port, calls } = await listening({ authorize: byToken });
    const bad = await wsOpen(`ws://127.0.0.1:${port}/ws?token=bad&x=1&x=2`);
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="eventwire"');
    expect(JSON.parse(bad.body)).toEqual({ code: 'ERR_UNAUTHORIZED', message: 'token "bad" refused' });
    const none = await wsOpen(`ws://127.0.0.1:${port}/ws`);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).message).toBe('token undefined refused');

    const byQuery = new TestClient(port, { path: '/ws?token=good' });
    const byHeader = new TestClient(port, { headers: { Authorization: 'bearer good', Cookie: 'a=1', 'X-Forwarded-For': '10.0.0.7' } });
    await Promise.all([byQuery.opened, byHeader.opened]);
    for (const c of [byQuery, byHeader]) expect(await c.sub(['order.*'])).toMatchObject({ op: 'ack' });
    bus.emit('order.placed', { n: 1 });
    for (const c of [byQuery, byHeader]) expect((await c.waitEvents(1))[0]).toMatchObject({ type: 'order.placed', data: { n: 1 } });
    byQuery.close();
    byHeader.close();

    expect(calls).toHaveLength(4);
    const [auth0, info0] = calls[0];
    expect(auth0).toEqual({ token: 'bad' });
    expect(info0).toMatchObject({ transport: 'ws', path: '/ws', query: { token: 'bad', x: ['1', '2'] } });
    expect(info0.headers).toMatchObject({ host: `127.0.0.1:${port}`, upgrade: 'websocket', 'sec-websocket-version': '13' });
    expect(calls[1][0]).toEqual({});
    // the two good clients connect at once: asked in either order
    const viaHeader = calls.slice(2).find(([, info]) => info.headers.authorization !== undefined);
    const viaQuery = calls.slice(2).find(([, info]) => info.headers.authorization === undefined);
    expect(viaQuery[0]).toEqual({ token: 'good' });
    expect(viaQuery[1].query).toEqual({ token: 'good' });
    const [auth3, info3] = viaHeader;
    expect(auth3).toEqual({ token: 'good' });
    expect(info3.headers).toMatchObject({ authorization: 'bearer good', cookie: 'a=1', 'x-forwarded-for': '10.0.0.7' });
    expect(info3.query).toEqual({});
    const st = bus.stats().engine;
    expect(st.handshakeRejects).toBe(2);
    expect(st.connectionsTotal).toBe(2);
  });

  test('repeated headers join as Node does (cookies with "; "); control bytes and quotes in a header reach the hook intact', async () => {
    const { port, calls } = await listening({ authorize: () => false });
    const res = await rawExchange(port, UPGRADE('/ws?__proto__=x&__proto__=y&constructor=z', 'Cookie: a=1\r\nCookie: b="2\\"\r\nX-Tag: one\r\nx-tag: two\r\nX-Odd: tab\there\r\n__proto__: p\r\n'));
    expect(res).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(res).toContain('{"code":"ERR_UNAUTHORIZED","message":"not authorized"}');
    const { headers, query } = calls[0][1];
    expect(headers).toMatchObject({ cookie: 'a=1; b="2\\"', 'x-tag': 'one, two', 'x-odd': 'tab\there' });
    // "__proto__" from a client is a plain key, not a prototype
    expect(Object.getPrototypeOf(query)).toBe(null);
    expect(query.__proto__).toEqual(['x', 'y']); // eslint-disable-line no-proto
    expect(query.constructor).toBe('z');
    expect(headers.__proto__).toBe('p'); // eslint-disable-line no-proto
  });

  test('a hook that throws or rejects refuses with the error message', async () => {
    let n = 0;
    const { port } = await listening({
      authorize: async () => {
        if (++n === 1) throw new Error('session store down');
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('expired session');
      },
    });
    for (const want of ['session store down', 'expired session']) {
      const r = await wsOpen(`ws://127.0.0.1:${port}/ws`);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body).message).toBe(want);
    }
  });

  test('bad handshakes and disallowed origins are refused before the hook is asked', async () => {
    const { port, calls, bus } = await listening({ authorize: () => true, allowedOrigins: ['https://app.example'] });
    const badKey = await rawExchange(port, UPGRADE('/ws', 'Origin: https://app.example\r\n').replace('dGhlIHNhbXBsZSBub25jZQ==', 'short'));
    expect(badKey).toMatch(/^HTTP\/1\.1 400 /);
    const origin = await wsOpen(`ws://127.0.0.1:${port}/ws`, { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(calls).toHaveLength(0);
    const ok = await wsOpen(`ws://127.0.0.1:${port}/ws`, { origin: 'https://app.example' });
    expect(ok.ws).toBeDefined();
    ok.ws.terminate();
    expect(calls).toHaveLength(1);
    expect(bus.stats().engine.handshakeRejects).toBe(2);
  });

  // A masked client text frame (payload < 126 bytes) of a /ws op.
  const opFrame = (op) => {
    const payload = Buffer.from(JSON.stringify(op));
    const mask = Buffer.from([1, 2, 3, 4]);
    return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i & 3]))]);
  };

  test('frames a client sends right after its upgrade request (more than the 8 KiB head limit) are kept through the wait and handled once it is allowed', async () => {
    let release;
    const gate = new Promise((r) => (release = r));
    const { port, calls, bus } = await listening({ authorize: () => gate.then(() => true) });
    // 200 subs of ~60 bytes: 12 KB of early frames
    const frames = Array.from({ length: 200 }, (_, i) => opFrame({ op: 'sub', patterns: [`a${i}.*`], ref: i }));
    const s = net.connect(port, '127.0.0.1');
    sockets.push(s);
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    await new Promise((r) => s.on('connect', r));
    s.write(Buffer.concat([Buffer.from(UPGRADE('/ws?token=later')), ...frames]));
    await waitFor(() => calls.length === 1, { what: 'the hook asked' });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(''); // nothing answered while the hook thinks
    release();
    // 64 patterns per connection: the first 64 subs are acked, the rest refused with ERR_LIMIT, all in order
    await waitFor(() => got.includes('"ref":199'), { what: 'the answer to the last early frame' });
    expect(got.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    expect(got).toContain('{"op":"ack","ref":0}');
    expect(got).toContain('{"op":"ack","ref":63}');
    expect(got).not.toContain('{"op":"ack","ref":64}');
    expect(bus.stats().engine.httpRequests).toBe(1); // routed twice (before and after the hook), counted once
  });

  test('more than 64 KiB of frames before the answer: 400 ERR_LIMIT, the slot freed, the late yes changes nothing', async () => {
    let release;
    const gate = new Promise((r) => (release = r));
    const { port, calls, bus } = await listening({ authorize: () => gate.then(() => true) });
    const frame = opFrame({ op: 'ping', pad: 'x'.repeat(90) });
    const s = net.connect(port, '127.0.0.1');
    sockets.push(s);
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    await new Promise((r) => s.on('connect', r));
    s.write(UPGRADE('/ws'));
    await waitFor(() => calls.length === 1, { what: 'the hook asked' });
    s.write(Buffer.concat(Array(Math.ceil(70000 / frame.length)).fill(frame)));
    await waitFor(() => got.includes('\r\n\r\n{'), { what: 'the 400' });
    expect(got).toMatch(/^HTTP\/1\.1 400 /);
    expect(got).toContain('{"code":"ERR_LIMIT","message":"more than 64 KiB of frames sent before the upgrade was accepted"}');
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(bus.stats().engine.connections).toBe(0);
  });

  test('a bare LF or a control byte in the request line or a header line is a 400, not a header the hook sees', async () => {
    const { port, calls } = await listening({ authorize: () => true });
    const smuggled = await rawExchange(port, UPGRADE('/ws?\nX-Forwarded-User:admin'));
    expect(smuggled).toMatch(/^HTTP\/1\.1 400 /);
    expect(smuggled).toContain('"code":"ERR_BAD_REQUEST"');
    const inHeader = await rawExchange(port, UPGRADE('/ws', 'X-A: one\nX-Forwarded-User: admin\r\n'));
    expect(inHeader).toMatch(/^HTTP\/1\.1 400 /);
    const ctl = await rawExchange(port, UPGRADE('/ws', 'X-A: bell\x07\r\n'));
    expect(ctl).toMatch(/^HTTP\/1\.1 400 /);
    expect(calls).toHaveLength(0);
  });

  test('a hook that never answers: 503 ERR_TIMEOUT at handshakeTimeoutMs; its late answer changes nothing', async () => {
    let release;
    const gate = new Promise((r) => (release = r));
    const { port, bus } = await listening({ authorize: () => gate, handshakeTimeoutMs: 200 });
    const r = await wsOpen(`ws://127.0.0.1:${port}/ws`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ code: 'ERR_TIMEOUT', message: 'server.authorize did not answer within handshakeTimeoutMs' });
    release(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(bus.stats().engine.connections).toBe(0);
    // the server goes on: a new client gets the (now settled) yes
    const ok = await wsOpen(`ws://127.0.0.1:${port}/ws`);
    expect(ok.ws).toBeDefined();
    ok.ws.terminate();
  });

  test('at most 512 requests wait for the hook (half the 1,024 pending slots): the next get 503 ERR_LIMIT, a client already in still publishes; slots come back after timeouts', async () => {
    // The deadline leaves room for a loaded box: all 512 must still wait when the 513th comes.
    const { port, calls } = await listening({
      authorize: (auth) => (auth.token === 'in' ? true : new Promise(() => {})),
      handshakeTimeoutMs: 6000,
      allowClientPublish: true,
    });
    const member = new TestClient(port, { path: '/ws?token=in' });
    await member.opened;
    const waiting = [];
    for (let i = 0; i < 512; i++) {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      s.on('error', () => {});
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('connect', () => s.write(UPGRADE('/ws')));
      waiting.push(() => got);
    }
    // the hook's share of the table is full once all 512 were asked; the next one is refused at once
    await waitFor(() => calls.length === 513, { timeoutMs: 10000, what: '512 requests at the hook' });
    const extra = await rawExchange(port, UPGRADE('/ws'));
    expect(extra).toMatch(/^HTTP\/1\.1 503 /);
    expect(extra).toContain('"code":"ERR_LIMIT"');
    // a publish of a client already in takes one of the other slots
    expect(await member.op({ op: 'pub', type: 'chat.msg', data: 1 })).toMatchObject({ op: 'ack', id: expect.stringMatching(/^\d+-\d+$/) });
    member.close();
    expect(waiting.every((g) => g() === '')).toBe(true);
    await waitFor(() => waiting.every((g) => g().startsWith('HTTP/1.1 503 ')), { timeoutMs: 15000, what: 'the waiting ones timed out' });
    expect(waiting.every((g) => g().includes('"code":"ERR_TIMEOUT"'))).toBe(true);
    const after = net.connect(port, '127.0.0.1', () => after.write(UPGRADE('/ws')));
    sockets.push(after);
    await waitFor(() => calls.length === 514, { what: 'a freed slot asks the hook again' });
  });

  test('a client that goes away while the hook thinks gives its slot back (1,100 of them, then one more is asked)', async () => {
    const { port, calls } = await listening({ authorize: () => new Promise(() => {}), handshakeTimeoutMs: 60000 });
    for (let i = 0; i < 1100; i += 100) {
      const batch = Array.from({ length: 100 }, () => net.connect(port, '127.0.0.1'));
      for (const s of batch) {
        sockets.push(s);
        s.on('error', () => {});
        s.on('connect', () => s.write(UPGRADE('/ws')));
      }
      await waitFor(() => calls.length === i + 100, { timeoutMs: 10000, what: `${i + 100} requests at the hook` });
      for (const s of batch) s.destroy();
    }
    // not 503 ERR_LIMIT: the closed ones freed their slots
    const last = net.connect(port, '127.0.0.1', () => last.write(UPGRADE('/ws')));
    sockets.push(last);
    let got = '';
    last.on('data', (d) => (got += d));
    await waitFor(() => calls.length === 1101 || got !== '', { timeoutMs: 10000, what: 'the 1,101st request asked' });
    expect(got).toBe('');
    expect(calls).toHaveLength(1101);
  }, 60000);
});

describe('/events (SSE)', () => {
  test('refused without a token (401), streams with one; Last-Event-ID resume still works', async () => {
    const { bus, base, calls } = await listening({ authorize: byToken });
    const none = await fetch(`${base}/events?pattern=a.*`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: 'ERR_UNAUTHORIZED', message: 'token undefined refused' });
    const first = await bus.publish('a.one', { n: 1 });
    await bus.publish('a.two', { n: 2 });
    const s = await SseStream.open(base, '/events?pattern=a.*', { headers: { Authorization: 'Bearer good', 'Last-Event-ID': first } });
    expect(s.status).toBe(200);
    await s.waitEvents(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.envelopes.map((e) => e.type)).toEqual(['a.two']); // resumed after a.one, nothing twice
    await s.close();
    expect(calls.map(([a, i]) => [a, i.transport, i.query])).toEqual([
      [{}, 'sse', { pattern: 'a.*' }],
      [{ token: 'good' }, 'sse', { pattern: 'a.*' }],
    ]);
    expect(calls[1][1].headers['last-event-id']).toBe(first);
  });
});

describe('{ ok: true, patterns }: what a client may subscribe to', () => {
  const tenant = (auth) => (auth.token ? { ok: true, patterns: [`user.${auth.token}.*`, 'public.**'] } : false);

  test('/ws: subscriptions within the patterns are acked, others get ERR_FORBIDDEN; only allowed events arrive', async () => {
    const { bus, port } = await listening({ authorize: tenant });
    const c = new TestClient(port, { path: '/ws?token=42' });
    await c.opened;
    expect(await c.sub(['user.42.*'])).toMatchObject({ op: 'ack' });
    expect(await c.sub(['public.news.today', 'public.*.x'])).toMatchObject({ op: 'ack' });
    for (const p of [['user.43.*'], ['user.*.*'], ['**'], ['public.**', 'user.**']]) {
      expect(await c.sub(p)).toMatchObject({
        op: 'error', code: 'ERR_FORBIDDEN', message: expect.stringContaining('is not allowed for this client (server.authorize)'),
      });
    }
    // a long refused pattern is quoted by whole UTF-8 characters (cut mid-character the text frame would be invalid)
    expect(await c.sub([`user.${'é'.repeat(100)}`])).toEqual({
      op: 'error', ref: expect.any(String), code: 'ERR_FORBIDDEN',
      message: `pattern "user.${'é'.repeat(29)}…" is not allowed for this client (server.authorize)`,
    });
    for (const t of ['user.43.x', 'user.42.x', 'public.news.today', 'other.y']) bus.emit(t, { t });
    await c.waitEvents(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.events.map((e) => e.type)).toEqual(['user.42.x', 'public.news.today']);
    expect(bus.stats().engine.subscriptions).toBe(3);
    c.close();
  });

  test('/events: 403 for a pattern outside them, 200 within', async () => {
    const { base, bus } = await listening({ authorize: tenant });
    const all = await fetch(`${base}/events?token=7`); // no pattern = "**"
    expect(all.status).toBe(403);
    expect((await all.json()).code).toBe('ERR_FORBIDDEN');
    const s = await SseStream.open(base, '/events?token=7&pattern=user.7.*');
    expect(s.status).toBe(200);
    bus.emit('user.7.hi', 1);
    await s.waitEvents(1);
    expect(s.envelopes[0].type).toBe('user.7.hi');
    await s.close();
  });

  test('Socket.IO: a subscribe outside them is answered { ok: false, code: "ERR_FORBIDDEN" }', async () => {
    const { port } = await listening({ authorize: (auth) => tenant(auth || {}) });
    const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { token: '9' }, reconnection: false });
    await new Promise((resolve, reject) => {
      s.on('connect', resolve);
      s.on('connect_error', reject);
    });
    expect(await s.emitWithAck('subscribe', 'user.9.*')).toEqual({ ok: true });
    expect(await s.emitWithAck('subscribe', 'user.8.*')).toMatchObject({ ok: false, code: 'ERR_FORBIDDEN' });
    s.close();
  });

  test('bad patterns from the hook refuse the client and are reported as an error', async () => {
    const returned = [[], 'user.*', ['ok.*', 'bad..pattern'], new Array(65).fill('a')];
    let n = 0;
    const { bus, port } = await listening({ authorize: () => ({ ok: true, patterns: returned[n++] }) });
    const errors = [];
    bus.on('error', (err) => errors.push(err));
    for (let i = 0; i < returned.length; i++) {
      const r = await wsOpen(`ws://127.0.0.1:${port}/ws`);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body).message).toBe('server error: bad patterns from server.authorize');
    }
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill('ERR_INVALID_ARGUMENT'));
    expect(errors[0].message).toBe('invalid argument: server.authorize returned bad patterns (patterns must be an array of 1..64 patterns; omit it to allow any)');
    expect(errors[2].message).toMatch(/^invalid argument: server\.authorize returned bad patterns \(invalid subscription pattern: "bad\.\.pattern"/);
  });
});

describe('the hook fails closed', () => {
  test('anything but true / { ok: true }: undefined, {}, { ok: 1 }, a string, an array, a number refuse the client and are reported', async () => {
    const returned = [undefined, {}, { ok: 1 }, { message: 'no ok' }, 'yes', ['user.*'], 1];
    let n = 0;
    const { bus, port } = await listening({ authorize: async () => returned[n++] });
    const errors = [];
    bus.on('error', (err) => errors.push(err));
    for (let i = 0; i < returned.length; i++) {
      const r = await wsOpen(`ws://127.0.0.1:${port}/ws`);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ code: 'ERR_UNAUTHORIZED', message: 'server error: server.authorize gave no answer' });
    }
    expect(errors.map((e) => e.code)).toEqual(Array(returned.length).fill('ERR_INVALID_ARGUMENT'));
    expect(errors[0].message).toMatch(/server\.authorize returned undefined: return true, false, \{ ok: true/);
    expect(errors[5].message).toMatch(/server\.authorize returned an array/);
    // true still opens; null and false refuse quietly
    const ok = await listening({ authorize: (() => { const seq = [true, null, false]; let k = 0; return () => seq[k++]; })() });
    const opened = await wsOpen(`ws://127.0.0.1:${ok.port}/ws`);
    expect(opened.ws).toBeDefined();
    opened.ws.close();
    for (let i = 0; i < 2; i++) expect((await wsOpen(`ws://127.0.0.1:${ok.port}/ws`)).status).toBe(401);
  });

  test('an exception while answering (a throwing getter, an error listener that throws, a message whose toString throws) still refuses the client', async () => {
    const returned = [
      { get ok() { throw new Error('getter boom'); } },
      { ok: false, message: { toString() { throw new Error('toString boom'); } } },
      'bad value', // reported to an 'error' listener that throws
    ];
    let n = 0;
    const { bus, port } = await listening({ authorize: () => returned[n++] });
    bus.on('error', () => {
      throw new Error('listener boom');
    });
    const bodies = [];
    for (let i = 0; i < returned.length; i++) {
      const r = await wsOpen(`ws://127.0.0.1:${port}/ws`);
      expect(r.status).toBe(401);
      bodies.push(JSON.parse(r.body).message);
    }
    expect(bodies).toEqual(['getter boom', 'not authorized', 'server error: server.authorize gave no answer']);
  });
});

describe('eventwire tail --token', () => {
  test('sends the token as a Bearer; without it the CLI exits 1 with the 401', async () => {
    const { bus, base, calls } = await listening({ authorize: byToken });
    const run = (args) => startCli(['tail', base, '--pattern', 'a.*', ...args]);
    const refused = run([]);
    expect((await refused.done).code).toBe(1);
    expect(refused.err).toMatch(/ERR_HTTP: \/events answered 401: .*token undefined refused/);
    const tail = run(['--token', 'good']);
    try {
      await waitFor(() => calls.length === 2 && bus.stats().engine.subscriptions === 1, { timeoutMs: 10000, what: 'tail subscribed' });
      bus.emit('a.x', { n: 1 });
      await waitFor(() => tail.out.includes('\n'), { what: 'an event tailed' });
      expect(JSON.parse(tail.out.split('\n')[0])).toMatchObject({ type: 'a.x', data: { n: 1 } });
      expect(calls[1][0]).toEqual({ token: 'good' });
    } finally {
      tail.kill('SIGKILL');
    }
  });
});

describe('Socket.IO', () => {
  test('a hook that never settles: connect_error after handshakeTimeoutMs', async () => {
    const { port } = await listening({ authorize: () => new Promise(() => {}), handshakeTimeoutMs: 300 });
    const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { token: 'x' }, reconnection: false });
    const t0 = Date.now();
    const err = await new Promise((resolve) => s.on('connect_error', resolve));
    expect(err.message).toBe('server.authorize did not answer within 300 ms');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    s.close();
  });

  test('is asked at its connect packet with the auth payload, not at the WebSocket upgrade', async () => {
    const { port, calls } = await listening({ authorize: (auth) => auth && auth.token === 'good' });
    const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { token: 'good' }, reconnection: false });
    await new Promise((resolve, reject) => {
      s.on('connect', resolve);
      s.on('connect_error', reject);
    });
    s.close();
    expect(calls).toEqual([[{ token: 'good' }, { transport: 'socket.io' }]]);
  });

  test('refused connects (a no, a timeout) count in handshakeRejects, as /ws and SSE refusals do; an accepted one does not', async () => {
    const { bus, port } = await listening({
      authorize: (auth) => (auth.token === 'slow' ? new Promise(() => {}) : auth.token === 'good'), handshakeTimeoutMs: 200,
    });
    const attempt = (token) => new Promise((resolve) => {
      const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      s.on('connect', () => { s.close(); resolve('connect'); });
      s.on('connect_error', (err) => { s.close(); resolve(err.message); });
    });
    expect(await attempt('bad')).toBe('not authorized');
    expect(await attempt('slow')).toBe('server.authorize did not answer within 200 ms');
    expect(await attempt('good')).toBe('connect');
    expect(bus.stats().engine.handshakeRejects).toBe(2);
  });
});
