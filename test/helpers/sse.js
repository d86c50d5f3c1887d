'use strict';
// A Server-Sent Events reader over Node's fetch (undici) for the integration
// tests: parses the stream into blocks ({ id, event, data, retry }) and
// comments, can stop reading (pause) and start again (resume), and waits for
// conditions with deadlines.
const { waitFor } = require('./net');

/** Numeric key of an event id "<ms>-<seq>" (ids compare numerically). */
function idKey(id) {
  const m = /^(\d+)-(\d+)$/.exec(id);
  if (!m) throw new Error(`not an event id: ${id}`);
  return BigInt(m[1]) * (1n << 32n) + BigInt(m[2]);
}

function compareIds(a, b) {
  const x = idKey(a);
  const y = idKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

class SseStream {
  constructor(url, res, controller) {
    this.url = url;
    this.res = res;
    this.status = res.status;
    this.headers = res.headers;
    this.controller = controller;
    this.raw = ''; // every character received, in order
    this.blocks = []; // every dispatched block, in order
    this.comments = []; // comment lines without the leading ':'
    this.done = false; // the server ended the stream
    this.error = null; // the read failed (abort, reset)
    this.paused = false;
    this._resume = null;
    this._pending = ''; // text after the last complete line
    this._block = null;
    this._decoder = new TextDecoder();
    this.reader = res.body.getReader();
    this.pumping = this._pump();
  }

  static async open(base, path = '/events', { headers = {}, method = 'GET', paused = false } = {}) {
    const controller = new AbortController();
    const url = `${base}${path}`;
    const res = await fetch(url, { method, headers, signal: controller.signal });
    if (!(res.headers.get('content-type') || '').startsWith('text/event-stream')) {
      // Not a stream: the caller looks at status and JSON body.
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: safeJson(text), stream: false };
    }
    const s = new SseStream(url, res, controller);
    if (paused) s.pause();
    return s;
  }

  /** Events that are not eventwire.* notices. */
  get events() {
    return this.blocks.filter((b) => b.event !== undefined && !b.event.startsWith('eventwire.') && b.data !== undefined);
  }

  /** eventwire.* notices, with their data parsed. */
  notices(name) {
    return this.blocks
      .filter((b) => b.event && b.event.startsWith('eventwire.') && (!name || b.event === `eventwire.${name}`))
      .map((b) => ({ event: b.event, data: JSON.parse(b.data) }));
  }

  /** Envelopes of the events, parsed. */
  get envelopes() {
    return this.events.map((b) => JSON.parse(b.data));
  }

  get ids() {
    return this.events.map((b) => b.id);
  }

  pause() {
    this.paused = true;
  }

  resume() {
    this.paused = false;
    if (this._resume) {
      const r = this._resume;
      this._resume = null;
      r();
    }
  }

  close() {
    this.resume();
    this.controller.abort();
    return this.pumping;
  }

  waitFor(predicate, what, timeoutMs = 5000) {
    return waitFor(() => {
      if (predicate(this)) return true;
      if (this.error) throw new Error(`stream failed while waiting for ${what}: ${this.error.message}`);
      return false;
    }, { timeoutMs, what });
  }

  waitEvents(n, timeoutMs = 5000) {
    return this.waitFor((s) => s.events.length >= n, `${n} SSE events (have ${this.events.length})`, timeoutMs);
  }

  waitDone(timeoutMs = 5000) {
    return this.waitFor((s) => s.done, 'end of the SSE stream', timeoutMs);
  }

  async _pump() {
    try {
      for (;;) {
        if (this.paused) await new Promise((r) => (this._resume = r));
        const { value, done } = await this.reader.read();
        if (done) {
          this._feed(this._decoder.decode());
          this.done = true;
          return;
        }
        this._feed(this._decoder.decode(value, { stream: true }));
      }
    } catch (err) {
      this.error = err;
    }
  }

  _feed(text) {
    if (!text) return;
    this.raw += text;
    let buf = this._pending + text;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this._line(line);
    }
    this._pending = buf;
  }

  _line(line) {
    if (line === '') {
      if (this._block) this.blocks.push(this._block);
      this._block = null;
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (!this._block) this._block = {};
    if (field === 'data') this._block.data = this._block.data === undefined ? value : `${this._block.data}\n${value}`;
    else this._block[field] = value;
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

module.exports = { SseStream, idKey, compareIds };
