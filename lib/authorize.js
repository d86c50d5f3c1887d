'use strict';
// server.authorize: the engine asks about a client (EW_MSG_AUTH) and waits
// for one answer (lib/engine-messages.js onAuthorize → authorizeClient).
//   Socket.IO connect: auth = its auth payload, info = { transport }.
//   /ws upgrade or /events request (native/src/http.c sends the target and
//   header lines): requestAuth() below.
// true (or { ok: true }) accepts; { ok: true, patterns } accepts and limits
// what the client may subscribe to (the engine checks each subscription:
// native/src/names.c ew__pattern_within); false, { ok: false, message } or a
// throw refuses: a connect_error, or HTTP 401 with the message. Bad patterns,
// and any other value (undefined, {}, a string...), refuse the client and are
// reported ('error'): the hook fails closed.
const { makeError } = require('./errors');

const MAX_PATTERNS = 64; // a connection holds at most this many (EW__MAX_PATTERNS)

// The hook's view of a /ws or /events request: auth = { token } from
// "Authorization: Bearer <token>" or the `token` query parameter (browsers
// cannot set headers on a WebSocket or an EventSource); info = { transport,
// path, query, headers } with headers keyed in lower case as in Node's
// IncomingMessage (repeats joined with ", ", cookies with "; "), and query
// values strings (arrays when repeated, as querystring.parse gives them).
function requestAuth({ transport, path, headers: lines }) {
  // Null prototypes: a client's "__proto__" header or query key stays data.
  const headers = Object.create(null);
  for (const [name, value] of lines) {
    const k = name.toLowerCase();
    headers[k] = headers[k] === undefined ? value : `${headers[k]}${k === 'cookie' ? '; ' : ', '}${value}`;
  }
  const q = path.indexOf('?');
  const query = Object.create(null);
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : path.slice(q + 1))) {
    query[k] = query[k] === undefined ? v : [].concat(query[k], v); // repeats: an array, as querystring.parse
  }
  const bearer = /^Bearer +(\S+)\s*$/i.exec(headers.authorization || '');
  const auth = {};
  if (bearer) auth.token = bearer[1];
  else if (query.token !== undefined) auth.token = [].concat(query.token)[0];
  return [auth, { transport, path: q < 0 ? path : path.slice(0, q), query, headers }];
}

/**
 * Runs the hook for one client and gives exactly one answer:
 * answer(true, patterns joined with "\n" or '') or answer(false, message).
 * A Socket.IO connect is refused when the hook has not settled within
 * timeoutMs: a hook that never settles must not hold the engine's pending
 * slot (1,024, shared with client publishes) or leave the client waiting.
 * (/ws and /events: the engine answers 503 ERR_TIMEOUT at that deadline and
 * frees the slot itself.)
 */
function authorizeClient(json, { hook, timeoutMs, checkPattern, report, answer: send }) {
  let answered = false;
  let timer = null;
  const answer = (ok, message) => {
    if (answered) return;
    answered = true;
    if (timer) clearTimeout(timer);
    let text = message;
    if (!ok) {
      try {
        text = String(message || 'not authorized');
      } catch {
        text = 'not authorized'; // a message whose toString throws
      }
    }
    send(ok, text);
  };
  const accept = (patterns) => {
    if (patterns === undefined) return answer(true, '');
    try {
      if (!Array.isArray(patterns) || patterns.length === 0 || patterns.length > MAX_PATTERNS) {
        throw new Error(`patterns must be an array of 1..${MAX_PATTERNS} patterns; omit it to allow any`);
      }
      for (const p of patterns) checkPattern(p);
    } catch (err) {
      reportSafely(makeError('ERR_INVALID_ARGUMENT', `server.authorize returned bad patterns (${err.message})`));
      return answer(false, 'server error: bad patterns from server.authorize');
    }
    return answer(true, patterns.join('\n'));
  };
  try {
    const req = JSON.parse(json);
    const [auth, info] = req.transport === 'socket.io' ? [req.auth, { transport: req.transport }] : requestAuth(req);
    if (req.transport === 'socket.io') {
      timer = setTimeout(() => answer(false, `server.authorize did not answer within ${timeoutMs} ms`), timeoutMs);
      timer.unref();
    }
    Promise.resolve(hook(auth, info))
      .then((r) => decide(r), (err) => answer(false, messageOf(err)))
      .catch((err) => answer(false, messageOf(err))); // a throwing getter or 'error' listener
  } catch (err) {
    answer(false, messageOf(err));
  }

  // Fails closed: only `true` or `{ ok: true, ... }` lets a client in. Any
  // other value (undefined from a forgotten return, {}, a string, an array
  // of patterns without { ok: true }) refuses it and is reported, so a hook
  // bug cannot open the server.
  function decide(r) {
    if (r === true) return accept(undefined);
    if (r === false || r === null) return answer(false, undefined);
    if (typeof r === 'object' && !Array.isArray(r)) {
      if (r.ok === true) return accept(r.patterns);
      if (r.ok === false) return answer(false, r.message);
    }
    reportSafely(makeError('ERR_INVALID_ARGUMENT', `server.authorize returned ${describe(r)}: ` +
      'return true, false, { ok: true, patterns? } or { ok: false, message? } (the client was refused)'));
    return answer(false, 'server error: server.authorize gave no answer');
  }

  function reportSafely(err) {
    try {
      report(err);
    } catch {
      // a throwing 'error' listener must not leave the client unanswered
    }
  }
}

function messageOf(err) {
  try {
    return err && err.message !== undefined ? String(err.message) : undefined;
  } catch {
    return undefined;
  }
}

function describe(v) {
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return `an object without ok: true|false`;
  return `a ${typeof v}`;
}

module.exports = { authorizeClient, requestAuth };
