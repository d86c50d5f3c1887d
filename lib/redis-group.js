'use strict';
// A Redis consumer group on the bus's stream (bus.consume with Redis):
// reads filtered and encoded by the engine (native/src/redis_group.c), acks,
// XAUTOCLAIM of what dead consumers left, dead letters on a stream of their
// own. lib/consumer.js runs the handlers.
const native = require('./native');
const { makeError } = require('./errors');
const { idAfter } = require('./consumer');

const READ_MAX = 128; // entries per XREADGROUP
const DLQ_PAGE = 1000; // dead letters per XRANGE
const STARTS_TTL_S = 86400; // the starts hash of a group outlives its last start by a day
const IDLE_TICK_MS = 1000; // housekeeping of a group no consumer is attached to

// Stream entry -> envelope: an entry XAUTOCLAIM handed over, by the rules of the engine's reads
// (ew__redis_entry_scan, native/src/redis_entry.c): null when eventwire did not write it. Both
// layouts: one field "ew" holding the packed JSON object, or one field per key.
const STREAM_ID = /^\d{1,19}-\d{1,19}$/;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
function entryFields(fields) {
  if (fields.length === 2 && fields[0] === 'ew') {
    let o;
    try {
      o = JSON.parse(fields[1]);
    } catch {
      return null;
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
    const str = (k) => (typeof o[k] === 'string' ? o[k] : undefined);
    if (!('d' in o) || !('ts' in o) || typeof o.t !== 'string') return null;
    // The kinds the engine's reads insist on (ew__entry_member in native/src/redis_entry.c).
    if (['s', 'p', 'g', 'o', 'i'].some((k) => k in o && typeof o[k] !== 'string')) return null;
    if (['ts', 'v', 'q'].some((k) => k in o && typeof o[k] !== 'number')) return null;
    return { t: o.t, ts: o.ts, data: o.d, metadata: o.m, s: str('s'), p: str('p'), v: o.v, g: str('g'), o: str('o') };
  }
  const f = Object.create(null);
  for (let i = 0; i + 1 < fields.length; i += 2) if (!(fields[i] in f)) f[fields[i]] = fields[i + 1]; // the first wins
  if (typeof f.t !== 'string' || f.d === undefined || !JSON_NUMBER.test(f.ts || '') || (f.v && !JSON_NUMBER.test(f.v))) return null;
  try {
    return { t: f.t, ts: Number(f.ts), data: JSON.parse(f.d), metadata: f.m ? JSON.parse(f.m) : undefined, s: f.s, p: f.p,
      v: f.v ? Number(f.v) : undefined, g: f.g, o: f.o };
  } catch {
    return null;
  }
}

function entryEnvelope(id, fields) {
  const f = entryFields(fields);
  if (!f) return null;
  // A retried dead letter keeps its first id (field o): the idempotency key.
  const env = { id: STREAM_ID.test(f.o || '') ? f.o : id, type: f.t, data: f.data };
  if (f.s) env.source = f.s;
  env.timestamp = f.ts;
  if (f.p) env.priority = f.p;
  if (f.metadata !== undefined) env.metadata = f.metadata;
  if (f.v !== undefined) env.version = f.v;
  return { env, target: f.g };
}

// The envelope of a group read's record: the fields after the ids,
//   type US timestamp US source US priority US version US metadata US data
// (empty = absent), or US <envelope JSON> when the engine had to escape a
// field (an empty type). Only data and metadata go through JSON.parse; the
// object keeps the key order of every other envelope.
function recordEnvelope(id, rec) {
  if (rec.charCodeAt(0) === 0x1f) return JSON.parse(rec.slice(1));
  const p1 = rec.indexOf('\x1f');
  const p2 = rec.indexOf('\x1f', p1 + 1);
  const p3 = rec.indexOf('\x1f', p2 + 1);
  const p4 = rec.indexOf('\x1f', p3 + 1);
  const p5 = rec.indexOf('\x1f', p4 + 1);
  const p6 = rec.indexOf('\x1f', p5 + 1);
  const env = { id, type: rec.slice(0, p1), data: JSON.parse(rec.slice(p6 + 1)) };
  if (p3 > p2 + 1) env.source = rec.slice(p2 + 1, p3);
  env.timestamp = Number(rec.slice(p1 + 1, p2));
  if (p4 > p3 + 1) env.priority = rec.slice(p3 + 1, p4);
  if (p6 > p5 + 1) env.metadata = JSON.parse(rec.slice(p5 + 1, p6));
  if (p5 > p4 + 1) env.version = Number(rec.slice(p4 + 1, p5));
  return env;
}

class RedisGroup {
  constructor(bus, name, patterns, options) {
    this.bus = bus;
    this.name = name;
    this.patterns = patterns;
    this.matcher = new native.Matcher(bus.delimiter || '.');
    patterns.forEach((p, i) => this.matcher.add(p, i));
    this.stream = bus._redisStream();
    this.dlqStream = typeof options.deadLetter === 'string' ? options.deadLetter : `${this.stream}:dlq:${name}`;
    this.startsKey = `${this.stream}:starts:${name}`; // hash: stream id -> handler starts of redeliveries
    this.deadLetterOn = options.deadLetter !== false;
    this.ackTimeoutMs = options.ackTimeoutMs;
    this.consumers = [];
    this.fetching = new Map(); // consumer -> reads out (as many as its hold target needs)
    this.asked = new Map(); // consumer -> entries those reads asked for
    this.drainOnClose = true;
    this.ackRound = null; // { ids, done }: the acks of this turn, sent on the next
    this.again = new Set();
    this.atTip = new Set(); // consumers whose last read came back short: at the stream's end
    this.sparse = new Map(); // consumer -> entries returned per entry taken, when the patterns left most out
    this.info = { lag: 0, pending: 0 };
    this.overflow = 0;
    this.closed = false;
    this.create(options.startFrom === '0' ? '0' : options.startFrom);
    // The tick refreshes the idle time of every entry a live consumer holds
    // (XCLAIM), so XAUTOCLAIM may take an entry only once it has been idle
    // for three ticks: a short ackTimeoutMs must not let a live consumer's
    // entries go to another one between two refreshes.
    this.tickMs = Math.max(50, Math.min(1000, Math.floor(this.ackTimeoutMs / 3)));
    this.claimIdleMs = Math.max(this.ackTimeoutMs, 3 * this.tickMs);
    this.claimFrom = '0-0'; // XAUTOCLAIM's cursor
    this.infoAt = 0; // when housekeeping last asked for the group's counts
    this.timer = setInterval(() => this.housekeeping(), this.tickMs);
    this.timer.unref();
  }

  matches(type) {
    const r = this.matcher.match(type);
    return Array.isArray(r) && r.length > 0;
  }

  // Commands cut by a Redis outage are not errors of their own: health()
  // reports the outage, and the tick retries.
  report(err) {
    if (err && err.code === 'ERR_REDIS_UNAVAILABLE' && !this.bus._redisUp()) return;
    if (err && err.code === 'ERR_REDIS_UNAVAILABLE' && /connection lost/.test(err.message)) return;
    this.bus._report(err);
  }

  attach(consumer) {
    this.consumers.push(consumer);
    this.ready.then(() => this.pull(), () => {});
  }

  detach(consumer) {
    this.consumers = this.consumers.filter((c) => c !== consumer);
    this.forgetReads(consumer);
  }

  // A detached consumer's read bookkeeping (fetched() puts back what a read
  // still out counts, and removes it once none is).
  forgetReads(consumer) {
    this.atTip.delete(consumer);
    this.sparse.delete(consumer);
    this.again.delete(consumer);
    if (!this.fetching.get(consumer)) { // no read out: nothing will come back for it
      this.fetching.delete(consumer);
      this.asked.delete(consumer);
    }
  }

  // New entries (relay), room freed (acks), or the periodic tick. Nothing
  // while Redis is down: health() reports that; the tick tries again. Reads
  // ask for at most READ_MAX entries, and several are out at once (as many
  // as the hold target needs), so the next ones are on their way while these
  // are handled, and no single reply is large (its latency grows with it).
  // A consumer finished an entry: ask for more only when its queue runs
  // short of a read's worth, or every 16th time (not once per event: the
  // reads come in chunks anyway).
  freed(c) {
    if (c._queue.length > READ_MAX && (++c._freedTick & 15) !== 0) return;
    this.pull();
  }

  pull() {
    if (this.closed || !this.bus._redisUp()) return;
    for (const c of this.consumers) {
      const asked = this.asked.get(c) || 0;
      const out = this.fetching.get(c) || 0;
      const hold = c.holdTarget();
      const chunk = Math.max(1, Math.min(READ_MAX, Math.ceil(hold / 2)));
      const room = c.capacity(hold) - asked;
      // Fetch in chunks, not one entry per freed slot; a read coming back
      // asks again.
      // At the end of the stream one read at a time: each relay notice would
      // otherwise send a read of the few entries just written (live
      // consumers sent ~33 XREADGROUPs per 1,000 events); the read out
      // brings what came meanwhile. Behind, reads are pipelined.
      if (out >= (this.atTip.has(c) ? 1 : Math.ceil(hold / chunk)) || room <= 0 ||
          (room < chunk && c._queue.length + asked > 0)) {
        if (out) this.again.add(c);
        continue;
      }
      // Where the patterns leave most entries out, a read of what the
      // consumer has room for would crawl through the stream (the engine
      // acks the rest unseen): the read asks for as many entries as, at
      // the last read's ratio, give it that room (READ_MAX at most).
      const want = Math.min(room, chunk);
      const ratio = this.sparse.get(c);
      this.fetch(c, ratio ? Math.min(READ_MAX, Math.max(want, Math.ceil(want * ratio))) : want);
    }
  }

  fetch(c, count) {
    this.fetching.set(c, (this.fetching.get(c) || 0) + 1);
    this.asked.set(c, (this.asked.get(c) || 0) + count);
    this.bus._groupRead(this.name, c.name, count, this.patterns)
      .then((text) => this.give(c, text, 1, count), (err) => {
        // Redis restarted empty (or the stream was deleted): make the group again.
        if (/NOGROUP/.test(err.message)) this.create('0');
        else this.report(err);
      })
      .finally(() => this.fetched(c, count));
  }

  fetched(c, count) {
    const out = this.fetching.get(c) - 1;
    if (out === 0 && !this.consumers.includes(c)) { // detached: nothing of it kept
      this.fetching.delete(c);
      this.asked.delete(c);
      return;
    }
    this.asked.set(c, this.asked.get(c) - count);
    this.fetching.set(c, out);
    if (this.again.delete(c)) this.pull();
  }

  // Entries the engine already filtered, after how many Redis returned
  // (native/src/redis_group.c):
  //   <entries returned> RS, then per entry taken
  //   <stream id> US <event id> US <the event's fields> RS
  // split here without parsing: the envelope is built when its handler is
  // about to run (recordEnvelope), so what a consumer holds is strings, not
  // object trees the garbage collector copies on every scavenge.
  give(c, text, deliveries, asked = 0) {
    const give = [];
    const head = text.indexOf('\x1e');
    if (head < 1 || !/^\d+$/.test(text.slice(0, head))) {
      // An addon built before this lib (no entry count): nothing is taken
      // from a text it cannot read right; said once per read, not dropped.
      this.report(makeError('ERR_ENGINE', 'a group read came back without its entry count: the addon is older than lib/ (npm run build)'));
      this.hand(c, [], false);
      return;
    }
    const returned = Number(text.slice(0, head));
    let records = 0;
    for (let at = head + 1; at < text.length;) {
      const a = text.indexOf('\x1f', at);
      const b = text.indexOf('\x1f', a + 1);
      const end = text.indexOf('\x1e', b + 1);
      if (a < 0 || b < 0 || end < 0) break; // cannot happen: the engine writes whole records
      records++;
      const id = text.slice(a + 1, b);
      if (!c._held.has(id)) give.push({ id, rid: text.slice(at, a), envelope: null, record: text.slice(b + 1, end), deliveries, own: true });
      at = end + 1;
    }
    // Fewer than asked: the end of the stream.
    if (returned < asked) this.atTip.add(c);
    else this.atTip.delete(c);
    // None taken counts as half of one: each empty read asks for twice as
    // many per entry wanted, up to READ_MAX.
    if (records * 2 < returned) this.sparse.set(c, returned / Math.max(records, 0.5));
    else this.sparse.delete(c);
    if (!this.consumers.includes(c)) this.forgetReads(c); // closed while the read was out
    this.hand(c, give, returned > 0);
  }

  // The envelope of an entry give() left as a record (Consumer._event).
  envelopeOf(e) {
    return recordEnvelope(e.id, e.record);
  }

  // Entries for consumer c (a closing one cannot take them: left pending);
  // after a non-empty read, the next one.
  hand(c, give, readSome) {
    if (give.length) {
      if (c._closed) this.release(c, give);
      else c._give(give);
    }
    if (readSome && !c._closed) this.pull();
  }

  // After the bus has connected: a consume() right after `new EventBus()`
  // must not fail (and must not create the group later at '0' instead).
  create(start) {
    this.ready = this.bus._redisReady()
      .then(() => this.bus._redis(['XGROUP', 'CREATE', this.stream, this.name, start, 'MKSTREAM']))
      .catch((err) => {
        if (!/BUSYGROUP/.test(err.message)) throw err;
      });
    this.ready.catch((err) => this.bus._report(err));
    return this.ready;
  }

  // Filters entries (the C matcher), acks the others, hands the rest over.
  take(c, entries, deliveriesOf, startsOf = () => 0) {
    const give = [];
    const skip = [];
    for (const [id, fields] of entries) {
      if (!fields) continue; // deleted meanwhile
      const parsed = entryEnvelope(id, fields);
      if (!parsed || (parsed.target !== undefined && parsed.target !== this.name) || !this.matches(parsed.env.type)) skip.push(id);
      else if (!c._held.has(parsed.env.id)) {
        give.push({ id: parsed.env.id, rid: id, envelope: parsed.env, deliveries: deliveriesOf(id), starts: startsOf(id) });
      }
    }
    if (skip.length) {
      this.ack(null, skip.map((id) => ({ id })));
      this.forgetStarts(skip); // claimed entries: they may have start counts
    }
    this.hand(c, give, entries.length > 0);
  }

  // A redelivered entry's handler starts: counted in the group's starts
  // hash (field = stream id) before it can crash this worker too, so the
  // next claimer knows (Consumer._runNow). Fresh entries are not counted:
  // no command per event on the common path.
  started(entries) {
    let any = false;
    for (const e of entries) {
      if (e.deliveries <= 1) continue;
      any = true;
      this.bus._redis(['HINCRBY', this.startsKey, e.rid || e.id, '1']).catch(() => {});
    }
    // Counts of entries deleted or trimmed while pending would stay: the
    // hash goes a day after its last start.
    if (any) this.bus._redis(['EXPIRE', this.startsKey, String(STARTS_TTL_S)]).catch(() => {});
  }

  forgetStarts(ids) {
    for (let i = 0; i < ids.length; i += 500) {
      this.bus._redis(['HDEL', this.startsKey, ...ids.slice(i, i + 500)]).catch((err) => this.report(err));
    }
  }

  // Acks of one turn go out together, in XACKs of at most 500 ids; every
  // ack of the turn shares one promise (settled when they are all answered).
  ack(consumer, entries) {
    if (!this.ackRound) {
      const round = { ids: [], redelivered: [], done: null };
      round.done = new Promise((resolve) => setImmediate(() => this.flushAcks(round, resolve)));
      this.ackRound = round;
    }
    for (const e of entries) {
      this.ackRound.ids.push(e.rid || e.id);
      if (e.deliveries > 1) this.ackRound.redelivered.push(e.rid || e.id);
    }
    return this.ackRound.done;
  }

  flushAcks(round, resolve) {
    if (this.ackRound === round) this.ackRound = null;
    const { ids } = round;
    const sent = [];
    for (let i = 0; i < round.redelivered.length; i += 500) { // their start counts go with them
      sent.push(this.bus._redis(['HDEL', this.startsKey, ...round.redelivered.slice(i, i + 500)]).catch((err) => this.report(err)));
    }
    for (let i = 0; i < ids.length; i += 500) {
      sent.push(this.bus._redis(['XACK', this.stream, this.name, ...ids.slice(i, i + 500)])
        .catch((err) => this.report(err)));
    }
    Promise.all(sent).then(() => resolve());
  }

  // Left pending in Redis: XAUTOCLAIM hands them to a live consumer once idle
  // past ackTimeoutMs.
  release() {}

  deadLetter(consumer, entries, err, attempts) {
    return Promise.all(entries.map((e) => {
      const done = this.deadLetterOn
        ? this.bus._redis(['XADD', this.dlqStream, '*', 'id', e.id, 'e', JSON.stringify({ ...e.envelope, attempt: undefined }),
          'error', String(err && err.message ? err.message : err), 'code', String((err && err.code) || ''),
          'attempts', String(e.deliveries + attempts - 1), 'consumer', consumer.name, 'group', this.name,
          'failedAt', String(Date.now())])
        : Promise.resolve();
      return done.then(() => this.ack(consumer, [e]), (er) => this.bus._report(er));
    }));
  }

  // XAUTOCLAIM what dead consumers left; refresh lag and pending counts.
  // A group without consumers stays on the bus (its stats and dead letters
  // are still asked for, and its lag is what monitoring should see grow) but
  // has nothing to claim or refresh: its counts follow once per IDLE_TICK_MS,
  // not at the tick a short ackTimeoutMs set (down to 50 ms).
  housekeeping() {
    if (this.closed || !this.bus._redisUp()) return;
    const now = Date.now();
    if (!this.consumers.length && now - this.infoAt < IDLE_TICK_MS) return;
    this.infoAt = now;
    // Entries a live consumer holds (queued, running, waiting to retry) are
    // kept fresh, so XAUTOCLAIM only takes what dead consumers left.
    for (const c of this.consumers) {
      if (!c._held.size) continue;
      const ids = [...c._held.values()].map((e) => e.rid || e.id);
      for (let i = 0; i < ids.length; i += 500) {
        this.bus._redis(['XCLAIM', this.stream, this.name, c.name, '0', ...ids.slice(i, i + 500), 'JUSTID'])
          .catch(() => {});
      }
    }
    for (const c of this.consumers) {
      const room = c.capacity(c.holdTarget());
      if (room <= 0 || this.fetching.get(c)) continue;
      this.fetching.set(c, 1);
      this.asked.set(c, (this.asked.get(c) || 0) + room);
      // From where the last claim stopped: XAUTOCLAIM looks at no more than
      // 10 × COUNT pending entries per call, so starting at 0-0 each time,
      // entries live consumers hold could hide a dead one's later entries.
      this.bus._redis(['XAUTOCLAIM', this.stream, this.name, c.name, String(this.claimIdleMs), this.claimFrom, 'COUNT', String(room)])
        .then(async (reply) => {
          this.claimFrom = reply && typeof reply[0] === 'string' ? reply[0] : '0-0'; // 0-0 again at the end
          const entries = (reply && reply[1]) || [];
          // Entries deleted while pending (Redis 7 lists them apart; 6.2 gives nil fields): their start counts go.
          const gone = [...((reply && Array.isArray(reply[2]) && reply[2]) || []), ...entries.filter(([, f]) => !f).map(([id]) => id)];
          if (gone.length) this.forgetStarts(gone);
          if (!entries.length) return;
          // The delivery counts XAUTOCLAIM just raised: event.attempt.
          const counts = new Map();
          const pend = await this.bus._redis(['XPENDING', this.stream, this.name, entries[0][0],
            entries[entries.length - 1][0], String(entries.length * 2), c.name]).catch(() => []);
          for (const [id, , , n] of pend || []) counts.set(id, n);
          // How often dead workers started each one (Consumer: poison events);
          // unknown (a failed read) counts as none.
          const ids = entries.map(([id]) => id);
          const started = await this.bus._redis(['HMGET', this.startsKey, ...ids]).catch(() => []);
          const starts = new Map(ids.map((id, i) => [id, Number((started || [])[i]) || 0]));
          this.take(c, entries, (id) => counts.get(id) || 2, (id) => starts.get(id) || 0);
        }, () => {}) // a failed claim (Redis down, NOGROUP after an empty restart) is tried again on the next tick
        .catch((err) => this.report(err))
        .finally(() => this.fetched(c, room));
      break; // one claim round per tick
    }
    if (this.deadLetterOn) {
      this.bus._redis(['XLEN', this.dlqStream]).then((n) => { this.dlqCount = Number(n) || 0; }, () => {});
    }
    this.bus._redis(['XINFO', 'GROUPS', this.stream]).then((groups) => {
      for (const g of groups || []) {
        const o = {};
        for (let i = 0; i + 1 < g.length; i += 2) o[g[i]] = g[i + 1];
        if (o.name === this.name) this.info = { lag: Number(o.lag) || 0, pending: Number(o.pending) || 0 };
      }
    }, () => {});
    this.pull();
  }

  // A consumer's pending entries: what it holds (queued, running, waiting
  // to retry), all delivered to it and not acked.
  pendingOf(consumer) {
    return consumer._held.size;
  }

  lag() {
    return this.info.lag;
  }

  get pending() {
    return { size: this.info.pending };
  }

  get dlq() {
    return { length: this.dlqCount || 0 };
  }

  dead() {
    const group = this;
    const bus = this.bus;
    const parse = ([id, fields]) => {
      const f = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return { dlqId: id, id: f.id, envelope: JSON.parse(f.e), error: f.error, code: f.code || undefined,
        attempts: Number(f.attempts), consumer: f.consumer, group: f.group, failedAt: Number(f.failedAt) };
    };
    // The dead-letter stream in pages of DLQ_PAGE, oldest first, until
    // `want` says stop.
    const scan = async (want) => {
      for (let start = '-'; ;) {
        const rows = (await bus._redis(['XRANGE', group.dlqStream, start, '+', 'COUNT', String(DLQ_PAGE)])) || [];
        for (const row of rows) if (!want(parse(row))) return;
        if (rows.length < DLQ_PAGE) return;
        start = `(${rows[rows.length - 1][0]}`;
      }
    };
    return {
      async list({ count = 100, since } = {}) {
        const items = [];
        if (count <= 0) return items;
        await scan((d) => {
          if (since === undefined || idAfter(d.id, since)) items.push(d);
          return items.length < count;
        });
        return items;
      },
      async retry(id) {
        let row = null;
        await scan((d) => {
          if (d.id === id) row = d;
          return row === null;
        });
        if (!row) throw makeError('ERR_INVALID_ARGUMENT', `no dead letter with id ${id} in group ${group.name}`);
        const e = row.envelope;
        // Back on the stream for this group only (field g): not a new public event.
        // The packed layout eventwire writes (native/src/redis_entry.c), data last.
        const packed = { t: e.type, ts: e.timestamp };
        if (e.priority) packed.p = e.priority;
        if (e.source !== undefined) packed.s = e.source;
        if (e.metadata) packed.m = e.metadata;
        if (e.version !== undefined) packed.v = e.version;
        Object.assign(packed, { i: 'dead-letter-retry', g: group.name, o: e.id, d: e.data === undefined ? null : e.data });
        await bus._redis(['XADD', group.stream, '*', 'ew', JSON.stringify(packed)]);
        await bus._redis(['XDEL', group.dlqStream, row.dlqId]);
        return true;
      },
      async purge() {
        const n = Number(await bus._redis(['XLEN', group.dlqStream])) || 0;
        await bus._redis(['DEL', group.dlqStream]);
        return n;
      },
    };
  }

  destroy() {
    this.closed = true;
    clearInterval(this.timer);
    this.matcher.destroy();
  }
}

module.exports = { RedisGroup };
