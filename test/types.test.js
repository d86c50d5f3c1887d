'use strict';
// Type tests: compiles test/types/ (types/index.d.ts and the @ts-expect-error
// cases) with the project's tsc, proves in a scratch project that the checker
// does fail on a bad line, and checks the declarations against the run-time
// values they describe (error codes and classes, priorities, stats keys,
// health() documents, module exports) so the two cannot drift apart silently.
// The health() and stats() of Redis mode come from a real redis-server
// (test/helpers/redis.js).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { RedisServer, killAll } = require('./helpers/redis');

const ROOT = path.join(__dirname, '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const TYPES = path.join(ROOT, 'types', 'index.d.ts');

function tsc(args, cwd) {
  const r = spawnSync(TSC, [...args, '--pretty', 'false'], { cwd, encoding: 'utf8', timeout: 60000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

// A scratch TypeScript project in os.tmpdir() whose "eventwire" is the
// package's declaration file, by absolute path.
const scratchDirs = [];
function scratchProject(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventwire-types-'));
  scratchDirs.push(dir);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'node16',
      moduleResolution: 'node16',
      target: 'es2022',
      lib: ['es2022'],
      types: [],
      esModuleInterop: true,
      skipLibCheck: false,
      allowJs: true,
      checkJs: true,
      paths: { eventwire: [TYPES] },
    },
    files: Object.keys(files),
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

afterAll(async () => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  await killAll();
});

const EQUAL = `type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
declare function assertType<T extends true>(): void;
`;

test('test/types compiles with tsc (declarations and @ts-expect-error cases)', () => {
  const { status, output } = tsc(['-p', path.join('test', 'types', 'tsconfig.json')], ROOT);
  // On failure Jest shows tsc's diagnostics in the diff.
  expect({ status, output }).toEqual({ status: 0, output: '' });
}, 30000);

test('tsc rejects a wrong payload on a typed bus (the checker can fail)', () => {
  const ts = [
    "import { EventBus } from 'eventwire';",
    "const bus = new EventBus<{ 'order.placed': { id: string } }>();",
    "bus.emit('order.placed', { id: 'fine' });",
    "bus.emit('order.placed', { id: 42 }); // line 4: must not compile",
    '',
  ].join('\n');
  // The same through CommonJS require() in a checked .js file.
  const js = [
    "const { EventBus } = require('eventwire');",
    "/** @type {import('eventwire').EventBus<{ 'user.created': { userId: number } }>} */",
    'const bus = new EventBus();',
    "bus.on('user.*', (u) => u.userId.toFixed());",
    "bus.emit('user.created', { userId: 'seven' }); // line 5: must not compile",
    '',
  ].join('\n');
  const dir = scratchProject({ 'bad.ts': ts, 'bad-cjs.js': js });
  const { status, output } = tsc(['-p', 'tsconfig.json'], dir);
  expect(status).not.toBe(0);
  // Exactly one diagnostic per file, on the bad line: the module resolved
  // (no TS2307) and every other line compiled.
  const diagnostics = output.split('\n').filter((l) => /error TS\d+/.test(l));
  expect(diagnostics).toHaveLength(2);
  expect(diagnostics.find((l) => l.startsWith('bad.ts'))).toMatch(/^bad\.ts\(4,\d+\): error TS(2769|2345|2322):/);
  expect(diagnostics.find((l) => l.startsWith('bad-cjs.js'))).toMatch(/^bad-cjs\.js\(5,\d+\): error TS(2769|2345|2322):/);
  expect(output).toMatch(/Type 'number' is not assignable to type 'string'/);
  expect(output).toMatch(/Type 'string' is not assignable to type 'number'/);
}, 30000);

test('the declarations match the run-time exports, codes, classes and stats', async () => {
  const lib = require('../lib');
  const union = (values) => (values.length ? values.map((v) => JSON.stringify(v)).join(' | ') : 'never');
  const keysOf = (obj) => union(Object.keys(obj).sort());
  const primitiveFields = (typeName, obj) => Object.entries(obj)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `assertType<Equal<${typeName}[${JSON.stringify(k)}], ${typeof v}>>();`);
  // String fields are unions of literals: the run-time value must be one of them.
  const stringFields = (typeName, obj) => Object.entries(obj)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `void (${JSON.stringify(v)} satisfies ${typeName}[${JSON.stringify(k)}]);`);

  const codes = Object.keys(lib.codes);
  const classOf = {};
  for (const code of codes) {
    const name = lib.makeError(code, 'x').constructor.name;
    (classOf[name] || (classOf[name] = [])).push(code);
  }

  const bus = new lib.EventBus();
  const busStats = bus.stats();
  await bus.close();
  const engineBus = new lib.EventBus({ engine: true });
  const engineStats = engineBus.stats().engine;
  // health() of each mode: local (no engine), embedded, closed, redis.
  const healths = [await bus.health(), await new lib.EventBus().health(), await engineBus.health()];
  await engineBus.close();
  healths.push(await engineBus.health());
  expect(engineStats).not.toBeNull();

  const redis = await RedisServer.start();
  const redisBus = new lib.EventBus({ redis: redis.url() });
  await redisBus.listen();
  const redisStats = redisBus.stats();
  const redisHealth = await redisBus.health();
  healths.push(redisHealth);
  await redisBus.close();
  await redis.kill();
  expect(redisStats.redis).toBe('ready');
  expect(redisHealth.redis).toEqual(expect.any(Object));
  const healthKeys = [...new Set(healths.flatMap((h) => Object.keys(h)))].sort();

  // Exported at run time but deliberately left out of the declarations.
  const INTERNAL = new Set(['makeError', 'fromErrno']);
  const exported = Object.keys(lib).filter((k) => !INTERNAL.has(k));

  const source = [
    "import * as ew from 'eventwire';",
    "import type { BusStats, EngineStats, ErrorCode, Priority, Health, RedisHealth } from 'eventwire';",
    EQUAL,
    `assertType<Equal<ErrorCode, ${union(codes)}>>();`,
    `assertType<Equal<keyof typeof ew.codes, ${union(codes)}>>();`,
    ...Object.entries(classOf).map(([cls, cs]) => `assertType<Equal<ew.${cls}['code'], ${union(cs)}>>();`),
    `assertType<Equal<typeof ew.PRIORITIES, readonly [${lib.PRIORITIES.map((p) => JSON.stringify(p)).join(', ')}]>>();`,
    `assertType<Equal<Priority, ${union([...lib.PRIORITIES])}>>();`,
    `assertType<Equal<keyof BusStats, ${keysOf(busStats)}>>();`,
    `assertType<Equal<keyof BusStats['dropped'], ${keysOf(busStats.dropped)}>>();`,
    ...primitiveFields('BusStats', busStats),
    ...primitiveFields("BusStats['dropped']", busStats.dropped),
    ...stringFields('BusStats', busStats),
    `assertType<Equal<keyof BusStats, ${keysOf(redisStats)}>>();`,
    ...stringFields('BusStats', redisStats),
    `assertType<Equal<keyof EngineStats, ${keysOf(engineStats)}>>();`,
    ...primitiveFields('EngineStats', engineStats),
    `assertType<Equal<keyof EngineStats, ${keysOf(redisStats.engine)}>>();`,
    ...primitiveFields('EngineStats', redisStats.engine),
    `assertType<Equal<keyof Health, ${union(healthKeys)}>>();`,
    ...healths.map((h) => `void (${JSON.stringify(h)} satisfies Health);`),
    `assertType<Equal<keyof RedisHealth, ${keysOf(redisHealth.redis)}>>();`,
    ...primitiveFields('RedisHealth', redisHealth.redis),
    ...exported.map((k) => `void ew.${k};`),
    '',
  ].join('\n');
  const dir = scratchProject({ 'drift.ts': source });
  const { status, output } = tsc(['-p', 'tsconfig.json'], dir);
  // On failure, show the generated lines tsc points at.
  const listing = source.split('\n').map((l, i) => `${String(i + 1).padStart(3)}| ${l}`).join('\n');
  expect({ status, output: status === 0 ? output : `${output}\n--- drift.ts ---\n${listing}` })
    .toEqual({ status: 0, output: '' });
}, 30000);
