'use strict';
// server.authorize: the engine asks about a client (EW_MSG_AUTH) and waits
// for one answer (EventBus#_onAuthorize → authorizeClient).
//   Socket.IO connect: auth = its auth payload, info = { transport }.
//   /ws upgrade or /events request (native/src/http.c sends the target and
//   header lines): requestAuth() below.
// true (or { ok: true }) accepts; { ok: true, patterns } accepts and limits
// what the client may subscribe to (the engine checks each subscription:
// native/src/names.c ew__pattern_within); false, { ok: false, message } or a
// throw refuses: a connect_error, or HTTP 401 with the message. Bad patterns
// refuse the client and are reported ('error').
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
    send(ok, ok ? message : String(message || 'not authorized'));
  };
  const accept = (patterns) => {
    if (patterns === undefined) return answer(true, '');
    try {
      if (!Array.isArray(patterns) || patterns.length === 0 || patterns.length > MAX_PATTERNS) {
        throw new Error(`patterns must be an array of 1..${MAX_PATTERNS} patterns; omit it to allow any`);
      }
      for (const p of patterns) checkPattern(p);
    } catch (err) {
      report(makeError('ERR_INVALID_ARGUMENT', `server.authorize returned bad patterns (${err.message})`));
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
    Promise.resolve(hook(auth, info)).then((r) => {
      if (r && typeof r === 'object') {
        if (r.ok === false) answer(false, r.message);
        else accept(r.patterns);
      } else if (r) {
        accept(undefined);
      } else {
        answer(false, undefined);
      }
    }, (err) => answer(false, err && err.message));
  } catch (err) {
    answer(false, err && err.message);
  }
}

module.exports = { authorizeClient, requestAuth };
