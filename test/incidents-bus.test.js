'use strict';
// eventwire/compat/incidents-bus: the drop-in for a hand-written in-memory
// incidentsBus. Enabled: incidents go through the shared EventBus (one
// singleton) and subscribers still get the incident object. Disabled with
// EVENTWIRE_ENABLED=0: the legacy Set of callbacks, and the native addon is
// never loaded. Each mode gets its own module registry (jest.isolateModules),
// so the module reads the flag fresh.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const NATIVE = path.join(LIB, 'native.js');
const INDEX = path.join(LIB, 'index.js');
const NEXT = path.join(LIB, 'next.js');
const BUS_KEY = Symbol.for('eventwire.bus');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');

// The core modules that EVENTWIRE_ENABLED=0 must never load.
const CORE = [['next', NEXT], ['index', INDEX], ['native', NATIVE]];

/**
 * Loads the module in a fresh registry (jest.isolateModules) with the flag
 * set as given and runs `use(ib)` inside it. lib/next.js, lib/index.js and
 * lib/native.js are replaced by pass-through mocks that record their loading
 * in `out.loaded` (Jest's require.cache always shows the main registry, not
 * the isolated one, so it cannot tell).
 */
function loadIsolated(flag, use = () => {}) {
  const saved = process.env.EVENTWIRE_ENABLED;
  if (flag === undefined) delete process.env.EVENTWIRE_ENABLED;
  else process.env.EVENTWIRE_ENABLED = flag;
  const out = { loaded: [] };
  try {
    jest.isolateModules(() => {
      for (const [name, file] of CORE) {
        jest.doMock(file, () => {
          out.loaded.push(name);
          return jest.requireActual(file);
        });
      }
      out.ib = require('../lib/compat/incidents-bus');
      use(out.ib);
      if (out.ib.isEventwireEnabled()) {
        out.EventBus = require('../lib/index').EventBus;
        out.next = require('../lib/next');
      }
    });
  } finally {
    for (const [, file] of CORE) jest.dontMock(file);
    if (saved === undefined) delete process.env.EVENTWIRE_ENABLED;
    else process.env.EVENTWIRE_ENABLED = saved;
  }
  return out;
}

/** The process.emitWarning() calls made while fn runs. */
function warningsDuring(fn) {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
  try {
    fn();
    return spy.mock.calls.map(([message, options]) => ({ message, ...options }));
  } finally {
    spy.mockRestore();
  }
}

