'use strict';
// `npm run demo` end to end: the demo process serves its page from the C
// engine; headless Chromium (Debian's, driven by playwright-core) loads it,
// sees live events, and switches the wildcard pattern. Then Ctrl-C (SIGINT)
// shuts the demo down cleanly.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { waitFor } = require('./helpers/net');

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

function startDemo() {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'examples', 'demo.js')], {
    env: { ...process.env, PORT: '0', DEMO_RATE: '400' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 15000);
    child.stdout.on('data', () => {
      const m = out.match(/open (http:\/\/[\d.]+:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`demo exited ${code}:\n${out}`)));
  });
  return { child, url, output: () => out };
}

test('the demo page shows live events and filters them by the typed pattern', async () => {
  expect(CHROMIUM).toBeDefined(); // scripts/setup installs Debian's chromium
  const demo = startDemo();
  let browser;
  try {
    const url = await demo.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('live'), null, { timeout: 10000 });
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 5, null, { timeout: 10000 });
    const types = await page.$$eval('#rows td.type', (tds) => tds.map((td) => td.textContent));
    expect(types.length).toBeGreaterThanOrEqual(5);
    for (const t of types) expect(t).toMatch(/^order\.[^.]+$/);

    await page.fill('#pattern', 'learning.**');
    await page.click('button');
    await page.waitForFunction(() => document.querySelector('#current').textContent === 'learning.**');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 5, null, { timeout: 10000 });
    const after = await page.$$eval('#rows td.type', (tds) => tds.map((td) => td.textContent));
    for (const t of after) expect(t).toMatch(/^learning\./);
    expect(after.some((t) => t === 'learning.path.recomputed' || t === 'learning.progress')).toBe(true);
    // The terminal shows the live rate line with the connected page.
    await waitFor(() => /rate \d+ ev\/s \| clients 1/.test(demo.output()), { what: 'rate line with the page connected' });
  } finally {
    if (browser) await browser.close();
    const exited = new Promise((resolve) => demo.child.on('exit', (code, signal) => resolve({ code, signal })));
    demo.child.kill('SIGINT');
    const { code } = await exited;
    expect(code).toBe(0);
    expect(demo.output()).toMatch(/closed cleanly after \d+ events/);
  }
}, 60000);
