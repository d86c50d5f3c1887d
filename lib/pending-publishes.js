'use strict';
// The publish() calls waiting for the engine: their promises' resolvers in
// three parallel arrays, in request order. Settled in that order on the
// common path (the engine answers XADDs in the order it sent them), so the
// head is checked first; otherwise a binary search (request numbers only
// grow until the counter wraps at 2^32), then a scan. A Map entry per event
// was ~6% of the JS thread (set, get, delete, rehashes) and garbage.

const COMPACT_AT = 4096; // settled entries at the head before the arrays are cut

class PendingPublishes {
  constructor() {
    this.reqs = [];
    this.resolves = []; // null once settled
    this.rejects = [];
    this.head = 0; // entries before it are settled
    this.size = 0; // entries not settled
  }

  add(req, resolve, reject) {
    this.reqs.push(req);
    this.resolves.push(resolve);
    this.rejects.push(reject);
    this.size++;
  }

  has(req) {
    return this._find(req) >= 0;
  }

  /** Resolves request `req` with `value`; false when it is not waiting. */
  resolve(req, value) {
    return this._settle(req, this.resolves, value);
  }

  /** Rejects request `req` with `err`; false when it is not waiting. */
  reject(req, err) {
    return this._settle(req, this.rejects, err);
  }

  _settle(req, fns, arg) {
    const i = this._find(req);
    if (i < 0) return false;
    const fn = fns[i];
    this._settled(i);
    fn(arg);
    return true;
  }

  /** Forgets request `req` without settling it (it was never sent). */
  drop(req) {
    const i = this._find(req);
    if (i < 0) return false;
    this._settled(i);
    return true;
  }

  rejectAll(err) {
    const { rejects, resolves } = this;
    const waiting = [];
    for (let i = this.head; i < rejects.length; i++) if (resolves[i] !== null) waiting.push(rejects[i]);
    this.reqs = [];
    this.resolves = [];
    this.rejects = [];
    this.head = 0;
    this.size = 0;
    for (const fn of waiting) fn(err);
  }

  _find(req) {
    const { reqs, resolves } = this;
    let lo = this.head;
    let hi = reqs.length - 1;
    if (lo > hi) return -1;
    if (reqs[lo] === req) return resolves[lo] === null ? -1 : lo;
    if (reqs[lo] < reqs[hi]) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const r = reqs[mid];
        if (r === req) return resolves[mid] === null ? -1 : mid;
        if (r < req) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    // The counter wrapped inside the window: not sorted.
    for (let i = this.head; i < reqs.length; i++) if (reqs[i] === req && resolves[i] !== null) return i;
    return -1;
  }

  _settled(i) {
    this.resolves[i] = null;
    this.rejects[i] = null;
    this.size--;
    const { reqs, resolves } = this;
    let h = this.head;
    while (h < reqs.length && resolves[h] === null) h++;
    const span = reqs.length - h;
    if (span === 0) {
      reqs.length = 0;
      resolves.length = 0;
      this.rejects.length = 0;
      h = 0;
    } else if (span >= COMPACT_AT && this.size * 2 < span) {
      // Mostly holes behind a request still waiting (settled out of order
      // around it): keep only the waiting ones, in order.
      this._keepWaiting(h);
      h = 0;
    } else if (h >= COMPACT_AT && h * 2 >= reqs.length) {
      reqs.splice(0, h);
      resolves.splice(0, h);
      this.rejects.splice(0, h);
      h = 0;
    }
    this.head = h;
  }

  _keepWaiting(from) {
    const { reqs, resolves, rejects } = this;
    let n = 0;
    for (let i = from; i < reqs.length; i++) {
      if (resolves[i] === null) continue;
      reqs[n] = reqs[i];
      resolves[n] = resolves[i];
      rejects[n] = rejects[i];
      n++;
    }
    reqs.length = n;
    resolves.length = n;
    rejects.length = n;
  }
}

module.exports = { PendingPublishes };
