'use strict';
// A promise-friendly `ws` client for the integration tests: collects every
// frame, separates envelopes from control frames, waits with deadlines.
const WebSocket = require('ws');
const { waitFor } = require('./net');

class TestClient {
  constructor(port, { path = '/ws', ...opts } = {}) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, opts);
    this.events = [];
    this.control = [];
    this.closed = null;
    this.ws.on('message', (buf) => {
      const msg = JSON.parse(buf.toString());
      const list = Array.isArray(msg) ? msg : [msg];
      for (const m of list) (m.op ? this.control : this.events).push(m);
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    this.ws.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.ref = 0;
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Sends an op with a fresh ref and resolves with its reply. */
  async op(obj, timeoutMs = 5000) {
    const ref = `r${++this.ref}`;
    this.send({ ...obj, ref });
    return waitFor(() => this.control.find((m) => m.ref === ref), { timeoutMs, what: `reply to ${obj.op}` });
  }

  async sub(patterns, extra = {}) {
    await this.opened;
    return this.op({ op: 'sub', patterns, ...extra });
  }

  waitEvents(n, timeoutMs = 5000) {
    return waitFor(() => this.events.length >= n && this.events, { timeoutMs, what: `${n} events (have ${this.events.length})` });
  }

  waitClose(timeoutMs = 5000) {
    return waitFor(() => this.closed, { timeoutMs, what: 'close' });
  }

  close() {
    this.ws.terminate();
  }
}

function idKey(id) {
  const [ms, seq] = id.split('-');
  return BigInt(ms) * 1048576n + BigInt(seq);
}

module.exports = { TestClient, idKey };
