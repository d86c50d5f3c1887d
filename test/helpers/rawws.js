'use strict';
// A tiny raw-TCP WebSocket client for crafting bad input (RFC 6455 tests):
// raw HTTP request heads and responses, a checked handshake, frames built
// with full control over every header bit, and a reader of server frames.
// Every wait has a deadline; destroy() ends the socket.
const crypto = require('crypto');
const net = require('net');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { cont: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

function acceptFor(key) {
  return crypto.createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * Builds one client frame. opts: fin (true), rsv (0..7, the RSV1-3 bits),
 * opcode (1), mask (true), maskKey (4 bytes, random), payload (Buffer or
 * string), lenForm ('auto' | 7 | 16 | 64: the length encoding, non-minimal
 * forms allowed), length (the announced length, default payload.length).
 */
function frame(opts = {}) {
  const { fin = true, rsv = 0, opcode = OP.text, mask = true, lenForm = 'auto' } = opts;
  const payload = Buffer.isBuffer(opts.payload) ? opts.payload : Buffer.from(opts.payload || '', 'utf8');
  const length = opts.length === undefined ? payload.length : opts.length;
  const form = lenForm === 'auto' ? (length < 126 ? 7 : length <= 0xffff ? 16 : 64) : lenForm;
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  if (form === 7) head.push(m | length);
  else if (form === 16) head.push(m | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    head.push(m | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(8 * i)) & 0xffn));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = opts.maskKey ? Buffer.from(opts.maskKey) : crypto.randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** A close frame payload: 2-byte code (unless null) and a reason (Buffer or string). */
function closePayload(code, reason = '') {
  const r = Buffer.isBuffer(reason) ? reason : Buffer.from(reason, 'utf8');
  if (code === null) return r;
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, r]);
}

function text(obj, opts = {}) {
  return frame({ ...opts, opcode: OP.text, payload: typeof obj === 'string' ? obj : JSON.stringify(obj) });
}

/** A well-formed upgrade request head (override or drop headers with `headers`; null drops). */
function upgradeHead({ path = '/ws', method = 'GET', version = 'HTTP/1.1', headers = {}, key } = {}) {
  const h = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key || crypto.randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = [`${method} ${path} ${version}`];
  for (const [k, v] of Object.entries(h)) if (v !== null && v !== undefined) lines.push(`${k}: ${v}`);
  return { head: lines.join('\r\n') + '\r\n\r\n', key: h['Sec-WebSocket-Key'] };
}

