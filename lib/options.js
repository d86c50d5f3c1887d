'use strict';
// Validates and normalises EventBus options. Every rejection is an
// ERR_INVALID_OPTION naming the option and what is allowed.
const os = require('os');
const { makeError } = require('./errors');

const EE2_KEYS = ['wildcard', 'delimiter', 'newListener', 'removeListener', 'maxListeners',
  'verboseMemoryLeak', 'ignoreErrors'];
const KNOWN = new Set([...EE2_KEYS, 'server', 'redis', 'engine', 'source', 'inbox', 'history']);
const SERVER_KEYS = new Set(['port', 'host', 'path', 'maxConnections', 'maxPayload', 'heartbeatMs',
  'handshakeTimeoutMs', 'allowedOrigins', 'allowClientPublish', 'backlog', 'socketIo', 'sse', 'authorize', 'opsToken']);
// A Bearer token (RFC 6750 token68), long enough not to be guessed.
const OPS_TOKEN = /^(?=.{16,256}$)[A-Za-z0-9\-._~+/]+=*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

function bad(name, what) {
  return makeError('ERR_INVALID_OPTION', `${name} ${what}`);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function positiveInt(v, name) {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v <= 0) throw bad(name, `must be a positive integer, got ${String(v)}`);
  return v;
}

function intIn(v, name, min, max, dflt) {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw bad(name, `must be an integer ${min}..${max}, got ${String(v)}`);
  }
  return v;
}

function envInt(name, dflt, max = Number.MAX_SAFE_INTEGER) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw bad(`environment ${name}`, `must be an integer 0..${max}, got "${raw}"`);
  }
  return v;
}

