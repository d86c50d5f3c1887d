'use strict';
// How a Redis group's reads are paced (lib/redis-group.js pull()), against
// a stand-in for the bus's engine seam (_groupRead and friends): behind the
// stream's end several reads are out at once; at the end, one at a time,
// so each relay notice does not send a read of its own (the real thing is
// covered end to end in consume-redis.test.js).
const { RedisGroup } = require('../lib/redis-group');
const { Consumer, normalize } = require('../lib/consumer');
const native = require('../lib/native');

const groups = [];
afterEach(() => {
  groups.splice(0).forEach((g) => g.destroy()); // its native matcher too
  expect(native.allocLive()).toBe(0);
});

const DATA = JSON.stringify({ n: 1 });
let seq = 0;
// A read's text as the engine writes it: how many entries Redis returned
// (`returned`, taken or not), then the records of the `n` taken.
function records(n, returned = n) {
  let s = `${returned}\x1e`;
  for (let i = 0; i < n; i++) {
    const id = `${1733600000000 + seq++}-0`;
    s += `${id}\x1f${id}\x1fjob.run\x1f1733600000000\x1fsvc\x1f\x1f\x1f\x1f${DATA}\x1e`;
  }
  return s;
}

function setup(opts = {}) {
  const reads = []; // { count, resolve }
  const bus = {
    delimiter: '.',
    _checkPattern() {},
    _redisUp: () => true,
    _redisStream: () => 's',
    _redisReady: () => Promise.resolve(),
    _redis: (args) => Promise.resolve(args[0] === 'XINFO' ? [] : 1),
    _groupRead: (group, consumer, count) => new Promise((resolve) => reads.push({ count: Number(count), resolve })),
    _report: (err) => {
      throw err;
    },
  };
  const handled = [];
  const handler = opts.handler || ((e) => {
    handled.push(e.id);
  });
  const { patterns, options } = normalize(bus, 'job.*', handler, { group: 'g', prefetch: 1024, ...opts.options });
  const group = new RedisGroup(bus, 'g', patterns, options);
  groups.push(group);
  const consumer = new Consumer(group, 'c1', handler, options);
  return { reads, group, consumer, handled };
}

const tick = () => new Promise((r) => setImmediate(r));
async function settle(read, n) {
  read.resolve(records(n));
  await tick();
}

test('behind the end of the stream several reads are out; at the end one, and a notice waits for it', async () => {
  const { reads, group, consumer, handled } = setup();
  group.attach(consumer);
  await tick();
  expect(reads.length).toBe(1); // no pace yet: a small first read
  await settle(reads[0], reads[0].count); // full: more is there
  await tick();
  const out = reads.length - 1;
  expect(out).toBeGreaterThan(1); // pipelined
  // Every read out comes back short: the end of the stream.
  for (let i = 1; i < reads.length; i++) reads[i].resolve(records(2));
  await tick();
  await tick();
  const before = reads.length;
  expect(before - 1 - out).toBeLessThanOrEqual(1); // at most one read after them
  // Relay notices while that read is out send nothing more.
  group.pull();
  group.pull();
  group.pull();
  expect(reads.length).toBe(before);
  // It comes back (empty): the next one goes only then.
  reads[before - 1].resolve(records(0));
  await tick();
  group.pull();
  expect(reads.length).toBe(before + 1);
  group.pull();
  expect(reads.length).toBe(before + 1);
  expect(handled.length).toBe(reads[0].count + 2 * out);
});

test('a full read ends the one-at-a-time pace', async () => {
  const { reads, group, consumer } = setup();
  group.attach(consumer);
  await tick();
  await settle(reads[0], 1); // short: at the end
  await tick();
  const n = reads.length;
  for (let i = 1; i < n; i++) reads[i].resolve(records(0));
  await tick();
  group.pull();
  const last = reads[reads.length - 1];
  await settle(last, last.count); // full again: behind
  await tick();
  expect(reads.length - reads.indexOf(last) - 1).toBeGreaterThan(1);
});

test('reads whose entries the patterns left out are not the end: the next read goes at once and asks for more', async () => {
  const { reads, group, consumer, handled } = setup();
  group.attach(consumer);
  await tick();
  expect(reads.length).toBe(1);
  const first = reads[0].count;
  reads[0].resolve(records(0, first)); // Redis returned entries; none taken
  await tick();
  await tick();
  expect(reads.length).toBe(2); // no relay notice, no tick: it read on
  expect(reads[1].count).toBeGreaterThan(first);
  expect(reads[1].count).toBeLessThanOrEqual(128);
  reads[1].resolve(records(0, reads[1].count)); // again none taken: more per read, up to READ_MAX
  await tick();
  await tick();
  expect(reads.length).toBe(3);
  expect(reads[2].count).toBe(128);
  reads[2].resolve(records(1, 128)); // still mostly left out (the handler now has a pace: reads may overlap)
  await tick();
  await tick();
  expect(reads.length).toBeGreaterThanOrEqual(4);
  for (const r of reads.slice(3)) expect(r.count).toBeGreaterThan(1);
  // Every read out comes back short: the end of the stream.
  for (const r of reads.slice(3)) r.resolve(records(0, 3));
  await tick();
  await tick();
  const before = reads.length;
  group.pull();
  group.pull();
  expect(reads.length - before).toBeLessThanOrEqual(1); // at the end: one read out
  expect(handled.length).toBe(1);
});

test('a consumer closed while its read is out leaves nothing behind in the group', async () => {
  const { reads, group, consumer } = setup();
  group.attach(consumer);
  await tick();
  group.detach(consumer);
  reads[0].resolve(records(1, 5));
  await tick();
  await tick();
  expect(group.fetching.has(consumer)).toBe(false);
  expect(group.asked.has(consumer)).toBe(false);
  expect(group.atTip.has(consumer)).toBe(false);
  expect(group.again.has(consumer)).toBe(false);
});

test('reads where the patterns leave out half or more still respect the room: a consumer with prefetch 1 and a hung handler holds 1 or 2', async () => {
  const { reads, group, consumer } = setup({ handler: () => new Promise(() => {}), options: { prefetch: 1 } });
  group.attach(consumer);
  await tick();
  expect(reads.map((r) => r.count)).toEqual([1]);
  reads[0].resolve(records(0, 1)); // left out
  await tick();
  await tick();
  expect(reads.length).toBe(2);
  expect(reads[1].count).toBeLessThanOrEqual(4); // grows with empty reads, not straight to READ_MAX
  reads[1].resolve(records(1, reads[1].count)); // one taken: the handler hangs on it
  await tick();
  await tick();
  expect(consumer._held.size).toBe(1);
  // A later read while it hangs would find no room: none goes.
  group.pull();
  expect(reads.length).toBe(2);
});

test('a closed consumer with no read out leaves nothing in the group', async () => {
  const { reads, group, consumer } = setup();
  group.attach(consumer);
  await tick();
  reads[0].resolve(records(0));
  await tick();
  await tick();
  group.detach(consumer);
  expect(group.fetching.has(consumer)).toBe(false);
  expect(group.asked.has(consumer)).toBe(false);
});

test('a reply without the entry count (an addon older than lib/) is reported, not read wrong', async () => {
  const { reads, group, consumer, handled } = setup();
  const reported = [];
  group.bus._report = (err) => reported.push(err.code);
  group.attach(consumer);
  await tick();
  reads[0].resolve(records(2).slice(records(0).length)); // the records without the header
  await tick();
  await tick();
  expect(reported).toEqual(['ERR_ENGINE']);
  expect(handled).toEqual([]);
});