describe('enabled (default): incidents go through the shared EventBus', () => {
  let ib;
  let isolated;
  const busesToClose = new Set();

  beforeAll(() => {
    isolated = loadIsolated(undefined, (m) => m.getBus());
    ib = isolated.ib;
  });
  afterAll(async () => {
    const bus = ib.getBus();
    busesToClose.add(bus);
    for (const b of busesToClose) await b.close();
    delete globalThis[BUS_KEY];
  });

  test('isEventwireEnabled() is true and getBus() is the one shared EventBus', () => {
    expect(ib.isEventwireEnabled()).toBe(true);
    const bus = ib.getBus();
    expect(bus).toBeInstanceOf(isolated.EventBus);
    expect(ib.getBus()).toBe(bus);
    // The process-wide bus of eventwire/next, on its global slot.
    expect(isolated.next.getEventBus()).toBe(bus);
    expect(globalThis[BUS_KEY].bus).toBe(bus);
    expect(bus.closed).toBe(false);
    // Enabled, the first use loads the core (lib/next.js, lib/index.js, the addon).
    expect(isolated.loaded).toEqual(['next', 'index', 'native']);
    expect(ib.INCIDENT_EVENT).toBe('incident');
  });

  test('publish reaches subscribe callbacks and the bus\'s on("incident") listeners with the incident itself', () => {
    const bus = ib.getBus();
    const a = [];
    const b = [];
    const onBus = [];
    const envelopes = [];
    const offA = ib.subscribe((i) => a.push(i));
    const offB = ib.subscribe((i) => b.push(i));
    const listener = (i) => onBus.push(i);
    bus.on('incident', listener);
    const offEnv = bus.subscribe('incident', (e) => envelopes.push(e));
    const incident = { id: 'inc-1', severity: 'high', title: 'db down' };
    expect(ib.publish(incident)).toBeUndefined();
    ib.publish({ id: 'inc-2', severity: 'low', title: 'slow' });
    expect(a).toEqual([incident, { id: 'inc-2', severity: 'low', title: 'slow' }]);
    expect(a[0]).toBe(incident); // the same object, as the in-memory module passed it
    expect(b).toEqual(a);
    expect(onBus).toEqual(a);
    expect(envelopes.map((e) => [e.type, e.data])).toEqual([['incident', incident], ['incident', a[1]]]);
    expect(offA()).toBe(true);
    expect(offB()).toBe(true);
    expect(offEnv()).toBe(true);
    bus.off('incident', listener);
    expect(bus.listenerCount('incident')).toBe(0);
  });

  test('events emitted on the bus by other code reach incident subscribers', () => {
    const bus = ib.getBus();
    const got = [];
    const off = ib.subscribe((i) => got.push(i));
    bus.emit('incident', { id: 'from-emit' });
    bus.emit({ type: 'incident', source: 'monitor', data: { id: 'from-envelope' } });
    bus.emit('incident.other', { id: 'not-an-incident' });
    expect(got).toEqual([{ id: 'from-emit' }, { id: 'from-envelope' }]);
    expect(off()).toBe(true);
  });

  test('unsubscribe works both ways; a function subscribed twice is called once', () => {
    const bus = ib.getBus();
    const got = [];
    const cb = (i) => got.push(i);
    const off1 = ib.subscribe(cb);
    const off2 = ib.subscribe(cb);
    expect(bus.listenerCount('incident')).toBe(1);
    ib.publish(1);
    expect(got).toEqual([1]);
    expect(off1()).toBe(true);
    expect(off2()).toBe(false);
    expect(bus.listenerCount('incident')).toBe(0);
    ib.publish(2);
    expect(got).toEqual([1]);

    const other = [];
    const cb2 = (i) => other.push(i);
    const off3 = ib.subscribe(cb2);
    ib.publish(3);
    expect(ib.unsubscribe(cb2)).toBe(true);
    expect(ib.unsubscribe(cb2)).toBe(false);
    expect(off3()).toBe(false);
    ib.publish(4);
    expect(other).toEqual([3]);
    expect(bus.listenerCount('incident')).toBe(0);
    expect(() => ib.subscribe('nope')).toThrow(new TypeError('subscribe(cb) needs a function'));
  });

  test('a throwing subscriber does not stop the others; it is reported as a warning', async () => {
    const got = [];
    const offBad = ib.subscribe(() => {
      throw new Error('controller closed');
    });
    const offGood = ib.subscribe((i) => got.push(i));
    const warnings = warningsDuring(() => ib.publish({ id: 'x' }));
    expect(got).toEqual([{ id: 'x' }]);
    expect(warnings).toEqual([{
      message: 'an incidents-bus subscriber threw: controller closed',
      type: 'EventwireWarning',
      code: 'EVENTWIRE_SUBSCRIBER_ERROR',
    }]);
    expect(offBad()).toBe(true);
    expect(offGood()).toBe(true);
  });

  test('subscribers follow the shared bus when it is closed and created again', async () => {
    const got = [];
    const off = ib.subscribe((i) => got.push(i));
    const first = ib.getBus();
    await first.close();
    busesToClose.add(first);
    const second = ib.getBus();
    expect(second).not.toBe(first);
    expect(globalThis[BUS_KEY].bus).toBe(second);
    expect(first.listenerCount('incident')).toBe(0);
    expect(second.listenerCount('incident')).toBe(1);
    ib.publish({ id: 'after-restart' });
    expect(got).toEqual([{ id: 'after-restart' }]);
    expect(off()).toBe(true);
    expect(second.listenerCount('incident')).toBe(0);
  });

  test("subscribers move to a replacement made by other code's getEventBus(), before any compat call", async () => {
    const got = [];
    const off = ib.subscribe((i) => got.push(i));
    const first = ib.getBus();
    await first.close();
    busesToClose.add(first);
    const second = isolated.next.getEventBus(); // the app's own call, not the compat module's
    expect(second).not.toBe(first);
    second.emit('incident', { id: 'from-the-app' });
    expect(got).toEqual([{ id: 'from-the-app' }]);
    expect(off()).toBe(true);
  });
});