class RawWs {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.frames = []; // parsed server frames not yet taken
    this.ended = false; // the server ended or reset the socket
    this.error = null;
    this.ws = false; // true once the 101 was read: incoming bytes are frames
    this.waiters = new Set();
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      if (this.ws) this._parse();
      this._wake();
    });
    const end = () => {
      this.ended = true;
      this._wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (e) => {
      this.error = e;
      end();
    });
  }

  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new RawWs(s));
      });
      s.once('error', reject);
    });
  }

  /** Connects and upgrades (checks 101 and Sec-WebSocket-Accept). */
  static async open(port, opts = {}) {
    const c = await RawWs.connect(port);
    try {
      const { head, key } = upgradeHead(opts);
      c.write(head);
      const res = await c.readResponse();
      if (res.status !== 101) throw new Error(`handshake: expected 101, got ${res.status} ${res.body}`);
      if (res.headers['sec-websocket-accept'] !== acceptFor(key)) throw new Error('handshake: bad Sec-WebSocket-Accept');
      if (!/websocket/i.test(res.headers.upgrade || '') || !/upgrade/i.test(res.headers.connection || '')) {
        throw new Error('handshake: missing Upgrade/Connection headers');
      }
      return c;
    } catch (err) {
      c.destroy();
      throw err;
    }
  }

  /** Writes bytes; with split: true one byte per write (each flushed before the next). */
  async write(data, { split = false } = {}) {
    const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!split) {
      await new Promise((resolve) => this.socket.write(b, () => resolve()));
      return;
    }
    for (let i = 0; i < b.length; i++) {
      await new Promise((resolve) => this.socket.write(b.subarray(i, i + 1), () => resolve()));
      await new Promise((r) => setImmediate(r));
    }
  }

  send(obj, opts) {
    return this.write(text(obj), opts);
  }

  _wake() {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with check()'s first value other than undefined; rejects after timeoutMs. */
  until(check, timeoutMs = 3000, what = 'data') {
    return new Promise((resolve, reject) => {
      let timer = null;
      const w = () => {
        let v;
        try {
          v = check();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (v !== undefined) {
          done();
          resolve(v);
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(w);
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`rawws: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(w);
      w();
    });
  }

  /** Reads one HTTP response: { status, statusText, headers (lower-case), body, head }. */
  readResponse(timeoutMs = 3000) {
    return this.until(() => {
      const i = this.buf.indexOf('\r\n\r\n');
      if (i < 0) {
        if (this.ended) throw new Error(`rawws: socket ended before a response head (${this.buf.length} bytes)`);
        return undefined;
      }
      const head = this.buf.subarray(0, i).toString('latin1');
      const [statusLine, ...lines] = head.split('\r\n');
      const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine);
      if (!m) throw new Error(`rawws: bad status line ${JSON.stringify(statusLine)}`);
      const headers = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      const status = Number(m[1]);
      const want = status === 101 ? 0 : Number(headers['content-length'] || 0);
      if (this.buf.length < i + 4 + want) {
        if (this.ended) throw new Error('rawws: socket ended inside a response body');
        return undefined;
      }
      const body = this.buf.subarray(i + 4, i + 4 + want).toString('utf8');
      this.buf = this.buf.subarray(i + 4 + want);
      if (status === 101) {
        this.ws = true;
        this._parse();
      }
      return { status, statusText: m[2], headers, body, head };
    }, timeoutMs, 'an HTTP response');
  }

  // Moves every complete server frame from buf to frames.
  _parse() {
    let off = 0;
    const b = this.buf;
    for (;;) {
      if (b.length - off < 2) break;
      const fin = (b[off] & 0x80) !== 0;
      const rsv = (b[off] >> 4) & 7;
      const opcode = b[off] & 0x0f;
      const masked = (b[off + 1] & 0x80) !== 0;
      let len = b[off + 1] & 0x7f;
      let at = off + 2;
      if (len === 126) {
        if (b.length - off < 4) break;
        len = b.readUInt16BE(off + 2);
        at = off + 4;
      } else if (len === 127) {
        if (b.length - off < 10) break;
        len = Number(b.readBigUInt64BE(off + 2));
        at = off + 10;
      }
      if (masked) at += 4;
      if (b.length < at + len) break;
      let payload = Buffer.from(b.subarray(at, at + len));
      if (masked) {
        const key = b.subarray(at - 4, at);
        for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      }
      this.frames.push({ fin, rsv, opcode, masked, payload });
      off = at + len;
    }
    if (off) this.buf = b.subarray(off);
  }

  /** The next server frame { fin, rsv, opcode, masked, payload }; a masked or RSV-flagged one throws. */
  nextFrame(timeoutMs = 3000) {
    return this.until(() => {
      if (this.frames.length) {
        const f = this.frames.shift();
        if (f.masked || f.rsv) throw new Error(`rawws: server frame with mask=${f.masked} rsv=${f.rsv} (RFC 6455 5.1, 5.2)`);
        return f;
      }
      if (this.ended) throw new Error('rawws: socket ended while waiting for a frame');
      return undefined;
    }, timeoutMs, 'a frame');
  }

  /** The next text frame, parsed as JSON (pongs and pings are skipped and kept in .skipped). */
  async nextJson(timeoutMs = 3000) {
    for (;;) {
      const f = await this.nextFrame(timeoutMs);
      if (f.opcode === OP.text) return JSON.parse(f.payload.toString('utf8'));
      if (f.opcode === OP.close) throw new Error(`rawws: closed (${describeClose(f.payload)}) while waiting for JSON`);
      (this.skipped || (this.skipped = [])).push(f);
    }
  }

  /**
   * Reads frames up to the server's close frame: { code, reason, frames (those
   * before it), ended (the socket was ended too, within timeoutMs) }. code is
   * null for an empty close payload.
   */
  async waitClose(timeoutMs = 3000) {
    const before = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = await this.nextFrame(Math.max(1, deadline - Date.now()));
      if (f.opcode !== OP.close) {
        before.push(f);
        continue;
      }
      const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null;
      const reason = f.payload.subarray(2).toString('utf8');
      const ended = await this.waitEnd(Math.max(1, deadline - Date.now())).then(() => true, () => false);
      return { code, reason, frames: before, ended };
    }
  }

  /** Resolves when the server has ended (or reset) the socket. */
  waitEnd(timeoutMs = 3000) {
    return this.until(() => (this.ended ? true : undefined), timeoutMs, 'the socket to end');
  }

  destroy() {
    this.socket.destroy();
  }
}

function describeClose(p) {
  return p.length >= 2 ? `code ${p.readUInt16BE(0)} ${p.subarray(2).toString()}` : 'no code';
}

/** Sends a raw request head on a new connection and reads the response. */
async function request(port, head, { timeoutMs = 3000 } = {}) {
  const c = await RawWs.connect(port);
  try {
    c.write(head);
    const res = await c.readResponse(timeoutMs);
    // An error response closes the connection; an upgraded one stays open.
    res.ended = res.status === 101 ? false : await c.waitEnd(timeoutMs).then(() => true, () => false);
    return res;
  } finally {
    c.destroy();
  }
}

module.exports = { RawWs, frame, text, closePayload, upgradeHead, request, acceptFor, OP };
