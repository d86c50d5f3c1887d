'use strict';
// The `eventwire` command line: run a gateway, watch a server, publish to and
// read from a Redis stream. No dependency beyond the package itself: `tail`
// reads the server's SSE endpoint with fetch (Node >= 18), so it works where
// no WebSocket implementation is installed.
//
//   eventwire serve   [--port 8080] [--host 127.0.0.1] [--redis URL] [--stream S] [--admin] [--allow-publish] [--ops-token T]
//   eventwire tail    <url> [--pattern P]... [--since ID] [--token T]
//   eventwire health  <url>
//   eventwire stats   <url> [--token T]
//   eventwire metrics <url> [--token T]
//   eventwire publish --redis URL [--stream S] <type> [json] [--source S] [--priority P]
//   eventwire history --redis URL [--stream S] [--pattern P] [--count N] [--since ID]
//
// Exit codes: 0 done; 1 the server or Redis answered "no" (unhealthy, an
// error reply, the stream ended); 2 bad usage or unreachable. Errors go to
// stderr as one line `eventwire: <code>: <what to fix>`; data goes to stdout
// (JSON, one event per line for tail and history).

const USAGE = `usage:
  eventwire serve   [--port 8080] [--host 127.0.0.1] [--redis URL] [--stream NAME] [--admin] [--allow-publish]
                    [--ops-token T]                             /stats, /metrics need "Authorization: Bearer T"
                                                                (visible in ps: prefer $EVENTWIRE_OPS_TOKEN)
  eventwire tail    <url> [--pattern P]... [--since ID]        events as JSON lines (SSE, no WebSocket needed)
                    [--token T]                                 sent as "Authorization: Bearer T" (server.authorize)
  eventwire health  <url>                                       exit 0 healthy, 1 unhealthy, 2 unreachable
  eventwire stats   <url> [--token T]                           T: the server's ops token
  eventwire metrics <url> [--token T]                           (default $EVENTWIRE_OPS_TOKEN)
  eventwire publish --redis URL [--stream NAME] <type> [json] [--source S] [--priority P]
  eventwire history --redis URL [--stream NAME] [--pattern P] [--count N] [--since ID]
<url> is the server's base, e.g. http://127.0.0.1:8080`;

const FLAGS = {
  serve: { port: 'value', host: 'value', redis: 'value', stream: 'value', admin: 'bool', 'allow-publish': 'bool', 'ops-token': 'value' },
  tail: { pattern: 'list', since: 'value', token: 'value' },
  health: {},
  stats: { token: 'value' },
  metrics: { token: 'value' },
  publish: { redis: 'value', stream: 'value', source: 'value', priority: 'value' },
  history: { redis: 'value', stream: 'value', pattern: 'value', count: 'value', since: 'value' },
};

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.code = 'ERR_USAGE';
  }
}

/** argv (after the command) -> { flags, args }; unknown flags are errors. */
function parseFlags(command, argv) {
  const spec = FLAGS[command];
  const flags = {};
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      args.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name} for "${command}"`);
    if (kind === 'bool') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (kind === 'list') (flags[name] = flags[name] || []).push(value);
    else flags[name] = value;
  }
  return { flags, args };
}

function baseUrl(arg) {
  if (!arg) throw new UsageError('give the server URL, e.g. http://127.0.0.1:8080');
  let u;
  try {
    u = new URL(arg);
  } catch {
    throw new UsageError(`not a URL: ${arg} (e.g. http://127.0.0.1:8080)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`the URL must be http:// or https://, got ${u.protocol}`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function intFlag(v, name, min, max) {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max}, got ${v}`);
  return n;
}

/** Prints to stderr in the one-line form and returns the exit code. */
function fail(io, code, message, exit) {
  io.err(`eventwire: ${code}: ${message}`);
  return exit;
}

async function get(url, io, headers) {
  try {
    return await fetch(url, { signal: io.signal, headers });
  } catch (err) {
    const c = err && err.cause;
    const why = (c && (c.code || (c.errors && c.errors[0] && c.errors[0].code) || c.message)) || err.message;
    const e = new Error(`cannot reach ${url}: ${why}`);
    e.code = 'ERR_UNREACHABLE';
    throw e;
  }
}

async function cmdHealth(url, io) {
  const res = await get(`${url}/health`, io);
  io.out((await res.text()).trim());
  return res.status === 200 ? 0 : 1;
}

async function cmdText(url, path, flags, io) {
  const token = flags.token || process.env.EVENTWIRE_OPS_TOKEN;
  const res = await get(`${url}${path}`, io, token ? { authorization: `Bearer ${token}` } : undefined);
  const body = (await res.text()).trim();
  if (res.status !== 200) return fail(io, 'ERR_HTTP', `${path} answered ${res.status}: ${body}`, 1);
  io.out(body);
  return 0;
}

// SSE frames -> one JSON line per event; comments (heartbeats) skipped;
// eventwire's own notices (eventwire.gap, eventwire.close) go to stderr.
async function cmdTail(url, flags, io) {
  const q = new URLSearchParams();
  for (const p of flags.pattern || ['**']) q.append('pattern', p);
  if (flags.since) q.set('lastEventId', flags.since);
  const res = await get(`${url}/events?${q}`, io, flags.token ? { authorization: `Bearer ${flags.token}` } : undefined);
  if (res.status !== 200) return fail(io, 'ERR_HTTP', `/events answered ${res.status}: ${(await res.text()).trim()}`, 1);
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (!data.length) continue;
        if (event.startsWith('eventwire.')) io.err(`eventwire: ${event}: ${data.join('\n')}`);
        else io.out(data.join('\n'));
      }
    }
  } catch (err) {
    if (io.signal && io.signal.aborted) return 0; // Ctrl-C
    throw err;
  }
  if (io.signal && io.signal.aborted) return 0;
  return fail(io, 'ERR_CLOSED', 'the server ended the stream', 1);
}

