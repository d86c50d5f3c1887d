'use strict';
// bus.serveAdmin(): the operator page (lib/admin.html) served by the engine's
// own server, driven in headless Chromium (Debian's, via playwright-core)
// against real buses: status badge from GET /health, counters and rates from
// GET /stats, the live tail over /ws, and a real redis-server killed and
// restarted under it.
const fs = require('fs');
const { chromium } = require('playwright-core');
const { EventBus, EventwireError } = require('../lib');
const native = require('../lib/native');
const { adminPage } = require('../lib/admin');
const { httpGet, waitFor } = require('./helpers/net');
const { RedisServer } = require('./helpers/redis');

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const SERVER = { port: 0, host: '127.0.0.1' };

const buses = [];
let browser = null;
let redis = null;
let pumps = [];

afterEach(async () => {
  for (const stop of pumps.splice(0)) stop();
  if (browser) await browser.close();
  browser = null;
  await Promise.all(buses.splice(0).map((b) => b.close()));
  if (redis) await redis.kill();
  redis = null;
  expect(native.allocLive()).toBe(0);
});

function makeBus(options = {}) {
  const bus = new EventBus({ server: SERVER, ...options });
  buses.push(bus);
  return bus;
}

async function openAdmin(port, path = '/admin') {
  expect(CHROMIUM).toBeDefined(); // scripts/setup installs Debian's chromium
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  page.errors = errors;
  await page.goto(`http://127.0.0.1:${port}${path}`);
  return page;
}

const text = (page, sel) => page.$eval(sel, (el) => el.textContent);
const statValue = (page, key) => page.$eval(`#stat-${key}`, (el) => Number(el.getAttribute('data-value')));

function waitStatus(page, state, timeout = 5000) {
  return page.waitForFunction((s) => document.querySelector('#status').getAttribute('data-state') === s, state, { timeout });
}

function waitTailLive(page, pattern, timeout = 5000) {
  return page.waitForFunction((p) => {
    const el = document.querySelector('#tail-status');
    return el.getAttribute('data-state') === 'live' && el.textContent === `live: ${p}`;
  }, pattern, { timeout });
}

const tailRows = (page) => page.$$eval('#tail-rows tr', (trs) => trs.map((tr) => ({
  id: tr.getAttribute('data-id'),
  type: tr.querySelector('td.type').textContent,
  data: tr.querySelector('td.data').textContent,
})));

/** Emits `type` every 20 ms until the returned function is called. */
function pump(bus, type, make) {
  let i = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < 5; k++, i++) bus.emit(type, make(i));
  }, 20);
  const stop = () => clearInterval(timer);
  pumps.push(stop);
  return stop;
}

test('GET /admin serves the page; serveAdmin validates its path like serveStatic', async () => {
  const bus = makeBus();
  const { port } = await bus.listen();
  expect(bus.serveAdmin()).toBe(bus);
  const res = await httpGet(port, '/admin');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  for (const id of ['status', 'reason', 'counters', 'tail', 'pattern', 'pause', 'redis']) {
    expect(res.body).toContain(`id="${id}"`);
  }
  expect(res.body).toBe(adminPage());
  // Self-contained: no external script, stylesheet or image.
  expect(res.body).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);

  bus.serveAdmin('/ops/admin');
  const nested = await httpGet(port, '/ops/admin');
  expect(nested.status).toBe(200);
  expect(nested.body).toContain('<meta name="eventwire-admin-path" content="/ops/admin">');

  for (const bad of ['bad path', 'admin', '/a b', '/a?b', '', 42, null]) {
    let err;
    try {
      bus.serveAdmin(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventwireError);
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
  }
  expect((await httpGet(port, '/bad')).status).toBe(404);
  // Other methods on a static route: 405 with Allow, the page not sent.
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = await fetch(`http://127.0.0.1:${port}/admin`, { method, body: method === 'DELETE' ? undefined : 'x' });
    const body = await r.json();
    expect({ method, status: r.status, allow: r.headers.get('allow'), code: body.code }).toEqual({ method, status: 405, allow: 'GET', code: 'ERR_METHOD' });
  }
  await bus.close();
  expect(() => bus.serveAdmin()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
});

test('adminPage() puts the routes in escaped attributes, and the server.path in the page', async () => {
  expect(adminPage()).toBe(adminPage()); // read once
  const odd = adminPage({ path: '/a"<b>&', wsPath: '/x\'y' });
  expect(odd).toContain('<meta name="eventwire-admin-path" content="/a&#34;&#60;b&#62;&#38;">');
  expect(odd).toContain('<meta name="eventwire-ws-path" content="/x&#39;y">');

  const bus = makeBus({ server: { ...SERVER, path: '/stream' } });
  const { port } = await bus.listen();
  bus.serveAdmin();
  const page = await openAdmin(port);
  await waitStatus(page, 'ok');
  await waitTailLive(page, '**');
  await waitFor(() => bus.stats().engine.subscriptions === 1, { what: 'the page subscribed on /stream' });
  expect(page.errors).toEqual([]);
}, 30000);

