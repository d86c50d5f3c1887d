'use strict';
// Builds event envelopes (DESIGN §3) and the engine batch records
// (native/src/batch.c): name and payload are validated and serialised here,
// once, on the JS thread.
const native = require('./native');
const { makeError } = require('./errors');
const { CONTROL } = require('./options');

const PRIORITIES = Object.freeze(['low', 'normal', 'high', 'critical']);
const US = '\x1f';
const RS = '\x1e';
const NAME_CACHE_MAX = 10000;

class EnvelopeEncoder {
  constructor(delimiter, source) {
    this.delimiter = delimiter;
    this.source = source;
    this.validNames = new Map(); // name -> "<name> US" (its record's start), bounded
    this.header = ''; // the last record encode() made: header + json + RS
    this.json = '';
    // The header after the id for an event without options: no timestamp
    // (the engine reads it from the id), priority, source, metadata, version.
    this.plainTail = `${US}${US}${US}${source}${US}${US}${US}`;
  }

  /** True when one segment of the name is exactly "*" or "**". */
  hasWildcard(name) {
    if (!name.includes('*')) return false;
    return name.split(this.delimiter).some((s) => s === '*' || s === '**');
  }

  /** Throws unless `name` is an event name; returns "<name> US". */
  checkName(name) {
    const known = this.validNames.get(name);
    if (known !== undefined) return known;
    // A lone surrogate would silently become U+FFFD on its way to C.
    const rc = isWellFormed(name) ? native.eventNameCheck(name, this.delimiter) : -1;
    if (rc !== 0) {
      throw makeError('ERR_INVALID_EVENT_NAME', `"${printable(name)}": names are 1..512 bytes of UTF-8 ` +
        `in at most 32 non-empty segments split by "${this.delimiter}", without control characters`);
    }
    if (this.validNames.size >= NAME_CACHE_MAX) this.validNames.clear();
    const head = name + US;
    this.validNames.set(name, head);
    return head;
  }

  checkPattern(pattern) {
    if (typeof pattern !== 'string' || !isWellFormed(pattern) || native.patternCheck(pattern, this.delimiter) !== 0) {
      throw makeError('ERR_INVALID_PATTERN', `${typeof pattern === 'string' ? `"${printable(pattern)}"` : typeof pattern}: ` +
        `patterns are 1..512 bytes in at most 32 non-empty segments split by "${this.delimiter}"; ` +
        `"*" matches one segment, "**" zero or more (not twice in a row)`);
    }
  }

  /** Envelope for an event (the id is taken here, in emit order). */
  localEnvelope(type, data, options) {
    const ms = nextIdMs();
    const env = { id: `${ms}-${idSeq}`, type, data, source: this.source, timestamp: ms };
    if (options) applyOptions(env, options);
    return env;
  }

  /**
   * Envelope of an event whose batch record (native/src/batch.c) is
   * this.header + this.json + RS: two flat strings written one after the
   * other (one string of the whole record is a rope V8 flattens into a
   * third copy before writing it). Throws before anything is queued.
   * `origin` is the token of a client pub, or ''.
   */
  encode(type, data, options, origin = '') {
    const head = this.checkName(type);
    let json;
    try {
      json = JSON.stringify(data);
    } catch (err) {
      throw makeError('ERR_INVALID_PAYLOAD', `"${type}": ${err.message}`);
    }
    if (json === undefined) json = 'null'; // undefined, functions, symbols
    const env = this.localEnvelope(type, data, options);
    // Few pieces: every piece of a template is a string V8 allocates, then
    // copies again when the header is written. The timestamp is left empty:
    // the engine takes the id's milliseconds, which it is.
    let tail = this.plainTail;
    if (env.priority !== undefined || env.metadata !== undefined || env.version !== undefined || env.source !== this.source) {
      const meta = env.metadata === undefined ? '' : JSON.stringify(env.metadata);
      const version = env.version === undefined ? '' : String(env.version);
      tail = `${US}${US}${env.priority || ''}${US}${env.source}${US}${meta}${US}${version}${US}`;
    }
    this.header = `${head}${env.id}${tail}${origin}${US}`;
    this.json = json;
    return env;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function isWellFormed(s) {
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s);
}

// Ids "<ms>-<seq>", strictly increasing per process (per JS realm): every
// event id of a bus is taken on its JS thread, in emit order (client
// publishes come through here too), so history stays sorted by id. A clock
// that steps back keeps the last ms and bumps seq, like Redis stream ids.
let idMs = 0;
let idSeq = 0;
function nextIdMs() {
  const now = Date.now();
  if (now > idMs) {
    idMs = now;
    idSeq = 0;
  } else {
    idSeq++;
  }
  return idMs;
}

function applyOptions(env, options) {
  if (typeof options !== 'object') throw makeError('ERR_INVALID_ARGUMENT', 'publish options must be an object');
  const { priority, metadata, source, version } = options;
  if (priority !== undefined) {
    if (!PRIORITIES.includes(priority)) {
      throw makeError('ERR_INVALID_ARGUMENT', `priority must be one of ${PRIORITIES.join(', ')}, got ${String(priority)}`);
    }
    env.priority = priority;
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw makeError('ERR_INVALID_ARGUMENT', 'metadata must be a plain object');
    }
    try {
      JSON.stringify(metadata);
    } catch (err) {
      throw makeError('ERR_INVALID_PAYLOAD', `metadata: ${err.message}`);
    }
    env.metadata = metadata;
  }
  if (source !== undefined) {
    if (typeof source !== 'string' || source.length === 0 || source.length > 256 || CONTROL.test(source)) {
      throw makeError('ERR_INVALID_ARGUMENT', 'source must be a non-empty string without control characters');
    }
    env.source = source;
  }
  if (version !== undefined) {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw makeError('ERR_INVALID_ARGUMENT', 'version must be a non-negative integer');
    }
    env.version = version;
  }
}

function printable(s) {
  const shown = s.length > 64 ? `${s.slice(0, 64)}…` : s;
  return shown.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

module.exports = { EnvelopeEncoder, PRIORITIES };