function redisBus(flags) {
  if (!flags.redis) throw new UsageError('give --redis redis://[:password@]host:port[/db]');
  const { EventBus } = require('./index');
  const bus = new EventBus({ redis: { url: flags.redis, ...(flags.stream ? { stream: flags.stream } : {}), maxReconnectAttempts: 1, connectTimeoutMs: 3000 } });
  bus.on('error', () => {}); // failures come back through the awaited calls
  return bus;
}

async function cmdPublish(flags, args, io) {
  const [type, json] = args;
  if (!type) throw new UsageError('give the event type, e.g. eventwire publish --redis URL order.placed \'{"id":1}\'');
  if (args.length > 2) throw new UsageError('publish takes <type> and at most one JSON argument');
  let data = null;
  if (json !== undefined) {
    try {
      data = JSON.parse(json);
    } catch (err) {
      throw new UsageError(`the data is not JSON (${err.message}); quote it for the shell, e.g. '{"id":1}'`);
    }
  }
  const bus = redisBus(flags);
  try {
    await bus.listen();
    const opts = {};
    if (flags.source) opts.source = flags.source;
    if (flags.priority) opts.priority = flags.priority;
    io.out(await bus.publish(type, data, opts));
    return 0;
  } finally {
    await bus.close();
  }
}

async function cmdHistory(flags, args, io) {
  if (args.length) throw new UsageError(`history takes no positional arguments, got ${args.join(' ')}`);
  const q = { count: flags.count === undefined ? 100 : intFlag(flags.count, 'count', 1, 10000) };
  if (flags.pattern) q.pattern = flags.pattern;
  if (flags.since) q.since = flags.since;
  const bus = redisBus(flags);
  try {
    await bus.listen();
    let events;
    try {
      events = await bus.getEventHistory(q);
    } catch (err) {
      if (err.code !== 'ERR_HISTORY_GAP') throw err;
      io.err(`eventwire: ERR_HISTORY_GAP: events after ${flags.since} were trimmed; what the stream keeps follows`);
      events = err.events;
    }
    for (const e of events) io.out(JSON.stringify(e));
    return 0;
  } finally {
    await bus.close();
  }
}

async function cmdServe(flags, args, io) {
  if (args.length) throw new UsageError(`serve takes no positional arguments, got ${args.join(' ')}`);
  const { EventBus } = require('./index');
  const port = flags.port === undefined ? 8080 : intFlag(flags.port, 'port', 0, 65535);
  const host = flags.host || '127.0.0.1';
  const opts = { server: { port, host, allowClientPublish: !!flags['allow-publish'] } };
  if (flags['ops-token'] !== undefined) opts.server.opsToken = flags['ops-token'];
  if (flags.redis) opts.redis = { url: flags.redis, ...(flags.stream ? { stream: flags.stream } : {}) };
  else if (flags.stream) throw new UsageError('--stream needs --redis');
  const bus = new EventBus(opts);
  bus.on('error', (err) => io.err(`eventwire: ${err.code || 'ERR'}: ${err.message}`));
  if (flags.admin) bus.serveAdmin();
  const addr = await bus.listen();
  const base = `http://${addr.host}:${addr.port}`;
  io.out(`listening on ${base} (/ws, /socket.io/, /events, /health, /stats, /metrics${flags.admin ? ', /admin' : ''})`);
  await new Promise((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', resolve, { once: true });
  });
  await bus.close();
  return 0;
}

/**
 * Runs one command. io: { out(line), err(line), signal } (an AbortSignal:
 * Ctrl-C). Resolves with the exit code; never throws.
 */
async function run(argv, io) {
  if (!io.signal) io = { ...io, signal: new AbortController().signal }; // never aborted
  const [command, ...rest] = argv;
  try {
    if (!command) {
      io.err(USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (!FLAGS[command]) throw new UsageError(`unknown command "${command}"`);
    const { flags, args } = parseFlags(command, rest);
    switch (command) {
      case 'serve': return await cmdServe(flags, args, io);
      case 'tail': return await cmdTail(baseUrl(args[0]), flags, io);
      case 'health': return await cmdHealth(baseUrl(args[0]), io);
      case 'stats': return await cmdText(baseUrl(args[0]), '/stats', flags, io);
      case 'metrics': return await cmdText(baseUrl(args[0]), '/metrics', flags, io);
      case 'publish': return await cmdPublish(flags, args, io);
      case 'history': return await cmdHistory(flags, args, io);
      default: throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`eventwire: ERR_USAGE: ${err.message}`);
      io.err(USAGE);
      return 2;
    }
    // Exit 2: what the user typed is wrong (an event name, pattern, id or
    // priority the bus refused), or nothing answered; 1: a server said no.
    const usage = /^ERR_INVALID/.test(err.code || '');
    const unreachable = err.code === 'ERR_UNREACHABLE' || err.code === 'ERR_REDIS_UNAVAILABLE';
    return fail(io, err.code || 'ERR', err.message, usage || unreachable ? 2 : 1);
  }
}

module.exports = { run, USAGE };
