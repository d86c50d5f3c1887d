// ESM entry of eventwire/client: the CommonJS build is the one implementation
// (lib/client.js, also a classic browser script), so CJS and ESM users share
// the same classes (instanceof EventwireError works across both).
import cjs from './client.js';

export const EventwireClient = cjs.EventwireClient;
export const EventwireError = cjs.EventwireError;
export const patternMatches = cjs.patternMatches;
export const compareIds = cjs.compareIds;
export default cjs.EventwireClient;
