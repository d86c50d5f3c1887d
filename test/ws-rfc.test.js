'use strict';
// The engine's /ws server held to docs/PROTOCOL.md and RFC 6455 with raw
// bytes (test/helpers/rawws.js): the strict handshake and its HTTP status
// codes, the strict frame reader and its close codes, the JSON ops and their
// error codes, abrupt clients and the slow-client policy. After every bad
// input the server must still serve a well-behaved `ws` client.
const WebSocket = require('ws');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { RawWs, frame, text, closePayload, upgradeHead, request, OP } = require('./helpers/rawws');
const { waitFor } = require('./helpers/net');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ID = /^\d+-\d+$/;

// ---- fixtures ---------------------------------------------------------------

const buses = [];
const sockets = []; // RawWs and WebSocket clients, destroyed after each test

async function server(extra = {}, busOpts = {}) {
  const { backlog, ...rest } = extra;
  const b = new EventBus({
    ...busOpts,
    server: { port: 0, host: '127.0.0.1', heartbeatMs: 0, maxPayload: 1024, maxConnections: 5, ...rest, ...(backlog ? { backlog } : {}) },
  });
  buses.push(b);
  const { port } = await b.listen();
  return { bus: b, port, engine: () => b.stats().engine };
}

async function raw(port, opts) {
  const c = await RawWs.open(port, opts);
  sockets.push(c);
  return c;
}

async function rawConnect(port) {
  const c = await RawWs.connect(port);
  sockets.push(c);
  return c;
}

