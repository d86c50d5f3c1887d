'use strict';
// eventwire/fastify: a Fastify plugin that puts an EventBus on the instance
// (`fastify.events`), serves it as Server-Sent Events on Fastify's own port
// (GET /events) and reports its health (GET /health).
//
// Conventions of @fastify/redis: it breaks encapsulation the way
// fastify-plugin does (the symbols are set by hand below, so fastify-plugin
// is not a dependency), uses a bus it is given (closed on fastify.close()
// only with `closeBus: true`) or creates one (always closed on close), and a
// second registration fails with a clear error.
const { Readable } = require('stream');

const DEFAULTS = {
  decorator: 'events',
  ssePath: '/events',
  healthPath: '/health',
};

// Used when the plugin creates the bus and no busOptions are given: the
// engine's history ring is what makes Last-Event-ID resume work.
const DEFAULT_BUS_OPTIONS = Object.freeze({ history: {}, maxListeners: 0 }); // one listener per SSE client

const OPTION_KEYS = new Set(['bus', 'closeBus', 'busOptions', 'decorator', 'ssePath', 'healthPath', 'listen', 'sseOptions']);
const SSE_OPTION_KEYS = new Set(['heartbeatMs', 'retryMs', 'maxBuffered']);

// Connection-specific headers are forbidden in HTTP/2 responses.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

function optionError(detail) {
  // errors.js loads the addon: only reached when the plugin is misused.
  return require('./errors').makeError('ERR_INVALID_OPTION', `eventwire/fastify: ${detail}`);
}

function isBus(v) {
  return v !== null && typeof v === 'object' &&
    typeof v.emit === 'function' && typeof v.subscribe === 'function' &&
    typeof v.createEventStream === 'function' && typeof v.close === 'function' &&
    typeof v.stats === 'function';
}