function normalizeServer(server) {
  if (server === undefined || server === false || server === null) return null;
  if (server === true) server = {};
  if (!isPlainObject(server)) throw bad('server', 'must be an object { port, host, ... } or false');
  for (const key of Object.keys(server)) {
    if (!SERVER_KEYS.has(key)) throw bad(`server.${key}`, `is not a known option (known: ${[...SERVER_KEYS].join(', ')})`);
  }
  const port = server.port === undefined ? 0 : server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw bad('server.port', `must be an integer 0..65535 (0 = ephemeral), got ${String(server.port)}`);
  }
  const host = server.host === undefined ? '0.0.0.0' : server.host;
  if (typeof host !== 'string' || host === '' || CONTROL.test(host)) {
    throw bad('server.host', 'must be a non-empty host name or IPv4 address');
  }
  const path = server.path === undefined ? '/ws' : server.path;
  if (typeof path !== 'string' || !/^\/[\x21-\x7e]{0,254}$/.test(path) || path.includes('?')) {
    throw bad('server.path', 'must start with "/" and hold only printable ASCII without "?" (max 255 bytes)');
  }
  let allowedOrigins;
  if (server.allowedOrigins !== undefined) {
    if (!Array.isArray(server.allowedOrigins) ||
        !server.allowedOrigins.every((o) => typeof o === 'string' && o.length > 0 && !CONTROL.test(o))) {
      throw bad('server.allowedOrigins', 'must be an array of origins like "https://app.example.com"');
    }
    allowedOrigins = server.allowedOrigins.join('\n');
  }
  if (server.allowClientPublish !== undefined && typeof server.allowClientPublish !== 'boolean') {
    throw bad('server.allowClientPublish', 'must be a boolean');
  }
  const backlog = server.backlog === undefined ? {} : server.backlog;
  if (!isPlainObject(backlog)) throw bad('server.backlog', 'must be an object { maxFrames, maxBytes }');
  const heartbeatMs = intIn(server.heartbeatMs, 'server.heartbeatMs', 0, 3600000, envInt('WS_HEARTBEAT_INTERVAL', 30000));
  const sio = server.socketIo === undefined ? {} : server.socketIo;
  if (sio !== false && !isPlainObject(sio)) throw bad('server.socketIo', 'must be an object { path, pingIntervalMs, pingTimeoutMs } or false');
  const sse = server.sse === undefined ? {} : server.sse;
  if (sse !== false && !isPlainObject(sse)) throw bad('server.sse', 'must be an object { path, heartbeatMs, retryMs } or false');
  const subPath = (v, name, dflt) => {
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || !/^\/[\x21-\x7e]{0,254}$/.test(v) || v.includes('?')) {
      throw bad(name, 'must start with "/" and hold only printable ASCII without "?"');
    }
    return v;
  };
  if (server.authorize !== undefined && typeof server.authorize !== 'function') {
    throw bad('server.authorize', 'must be a function (auth, info) => boolean | Promise<boolean>');
  }
  // server.opsToken (or EVENTWIRE_OPS_TOKEN): GET /stats and /metrics then
  // need "Authorization: Bearer <token>"; /health stays open.
  const opsToken = server.opsToken === undefined ? (process.env.EVENTWIRE_OPS_TOKEN || undefined) : server.opsToken;
  if (opsToken !== undefined && (typeof opsToken !== 'string' || !OPS_TOKEN.test(opsToken))) {
    throw bad(server.opsToken === undefined ? 'EVENTWIRE_OPS_TOKEN' : 'server.opsToken',
      'must be 16..256 characters of A-Z a-z 0-9 - . _ ~ + / (and = padding at the end: a Bearer token), e.g. from `openssl rand -hex 24`');
  }
  const sseHeartbeatMs = sse === false ? 0
    : intIn(sse.heartbeatMs, 'server.sse.heartbeatMs', 0, 3600000, envInt('SSE_HEARTBEAT_INTERVAL', 15000, 3600000));
  return {
    port,
    host,
    path,
    maxConnections: intIn(server.maxConnections, 'server.maxConnections', 1, 1000000, 10000),
    maxPayload: intIn(server.maxPayload, 'server.maxPayload', 16, 64 * 1024 * 1024, 64 * 1024),
    // 0 turns heartbeats off (the engine takes a negative value for that).
    heartbeatMs: heartbeatMs === 0 ? -1 : heartbeatMs,
    handshakeTimeoutMs: intIn(server.handshakeTimeoutMs, 'server.handshakeTimeoutMs', 10, 600000, 10000),
    allowedOrigins,
    allowClientPublish: server.allowClientPublish === true,
    backlogMaxFrames: intIn(backlog.maxFrames, 'server.backlog.maxFrames', 1, 1 << 24, 4096),
    backlogMaxBytes: intIn(backlog.maxBytes, 'server.backlog.maxBytes', 1024, 1024 * 1024 * 1024, 4 * 1024 * 1024),
    // '' turns a transport off in the engine.
    sioPath: sio === false ? '' : subPath(sio.path, 'server.socketIo.path', '/socket.io/'),
    sioPingIntervalMs: sio === false ? 0 : intIn(sio.pingIntervalMs, 'server.socketIo.pingIntervalMs', 50, 3600000, 25000),
    sioPingTimeoutMs: sio === false ? 0 : intIn(sio.pingTimeoutMs, 'server.socketIo.pingTimeoutMs', 50, 3600000, 20000),
    ssePath: sse === false ? '' : subPath(sse.path, 'server.sse.path', '/events'),
    sseHeartbeatMs: sseHeartbeatMs === 0 ? -1 : sseHeartbeatMs,
    sseRetryMs: sse === false ? 0 : intIn(sse.retryMs, 'server.sse.retryMs', 1, 3600000, 3000),
    authorize: server.authorize,
    sioAuthorize: typeof server.authorize === 'function',
    httpAuthorize: typeof server.authorize === 'function',
    opsToken,
  };
}

// redis: 'redis://[:password@]host[:port][/db]', true (REDIS_URL), or
// { url, prefix, stream, retention, queueSize, connectTimeoutMs, maxReconnectAttempts }.
// REDIS_URL is read only when Redis is asked for: a plain bus stays local.
function parseRedisUrl(url, name) {
  let u;
  try {
    u = new URL(url);
  } catch (err) {
    throw bad(name, `must be a URL like redis://[:password@]host:port[/db], got "${url}"`);
  }
  if (u.protocol !== 'redis:') throw bad(name, `must use the redis:// scheme (TLS is not supported yet), got "${u.protocol}"`);
  if (!u.hostname) throw bad(name, 'needs a host');
  if (u.username && u.username !== 'default') {
    throw bad(name, 'ACL user names are not supported: use redis://:password@host');
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0 || db > 1000) throw bad(name, `has a bad database number "${u.pathname.slice(1)}"`);
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(name, `has a bad port "${u.port}"`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
  };
}