/** A well-behaved client on the `ws` package; messages are parsed JSON, in order. */
class Good {
  constructor(port, wsOpts) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsOpts);
    sockets.push(this);
    this.inbox = [];
    this.envelopes = []; // every envelope received, arrays flattened
    this.closed = null;
    this.waiters = new Set();
    this.ws.on('message', (d, isBinary) => {
      if (isBinary) throw new Error('server sent a binary frame');
      const m = JSON.parse(d.toString());
      if (Array.isArray(m)) this.envelopes.push(...m);
      else if (m.op === undefined) this.envelopes.push(m);
      this.inbox.push(m);
      this._wake();
    });
    this.ws.on('close', (code) => {
      this.closed = code;
      this._wake();
    });
    this.ws.on('error', () => {});
  }

  static async open(port, wsOpts) {
    const g = new Good(port, wsOpts);
    await new Promise((resolve, reject) => {
      g.ws.once('open', resolve);
      g.ws.once('unexpected-response', (req, res) => reject(new Error(`ws handshake got ${res.statusCode}`)));
      g.ws.once('error', reject);
    });
    return g;
  }

  _wake() {
    for (const w of [...this.waiters]) w();
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  next(timeoutMs = 3000) {
    return new Promise((resolve, reject) => {
      const w = () => {
        if (this.inbox.length) {
          done();
          resolve(this.inbox.shift());
        } else if (this.closed !== null) {
          done();
          reject(new Error(`ws client closed (${this.closed}) while waiting for a message`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`ws client: no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(w);
      };
      this.waiters.add(w);
      w();
    });
  }

  destroy() {
    this.ws.terminate();
  }
}

/** The server still serves a well-behaved client: sub, ack, emit, envelope. */
async function assertServes(bus, port, wsOpts) {
  const g = await Good.open(port, wsOpts);
  g.send({ op: 'sub', patterns: ['a.*'], ref: 1 });
  expect(await g.next()).toEqual({ op: 'ack', ref: 1 });
  bus.emit('a.b', { n: 1 });
  let m = await g.next();
  if (Array.isArray(m)) m = m[0];
  expect(m).toMatchObject({ type: 'a.b', data: { n: 1 } });
  expect(m.id).toMatch(ID);
  g.destroy();
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

// ---- handshake ----------------------------------------------------------------

/** Sends `head` and checks status, JSON error body and the reject counter. */
async function expectReject({ bus, port, engine }, head, status, extra = {}) {
  const before = engine().handshakeRejects;
  const res = await request(port, head);
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const body = JSON.parse(res.body);
  expect(typeof body.code).toBe('string');
  expect(body.code).toMatch(/^ERR_/);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  if (extra.code) expect(body.code).toBe(extra.code);
  if (extra.counted !== false) expect(engine().handshakeRejects).toBe(before + 1);
  expect(res.ended).toBe(true); // Connection: close, and the server does close
  await assertServes(bus, port, extra.wsOpts);
  return res;
}

describe('handshake', () => {
  test('POST /ws is 405 with Allow: GET', async () => {
    const s = await server();
    const res = await expectReject(s, upgradeHead({ method: 'POST' }).head, 405);
    expect(res.headers.allow).toBe('GET');
  });

  test('an upgrade on another path is 404', async () => {
    const s = await server();
    await expectReject(s, upgradeHead({ path: '/nope' }).head, 404, { code: 'ERR_NOT_FOUND' });
  });

  test('a query string on /ws is still /ws', async () => {
    const s = await server();
    const c = await raw(s.port, { path: '/ws?token=abc' });
    await c.send({ op: 'ping', ref: 1 });
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 1 });
  });

  test('the method is case-sensitive: "get /ws" is 405, not an upgrade', async () => {
    const s = await server();
    await expectReject(s, upgradeHead({ method: 'get' }).head, 405);
  });

  test('offered extensions and subprotocols are not accepted (no Sec-WebSocket-Extensions/Protocol in the 101)', async () => {
    const s = await server();
    const c = await rawConnect(s.port);
    const { head } = upgradeHead({ headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits', 'Sec-WebSocket-Protocol': 'chat' } });
    await c.write(head);
    const res = await c.readResponse();
    expect(res.status).toBe(101);
    expect(res.headers['sec-websocket-extensions']).toBeUndefined();
    expect(res.headers['sec-websocket-protocol']).toBeUndefined();
  });

  test('HTTP/1.0 is 400', async () => {
    const s = await server();
    await expectReject(s, upgradeHead({ version: 'HTTP/1.0' }).head, 400);
  });

  test('missing Host is 400', async () => {
    const s = await server();
    await expectReject(s, upgradeHead({ headers: { Host: null } }).head, 400);
  });

  test.each([
    ['missing', null],
    ['short', 'dGhlIHNhbXBsZQ=='],
    ['empty', ''],
    ['not base64', 'dGhlIHNhbXBsZSBub25j!!=='],
    ['24 chars with wrong padding bits', 'AAAAAAAAAAAAAAAAAAAAAB=='],
    ['base64 of 17 bytes', 'AAAAAAAAAAAAAAAAAAAAAAA='],
    ['base64 of 20 bytes', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ])('Sec-WebSocket-Key %s is 400', async (_, key) => {
    const s = await server();
    const { head } = upgradeHead({ headers: { 'Sec-WebSocket-Key': key } });
    await expectReject(s, head, 400);
  });

  test.each([
    ['12', '12'],
    ['missing', null],
    ['13, 8', '13, 8'],
  ])('Sec-WebSocket-Version %s is 426 with Sec-WebSocket-Version: 13', async (_, v) => {
    const s = await server();
    const res = await expectReject(s, upgradeHead({ headers: { 'Sec-WebSocket-Version': v } }).head, 426);
    expect(res.headers['sec-websocket-version']).toBe('13');
  });

  test('a plain GET /ws without upgrade is 426 with Sec-WebSocket-Version: 13', async () => {
    const s = await server();
    const res = await expectReject(s, 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 426);
    expect(res.headers['sec-websocket-version']).toBe('13');
  });

  test.each([
    ['missing Connection', { Connection: null }],
    ['Connection: keep-alive', { Connection: 'keep-alive' }],
    ['missing Upgrade', { Upgrade: null }],
    ['Upgrade: h2c', { Upgrade: 'h2c' }],
  ])('%s is 400', async (_, headers) => {
    const s = await server();
    await expectReject(s, upgradeHead({ headers }).head, 400);
  });

  test('token lists and any case are accepted (Connection: keep-alive, Upgrade; Upgrade: WebSocket)', async () => {
    const s = await server();
    const c = await raw(s.port, { headers: { Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' } });
    await c.send({ op: 'ping', ref: 'x' });
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 'x' });
  });

  test('a request head over 8 KiB is 431', async () => {
    const s = await server();
    const { head } = upgradeHead({ headers: { 'X-Big': 'x'.repeat(9000) } });
    const res = await expectReject(s, head, 431, { counted: false });
    expect(JSON.parse(res.body).code).toBe('ERR_HANDSHAKE');
  });

  test('a head just under 8 KiB is accepted', async () => {
    const s = await server();
    const base = upgradeHead({ headers: { 'X-Big': '' } }).head.length;
    const c = await raw(s.port, { headers: { 'X-Big': 'x'.repeat(8192 - base) } });
    await c.send({ op: 'ping', ref: 1 });
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 1 });
  });

  test('allowedOrigins: a wrong or missing Origin is 403, the right one is 101', async () => {
    const s = await server({ allowedOrigins: ['https://app.example.com'] });
    const wsOpts = { origin: 'https://app.example.com' };
    await expectReject(s, upgradeHead({ headers: { Origin: 'https://evil.example.com' } }).head, 403, { wsOpts });
    await expectReject(s, upgradeHead().head, 403, { wsOpts });
    const c = await raw(s.port, { headers: { Origin: 'https://app.example.com' } });
    await c.send({ op: 'ping', ref: 1 });
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 1 });
  });

  test('over maxConnections is 503; after one closes a new one is accepted', async () => {
    const s = await server({ maxConnections: 3 });
    const open = [await raw(s.port), await raw(s.port), await raw(s.port)];
    expect(s.engine().connections).toBe(3);
    const res = await request(s.port, upgradeHead().head);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body);
    expect(body.code).toBe('ERR_LIMIT');
    expect(typeof body.message).toBe('string');
    open.shift().destroy();
    await waitFor(() => s.engine().connections === 2, { what: 'a slot to free up' });
    open.push(await raw(s.port)); // accepted again
    expect(s.engine().connections).toBe(3);
    open.shift().destroy();
    await waitFor(() => s.engine().connections === 2, { what: 'a slot to free up' });
    await assertServes(s.bus, s.port);
  });

  test('a stalled handshake (nothing, or half a head) is cut after handshakeTimeoutMs and counted', async () => {
    const s = await server({ handshakeTimeoutMs: 300 });
    const live = await raw(s.port); // an upgraded connection is not subject to it
    const before = s.engine().handshakeRejects;
    const t0 = Date.now();
    const silent = await rawConnect(s.port);
    const half = await rawConnect(s.port);
    await half.write(upgradeHead().head.slice(0, 40));
    await silent.waitEnd(3000);
    await half.waitEnd(3000);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2500);
    expect(silent.buf.length).toBe(0); // cut, no response
    expect(half.buf.length).toBe(0);
    expect(s.engine().handshakeRejects).toBe(before + 2);
    await live.send({ op: 'ping', ref: 1 });
    expect(await live.nextJson()).toEqual({ op: 'ack', ref: 1 });
    await assertServes(s.bus, s.port);
  });

  test('GET /health is 200, GET /stats is 200 with JSON stats, unknown path 404', async () => {
    const s = await server();
    const h = await request(s.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(h.status).toBe(200);
    expect(JSON.parse(h.body)).toEqual({ status: 'ok', mode: 'embedded' });
    const st = await request(s.port, 'GET /stats HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(st.status).toBe(200);
    expect(st.headers['content-type']).toMatch(/application\/json/);
    const stats = JSON.parse(st.body);
    for (const k of ['connections', 'protocolErrors', 'handshakeRejects', 'opErrors', 'droppedLow', 'slowConsumerCloses']) {
      expect(typeof stats[k]).toBe('number');
    }
    const nf = await request(s.port, 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(nf.status).toBe(404);
    expect(JSON.parse(nf.body)).toMatchObject({ code: 'ERR_NOT_FOUND', message: expect.any(String) });
    await assertServes(s.bus, s.port);
  });

  test('HEAD /health is 200 with no body', async () => {
    const s = await server();
    const c = await rawConnect(s.port);
    await c.write('HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.waitEnd(3000);
    const all = c.buf.toString('latin1');
    expect(all).toMatch(/^HTTP\/1\.1 200 /);
    expect(all.slice(all.indexOf('\r\n\r\n') + 4)).toBe(''); // RFC 9110 9.3.2: no content in a HEAD response
  });

  test('the handshake and a first frame in one write: 101, then the frame is processed', async () => {
    const s = await server();
    const c = await rawConnect(s.port);
    await c.write(Buffer.concat([Buffer.from(upgradeHead().head), text({ op: 'ping', ref: 7 })]));
    expect((await c.readResponse()).status).toBe(101);
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 7 });
  });
});

// ---- frames ---------------------------------------------------------------------

const PING_OP = '{"op":"ping","ref":"r"}';

/** Opens a raw client, writes `bytes`, expects the server's close `code` and the socket end. */
async function expectClose(s, bytes, code, { split = false, counted = true } = {}) {
  const before = s.engine().protocolErrors;
  const c = await raw(s.port);
  await c.write(Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes), { split });
  const cl = await c.waitClose(3000);
  expect(cl.code).toBe(code);
  expect(cl.ended).toBe(true);
  if (counted) expect(s.engine().protocolErrors).toBe(before + 1);
  await assertServes(s.bus, s.port);
  return cl;
}

/** A JSON ping op with `bad` bytes inside its ref string. */
const withBytes = (bad) => Buffer.concat([Buffer.from('{"op":"ping","ref":"'), Buffer.from(bad), Buffer.from('"}')]);

describe('frames: protocol errors close with 1002', () => {
  test('an unmasked client frame', async () => {
    const s = await server();
    await expectClose(s, frame({ mask: false, payload: PING_OP }), 1002);
  });

  test.each([1, 2, 4])('RSV bits %i set', async (rsv) => {
    const s = await server();
    await expectClose(s, frame({ rsv, payload: PING_OP }), 1002);
  });

  test.each([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf])('reserved opcode 0x%s', async (opcode) => {
    const s = await server();
    await expectClose(s, frame({ opcode, payload: 'x' }), 1002);
  });

  test.each([
    ['ping', OP.ping],
    ['pong', OP.pong],
    ['close', OP.close],
  ])('a %s frame with FIN=0', async (_, opcode) => {
    const s = await server();
    await expectClose(s, frame({ opcode, fin: false, payload: opcode === OP.close ? closePayload(1000) : 'p' }), 1002);
  });

  test.each([
    ['ping', OP.ping, Buffer.alloc(126, 0x61)],
    ['pong', OP.pong, Buffer.alloc(126, 0x61)],
    ['close', OP.close, closePayload(1000, 'r'.repeat(124))],
  ])('a %s with a 126-byte payload', async (_, opcode, payload) => {
    const s = await server();
    await expectClose(s, frame({ opcode, payload }), 1002);
  });

  test('a continuation after a complete message', async () => {
    const s = await server();
    const c = await raw(s.port);
    await c.write(Buffer.concat([text({ op: 'ping', ref: 1 }), frame({ opcode: OP.cont, payload: 'x' })]));
    const cl = await c.waitClose(3000);
    expect(cl.code).toBe(1002);
    expect(cl.frames.map((f) => f.payload.toString())).toEqual(['{"op":"ack","ref":1}']);
    await assertServes(s.bus, s.port);
  });

  test('a continuation without a start', async () => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.cont, payload: PING_OP }), 1002);
  });

  test('a new text frame while a fragmented message is open', async () => {
    const s = await server();
    await expectClose(s, [frame({ fin: false, payload: '{"op":' }), frame({ payload: PING_OP })], 1002);
  });

  test.each([
    ['16-bit form for 5 bytes', { lenForm: 16, payload: 'hello' }],
    ['64-bit form for 5 bytes', { lenForm: 64, payload: 'hello' }],
    ['64-bit form for 200 bytes', { lenForm: 64, payload: 'x'.repeat(200) }],
    ['16-bit form for 125 bytes', { lenForm: 16, payload: 'x'.repeat(125) }],
    ['64-bit length with the top bit set', { lenForm: 64, length: (1n << 63n) + 5n, payload: 'hello' }],
  ])('non-minimal or invalid length: %s', async (_, opts) => {
    const s = await server();
    await expectClose(s, frame(opts), 1002);
  });

  test('a close frame with a 1-byte payload', async () => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.close, payload: Buffer.from([3]) }), 1002);
  });

  test.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535])('close code %i', async (code) => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.close, payload: closePayload(code) }), 1002);
  });
});

describe('frames: other close codes', () => {
  test('a binary message is 1003 (also as the start of a fragmented one)', async () => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.binary, payload: Buffer.from([1, 2, 3]) }), 1003);
    await expectClose(s, frame({ opcode: OP.binary, fin: false, payload: Buffer.from([1]) }), 1003);
  });

  test.each([
    ['a 0xFF byte', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong 3-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['a surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ])('text with %s is 1007', async (_, bad) => {
    const s = await server();
    await expectClose(s, frame({ payload: withBytes(bad) }), 1007);
  });

  test('text ending inside a sequence is 1007', async () => {
    const s = await server();
    await expectClose(s, frame({ payload: Buffer.concat([Buffer.from('{"op":"ping"}'), Buffer.from([0xe2, 0x82])]) }), 1007);
  });

  test('invalid UTF-8 split across fragments is 1007', async () => {
    const s = await server();
    // E2 82 | 28: a 3-byte sequence broken by "(" in the next fragment
    const p = withBytes([0xe2, 0x82, 0x28]);
    const cut = p.indexOf(0x82) + 1;
    await expectClose(s, [frame({ fin: false, payload: p.subarray(0, cut) }), frame({ opcode: OP.cont, payload: p.subarray(cut) })], 1007);
  });

  test('a surrogate split across fragments is 1007', async () => {
    const s = await server();
    const p = withBytes([0xed, 0xa0, 0x80]);
    const cut = p.indexOf(0xed) + 1;
    await expectClose(s, [frame({ fin: false, payload: p.subarray(0, cut) }), frame({ opcode: OP.cont, payload: p.subarray(cut) })], 1007);
  });

  test('valid UTF-8 split across two frames at every byte boundary is accepted', async () => {
    const s = await server();
    const ref = 'aé€😀𝄞z';
    const p = Buffer.from(JSON.stringify({ op: 'ping', ref }));
    const c = await raw(s.port);
    const frames = [];
    for (let k = 1; k < p.length; k++) {
      frames.push(frame({ fin: false, payload: p.subarray(0, k) }), frame({ opcode: OP.cont, payload: p.subarray(k) }));
    }
    await c.write(Buffer.concat(frames));
    for (let k = 1; k < p.length; k++) expect(await c.nextJson()).toEqual({ op: 'ack', ref });
    expect(s.engine().protocolErrors).toBe(0);
    await assertServes(s.bus, s.port);
  });

  test('a message of exactly maxPayload is accepted; one byte more is 1009 from the header alone', async () => {
    const s = await server(); // maxPayload 1024
    const c = await raw(s.port);
    const exact = PING_OP + ' '.repeat(1024 - PING_OP.length);
    await c.write(frame({ payload: exact }));
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 'r' });
    // Only the header announcing 1025 bytes: the server must not wait for the payload.
    const hdr = frame({ payload: Buffer.alloc(0), length: 1025 });
    await c.write(hdr);
    const cl = await c.waitClose(3000);
    expect(cl.code).toBe(1009);
    expect(s.engine().protocolErrors).toBe(1);
    await assertServes(s.bus, s.port);
  });

  test('a message over maxPayload accumulated across fragments is 1009', async () => {
    const s = await server();
    await expectClose(s, [frame({ fin: false, payload: ' '.repeat(600) }), frame({ opcode: OP.cont, payload: ' '.repeat(600) })], 1009);
  });

  test('a 64-bit length far over maxPayload is 1009', async () => {
    const s = await server();
    await expectClose(s, frame({ payload: Buffer.alloc(0), length: 2 ** 40 }), 1009);
  });

  test('a close reason that is not UTF-8 is 1007', async () => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.close, payload: closePayload(1000, Buffer.from([0x62, 0xc0, 0xaf])) }), 1007);
  });

  test('a valid close (1000, reason) is echoed with 1000 and the socket ends', async () => {
    const s = await server();
    const cl = await expectClose(s, frame({ opcode: OP.close, payload: closePayload(1000, 'bye') }), 1000, { counted: false });
    expect(s.engine().protocolErrors).toBe(0);
    expect(cl.frames).toEqual([]);
  });

  test.each([1001, 1003, 1007, 1011, 1014, 3000, 4999])('a valid close code %i is echoed', async (code) => {
    const s = await server();
    await expectClose(s, frame({ opcode: OP.close, payload: closePayload(code, 'é') }), code, { counted: false });
    expect(s.engine().protocolErrors).toBe(0);
  });

  test('an empty close gets a close back and the socket ends', async () => {
    const s = await server();
    const c = await raw(s.port);
    await c.write(frame({ opcode: OP.close }));
    const cl = await c.waitClose(3000);
    expect(cl.code === null || cl.code === 1000).toBe(true);
    expect(cl.ended).toBe(true);
    await assertServes(s.bus, s.port);
  });

  test('the server shutting down closes clients with 1001', async () => {
    const s = await server();
    const c = await raw(s.port);
    const closing = c.waitClose(3000);
    await s.bus.close();
    const cl = await closing;
    expect(cl.code).toBe(1001);
  });
});

describe('frames: well-formed traffic', () => {
  test('a burst of 50 pings in one write gets 50 pongs with the same payloads, in order', async () => {
    const s = await server();
    const c = await raw(s.port);
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.from(`ping-${i}-${'x'.repeat(i)}`));
    payloads.push(Buffer.alloc(0), Buffer.alloc(125, 0xa5));
    await c.write(Buffer.concat(payloads.map((payload) => frame({ opcode: OP.ping, payload }))));
    for (const p of payloads) {
      const f = await c.nextFrame();
      expect(f).toMatchObject({ fin: true, rsv: 0, opcode: OP.pong, masked: false });
      expect(f.payload.equals(p)).toBe(true);
    }
    await c.send({ op: 'ping', ref: 1 });
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 1 });
    await assertServes(s.bus, s.port);
  });

  test('a pong (unsolicited) is ignored', async () => {
    const s = await server();
    const c = await raw(s.port);
    await c.write(Buffer.concat([frame({ opcode: OP.pong, payload: 'hi' }), text({ op: 'ping', ref: 2 })]));
    const f = await c.nextFrame();
    expect(f.opcode).toBe(OP.text);
    expect(JSON.parse(f.payload)).toEqual({ op: 'ack', ref: 2 });
  });

  test('a 3-fragment text message with pings interleaved, written byte by byte, is one op', async () => {
    const s = await server();
    const c = await raw(s.port);
    const msg = Buffer.from(JSON.stringify({ op: 'sub', patterns: ['a.*'], ref: 'frag' }));
    const a = msg.subarray(0, 10);
    const b = msg.subarray(10, 25);
    const d = msg.subarray(25);
    const bytes = Buffer.concat([
      frame({ fin: false, payload: a }),
      frame({ opcode: OP.ping, payload: 'p1' }),
      frame({ opcode: OP.cont, fin: false, payload: b }),
      frame({ opcode: OP.ping, payload: 'p2' }),
      frame({ opcode: OP.cont, fin: true, payload: d }),
    ]);
    await c.write(bytes, { split: true });
    const got = [await c.nextFrame(), await c.nextFrame(), await c.nextFrame()];
    expect(got.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [OP.pong, 'p1'],
      [OP.pong, 'p2'],
      [OP.text, '{"op":"ack","ref":"frag"}'],
    ]);
    s.bus.emit('a.z', { ok: true });
    expect(await c.nextJson()).toMatchObject({ type: 'a.z', data: { ok: true } });
    expect(s.engine().protocolErrors).toBe(0);
    await assertServes(s.bus, s.port);
  });

  test('a UTF-8 sequence split across fragments with a ping between them is fine', async () => {
    const s = await server();
    const c = await raw(s.port);
    const p = Buffer.from(JSON.stringify({ op: 'ping', ref: '€' }));
    const cut = p.indexOf(0xe2) + 2; // E2 82 | AC
    await c.write(Buffer.concat([
      frame({ fin: false, payload: p.subarray(0, cut) }),
      frame({ opcode: OP.ping, payload: Buffer.from([0xe2]) }),
      frame({ opcode: OP.cont, payload: p.subarray(cut) }),
    ]));
    const pong = await c.nextFrame();
    expect(pong.opcode).toBe(OP.pong);
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: '€' });
  });

  test('empty fragments and a 16-bit length are fine', async () => {
    const s = await server();
    const c = await raw(s.port);
    const body = JSON.stringify({ op: 'ping', ref: 'y'.repeat(200) });
    await c.write(Buffer.concat([
      frame({ fin: false, payload: '' }),
      frame({ opcode: OP.cont, fin: false, payload: body }),
      frame({ opcode: OP.cont, fin: true, payload: '' }),
    ]));
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 'y'.repeat(200) });
  });
});

// ---- ops ------------------------------------------------------------------------

/** Sends one op (object or raw text) and returns the reply. */
async function op(c, msg) {
  await c.write(text(msg));
  return c.nextJson();
}

function expectError(reply, code, ref) {
  expect(reply.op).toBe('error');
  expect(reply.code).toBe(code);
  expect(typeof reply.message).toBe('string');
  expect(reply.message.length).toBeGreaterThan(0);
  if (ref !== undefined) expect(reply.ref).toEqual(ref);
}

describe('ops', () => {
  /** Each raw message must get ERR_INVALID_JSON (no ref); then the connection still works. */
  async function expectInvalidJson(bad) {
    const s = await server();
    const c = await raw(s.port);
    const wrong = [];
    for (const m of bad) {
      const r = await op(c, m);
      if (!(r.op === 'error' && r.code === 'ERR_INVALID_JSON' && typeof r.message === 'string' && r.message && !('ref' in r))) {
        wrong.push(`${JSON.stringify(m)} got ${JSON.stringify(r)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await op(c, { op: 'ping', ref: 9 })).toEqual({ op: 'ack', ref: 9 });
    expect(s.engine().opErrors).toBe(bad.length);
    expect(s.engine().protocolErrors).toBe(0);
    await assertServes(s.bus, s.port);
  }

  test('non-JSON text and JSON that is not an object are ERR_INVALID_JSON; the connection stays open', async () => {
    await expectInvalidJson(['hello', '', '   ', '{"op":"ping"', '{op:"ping"}', "{'op':'ping'}", '[1,2]', '[{"op":"ping"}]',
      '5', '"str"', 'null', 'true']);
  });

  test('a JSON object followed by more bytes is ERR_INVALID_JSON (not silently acked)', async () => {
    await expectInvalidJson(['{"op":"ping","ref":1} trailing', '{"op":"ping","ref":1}{"op":"ping","ref":2}', '{"op":"ping","ref":1}]',
      '{"op":"ping","ref":1}\u0000']);
  });

  test('text that breaks the JSON grammar (RFC 8259) is ERR_INVALID_JSON', async () => {
    await expectInvalidJson(['{"op":"ping","ref":01}', '{"op":"ping","ref":1.}', '{"op":"ping","ref":"a\u0001b"}',
      '{"op":"ping","ref":"tab\there"}']);
  });

  test('an unknown or missing op is ERR_UNKNOWN_OP with the ref echoed', async () => {
    const s = await server();
    const c = await raw(s.port);
    expectError(await op(c, { op: 'subscribe', ref: 1 }), 'ERR_UNKNOWN_OP', 1);
    expectError(await op(c, { ref: 'two' }), 'ERR_UNKNOWN_OP', 'two');
    expectError(await op(c, { op: 5, ref: [3] }), 'ERR_UNKNOWN_OP', [3]);
    expectError(await op(c, { op: 'SUB', ref: null }), 'ERR_UNKNOWN_OP', null);
    expectError(await op(c, {}), 'ERR_UNKNOWN_OP');
    expect(s.engine().opErrors).toBe(5);
    await assertServes(s.bus, s.port);
  });

  test('sub with missing/non-array/empty patterns or a non-string element is ERR_INVALID_ARGUMENT', async () => {
    const s = await server();
    const c = await raw(s.port);
    const cases = [undefined, 'a.*', {}, [], ['a.*', 5], [null], [['a.*']]];
    for (const [i, patterns] of cases.entries()) {
      expectError(await op(c, { op: 'sub', patterns, ref: i }), 'ERR_INVALID_ARGUMENT', i);
    }
    expectError(await op(c, { op: 'unsub', ref: 'u' }), 'ERR_INVALID_ARGUMENT', 'u');
    expect(s.engine().opErrors).toBe(cases.length + 1);
    expect(s.engine().subscriptions).toBe(0);
    await assertServes(s.bus, s.port);
  });

  test('invalid patterns are ERR_INVALID_PATTERN', async () => {
    const s = await server();
    const c = await raw(s.port);
    const bad = ['a..b', '**.**', 'a'.repeat(513), '', '.a', 'a.'];
    for (const [i, p] of bad.entries()) {
      expectError(await op(c, { op: 'sub', patterns: ['ok.*', p], ref: i }), 'ERR_INVALID_PATTERN', i);
    }
    expect(s.engine().subscriptions).toBe(0); // all or nothing
    expect(await op(c, { op: 'sub', patterns: ['a'.repeat(512)], ref: 'max' })).toEqual({ op: 'ack', ref: 'max' });
    await assertServes(s.bus, s.port);
  });

  test('more than 64 patterns is ERR_LIMIT (in one sub, or in total)', async () => {
    const s = await server();
    const c = await raw(s.port);
    const pats = (from, n) => Array.from({ length: n }, (_, i) => `p${from + i}.*`);
    expectError(await op(c, { op: 'sub', patterns: pats(0, 65), ref: 1 }), 'ERR_LIMIT', 1);
    expect(await op(c, { op: 'sub', patterns: pats(0, 60), ref: 2 })).toEqual({ op: 'ack', ref: 2 });
    expect(await op(c, { op: 'sub', patterns: pats(0, 64), ref: 3 })).toEqual({ op: 'ack', ref: 3 });
    expectError(await op(c, { op: 'sub', patterns: ['one.more'], ref: 4 }), 'ERR_LIMIT', 4);
    expect(await op(c, { op: 'unsub', patterns: ['p0.*', 'nope'], ref: 5 })).toEqual({ op: 'ack', ref: 5, removed: 1 });
    expect(await op(c, { op: 'sub', patterns: ['one.more'], ref: 6 })).toEqual({ op: 'ack', ref: 6 });
    expect(s.engine().subscriptions).toBe(64);
    await assertServes(s.bus, s.port);
  });

  test('a pattern repeated inside one sub counts once toward the 64-pattern limit', async () => {
    const s = await server();
    const c = await raw(s.port);
    expect(await op(c, { op: 'sub', patterns: Array(65).fill('dup.*'), ref: 1 })).toEqual({ op: 'ack', ref: 1 });
    const pats = Array.from({ length: 62 }, (_, i) => `p${i}.*`);
    expect(await op(c, { op: 'sub', patterns: pats, ref: 2 })).toEqual({ op: 'ack', ref: 2 });
    // 63 held: one more distinct pattern, named three times, still fits
    expect(await op(c, { op: 'sub', patterns: ['last.*', 'last.*', 'last.*'], ref: 3 })).toEqual({ op: 'ack', ref: 3 });
    expect(s.engine().subscriptions).toBe(64);
    expect(s.engine().opErrors).toBe(0);
  });

  test.each([['abc'], ['1-'], ['-1'], ['1-2-3'], ['1.5-0'], [' 1-0'], ['99999999999999999999-0'], [12], [{}]])(
    'since %p is ERR_INVALID_SINCE',
    async (since) => {
      const s = await server();
      const c = await raw(s.port);
      expectError(await op(c, { op: 'sub', patterns: ['a.*'], since, ref: 'x' }), 'ERR_INVALID_SINCE', 'x');
      expect(s.engine().opErrors).toBe(1);
      await assertServes(s.bus, s.port);
    }
  );

  test('since in the future, or after an earlier sub, is ERR_INVALID_SINCE', async () => {
    const s = await server();
    const c = await raw(s.port);
    expectError(await op(c, { op: 'sub', patterns: ['a.*'], since: `${Date.now() + 3600000}-0`, ref: 1 }), 'ERR_INVALID_SINCE', 1);
    expect(await op(c, { op: 'sub', patterns: ['a.*'], ref: 2 })).toEqual({ op: 'ack', ref: 2 });
    expectError(await op(c, { op: 'sub', patterns: ['b.*'], since: '0-0', ref: 3 }), 'ERR_INVALID_SINCE', 3);
    // A fresh connection may resume.
    const id = await s.bus.publish('a.b', { n: 0 });
    const d = await raw(s.port);
    const first = await op(d, { op: 'sub', patterns: ['a.*'], since: '0-0', ref: 4 });
    expect(first).toEqual({ op: 'ack', ref: 4 });
    expect(await d.nextJson()).toMatchObject({ id, type: 'a.b' });
    expect(s.engine().opErrors).toBe(2);
    await assertServes(s.bus, s.port);
  });

  /** The next `count` envelopes (frames may hold arrays), then nothing but the ack of a ping. */
  async function envelopes(c, count) {
    const out = [];
    while (out.length < count) {
      const m = await c.nextJson();
      if (m.op !== undefined) throw new Error(`expected an envelope, got ${JSON.stringify(m)}`);
      out.push(...(Array.isArray(m) ? m : [m]));
    }
    return out;
  }

  test('resume: since replays what follows it (matching only), ERR_HISTORY_GAP replays from the oldest kept', async () => {
    const s = await server({}, { history: { size: 5 } });
    const ids = [];
    const types = ['a.x', 'a.x', 'a.x', 'a.x', 'b.y', 'a.x', 'b.y', 'a.x'];
    for (const [n, t] of types.entries()) ids.push(await s.bus.publish(t, { n }));
    // kept: n = 3..7; the newest evicted is n = 2
    const ns = (envs) => envs.map((e) => e.data.n);
    const c1 = await raw(s.port);
    expect(await op(c1, { op: 'sub', patterns: ['a.*'], since: ids[4], ref: 1 })).toEqual({ op: 'ack', ref: 1 });
    expect(ns(await envelopes(c1, 2))).toEqual([5, 7]);
    const c2 = await raw(s.port);
    const gap = await op(c2, { op: 'sub', patterns: ['a.*'], since: ids[1], ref: 2 });
    expectError(gap, 'ERR_HISTORY_GAP', 2);
    expect(gap.oldest).toBe(ids[3]);
    expect(ns(await envelopes(c2, 3))).toEqual([3, 5, 7]);
    const c3 = await raw(s.port);
    expect(await op(c3, { op: 'sub', patterns: ['a.*'], since: ids[2], ref: 3 })).toEqual({ op: 'ack', ref: 3 });
    expect(ns(await envelopes(c3, 3))).toEqual([3, 5, 7]);
    const id8 = await s.bus.publish('a.x', { n: 8 });
    for (const c of [c1, c2, c3]) {
      expect(await envelopes(c, 1)).toEqual([expect.objectContaining({ id: id8, data: { n: 8 } })]);
      expect(await op(c, { op: 'ping', ref: 'end' })).toEqual({ op: 'ack', ref: 'end' }); // no duplicate before it
    }
    await assertServes(s.bus, s.port);
  });

  test('resume while events keep coming: no gap and no duplicate across the replay/live switch', async () => {
    const s = await server({ maxPayload: 65536 }, { history: { size: 50000 } });
    const ids = [];
    for (let n = 0; n < 5000; n++) ids.push(s.bus.publish(n % 3 ? 'a.x' : 'b.y', { n }));
    await Promise.all(ids);
    const since = await ids[99];
    const c = await raw(s.port);
    await c.send({ op: 'sub', patterns: ['a.*'], since, ref: 1 });
    for (let n = 5000; n < 8000; n += 100) {
      for (let k = n; k < n + 100; k++) s.bus.emit(k % 3 ? 'a.x' : 'b.y', { n: k });
      await new Promise(setImmediate);
    }
    expect(await c.nextJson()).toEqual({ op: 'ack', ref: 1 });
    const want = [];
    for (let n = 100; n < 8000; n++) if (n % 3) want.push(n);
    const got = (await envelopes(c, want.length)).map((e) => e.data.n);
    expect(got).toEqual(want);
    expect(await op(c, { op: 'ping', ref: 'end' })).toEqual({ op: 'ack', ref: 'end' });
  });

  test('overlapping and repeated patterns deliver each event once', async () => {
    const s = await server();
    const c = await raw(s.port);
    expect(await op(c, { op: 'sub', patterns: ['a.*', 'a.**', '**', 'a.b'], ref: 1 })).toEqual({ op: 'ack', ref: 1 });
    expect(await op(c, { op: 'sub', patterns: ['a.*'], ref: 2 })).toEqual({ op: 'ack', ref: 2 });
    expect(s.engine().subscriptions).toBe(4);
    s.bus.emit('a.b', { n: 1 });
    expect(await envelopes(c, 1)).toEqual([expect.objectContaining({ type: 'a.b', data: { n: 1 } })]);
    expect(await op(c, { op: 'ping', ref: 'end' })).toEqual({ op: 'ack', ref: 'end' });
  });

  test('pub while allowClientPublish is off is ERR_FORBIDDEN', async () => {
    const s = await server();
    const seen = [];
    s.bus.on('chat.message', (d) => seen.push(d));
    const c = await raw(s.port);
    expectError(await op(c, { op: 'pub', type: 'chat.message', data: { t: 1 }, ref: 1 }), 'ERR_FORBIDDEN', 1);
    await sleep(50);
    expect(seen).toEqual([]);
    await assertServes(s.bus, s.port);
  });

  test('pub argument errors (allowClientPublish on)', async () => {
    const s = await server({ allowClientPublish: true });
    const c = await raw(s.port);
    expectError(await op(c, { op: 'pub', data: 1, ref: 1 }), 'ERR_INVALID_ARGUMENT', 1);
    expectError(await op(c, { op: 'pub', type: 5, ref: 2 }), 'ERR_INVALID_ARGUMENT', 2);
    expectError(await op(c, { op: 'pub', type: 'a.*', ref: 3 }), 'ERR_INVALID_EVENT_NAME', 3);
    expectError(await op(c, { op: 'pub', type: 'a.**', ref: 4 }), 'ERR_INVALID_EVENT_NAME', 4);
    expectError(await op(c, { op: 'pub', type: 'a..b', ref: 5 }), 'ERR_INVALID_EVENT_NAME', 5);
    expectError(await op(c, { op: 'pub', type: 'a.b', priority: 'urgent', ref: 6 }), 'ERR_INVALID_ARGUMENT', 6);
    expectError(await op(c, { op: 'pub', type: 'a.b', priority: 1, ref: 7 }), 'ERR_INVALID_ARGUMENT', 7);
    expectError(await op(c, { op: 'pub', type: 'a.b', metadata: 'm', ref: 8 }), 'ERR_INVALID_ARGUMENT', 8);
    expectError(await op(c, { op: 'pub', type: 'a.b', metadata: [1], ref: 9 }), 'ERR_INVALID_ARGUMENT', 9);
    expect(s.engine().opErrors).toBe(9);
    expect(s.engine().clientPublishes).toBe(0);
    await assertServes(s.bus, s.port);
  });

  test('a valid pub is acked with its id, reaches bus listeners and subscribed clients', async () => {
    const s = await server({ allowClientPublish: true });
    const seen = [];
    s.bus.on('chat.message', (d) => seen.push(d));
    const sub = await Good.open(s.port);
    sub.send({ op: 'sub', patterns: ['chat.*'], ref: 's' });
    expect(await sub.next()).toEqual({ op: 'ack', ref: 's' });
    const c = await raw(s.port);
    const ack = await op(c, { op: 'pub', type: 'chat.message', data: { text: 'hi' }, priority: 'high', metadata: { k: 'v' }, ref: { r: [1] } });
    expect(ack).toEqual({ op: 'ack', ref: { r: [1] }, id: expect.stringMatching(ID) });
    let env = await sub.next();
    if (Array.isArray(env)) env = env[0];
    expect(env).toMatchObject({ id: ack.id, type: 'chat.message', data: { text: 'hi' }, priority: 'high' });
    expect(seen).toEqual([{ text: 'hi' }]);
    // data defaults to null
    const ack2 = await op(c, { op: 'pub', type: 'chat.message', ref: 2 });
    expect(ack2.id).toMatch(ID);
    await waitFor(() => seen.length === 2, { what: 'the second listener call' });
    expect(seen[1]).toBeNull();
    await assertServes(s.bus, s.port);
  });

  test('ping op is acked; refs of any JSON type are echoed verbatim', async () => {
    const s = await server();
    const c = await raw(s.port);
    const refs = ['s', 'é€😀 "q" \\ \n', 0, -12.5, 1e21, true, false, null, [], [1, 'a', { b: null }], { x: { y: [1, 2] }, z: 'w' }];
    for (const ref of refs) expect(await op(c, { op: 'ping', ref })).toEqual({ op: 'ack', ref });
    expect(await op(c, { op: 'ping' })).toEqual({ op: 'ack' });
    expect(s.engine().opErrors).toBe(0);
  });

  test('every error reply has a string message and opErrors counts them', async () => {
    const s = await server();
    const c = await raw(s.port);
    const msgs = ['x', { op: 'x' }, { op: 'sub' }, { op: 'sub', patterns: ['a..b'] }, { op: 'sub', patterns: ['a'], since: 'z' },
      { op: 'pub', type: 'a.b' }];
    for (const m of msgs) {
      const r = await op(c, m);
      expect(r.op).toBe('error');
      expect(typeof r.message).toBe('string');
      expect(r.message.length).toBeGreaterThan(0);
      expect(r.code).toMatch(/^ERR_[A-Z_]+$/);
    }
    expect(s.engine().opErrors).toBe(msgs.length);
  });

  describe('strings with an escaped NUL (\\u0000) are taken whole, never cut at the NUL', () => {
    test('a pattern "a\\u0000.b" is ERR_INVALID_PATTERN (not a subscription to "a")', async () => {
      const s = await server();
      const c = await raw(s.port);
      expectError(await op(c, { op: 'sub', patterns: ['a\u0000.b'], ref: 1 }), 'ERR_INVALID_PATTERN', 1);
      expect(s.engine().subscriptions).toBe(0);
      await assertServes(s.bus, s.port);
    });

    test('op "ping\\u0000x" is ERR_UNKNOWN_OP', async () => {
      const s = await server();
      const c = await raw(s.port);
      expectError(await op(c, { op: 'ping\u0000x', ref: 2 }), 'ERR_UNKNOWN_OP', 2);
    });

    test('since "1-0\\u0000zz" is ERR_INVALID_SINCE', async () => {
      const s = await server();
      const c = await raw(s.port);
      expectError(await op(c, { op: 'sub', patterns: ['z.*'], since: '1-0\u0000zz', ref: 3 }), 'ERR_INVALID_SINCE', 3);
    });

    test('a ref string with a NUL is echoed verbatim', async () => {
      const s = await server();
      const c = await raw(s.port);
      for (const ref of ['a\u0000b', '\u0000', { k: 'x\u0000y' }]) expect(await op(c, { op: 'ping', ref })).toEqual({ op: 'ack', ref });
    });

    test('pub type "c.d\\u0000e" is ERR_INVALID_EVENT_NAME, priority "low\\u0000x" ERR_INVALID_ARGUMENT', async () => {
      const s = await server({ allowClientPublish: true });
      const seen = [];
      s.bus.on('**', function (d) {
        seen.push([this.event, d]);
      });
      const c = await raw(s.port);
      expectError(await op(c, { op: 'pub', type: 'c.d\u0000e', data: 1, ref: 4 }), 'ERR_INVALID_EVENT_NAME', 4);
      expectError(await op(c, { op: 'pub', type: 'c.d', priority: 'low\u0000x', data: 2, ref: 5 }), 'ERR_INVALID_ARGUMENT', 5);
      await sleep(50);
      expect(seen).toEqual([]);
    });

    test('pub data and metadata with NULs reach listeners and subscribers unchanged', async () => {
      const s = await server({ allowClientPublish: true });
      const seen = [];
      s.bus.on('c.d', (d) => seen.push(d));
      const sub = await raw(s.port);
      expect(await op(sub, { op: 'sub', patterns: ['c.*'], ref: 0 })).toEqual({ op: 'ack', ref: 0 });
      const c = await raw(s.port);
      const data = { text: 'x\u0000y', list: ['\u0000'] };
      const metadata = { 'k\u0000': 'v\u0000w' };
      const ack = await op(c, { op: 'pub', type: 'c.d', data, metadata, ref: 6 });
      expect(ack).toMatchObject({ op: 'ack', ref: 6, id: expect.stringMatching(ID) });
      const env = await sub.nextJson();
      expect(env).toMatchObject({ id: ack.id, type: 'c.d' });
      expect(env.data).toEqual(data);
      expect(env.metadata).toEqual(metadata);
      expect(seen).toEqual([data]);
    });
  });
});

// ---- heartbeat ------------------------------------------------------------------

describe('heartbeat', () => {
  test('a client that reads but never answers pings is closed with 4000 and counted', async () => {
    const s = await server({ heartbeatMs: 200 });
    const c = await raw(s.port);
    const t0 = Date.now();
    const cl = await c.waitClose(3000);
    expect(cl.frames.length).toBeGreaterThanOrEqual(1);
    expect(cl.frames.every((f) => f.opcode === OP.ping)).toBe(true);
    expect(cl.code).toBe(4000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.engine().heartbeatTimeouts).toBe(1);
    await waitFor(() => s.engine().connections === 0, { what: 'the silent client to be gone' });
  });

  test('a client that answers pings (ws does) stays open over several intervals', async () => {
    const s = await server({ heartbeatMs: 100 });
    const g = await Good.open(s.port);
    let pings = 0;
    g.ws.on('ping', () => pings++);
    await sleep(700);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(g.closed).toBeNull();
    expect(s.engine().heartbeatTimeouts).toBe(0);
    g.send({ op: 'ping', ref: 1 });
    expect(await g.next()).toEqual({ op: 'ack', ref: 1 });
  });
});

// ---- abuse ----------------------------------------------------------------------

describe('abuse', () => {
  test('abrupt disconnects mid-frame and mid-handshake: the server keeps serving, counts recover', async () => {
    const s = await server();
    const keeper = await Good.open(s.port);
    keeper.send({ op: 'sub', patterns: ['a.*'], ref: 1 });
    expect(await keeper.next()).toEqual({ op: 'ack', ref: 1 });
    const whole = frame({ payload: JSON.stringify({ op: 'sub', patterns: ['a.*'], ref: 1, pad: 'x'.repeat(300) }) });
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const c = await raw(s.port);
      await c.write(whole.subarray(0, 2 + (i * 7))); // inside the header, the mask, the payload
      clients.push(c);
    }
    const mid = await raw(s.port); // mid-fragmented message
    const cont = frame({ opcode: OP.cont, payload: '"ping","pad":"' + 'x'.repeat(200) + '"}' });
    await mid.write(Buffer.concat([frame({ fin: false, payload: '{"op":' }), cont.subarray(0, 20)]));
    clients.push(mid);
    const hs = await rawConnect(s.port); // mid-handshake
    await hs.write(upgradeHead().head.slice(0, 60));
    await waitFor(() => s.engine().connections === 5, { what: '5 connections' });
    clients[0].destroy();
    clients[1].socket.resetAndDestroy(); // RST
    clients[2].socket.end(); // half-close: the server must close too
    clients[3].destroy();
    hs.destroy();
    await clients[2].waitEnd(3000);
    await waitFor(() => s.engine().connections === 1, { what: 'connections back to 1' });
    expect(s.engine().subscriptions).toBe(1);
    s.bus.emit('a.b', { still: 'here' });
    let m = await keeper.next();
    if (Array.isArray(m)) m = m[0];
    expect(m).toMatchObject({ type: 'a.b', data: { still: 'here' } });
    await assertServes(s.bus, s.port);
    await waitFor(() => s.engine().connections === 1, { what: 'connections back to 1' });
  });

  const N = 20000;
  const CHUNK = 50;
  const LAG = 100; // the good client stays well within the 256-frame backlog
  const PAD = 'x'.repeat(1000);
  const BACKLOG = { maxFrames: 256, maxBytes: 256 * 1024 };

  /** Emits N events in chunks, letting the loop turn (and the good client read) between them. */
  async function flood(bus, good, emitOne, onChunk) {
    for (let i = 0; i < N; i += CHUNK) {
      for (let k = i; k < i + CHUNK; k++) emitOne(k);
      await new Promise(setImmediate);
      if (onChunk) onChunk();
      // Flow control for the good client only: it reads in this same thread,
      // so let it catch up to LAG events behind before emitting more.
      await waitFor(() => good.closed !== null || good.envelopes.length >= i + CHUNK - LAG,
        { timeoutMs: 10000, what: `the good client to catch up (has ${good.envelopes.length} of ${i + CHUNK})` });
      if (onChunk) onChunk();
    }
    await waitFor(() => good.envelopes.length >= N, { timeoutMs: 20000, what: `the good client to get ${N} events` });
    expect(good.closed).toBeNull();
    expect(good.envelopes.length).toBe(N);
    good.envelopes.forEach((e, i) => {
      if (e.data.n !== i) throw new Error(`good client: event #${i} has n=${e.data.n}`);
    });
  }

  async function slowSetup() {
    const s = await server({ backlog: BACKLOG, maxPayload: 65536 });
    const slow = await raw(s.port);
    expect(await op(slow, { op: 'sub', patterns: ['a.*'], ref: 1 })).toEqual({ op: 'ack', ref: 1 });
    slow.socket.pause();
    const good = await Good.open(s.port);
    good.send({ op: 'sub', patterns: ['a.*'], ref: 1 });
    expect(await good.next()).toEqual({ op: 'ack', ref: 1 });
    return { s, slow, good };
  }

  function frameBound(good) {
    // one event frame: its JSON plus a 4-byte header
    return Buffer.byteLength(JSON.stringify(good.envelopes[good.envelopes.length - 1])) + 64;
  }

  test('a client that never reads normal events is closed with 4008 within the backlog bounds', async () => {
    const { s, slow, good } = await slowSetup();
    let resumed = false;
    await flood(s.bus, good, (k) => s.bus.emit('a.b', { n: k, pad: PAD }), () => {
      // Read as soon as the server gave up on us: the queued frames and the close must follow.
      if (!resumed && s.engine().slowConsumerCloses >= 1) {
        resumed = true;
        slow.socket.resume();
      }
    });
    const e = s.engine();
    expect(e.slowConsumerCloses).toBe(1);
    expect(e.backlogHighWaterBytes).toBeLessThanOrEqual(BACKLOG.maxBytes + frameBound(good));
    expect(e.backlogHighWaterFrames).toBeLessThanOrEqual(BACKLOG.maxFrames + 1);
    expect(e.droppedLow).toBe(0);
    slow.socket.resume();
    const cl = await slow.waitClose(10000);
    expect(cl.code).toBe(4008);
    // What it got is a gapless prefix: it can resume from the last id.
    const got = [];
    for (const f of cl.frames) {
      if (f.opcode !== OP.text) continue;
      const m = JSON.parse(f.payload);
      got.push(...(Array.isArray(m) ? m : [m]));
    }
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(N);
    got.forEach((env, i) => {
      if (env.data.n !== i) throw new Error(`slow client: event #${i} has n=${env.data.n}`);
    });
    expect(got[got.length - 1].id).toBe(good.envelopes[got.length - 1].id);
    await waitFor(() => s.engine().connections === 1, { what: 'the slow client to be gone' });
    await assertServes(s.bus, s.port);
  }, 45000);

  test('normal events evict queued low ones instead of closing the client', async () => {
    const { s, slow, good } = await slowSetup();
    const NORMAL = 100; // the last 100 events: fewer than the backlog holds
    await flood(s.bus, good, (k) => {
      if (k < N - NORMAL) s.bus.publish('a.b', { n: k, pad: PAD }, { priority: 'low' }).catch(() => {});
      else s.bus.emit('a.b', { n: k, pad: PAD });
    });
    expect(s.engine().slowConsumerCloses).toBe(0);
    expect(s.engine().droppedLow).toBeGreaterThan(0);
    slow.socket.resume();
    const got = [];
    let dropped = 0;
    const deadline = Date.now() + 15000;
    while (got.length + dropped < N) {
      const m = JSON.parse((await slow.nextFrame(Math.max(1, deadline - Date.now()))).payload);
      if (m.op === 'dropped') dropped += m.count;
      else got.push(...(Array.isArray(m) ? m : [m]).map((e) => e.data.n));
    }
    expect(dropped).toBe(s.engine().droppedLow);
    const normals = got.filter((n) => n >= N - NORMAL);
    expect(normals).toEqual(Array.from({ length: NORMAL }, (_, i) => N - NORMAL + i));
    for (let i = 1; i < got.length; i++) if (!(got[i] > got[i - 1])) throw new Error(`out of order at #${i}`);
    expect(await op(slow, { op: 'ping', ref: 'alive' })).toEqual({ op: 'ack', ref: 'alive' });
  }, 45000);

  test('with only low events a client that never reads is kept, drops are counted and announced', async () => {
    const { s, slow, good } = await slowSetup();
    const failed = [];
    await flood(s.bus, good, (k) => s.bus.publish('a.b', { n: k, pad: PAD }, { priority: 'low' }).catch((err) => failed.push(err)));
    expect(failed).toEqual([]);
    const e = s.engine();
    expect(e.slowConsumerCloses).toBe(0);
    expect(e.droppedLow).toBeGreaterThan(0);
    expect(e.backlogHighWaterBytes).toBeLessThanOrEqual(BACKLOG.maxBytes + frameBound(good));
    expect(e.backlogHighWaterFrames).toBeLessThanOrEqual(BACKLOG.maxFrames + 1);
    expect(e.connections).toBe(2);
    expect(slow.ended).toBe(false);
    // Read now: everything not dropped, then the notice(s).
    slow.socket.resume();
    const got = [];
    const notices = [];
    const dropped = () => notices.reduce((n, x) => n + x.count, 0);
    const deadline = Date.now() + 15000;
    while (got.length + dropped() < N) {
      const f = await slow.nextFrame(Math.max(1, deadline - Date.now()));
      expect(f.opcode).toBe(OP.text);
      const m = JSON.parse(f.payload);
      if (m.op === 'dropped') notices.push(m);
      else got.push(...(Array.isArray(m) ? m : [m]));
    }
    expect(notices.length).toBeGreaterThanOrEqual(1);
    for (const n of notices) expect(n).toMatchObject({ op: 'dropped', reason: 'slow_consumer', first: expect.stringMatching(ID), last: expect.stringMatching(ID) });
    expect(dropped()).toBe(s.engine().droppedLow);
    expect(got.length + dropped()).toBe(N);
    for (let i = 1; i < got.length; i++) {
      if (!(got[i].data.n > got[i - 1].data.n)) throw new Error(`slow client: out of order at #${i}`);
    }
    // first/last name the oldest and newest events it did not get.
    const have = new Set(got.map((x) => x.data.n));
    const missing = good.envelopes.filter((x) => !have.has(x.data.n));
    expect(missing.length).toBe(dropped());
    expect(notices[0].first).toBe(missing[0].id);
    expect(notices[notices.length - 1].last).toBe(missing[missing.length - 1].id);
    // Still open and live.
    expect(await op(slow, { op: 'ping', ref: 'alive' })).toEqual({ op: 'ack', ref: 'alive' });
    s.bus.emit('a.b', { n: 'after', pad: '' });
    expect(await slow.nextJson()).toMatchObject({ type: 'a.b', data: { n: 'after' } });
    expect(s.engine().slowConsumerCloses).toBe(0);
    await assertServes(s.bus, s.port);
  }, 45000);
});