test('the page shows OK, live counters with rates, and a live tail that follows its pattern and pauses', async () => {
  const bus = makeBus();
  const { port } = await bus.listen();
  bus.serveAdmin();
  const page = await openAdmin(port);

  await waitStatus(page, 'ok');
  expect(await text(page, '#status')).toBe('OK');
  expect(await text(page, '#reason')).toBe('');
  expect(await text(page, '#mode')).toBe('embedded');
  expect(await page.$eval('#redis', (el) => el.hidden)).toBe(true);
  await waitTailLive(page, '**');
  expect(await page.$eval('#pattern', (el) => el.value)).toBe('**');
  await page.waitForFunction(() => document.querySelector('#stat-eventsIn').hasAttribute('data-value'));
  const in0 = await statValue(page, 'eventsIn');

  // Event text with markup must show as text.
  for (let i = 0; i < 60; i++) {
    bus.emit('order.placed', { orderId: `o${i}`, note: '<img src=x onerror="window.__pwned=1">' });
  }
  await page.waitForFunction(() => {
    const first = document.querySelector('#tail-rows tr td.data');
    return first && first.textContent.includes('"orderId":"o59"');
  }, null, { timeout: 5000 });
  const rows = await tailRows(page);
  expect(rows).toHaveLength(50); // the last 50, newest first
  expect(rows.map((r) => JSON.parse(r.data).orderId)).toEqual(Array.from({ length: 50 }, (_, k) => `o${59 - k}`));
  for (const r of rows) expect(r.type).toBe('order.placed');
  expect(rows[0].data).toContain('<img src=x onerror=\\"window.__pwned=1\\">');
  expect(await page.$$eval('#tail img', (imgs) => imgs.length)).toBe(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await text(page, '#tail-count')).toBe('60');
  await page.waitForFunction((n) => Number(document.querySelector('#stat-eventsIn').getAttribute('data-value')) >= n,
    in0 + 60, { timeout: 5000 });

  // Rates between polls while events keep coming; the page is a /ws
  // subscriber to ** so deliveries and bytes out move too.
  const stopOrders = pump(bus, 'order.placed', (i) => ({ orderId: `p${i}` }));
  await page.waitForFunction(() => ['eventsIn', 'deliveries', 'bytesOut']
    .every((k) => Number(document.querySelector(`#rate-${k}`).getAttribute('data-value')) > 50), null, { timeout: 6000 });
  expect(await text(page, '#tile-eventsIn')).toMatch(/^[\d,.]+$/);
  expect(await text(page, '#tile-bytesOut')).toMatch(/B\/s$/);
  expect(await text(page, '#tile-connections')).toBe('1');
  expect(await statValue(page, 'connections')).toBe(1);
  const inNow = await statValue(page, 'eventsIn');
  await page.waitForFunction((n) => Number(document.querySelector('#stat-eventsIn').getAttribute('data-value')) > n,
    inNow, { timeout: 5000 });

  // Pause: rows stay put while events are still received and counted.
  await page.click('#pause');
  expect(await text(page, '#pause')).toBe('Resume');
  const frozen = await tailRows(page);
  const countAtPause = Number(await text(page, '#tail-count'));
  await page.waitForFunction((n) => Number(document.querySelector('#tail-count').textContent) > n + 100, countAtPause,
    { timeout: 5000 });
  expect(await tailRows(page)).toEqual(frozen);
  expect(await page.$eval('#tail-status', (el) => el.getAttribute('data-state'))).toBe('paused');
  await page.click('#pause');
  expect(await text(page, '#pause')).toBe('Pause');
  await page.waitForFunction((id) => document.querySelector('#tail-rows tr').getAttribute('data-id') !== id,
    frozen[0].id, { timeout: 5000 });
  stopOrders();

  // A pattern that order.placed does not match: only the control event shows.
  await page.fill('#pattern', 'audit.*');
  await page.click('#apply');
  await waitTailLive(page, 'audit.*');
  expect(await tailRows(page)).toEqual([]);
  for (let i = 0; i < 20; i++) {
    bus.emit('order.placed', { orderId: `late${i}` });
    bus.emit('audit', { nope: i });
    bus.emit('audit.trail.deep', { nope: i });
  }
  bus.emit('audit.login', { user: 'ops' }); // emitted last: once it shows, the others would have too
  await page.waitForFunction(() => document.querySelectorAll('#tail-rows tr').length >= 1, null, { timeout: 5000 });
  const filtered = await tailRows(page);
  expect(filtered.map((r) => r.type)).toEqual(['audit.login']);
  expect(JSON.parse(filtered[0].data)).toEqual({ user: 'ops' });

  // Enter in the input works like the button.
  await page.fill('#pattern', 'order.*');
  await page.press('#pattern', 'Enter');
  await waitTailLive(page, 'order.*');
  bus.emit('order.cancelled', { orderId: 'x1' });
  await page.waitForFunction(() => {
    const td = document.querySelector('#tail-rows tr td.type');
    return td && td.textContent === 'order.cancelled';
  }, null, { timeout: 5000 });
  expect(page.errors).toEqual([]);
}, 60000);

