// Error classes, their stable codes, and the codes table.
import {
  ClosedError,
  EngineError,
  EventBus,
  EventEnvelope,
  ErrorCode,
  EventwireError,
  HistoryGapError,
  InvalidArgumentError,
  QueueFullError,
  RedisError,
  ServerError,
  TimeoutError,
  codes,
  errorTable,
} from 'eventwire';
import { assertType, Equal } from './helpers';

assertType<Equal<ErrorCode,
  | 'ERR_INVALID_ARGUMENT' | 'ERR_NO_MEMORY' | 'ERR_CLOSED' | 'ERR_QUEUE_FULL'
  | 'ERR_INVALID_PATTERN' | 'ERR_INVALID_EVENT_NAME' | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_BATCH' | 'ERR_INVALID_PAYLOAD' | 'ERR_LISTEN' | 'ERR_ALREADY_LISTENING'
  | 'ERR_NO_SERVER' | 'ERR_THREAD' | 'ERR_ENGINE' | 'ERR_HISTORY_GAP'
  | 'ERR_REDIS_UNAVAILABLE' | 'ERR_TIMEOUT' | 'ERR_INVALID_JSON' | 'ERR_UNKNOWN_OP'
  | 'ERR_INVALID_SINCE' | 'ERR_FORBIDDEN' | 'ERR_LIMIT'>>();

// codes: every code keyed by itself.
const closedCode: 'ERR_CLOSED' = codes.ERR_CLOSED;
void closedCode;
assertType<Equal<keyof typeof codes, ErrorCode>>();
// @ts-expect-error not a code
void codes.ERR_NOPE;
// @ts-expect-error codes is read-only
codes.ERR_CLOSED = 'ERR_CLOSED';

for (const entry of errorTable) {
  const errno: number = entry.errno;
  const code: ErrorCode = entry.code;
  const message: string = entry.message;
  void [errno, code, message];
}

function handle(err: unknown): string {
  if (err instanceof EventwireError) {
    const code: ErrorCode = err.code;
    const asError: Error = err;
    void asError;
    // @ts-expect-error a code is one of ErrorCode, not any string
    const bogus: typeof err.code = 'ERR_BOGUS';
    void bogus;
    switch (err.code) {
      case 'ERR_QUEUE_FULL':
        return `dropped ${err.dropped ?? 0}`;
      // @ts-expect-error not an ErrorCode
      case 'ERR_WHATEVER':
        return '';
      default:
        return code;
    }
  }
  if (err instanceof ClosedError) {
    assertType<Equal<typeof err.code, 'ERR_CLOSED'>>();
  }
  return 'other';
}
void handle;

declare const someError: EventwireError;
// @ts-expect-error code is read-only
someError.code = 'ERR_CLOSED';

// Each class narrows `code` to the codes it is thrown with.
declare const invalid: InvalidArgumentError;
assertType<Equal<typeof invalid.code,
  'ERR_INVALID_ARGUMENT' | 'ERR_INVALID_PATTERN' | 'ERR_INVALID_EVENT_NAME'
  | 'ERR_INVALID_OPTION' | 'ERR_INVALID_BATCH' | 'ERR_INVALID_PAYLOAD'
  | 'ERR_INVALID_SINCE' | 'ERR_INVALID_JSON' | 'ERR_UNKNOWN_OP'>>();
declare const server: ServerError;
assertType<Equal<typeof server.code,
  'ERR_LISTEN' | 'ERR_ALREADY_LISTENING' | 'ERR_NO_SERVER' | 'ERR_FORBIDDEN' | 'ERR_LIMIT'>>();
declare const full: QueueFullError;
assertType<Equal<typeof full.code, 'ERR_QUEUE_FULL'>>();
declare const gap: HistoryGapError;
assertType<Equal<typeof gap.code, 'ERR_HISTORY_GAP'>>();
// getEventHistory()'s gap carries the events still kept.
assertType<Equal<typeof gap.events, EventEnvelope[] | undefined>>();
for (const ev of gap.events ?? []) void ev.id;
// @ts-expect-error events may be absent
void gap.events.length;
// @ts-expect-error events is read-only
gap.events = [];
declare const redis: RedisError;
assertType<Equal<typeof redis.code, 'ERR_REDIS_UNAVAILABLE'>>();
declare const timeout: TimeoutError;
assertType<Equal<typeof timeout.code, 'ERR_TIMEOUT'>>();
declare const engine: EngineError;
assertType<Equal<typeof engine.code, 'ERR_NO_MEMORY' | 'ERR_THREAD' | 'ERR_ENGINE'>>();

// Every subclass is an EventwireError and an Error.
const all: EventwireError[] = [invalid, server, full, gap, redis, timeout, engine];
const asErrors: Error[] = all;
void asErrors;

// Constructors take a code of their class.
const e1 = new EventwireError('ERR_ENGINE', 'engine failure');
const e2 = new QueueFullError('ERR_QUEUE_FULL', 'queue is full', { dropped: 3 });
void [e1, e2];
// @ts-expect-error not a code of ClosedError
new ClosedError('ERR_TIMEOUT', 'x');
// @ts-expect-error not an ErrorCode at all
new EventwireError('ERR_NOPE', 'x');
new InvalidArgumentError('ERR_INVALID_SINCE', 'since must be an event id');
new ServerError('ERR_FORBIDDEN', 'not allowed');
// @ts-expect-error ERR_LIMIT is a ServerError code
new InvalidArgumentError('ERR_LIMIT', 'x');

// Promise rejections from the bus are EventwireErrors in practice; catch
// clauses stay `unknown` (useUnknownInCatchVariables) and narrow by class.
async function closing(): Promise<void> {
  const bus = new EventBus();
  await bus.close();
  try {
    await bus.publish('x');
  } catch (err) {
    if (err instanceof ClosedError) assertType<Equal<typeof err.code, 'ERR_CLOSED'>>();
  }
}
void closing;