describe.each(['0', 'false', 'OFF'])('EVENTWIRE_ENABLED=%s: legacy in-memory behaviour', (flag) => {
  test('publish/subscribe/unsubscribe on a plain Set, no bus, native addon not loaded', () => {
    const seen = {};
    // Everything runs inside the isolated registry, so what it loaded is listed after.
    const { loaded } = loadIsolated(flag, (ib) => {
      seen.enabled = ib.isEventwireEnabled();
      seen.bus = ib.getBus();
      const a = [];
      const b = [];
      const cbA = (i) => a.push(i);
      const offA = ib.subscribe(cbA);
      const offB = ib.subscribe((i) => b.push(i));
      ib.subscribe(cbA); // the same function: still one subscription
      const incident = { id: 'legacy-1' };
      seen.publishResult = ib.publish(incident);
      seen.sameObject = a[0] === incident;
      seen.unsubscribe = ib.unsubscribe(cbA);
      seen.offAAfter = offA();
      ib.publish({ id: 'legacy-2' });
      seen.offB = offB();
      ib.publish({ id: 'legacy-3' });
      seen.a = a;
      seen.b = b;
      // A throwing subscriber does not stop the others here either.
      const got = [];
      const offBad = ib.subscribe(() => {
        throw new Error('boom');
      });
      const offGood = ib.subscribe((i) => got.push(i));
      seen.warnings = warningsDuring(() => ib.publish('x'));
      seen.got = got;
      seen.offs = [offBad(), offGood()];
    });
    expect(seen).toEqual({
      enabled: false,
      bus: null,
      publishResult: undefined,
      sameObject: true,
      unsubscribe: true,
      offAAfter: false,
      offB: true,
      a: [{ id: 'legacy-1' }],
      b: [{ id: 'legacy-1' }, { id: 'legacy-2' }],
      warnings: [{ message: 'an incidents-bus subscriber threw: boom', type: 'EventwireWarning', code: 'EVENTWIRE_SUBSCRIBER_ERROR' }],
      got: ['x'],
      offs: [true, true],
    });
    // Nothing of the core was loaded: no lib/next.js, lib/index.js, lib/native.js.
    expect(loaded).toEqual([]);
    expect(globalThis[BUS_KEY]).toBeUndefined();
  });
});

test('EVENTWIRE_ENABLED=0 in a real process: the ESM import works and the addon is never loaded', () => {
  const script = [
    "import { createRequire } from 'node:module';",
    "import { publish, subscribe, unsubscribe, getBus, isEventwireEnabled } from 'eventwire/compat/incidents-bus';",
    'const got = [];',
    'const off = subscribe((i) => got.push(i));',
    "publish({ id: 'esm' });",
    'const offResult = off();',
    "const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/lib/')).map((k) => k.slice(k.indexOf('/lib/')));",
    'console.log(JSON.stringify({ got, offResult, again: unsubscribe(() => {}), bus: getBus(), enabled: isEventwireEnabled(), loaded }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, EVENTWIRE_ENABLED: '0' },
    encoding: 'utf8',
    timeout: 20000,
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(r.stdout)).toEqual({
    got: [{ id: 'esm' }],
    offResult: true,
    again: false,
    bus: null,
    enabled: false,
    loaded: ['/lib/compat/incidents-bus.js'],
  });
});

test('types/incidents-bus.d.ts: legacy call sites type-check, wrong ones do not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-incidents-types-'));
  try {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        lib: ['es2022'],
        types: [],
        skipLibCheck: false,
        paths: { 'eventwire/compat/incidents-bus': [path.join(ROOT, 'types', 'incidents-bus.d.ts')] },
      },
      files: ['legacy.ts'],
    }));
    fs.writeFileSync(path.join(dir, 'legacy.ts'), [
      "import { publish, subscribe, unsubscribe, getBus, isEventwireEnabled, INCIDENT_EVENT } from 'eventwire/compat/incidents-bus';",
      "interface Incident { id: string; severity: 'low' | 'high' }",
      "publish<Incident>({ id: 'i1', severity: 'high' });",
      'const onIncident = (incident: Incident) => { incident.severity.toUpperCase(); };',
      'const off: () => boolean = subscribe(onIncident);',
      'const removed: boolean = unsubscribe(onIncident);',
      'const bus = getBus();',
      "if (bus) bus.emit(INCIDENT_EVENT, { id: 'i2' });",
      "const name: 'incident' = INCIDENT_EVENT;",
      'const on: boolean = isEventwireEnabled();',
      'void off; void removed; void name; void on;',
      '// @ts-expect-error a subscriber is a function',
      "subscribe('incident');",
      '// @ts-expect-error a typed publish checks the payload',
      "publish<Incident>({ id: 'i3', severity: 'medium' });",
      '',
    ].join('\n'));
    const r = spawnSync(TSC, ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 60000 });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60000);
