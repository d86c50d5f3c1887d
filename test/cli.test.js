'use strict';
// The `eventwire` command (bin/eventwire.js, lib/cli.js) as users run it:
// separate processes, a real redis-server, a real server started by
// `eventwire serve`. Bad usage and unreachable targets give one-line errors
// with stable codes and exit codes (2), never a stack trace.
const { RedisServer } = require('./helpers/redis');
const { freePort, waitFor } = require('./helpers/net');
const { startCli } = require('./helpers/cli');

jest.setTimeout(30000);

const procs = [];
let redis = null;
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (redis) await redis.kill();
  redis = null;
});

/** Starts the CLI; resolves nothing. proc.out / proc.err grow as it prints. */
const start = (args) => startCli(args, { procs });

/** Runs the CLI to the end: { code, out, err }. */
async function cli(...args) {
  const p = start(args);
  const { code } = await p.done;
  return { code, out: p.out, err: p.err };
}

describe('bad usage: exit 2, ERR_USAGE and what to fix, on stderr', () => {
  test.each([
    [[], /usage:/],
    [['frobnicate'], /ERR_USAGE: unknown command "frobnicate"/],
    [['health'], /ERR_USAGE: give the server URL/],
    [['health', 'localhost:8080'], /ERR_USAGE: the URL must be http:\/\/ or https:\/\//],
    [['health', 'not a url'], /ERR_USAGE: not a URL: not a url/],
    [['tail', 'http://127.0.0.1:9', '--colour', 'red'], /ERR_USAGE: unknown option --colour for "tail"/],
    [['tail', 'http://127.0.0.1:9', '--pattern'], /ERR_USAGE: --pattern needs a value/],
    [['serve', '--port', '70000'], /ERR_USAGE: --port must be an integer 0..65535, got 70000/],
    [['serve', '--admin=yes'], /ERR_USAGE: --admin takes no value/],
    [['serve', '--stream', 's'], /ERR_USAGE: --stream needs --redis/],
    [['publish', 'a.b'], /ERR_USAGE: give --redis/],
    [['publish', '--redis', 'redis://127.0.0.1:9', 'a.b', '{bad'], /ERR_USAGE: the data is not JSON/],
    [['publish', '--redis', 'redis://127.0.0.1:9'], /ERR_USAGE: give the event type/],
    [['history', '--redis', 'redis://127.0.0.1:9', '--count', '0'], /ERR_USAGE: --count must be an integer 1..10000, got 0/],
  ])('%j', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.out).toBe('');
  });

  test('--help prints the usage on stdout and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/eventwire tail {4}<url>/);
  });
});

test('unreachable server or Redis: exit 2 with ERR_UNREACHABLE / ERR_REDIS_UNAVAILABLE', async () => {
  const port = await freePort();
  const h = await cli('health', `http://127.0.0.1:${port}`);
  expect(h.code).toBe(2);
  expect(h.err).toMatch(new RegExp(`^eventwire: ERR_UNREACHABLE: cannot reach http://127.0.0.1:${port}/health: ECONNREFUSED\\n$`));
  const p = await cli('publish', '--redis', `redis://127.0.0.1:${port}`, 'a.b', '{}');
  expect(p.code).toBe(2);
  expect(p.err).toMatch(/^eventwire: ERR_REDIS_UNAVAILABLE: .*(refused|connect)/i);
});

