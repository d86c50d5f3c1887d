'use strict';
// A consumer group within one process (bus.consume without Redis): the
// group's log of events, pending entries, and a dead-letter ring, shared by
// every consumer of the group in this process (lib/consumer.js runs them).
const native = require('./native');
const { makeError } = require('./errors');
const { idAfter, Fifo, HELD_REBUILD } = require('./consumer');

const EMBEDDED_LOG_MAX = 100000;
const DLQ_MAX = 10000;

class EmbeddedGroup {
  constructor(bus, name, patterns, startFrom, deadLetter) {
    this.bus = bus;
    this.name = name;
    this.patterns = patterns;
    this.matcher = new native.Matcher(bus.delimiter || '.');
    patterns.forEach((p, i) => this.matcher.add(p, i));
    this.log = new Fifo(); // entries not yet given to a consumer: { id, envelope, deliveries }
    this.pending = new Map(); // id -> { entry, consumer }
    this.settled = 0; // entries deleted from pending since it was last copied (forget())
    this.consumers = [];
    this.next = 0; // round-robin
    this.deadLetterOn = deadLetter !== false;
    this.dlq = []; // { id, envelope, error, attempts, consumer, failedAt }
    this.overflow = 0;
    this.startFrom = startFrom;
    this.loading = null; // live events held while retained ones are read (startFrom '0')
  }

  // startFrom '0' or an id: the retained events (the engine's history) first,
  // then the live ones held meanwhile, without gap or duplicate.
  async loadRetained() {
    this.loading = [];
    let retained = [];
    try {
      const since = this.startFrom === '0' ? undefined : this.startFrom;
      retained = await this.bus.getEventHistory({ count: 10000, since });
    } catch (err) {
      retained = (err && err.events) || [];
    }
    this.startFrom = '0'; // from here on every live event counts
    const held = this.loading;
    this.loading = null;
    const last = retained.length ? retained[retained.length - 1].id : null;
    for (const env of retained) this.offer(env);
    for (const env of held) if (!last || idAfter(env.id, last)) this.offer(env);
  }

  matches(type) {
    const r = this.matcher.match(type);
    return Array.isArray(r) && r.length > 0;
  }

  offer(envelope) {
    if (this.loading) {
      this.loading.push(envelope);
      return;
    }
    if (!this.matches(envelope.type)) return;
    if (this.startFrom !== '$' && this.startFrom !== '0' && !idAfter(envelope.id, this.startFrom)) return;
    if (this.log.length >= EMBEDDED_LOG_MAX) {
      this.log.take(1); // bounded: the oldest unconsumed entry goes, counted
      this.overflow++;
    }
    this.log.push([{ id: envelope.id, envelope, deliveries: 1 }]);
    this.pull();
  }

  attach(consumer) {
    this.consumers.push(consumer);
    this.pull();
  }

  detach(consumer) {
    this.consumers = this.consumers.filter((c) => c !== consumer);
  }

  // Hands entries to consumers with room, round-robin.
  freed() {
    this.pull(); // hands entries at once: no reason to wait
  }

  pull() {
    let progressed = true;
    while (this.log.length && progressed) {
      progressed = false;
      for (let k = 0; k < this.consumers.length && this.log.length; k++) {
        const c = this.consumers[(this.next + k) % this.consumers.length];
        const room = c.capacity();
        if (room <= 0) continue;
        const entries = this.log.take(room);
        for (const e of entries) this.pending.set(e.id, { entry: e, consumer: c });
        this.next = (this.next + k + 1) % this.consumers.length;
        c._give(entries);
        progressed = true;
      }
    }
  }

  // Only Redis groups count the starts of redeliveries (workers die there).
  started() {}

  ack(consumer, entries) {
    this.forget(entries);
  }

  // Out of pending; a fresh Map every HELD_REBUILD deletes, as Consumer._drop
  // does for the same reason (V8 keeps a Map's replaced tables, and what
  // they held, until a full GC).
  forget(entries) {
    for (const e of entries) this.pending.delete(e.id);
    if ((this.settled += entries.length) >= HELD_REBUILD) {
      this.settled = 0;
      this.pending = new Map(this.pending);
    }
  }

  // Entries a consumer gives back (closing): first in line again; `tried`
  // ones count the delivery they had.
  release(consumer, entries, tried) {
    this.forget(entries);
    // A tried entry counts its try for maxRetries at the next consumer (starts, as Redis groups count them).
    this.log.unshift(entries.map((e) => ({ ...e, deliveries: e.deliveries + (tried ? 1 : 0), starts: (e.starts || 0) + (tried ? 1 : 0) })));
    setImmediate(() => this.pull());
  }

  deadLetter(consumer, entries, err, attempts) {
    this.forget(entries);
    for (const e of entries) {
      if (!this.deadLetterOn) continue;
      if (this.dlq.length >= DLQ_MAX) this.dlq.shift();
      this.dlq.push({
        id: e.id,
        envelope: e.envelope,
        error: err && err.message ? String(err.message) : String(err),
        code: err && err.code,
        attempts: e.deliveries + attempts - 1,
        consumer: consumer.name,
        failedAt: Date.now(),
      });
    }
  }

  pendingOf(consumer) {
    let n = 0;
    for (const p of this.pending.values()) if (p.consumer === consumer) n++;
    return n;
  }

  lag() {
    return this.log.length;
  }

  dead() {
    const group = this;
    return {
      list({ count = 100, since } = {}) {
        let items = group.dlq;
        if (since !== undefined) items = items.filter((d) => idAfter(d.id, since));
        return Promise.resolve(items.slice(0, count).map((d) => ({ ...d })));
      },
      retry(id) {
        const i = group.dlq.findIndex((d) => d.id === id);
        if (i < 0) return Promise.reject(makeError('ERR_INVALID_ARGUMENT', `no dead letter with id ${id} in group ${group.name}`));
        const [d] = group.dlq.splice(i, 1);
        group.log.push([{ id: d.id, envelope: d.envelope, deliveries: 1 }]);
        group.pull();
        return Promise.resolve(true);
      },
      purge() {
        const n = group.dlq.length;
        group.dlq = [];
        return Promise.resolve(n);
      },
    };
  }

  destroy() {
    this.matcher.destroy();
  }
}

module.exports = { EmbeddedGroup };