function checkPath(name, value) {
  if (value === false) return false;
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw optionError(`${name} must be a path starting with "/" or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function validate(opts) {
  if (opts === null || typeof opts !== 'object') throw optionError('options must be an object');
  for (const key of Object.keys(opts)) {
    // Fastify passes its own register() options (prefix, logLevel, ...) along.
    if (!OPTION_KEYS.has(key) && !['prefix', 'logLevel', 'logSerializers'].includes(key)) {
      throw optionError(`${key} is not a known option (known: ${[...OPTION_KEYS].join(', ')})`);
    }
  }
  if (opts.bus !== undefined && !isBus(opts.bus)) throw optionError('bus must be an EventBus');
  if (opts.bus !== undefined && opts.busOptions !== undefined) {
    throw optionError('pass either bus (an existing EventBus) or busOptions (to create one), not both');
  }
  if (opts.bus !== undefined && opts.bus.closed) throw optionError('the bus given is already closed');
  if (opts.busOptions !== undefined && (opts.busOptions === null || typeof opts.busOptions !== 'object')) {
    throw optionError('busOptions must be an object (EventBus options)');
  }
  for (const key of ['closeBus', 'listen']) {
    if (opts[key] !== undefined && typeof opts[key] !== 'boolean') throw optionError(`${key} must be a boolean`);
  }
  const sseOptions = opts.sseOptions === undefined ? {} : opts.sseOptions;
  if (sseOptions === null || typeof sseOptions !== 'object' || Array.isArray(sseOptions)) {
    throw optionError('sseOptions must be an object { heartbeatMs, retryMs, maxBuffered }');
  }
  for (const key of Object.keys(sseOptions)) {
    if (!SSE_OPTION_KEYS.has(key)) {
      throw optionError(`sseOptions.${key} is not a known option (known: ${[...SSE_OPTION_KEYS].join(', ')})`);
    }
  }
  require('./sse').checkStreamOptions(sseOptions); // once, at register: not a 400 per request
  const decorator = opts.decorator === undefined ? DEFAULTS.decorator : opts.decorator;
  if (typeof decorator !== 'string' || decorator === '') throw optionError('decorator must be a non-empty string');
  return {
    decorator,
    sseOptions: { ...sseOptions },
    ssePath: checkPath('ssePath', opts.ssePath === undefined ? DEFAULTS.ssePath : opts.ssePath),
    healthPath: checkPath('healthPath', opts.healthPath === undefined ? DEFAULTS.healthPath : opts.healthPath),
  };
}

/** The `bus` part of the health document. */
function busHealth(bus) {
  const s = bus.stats();
  const e = s.engine;
  return {
    closed: s.closed,
    listening: s.listening,
    subscriptions: s.subscriptions,
    engine: e ? {
      running: e.running,
      port: e.port,
      connections: e.connections,
      subscriptions: e.subscriptions,
      historyEvents: e.historyEvents,
    } : null,
  };
}

/** A query value that may be repeated (?pattern=a.*&pattern=b.*). */
function queryList(v) {
  if (v === undefined || v === '') return undefined;
  const list = (Array.isArray(v) ? v : [v]).filter((p) => p !== '');
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : list;
}

function firstValue(v) {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' && x !== '' ? x : undefined;
}

async function eventwirePlugin(fastify, opts) {
  const { decorator, ssePath, healthPath, sseOptions } = validate(opts || {});

  // Checked before a bus is created, so a failed registration leaks nothing.
  if (fastify.hasDecorator(decorator)) {
    throw optionError(`fastify already has a decorator "${decorator}": eventwire is registered twice ` +
      '(register it once, at the root) or another plugin uses that name (pass { decorator: "otherName" })');
  }

  let bus = opts.bus;
  const created = bus === undefined;
  if (created) {
    const { EventBus } = require('./index');
    bus = new EventBus(opts.busOptions === undefined ? DEFAULT_BUS_OPTIONS : opts.busOptions);
  }
  const closeBus = created || opts.closeBus === true;

  // listen: default true for a created bus with a server, false for a given
  // bus (its owner decides); `listen: true` awaits bus.listen() either way.
  const hasServer = created && opts.busOptions !== undefined && Boolean(opts.busOptions.server);
  const listen = opts.listen === undefined ? hasServer : opts.listen;
  if (listen) {
    try {
      await bus.listen();
    } catch (err) {
      if (created) await bus.close();
      throw err;
    }
  }

  fastify.decorate(decorator, bus);

  // SSE responses still open (AbortController -> the raw response); ended in
  // preClose, or fastify.close() (which waits for open connections) would
  // never finish.
  const streams = new Map();

  fastify.addHook('preClose', (done) => {
    for (const [ac, res] of streams) {
      ac.abort(); // the stream unsubscribes and ends, so the response ends
      // The response was sent keep-alive: close its connection once the end
      // is written, rather than wait for the client to drop an idle socket.
      const socket = res.socket;
      if (socket && typeof socket.destroySoon === 'function' && !(res.req && res.req.httpVersionMajor >= 2)) {
        if (res.writableFinished) socket.destroySoon();
        else res.once('finish', () => socket.destroySoon());
      }
    }
    streams.clear();
    done();
  });

  fastify.addHook('onClose', (instance, done) => {
    if (!closeBus) return done();
    bus.close().then(() => done(), done);
  });

  if (ssePath !== false) {
    const { sseHeaders } = require('./sse');

    fastify.get(ssePath, async function eventwireSse(request, reply) {
      const query = request.query || {};
      const pattern = queryList(query.pattern);
      // The header (sent by EventSource when it reconnects) is newer than a
      // lastEventId in the URL the page was opened with.
      const lastEventId = firstValue(request.headers['last-event-id']) || firstValue(query.lastEventId);

      if (bus.closed) {
        return reply.code(503).send({ code: 'ERR_CLOSED', message: 'the event bus is closed' });
      }
      const ac = new AbortController();
      let stream;
      try {
        stream = bus.createEventStream({ ...sseOptions, pattern, lastEventId, signal: ac.signal });
      } catch (err) {
        ac.abort();
        if (err && typeof err.code === 'string' && /^ERR_INVALID_/.test(err.code)) {
          return reply.code(400).send({ code: err.code, message: err.message });
        }
        if (err && err.code === 'ERR_CLOSED') {
          return reply.code(503).send({ code: err.code, message: err.message });
        }
        throw err;
      }

      // Abort (unsubscribe, end the stream) as soon as the client goes away
      // or the response ends for any other reason.
      streams.set(ac, reply.raw);
      const abort = () => {
        streams.delete(ac);
        ac.abort();
      };
      request.raw.once('close', abort);
      reply.raw.once('close', abort);
      if (reply.raw.destroyed || (request.raw.socket && request.raw.socket.destroyed)) abort(); // gone already

      const http2 = request.raw.httpVersionMajor >= 2;
      for (const [name, value] of Object.entries(sseHeaders)) {
        if (http2 && HOP_BY_HOP.has(name.toLowerCase())) continue;
        reply.header(name, value);
      }
      // A Node stream works on Fastify 4 and 5 alike; destroying it (Fastify
      // does when the response closes) cancels the web stream.
      return reply.send(Readable.fromWeb(stream));
    });
  }

  if (healthPath !== false) {
    fastify.get(healthPath, async function eventwireHealth(request, reply) {
      const b = busHealth(bus);
      const ok = !b.closed && (b.engine === null || b.engine.running);
      reply.code(ok ? 200 : 503);
      return { status: ok ? 'ok' : 'unavailable', bus: b, sse: { connections: streams.size } };
    });
  }
}

// What fastify-plugin would set: no encapsulation (the decorator and hooks
// belong to the parent instance), a name for errors and the plugin tree, and
// the Fastify versions this plugin supports.
eventwirePlugin[Symbol.for('skip-override')] = true;
eventwirePlugin[Symbol.for('fastify.display-name')] = 'eventwire';
eventwirePlugin[Symbol.for('plugin-meta')] = { name: 'eventwire', fastify: '4.x || 5.x' };

module.exports = eventwirePlugin;
module.exports.default = eventwirePlugin;
module.exports.eventwire = eventwirePlugin;
module.exports.fastifyEventwire = eventwirePlugin;
