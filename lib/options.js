'use strict';
// Validates and normalises EventBus options. Every rejection is an
// ERR_INVALID_OPTION naming the option and what is allowed.
const os = require('os');
const { makeError } = require('./errors');

const EE2_KEYS = ['wildcard', 'delimiter', 'newListener', 'removeListener', 'maxListeners',
  'verboseMemoryLeak', 'ignoreErrors'];
const KNOWN = new Set([...EE2_KEYS, 'server', 'redis', 'engine', 'source', 'inbox']);
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

function normalizeServer(server) {
  if (server === undefined || server === false || server === null) return null;
  if (server === true) server = {};
  if (!isPlainObject(server)) throw bad('server', 'must be an object { port, host } or false');
  const port = server.port === undefined ? 0 : server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw bad('server.port', `must be an integer 0..65535 (0 = ephemeral), got ${String(server.port)}`);
  }
  const host = server.host === undefined ? '0.0.0.0' : server.host;
  if (typeof host !== 'string' || host === '' || CONTROL.test(host)) {
    throw bad('server.host', 'must be a non-empty host name or IPv4 address');
  }
  return { port, host };
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
  if (options.redis) {
    throw bad('redis', 'is not available in this version of eventwire (embedded mode only); pass false or omit it');
  }
  const source = options.source === undefined ? (process.env.INSTANCE_ID || `${os.hostname()}-${process.pid}`) : options.source;
  if (typeof source !== 'string' || source.length === 0 || source.length > 256 || CONTROL.test(source)) {
    throw bad('source', 'must be a non-empty string of at most 256 characters without control characters');
  }
  const inbox = options.inbox === undefined ? {} : options.inbox;
  if (!isPlainObject(inbox)) throw bad('inbox', 'must be an object { maxEvents, maxBytes }');
  const server = normalizeServer(options.server);
  if (options.engine !== undefined && typeof options.engine !== 'boolean') {
    throw bad('engine', 'must be a boolean');
  }
  return {
    ee2,
    server,
    engine: Boolean(options.engine || server),
    source,
    inbox: {
      maxEvents: positiveInt(inbox.maxEvents, 'inbox.maxEvents'),
      maxBytes: positiveInt(inbox.maxBytes, 'inbox.maxBytes'),
    },
  };
}

module.exports = { normalizeOptions, CONTROL };
