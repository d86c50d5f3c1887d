// ESM entry: the CommonJS core re-exported by name (one copy of the addon and
// of every singleton, whichever way the package is loaded).
import cjs from './index.js';

export const {
  EventBus,
  EventEmitter2,
  PRIORITIES,
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
  errorTable,
} = cjs;
export default cjs.EventBus;