test('when the server goes away the page shows DOWN "unreachable" and no stale numbers', async () => {
  const bus = makeBus();
  const { port } = await bus.listen();
  bus.serveAdmin();
  bus.emit('order.placed', { orderId: 'o1' });
  const page = await openAdmin(port);
  await waitStatus(page, 'ok');
  await page.waitForFunction(() => Number(document.querySelector('#stat-eventsIn').getAttribute('data-value')) >= 1);
  await waitTailLive(page, '**');

  await bus.close();
  await waitStatus(page, 'down', 5000);
  expect(await text(page, '#status')).toBe('DOWN');
  expect(await text(page, '#reason')).toMatch(/^unreachable/);
  expect(await text(page, '#stat-eventsIn')).toBe('–');
  expect(await page.$eval('#stat-eventsIn', (el) => el.hasAttribute('data-value'))).toBe(false);
  expect(await text(page, '#tile-eventsIn')).toBe('–');
  expect(await text(page, '#mode')).toBe('–');
  await page.waitForFunction(() => document.querySelector('#tail-status').getAttribute('data-state') === 'closed',
    null, { timeout: 5000 });
}, 30000);

test('Redis mode: OK, then DOWN naming Redis once redis-server is killed, then OK again after it restarts', async () => {
  redis = await RedisServer.start();
  const bus = makeBus({ redis: { url: redis.url(), maxReconnectAttempts: 1000 } });
  const { port } = await bus.listen();
  bus.serveAdmin();
  const page = await openAdmin(port);

  await waitStatus(page, 'ok');
  expect(await text(page, '#mode')).toBe('redis');
  await page.waitForFunction(() => !document.querySelector('#redis').hidden);
  expect(await text(page, '#redis-state')).toBe('ready');
  expect(await text(page, '#redis-stalled')).toBe('no');
  expect(await text(page, '#redis-queued')).toBe('0 / 10,000');
  await waitTailLive(page, '**');
  await bus.publish('order.placed', { orderId: 'r1' });
  await page.waitForFunction(() => {
    const td = document.querySelector('#tail-rows tr td.data');
    return td && td.textContent === '{"orderId":"r1"}';
  }, null, { timeout: 5000 });

  await redis.kill();
  await waitStatus(page, 'down', 5000);
  expect(await text(page, '#status')).toBe('DOWN');
  expect(await text(page, '#reason')).toMatch(/Redis unavailable/);
  expect(['connecting', 'down']).toContain(await text(page, '#redis-state'));
  // Delivery is dead, not the server: the counters stay live.
  expect(await page.$eval('#stat-eventsIn', (el) => el.hasAttribute('data-value'))).toBe(true);
  bus.emit('order.placed', { orderId: 'r2' }); // queued for Redis while it is down
  await page.waitForFunction(() => document.querySelector('#redis-queued').textContent.startsWith('1 /'), null,
    { timeout: 5000 });
  await page.waitForFunction(() => !['–', 'none'].includes(document.querySelector('#redis-error').textContent),
    null, { timeout: 5000 });

  await redis.start(); // same port, empty dataset
  await waitStatus(page, 'ok', 15000);
  expect(await text(page, '#reason')).toBe('');
  await page.waitForFunction(() => document.querySelector('#redis-state').textContent === 'ready', null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('#redis-queued').textContent === '0 / 10,000', null,
    { timeout: 5000 });
  expect(page.errors).toEqual([]);
}, 60000);

test('serveStatic() again for the same path replaces the document and its type; other routes keep theirs', async () => {
  const bus = makeBus();
  const { port } = await bus.listen();
  bus.serveStatic('/a', 'one').serveStatic('/b', Buffer.from('two'), { contentType: 'text/plain' });
  const get = async (path) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return `${r.status} ${r.headers.get('content-type')} ${await r.text()}`;
  };
  await waitFor(async () => (await get('/b')) === '200 text/plain two', { what: '/b served' });
  expect(await get('/a')).toBe('200 text/html; charset=utf-8 one');
  bus.serveStatic('/a', 'three', { contentType: 'text/plain' });
  await waitFor(async () => (await get('/a')) === '200 text/plain three', { what: '/a replaced' });
  expect(await get('/b')).toBe('200 text/plain two');
  expect(() => bus.serveStatic('/c', 42)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  expect(() => bus.serveStatic('/c', 'x', { contentType: 'a\r\nb' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
});
