// Every way a CommonJS or ESM-interop consumer reaches the exports resolves
// to the same declarations (the package is CommonJS, lib/index.js, with
// __esModule set; lib/index.mjs re-exports the same names for native ESM).
import DefaultBus, {
  EventBus,
  EventEmitter2,
  PRIORITIES,
  codes,
  errorTable,
  EventwireError,
  InvalidArgumentError,
  ClosedError as NamedClosedError,
  QueueFullError,
  ServerError,
  HistoryGapError,
  RedisError,
  TimeoutError,
  EngineError,
} from 'eventwire';
import * as namespace from 'eventwire';
import eventwire = require('eventwire');
import type { EventEnvelope, BusStats, ErrorCode } from 'eventwire';
import { assertType, Equal } from './helpers';

// `export default EventBus` mirrors `module.exports.default = EventBus`
// (and lib/index.mjs's `export default EventBus`). lib/index.js sets
// __esModule, so __importDefault/__importStar (esModuleInterop) and bundlers
// hand out `module.exports.default` (the class) and the exports object itself.
assertType<Equal<typeof DefaultBus, typeof EventBus>>();
assertType<Equal<typeof eventwire.default, typeof EventBus>>();
assertType<Equal<typeof namespace.default, typeof EventBus>>();
// (Caveat: tsc caches a module's "synthetic default" per module type. A
// dynamic `import('eventwire')` anywhere in this project would be typed as
// native ESM importing CommonJS, default = the exports object, and that
// type would then leak into the namespace import above. So the type tests
// avoid import(); see the note at the top of types/index.d.ts.)
new DefaultBus<{ a: number }>().emit('a', 1);

// Every run-time export of lib/index.js (and lib/index.mjs) is declared, except
// the internal makeError/fromErrno.
void [errorTable, EventwireError, InvalidArgumentError, NamedClosedError, QueueFullError,
  ServerError, HistoryGapError, RedisError, TimeoutError, EngineError];
// @ts-expect-error internal helper, not declared (lib/index.mjs does not export it)
import { makeError } from 'eventwire';
// @ts-expect-error internal helper, not declared
void eventwire.fromErrno;

// `const { EventBus } = require('eventwire')` is the destructuring of this object.
const { EventBus: RequiredBus, ClosedError, PRIORITIES: P2 } = eventwire;
assertType<Equal<typeof RequiredBus, typeof EventBus>>();
assertType<Equal<typeof P2, typeof PRIORITIES>>();
void ClosedError;
assertType<Equal<typeof namespace.EventBus, typeof EventBus>>();
assertType<Equal<typeof eventwire.codes, typeof codes>>();

// Statics mirror lib/index.js: EventBus.EventBus and EventBus.PRIORITIES.
assertType<Equal<typeof EventBus.EventBus, typeof EventBus>>();
assertType<Equal<typeof EventBus.PRIORITIES, typeof PRIORITIES>>();

// EventEmitter2 is re-exported (module.exports.EventEmitter2).
const plain = new EventEmitter2({ wildcard: true });
const bus: EventEmitter2 = new EventBus();
void [plain, bus];

type Used = [EventEnvelope, BusStats, ErrorCode];
// @ts-expect-error internal helpers are not part of the types
import type { UntypedOnly } from 'eventwire';