function normalizeRedis(redis) {
  if (redis === undefined || redis === false || redis === null) return null;
  if (redis === true) redis = {};
  if (typeof redis === 'string') redis = { url: redis };
  if (!isPlainObject(redis)) throw bad('redis', 'must be a redis:// URL, true (REDIS_URL) or an object { url, ... }');
  const known = ['url', 'prefix', 'stream', 'retention', 'queueSize', 'connectTimeoutMs', 'maxReconnectAttempts'];
  for (const key of Object.keys(redis)) {
    if (!known.includes(key)) throw bad(`redis.${key}`, `is not a known option (known: ${known.join(', ')})`);
  }
  const url = redis.url === undefined ? process.env.REDIS_URL : redis.url;
  if (!url) throw bad('redis', 'needs a url (or the REDIS_URL environment variable)');
  if (typeof url !== 'string') throw bad('redis.url', 'must be a string');
  const prefix = redis.prefix === undefined ? 'eventwire' : redis.prefix;
  if (typeof prefix !== 'string' || !prefix || CONTROL.test(prefix)) throw bad('redis.prefix', 'must be a non-empty string');
  const stream = redis.stream === undefined ? `${prefix}:events` : redis.stream;
  if (typeof stream !== 'string' || !stream || CONTROL.test(stream) || Buffer.byteLength(stream) > 512) {
    throw bad('redis.stream', 'must be a stream key (1..512 bytes, no control characters)');
  }
  return {
    ...parseRedisUrl(url, redis.url === undefined ? 'REDIS_URL' : 'redis.url'),
    stream,
    retention: intIn(redis.retention, 'redis.retention', 1, Number.MAX_SAFE_INTEGER, envInt('REDIS_STREAM_RETENTION', 100000)),
    queueSize: intIn(redis.queueSize, 'redis.queueSize', 1, 10000000, envInt('EVENT_QUEUE_SIZE', 10000)),
    connectTimeoutMs: intIn(redis.connectTimeoutMs, 'redis.connectTimeoutMs', 10, 600000, 5000),
    maxReconnectAttempts: intIn(redis.maxReconnectAttempts, 'redis.maxReconnectAttempts', 1, 1000000,
      envInt('MAX_RECONNECT_ATTEMPTS', 10)),
  };
}

function normalizeHistory(history) {
  if (history === undefined) return { size: 10000, maxAgeMs: 86400000, given: false };
  if (!isPlainObject(history)) throw bad('history', 'must be an object { size, maxAgeMs }');
  for (const key of Object.keys(history)) {
    if (key !== 'size' && key !== 'maxAgeMs') throw bad(`history.${key}`, 'is not a known option (known: size, maxAgeMs)');
  }
  return {
    size: intIn(history.size, 'history.size', 1, 10000000, 10000),
    maxAgeMs: intIn(history.maxAgeMs, 'history.maxAgeMs', 1, Number.MAX_SAFE_INTEGER, 86400000),
    given: true,
  };
}

function normalizeOptions(options) {
  if (options === undefined || options === null) options = {};
  if (!isPlainObject(options)) throw bad('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw bad(key, `is not a known option (known: ${[...KNOWN].join(', ')})`);
  }
  const ee2 = { wildcard: true, delimiter: '.' };
  for (const key of EE2_KEYS) if (options[key] !== undefined) ee2[key] = options[key];
  if (typeof ee2.delimiter !== 'string' || ee2.delimiter.length === 0 ||
      Buffer.byteLength(ee2.delimiter) > 8 || CONTROL.test(ee2.delimiter) || ee2.delimiter.includes('*')) {
    throw bad('delimiter', 'must be 1..8 bytes, without "*" or control characters');
  }
  const redis = normalizeRedis(options.redis);
  const source = options.source === undefined ? (process.env.INSTANCE_ID || `${os.hostname()}-${process.pid}`) : options.source;
  if (typeof source !== 'string' || source.length === 0 || source.length > 256 || CONTROL.test(source)) {
    throw bad('source', 'must be a non-empty string of at most 256 characters without control characters');
  }
  const inbox = options.inbox === undefined ? {} : options.inbox;
  if (!isPlainObject(inbox)) throw bad('inbox', 'must be an object { maxEvents, maxBytes }');
  const server = normalizeServer(options.server);
  const history = normalizeHistory(options.history);
  if (options.engine !== undefined && typeof options.engine !== 'boolean') {
    throw bad('engine', 'must be a boolean');
  }
  return {
    ee2,
    server,
    engine: Boolean(options.engine || server || history.given || redis),
    redis,
    history,
    source,
    inbox: {
      maxEvents: positiveInt(inbox.maxEvents, 'inbox.maxEvents'),
      maxBytes: positiveInt(inbox.maxBytes, 'inbox.maxBytes'),
    },
  };
}

module.exports = { normalizeOptions, CONTROL, envInt };
