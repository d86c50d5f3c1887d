'use strict';
// EventwireError and its subclasses. The codes and messages come from the C
// error table (EW_ERRNO_MAP in native/include/eventwire.h) so C and JS can
// never disagree; this file only groups codes into classes.
const native = require('./native');

class EventwireError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
    if (extra) Object.assign(this, extra);
  }
}
class InvalidArgumentError extends EventwireError {}
class ClosedError extends EventwireError {}
class QueueFullError extends EventwireError {}
class ServerError extends EventwireError {}
class HistoryGapError extends EventwireError {}
class RedisError extends EventwireError {}
class TimeoutError extends EventwireError {}
class EngineError extends EventwireError {}

const CLASS_OF_CODE = {
  ERR_INVALID_ARGUMENT: InvalidArgumentError,
  ERR_INVALID_PATTERN: InvalidArgumentError,
  ERR_INVALID_EVENT_NAME: InvalidArgumentError,
  ERR_INVALID_OPTION: InvalidArgumentError,
  ERR_INVALID_BATCH: InvalidArgumentError,
  ERR_INVALID_PAYLOAD: InvalidArgumentError,
  ERR_INVALID_SINCE: InvalidArgumentError,
  ERR_INVALID_JSON: InvalidArgumentError,
  ERR_UNKNOWN_OP: InvalidArgumentError,
  ERR_FORBIDDEN: ServerError,
  ERR_LIMIT: ServerError,
  ERR_CLOSED: ClosedError,
  ERR_QUEUE_FULL: QueueFullError,
  ERR_LISTEN: ServerError,
  ERR_ALREADY_LISTENING: ServerError,
  ERR_NO_SERVER: ServerError,
  ERR_HISTORY_GAP: HistoryGapError,
  ERR_REDIS_UNAVAILABLE: RedisError,
  ERR_TIMEOUT: TimeoutError,
};

const table = native.errTable(); // [{ errno, code, message }]
const byErrno = new Map(table.map((e) => [e.errno, e]));
const codes = Object.freeze(Object.fromEntries(table.map((e) => [e.code, e.code])));

/** Builds the error for a code, with a message saying what to fix. */
function makeError(code, detail, extra) {
  const entry = table.find((e) => e.code === code);
  if (!entry) throw new Error(`eventwire: unknown error code ${code}`);
  const Cls = CLASS_OF_CODE[code] || EngineError;
  return new Cls(code, detail ? `${entry.message}: ${detail}` : entry.message, extra);
}

/** Builds the error for a negative errno returned by the engine. */
function fromErrno(errno, detail, extra) {
  const entry = byErrno.get(errno);
  if (!entry) return new EngineError('ERR_ENGINE', `engine failure (errno ${errno})`);
  return makeError(entry.code, detail, extra);
}

module.exports = {
  EventwireError,
  InvalidArgumentError,
  ClosedError,
  QueueFullError,
  ServerError,
  HistoryGapError,
  RedisError,
  TimeoutError,
  EngineError,
  codes,
  errorTable: table,
  makeError,
  fromErrno,
};
