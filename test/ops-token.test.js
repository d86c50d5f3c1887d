'use strict';
// server.opsToken: GET /stats and /metrics answer 401 without
// "Authorization: Bearer <token>", /health stays open; the option and its
// env default (EVENTWIRE_OPS_TOKEN) are checked; the CLI's stats/metrics send
// the token (--token or the env) and serve takes --ops-token; the admin page
// reads it from its URL fragment (driven in headless Chromium).
const fs = require('fs');
const { chromium } = require('playwright-core');
const { EventBus } = require('../lib');
const native = require('../lib/native');
const { freePort, waitFor } = require('./helpers/net');
const { startCli } = require('./helpers/cli');

jest.setTimeout(30000);

const TOKEN = 'ops-Token_0123456789.abc~+/';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

const buses = [];
const procs = [];
let browser = null;
const savedEnvToken = process.env.EVENTWIRE_OPS_TOKEN;
beforeEach(() => {
  delete process.env.EVENTWIRE_OPS_TOKEN; // the tests say when there is one
});
afterEach(async () => {
  if (savedEnvToken === undefined) delete process.env.EVENTWIRE_OPS_TOKEN;
  else process.env.EVENTWIRE_OPS_TOKEN = savedEnvToken;
  if (browser) await browser.close();
  browser = null;
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await Promise.all(buses.splice(0).map((b) => b.close()));
  expect(native.allocLive()).toBe(0);
});

async function listening(server = {}) {
  const bus = new EventBus({ server: { port: 0, host: '127.0.0.1', ...server } });
  buses.push(bus);
  const { port } = await bus.listen();
  return { bus, base: `http://127.0.0.1:${port}` };
}

async function get(url, headers) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test('with an ops token, /stats and /metrics need it (401 otherwise); /health does not', async () => {
  const { base } = await listening({ opsToken: TOKEN });
  for (const route of ['/stats', '/metrics']) {
    const none = await get(base + route);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="eventwire"');
    expect(JSON.parse(none.text)).toEqual({
      code: 'ERR_UNAUTHORIZED',
      message: 'this server needs "Authorization: Bearer <server.opsToken>" for /stats and /metrics',
    });
    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, 'Bearer', TOKEN]) {
      expect((await get(base + route, { authorization: wrong })).status).toBe(401);
    }
    const ok = await get(base + route, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    if (route === '/stats') expect(JSON.parse(ok.text)).toHaveProperty('eventsIn');
    else expect(ok.text).toMatch(/^eventwire_up 1$/m);
  }
  const health = await get(`${base}/health`);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.text).status).toBe('ok');
});

test('without a token the counters stay open (the default)', async () => {
  const { base } = await listening();
  expect((await get(`${base}/stats`)).status).toBe(200);
  expect((await get(`${base}/metrics`)).status).toBe(200);
});

test('EVENTWIRE_OPS_TOKEN is the default; a bad token is refused with ERR_INVALID_OPTION naming it', async () => {
  process.env.EVENTWIRE_OPS_TOKEN = TOKEN;
  const { base } = await listening();
  expect((await get(`${base}/stats`)).status).toBe(401);
  expect((await get(`${base}/stats`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  process.env.EVENTWIRE_OPS_TOKEN = 'short';
  expect(() => new EventBus({ server: { port: 0 } })).toThrow(expect.objectContaining({
    code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/^invalid option: EVENTWIRE_OPS_TOKEN must be 16\.\.256 characters/),
  }));
  delete process.env.EVENTWIRE_OPS_TOKEN;
  // 16..256 in all, padding included; = only at the end.
  const padded = `${'a'.repeat(14)}==`;
  const { base: paddedBase } = await listening({ opsToken: padded });
  expect((await get(`${paddedBase}/stats`, { authorization: `Bearer ${padded}` })).status).toBe(200);
  expect((await get(`${paddedBase}/stats`, { authorization: `Bearer ${'a'.repeat(14)}` })).status).toBe(401);
  for (const bad of ['too-short', 'has a space in it 0123', 'x'.repeat(257), `${'a'.repeat(250)}${'='.repeat(7)}`,
    `${'a'.repeat(8)}=${'a'.repeat(8)}`, 42, '', 'quote"0123456789abcdef']) {
    expect(() => new EventBus({ server: { port: 0, opsToken: bad } })).toThrow(expect.objectContaining({
      code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/^invalid option: server\.opsToken must be 16\.\.256 characters/),
    }));
  }
});

const cli = (args, env = {}) => {
  const p = startCli(args, { env, procs });
  p.exited = p.done.then(({ code }) => code);
  return p;
};

test('CLI: serve --ops-token locks the counters; stats/metrics send --token or EVENTWIRE_OPS_TOKEN', async () => {
  const port = await freePort();
  const server = cli(['serve', '--port', String(port), '--ops-token', TOKEN], { EVENTWIRE_OPS_TOKEN: '' });
  await waitFor(() => server.out.includes('listening on'), { timeoutMs: 10000, what: 'eventwire serve' });
  const base = `http://127.0.0.1:${port}`;
  const without = cli(['stats', base], { EVENTWIRE_OPS_TOKEN: '' });
  expect(await without.exited).toBe(1);
  expect(without.err).toMatch(/^eventwire: ERR_HTTP: \/stats answered 401: .*ERR_UNAUTHORIZED/);
  const withFlag = cli(['stats', base, '--token', TOKEN], { EVENTWIRE_OPS_TOKEN: '' });
  expect(await withFlag.exited).toBe(0);
  expect(JSON.parse(withFlag.out)).toHaveProperty('connections');
  const withEnv = cli(['metrics', base], { EVENTWIRE_OPS_TOKEN: TOKEN });
  expect(await withEnv.exited).toBe(0);
  expect(withEnv.out).toMatch(/^eventwire_up 1$/m);
  const health = cli(['health', base], { EVENTWIRE_OPS_TOKEN: '' });
  expect(await health.exited).toBe(0);
  server.kill('SIGINT');
  expect(await server.exited).toBe(0);
});

test('admin page: without the token it says how to give it; with #token=... it shows the counters', async () => {
  const { bus, base } = await listening({ opsToken: TOKEN });
  bus.serveAdmin();
  expect(CHROMIUM).toBeDefined(); // scripts/setup installs Debian's chromium
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(`${base}/admin`);
  await page.waitForFunction(() => document.querySelector('#updated').textContent.includes('ops token'), null, { timeout: 5000 });
  expect(await page.$eval('#updated', (el) => el.textContent)).toBe("GET /stats needs the server's ops token: open this page as /admin#token=<token>");
  expect(await page.$eval('#status', (el) => el.getAttribute('data-state'))).toBe('ok'); // /health is open

  const page2 = await browser.newPage();
  page2.on('pageerror', (err) => errors.push(err));
  await page2.goto(`${base}/admin#token=${encodeURIComponent(TOKEN)}`);
  await page2.waitForFunction(() => document.querySelector('#stat-eventsIn').hasAttribute('data-value'), null, { timeout: 5000 });
  expect(await page2.$eval('#updated', (el) => el.textContent)).toMatch(/^updated /);
  expect(await page2.evaluate(() => location.hash)).toBe(''); // the token leaves the address bar
  expect(errors).toEqual([]);
});
