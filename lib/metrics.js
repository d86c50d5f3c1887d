'use strict';
// bus.registerMetrics(registry, { prefix, client }): the bus's numbers in the
// app's own prom-client registry (the ecosystem's habit: libraries take the
// registry as an option, prom-client is an optional peer). Values are read
// at scrape time (collect()), nothing runs between scrapes.
//
// The engine's counters come from the same table as GET /metrics
// (native/src/metrics.c, native.metricDescriptors()), so both views have the
// same names (with `eventwire_` replaced by the prefix). Added here: `up`
// (what health() says), the bus's own counters, and per consumer group and
// consumer the durable-consumer counters (labels group, consumer).
const native = require('./native');
const { makeError } = require('./errors');

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function loadClient(client) {
  if (client) return client;
  try {
    return require('prom-client');
  } catch {
    throw makeError('ERR_INVALID_ARGUMENT', 'registerMetrics() needs prom-client: npm install prom-client (or pass { client })');
  }
}

/** Registers the metrics; returns a function that removes them again. */
function registerMetrics(bus, registry, options = {}) {
  if (options === null || typeof options !== 'object') throw makeError('ERR_INVALID_ARGUMENT', 'registerMetrics(): options must be an object');
  const { prefix = 'eventwire_' } = options;
  if (typeof prefix !== 'string' || (prefix && !PREFIX.test(prefix))) {
    throw makeError('ERR_INVALID_ARGUMENT', `registerMetrics(): prefix must match ${PREFIX} (e.g. "myapp_events_"), got ${JSON.stringify(prefix)}`);
  }
  const client = loadClient(options.client);
  if (!registry || typeof registry.registerMetric !== 'function' || typeof registry.getSingleMetric !== 'function') {
    throw makeError('ERR_INVALID_ARGUMENT', 'registerMetrics(): give a prom-client Registry (e.g. client.register or new client.Registry())');
  }
  const name = (n) => prefix + n.replace(/^eventwire_/, '');
  const redis = bus.stats().redis !== 'off';
  const engineStats = () => bus.stats().engine || {};
  const specs = [];

  // A counter mirrors a total kept elsewhere: set at scrape time.
  const mirror = (metric, value, labels) => {
    if (metric instanceof client.Counter) {
      if (labels) metric.inc(labels, value);
      else metric.inc(value);
    } else if (labels) metric.set(labels, value);
    else metric.set(value);
  };

  specs.push({
    name: name('eventwire_up'), type: 'gauge', help: '1 while the bus delivers (what health() says), else 0.',
    async collect(m) {
      let ok = false;
      try {
        ok = (await bus.health()).status === 'ok';
      } catch {
        ok = false;
      }
      m.set(ok ? 1 : 0);
    },
  });
  for (const d of native.metricDescriptors()) {
    if (d.name === 'eventwire_up' || (d.redisOnly && !redis)) continue;
    specs.push({ name: name(d.name), type: d.type, help: d.help, collect: (m) => mirror(m, Number(engineStats()[d.key]) || 0) });
  }
  const own = [
    ['eventwire_emitted_total', 'Events emitted or published on this bus.', (s) => s.emitted],
    ['eventwire_forwarded_total', 'Events this bus handed to its engine.', (s) => s.forwarded],
    ['eventwire_publish_failed_total', 'publish() calls that rejected.', (s) => s.publishFailed],
    ['eventwire_dropped_inbox_full_total', 'Events refused because the engine inbox was full.', (s) => s.dropped.inboxFull],
  ];
  for (const [n, help, get] of own) specs.push({ name: name(n), type: 'counter', help, collect: (m) => mirror(m, Number(get(bus.stats())) || 0) });

  const perConsumer = [
    ['eventwire_consumer_processed_total', 'counter', 'Events a consumer handled and acked.', 'processed'],
    ['eventwire_consumer_failed_total', 'counter', 'Handler calls that threw, rejected or timed out.', 'failed'],
    ['eventwire_consumer_retried_total', 'counter', 'Events retried after a failure.', 'retried'],
    ['eventwire_consumer_dead_lettered_total', 'counter', 'Events sent to the dead letters.', 'deadLettered'],
    ['eventwire_consumer_timed_out_total', 'counter', 'Handler calls past ackTimeoutMs.', 'timedOut'],
    ['eventwire_consumer_in_flight', 'gauge', 'Handler calls running (or waiting to retry).', 'inFlight'],
    ['eventwire_consumer_queued', 'gauge', 'Events fetched and not started yet.', 'queued'],
  ];
  for (const [n, type, help, key] of perConsumer) {
    specs.push({
      name: name(n), type, help, labelNames: ['group', 'consumer'],
      collect(m) {
        m.reset();
        for (const g of bus.getSubscriberStats()) {
          for (const c of g.consumers) mirror(m, Number(c[key]) || 0, { group: g.group, consumer: c.consumer });
        }
      },
    });
  }
  const perGroup = [
    ['eventwire_group_lag', 'Entries of the stream the group has not read (Redis) or not handed out (embedded).', 'lag'],
    ['eventwire_group_pending', 'Entries handed out and not acked.', 'pending'],
    ['eventwire_group_dead_letters', 'Dead letters kept for the group.', 'deadLetters'],
  ];
  for (const [n, help, key] of perGroup) {
    specs.push({
      name: name(n), type: 'gauge', help, labelNames: ['group'],
      collect(m) {
        m.reset();
        for (const g of bus.getSubscriberStats()) m.set({ group: g.group }, Number(g[key]) || 0);
      },
    });
  }

  for (const s of specs) {
    if (registry.getSingleMetric(s.name)) {
      throw makeError('ERR_INVALID_ARGUMENT', `registerMetrics(): ${s.name} is already in this registry; pass another prefix or unregister first`);
    }
  }
  const made = specs.map((s) => {
    const Type = s.type === 'counter' ? client.Counter : client.Gauge;
    return new Type({
      name: s.name,
      help: s.help,
      labelNames: s.labelNames || [],
      registers: [registry],
      collect() {
        if (s.type === 'counter' && !s.labelNames) this.reset();
        return s.collect(this);
      },
    });
  });
  return function unregister() {
    for (const m of made) registry.removeSingleMetric(m.name);
  };
}

module.exports = { registerMetrics };