test('serve with Redis; publish, tail, history, health, stats, metrics against it; SIGINT stops it cleanly', async () => {
  redis = await RedisServer.start();
  const url = redis.url();
  const port = await freePort();
  const server = start(['serve', '--port', String(port), '--redis', url, '--stream', 'cli:events']);
  await waitFor(() => /listening on/.test(server.out), { timeoutMs: 10000, what: `serve listening (${server.err})` });
  const base = `http://127.0.0.1:${port}`;
  expect(server.out).toContain(`listening on ${base}`);

  const tail = start(['tail', base, '--pattern', 'order.*']);
  await waitFor(async () => (JSON.parse((await cli('stats', base)).out).subscriptions === 1), { timeoutMs: 5000, what: 'tail subscribed' });

  const ids = [];
  for (const [type, data] of [['order.placed', '{"id":1}'], ['user.created', '{"id":2}'], ['order.paid', '{"id":3,"total":9.5}']]) {
    const r = await cli('publish', '--redis', url, '--stream', 'cli:events', type, data, '--priority', 'high');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^\d+-\d+\n$/);
    ids.push(r.out.trim());
  }
  await waitFor(() => tail.out.split('\n').filter(Boolean).length >= 2, { timeoutMs: 5000, what: 'two events tailed' });
  const tailed = tail.out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  expect(tailed.map((e) => [e.id, e.type, e.data, e.priority])).toEqual([
    [ids[0], 'order.placed', { id: 1 }, 'high'],
    [ids[2], 'order.paid', { id: 3, total: 9.5 }, 'high'],
  ]);

  // What the bus refuses of the user's input is bad usage too: exit 2, one line.
  for (const [args, code] of [
    [['publish', '--redis', url, 'order.*', '{}'], 'ERR_INVALID_EVENT_NAME'],
    [['publish', '--redis', url, 'order.x', '{}', '--priority', 'urgent'], 'ERR_INVALID_ARGUMENT'],
    [['history', '--redis', url, '--pattern', 'a..b'], 'ERR_INVALID_PATTERN'],
    [['history', '--redis', url, '--since', 'yesterday'], 'ERR_INVALID_SINCE'],
  ]) {
    const r = await cli(...args);
    expect({ args, code: r.code, err: r.err.split('\n').length, out: r.out }).toEqual({ args, code: 2, err: 2, out: '' });
    expect(r.err).toMatch(new RegExp(`^eventwire: ${code}: `));
  }

  const hist = await cli('history', '--redis', url, '--stream', 'cli:events', '--pattern', 'order.*', '--since', ids[0]);
  expect(hist.code).toBe(0);
  expect(hist.out.split('\n').filter(Boolean).map((l) => JSON.parse(l).id)).toEqual([ids[2]]);

  const h = await cli('health', base);
  expect(h.code).toBe(0);
  expect(JSON.parse(h.out)).toMatchObject({ status: 'ok', mode: 'redis' });
  const m = await cli('metrics', base);
  expect(m.code).toBe(0);
  expect(m.out).toMatch(/^eventwire_up 1$/m);
  expect(m.out).toMatch(/^eventwire_redis_relayed_total [1-9]\d*$/m);

  // Delivery dead: health says so with exit 1 (what a probe script needs).
  await redis.kill();
  await waitFor(async () => (await cli('health', base)).code === 1, { timeoutMs: 10000, what: 'health exit 1' });
  expect(JSON.parse((await cli('health', base)).out)).toMatchObject({ status: 'unavailable' });

  tail.kill('SIGINT');
  expect(await tail.done).toEqual({ code: 0, signal: null });
  server.kill('SIGINT');
  expect(await server.done).toEqual({ code: 0, signal: null });
});

test('tail ends with exit 1 and ERR_CLOSED when the server goes away', async () => {
  const port = await freePort();
  const server = start(['serve', '--port', String(port)]);
  await waitFor(() => /listening on/.test(server.out), { timeoutMs: 10000, what: 'serve listening' });
  const tail = start(['tail', `http://127.0.0.1:${port}`]);
  await waitFor(async () => (JSON.parse((await cli('stats', `http://127.0.0.1:${port}`)).out).subscriptions >= 1), { timeoutMs: 5000, what: 'tail subscribed' });
  server.kill('SIGINT');
  expect((await server.done).code).toBe(0);
  const { code } = await tail.done;
  expect(code).toBe(1);
  expect(tail.err).toMatch(/eventwire: ERR_CLOSED: the server ended the stream/);
});

test('serve --admin serves the admin page', async () => {
  const port = await freePort();
  const server = start(['serve', '--port', String(port), '--admin']);
  await waitFor(() => /listening on/.test(server.out), { timeoutMs: 10000, what: 'serve listening' });
  expect(server.out).toContain('/admin)');
  const res = await fetch(`http://127.0.0.1:${port}/admin`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await res.text()).toContain('id="status"');
  server.kill('SIGINT');
  expect((await server.done).code).toBe(0);
});
