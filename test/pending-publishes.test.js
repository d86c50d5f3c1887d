'use strict';
// lib/pending-publishes.js: the publish() calls waiting for the engine,
// settled by request number in any order, with nothing kept once settled.
const { PendingPublishes } = require('../lib/pending-publishes');

function waiting(pubs, reqs) {
  const log = [];
  for (const req of reqs) pubs.add(req, (v) => log.push(['ok', req, v]), (e) => log.push(['err', req, e.message]));
  return log;
}

test('in order: each settles once with its value, and the arrays empty out', () => {
  const pubs = new PendingPublishes();
  const log = waiting(pubs, [1, 2, 3]);
  expect(pubs.size).toBe(3);
  expect(pubs.resolve(1, 'a')).toBe(true);
  expect(pubs.resolve(1, 'again')).toBe(false);
  expect(pubs.reject(2, new Error('no'))).toBe(true);
  expect(pubs.resolve(3, 'c')).toBe(true);
  expect(log).toEqual([['ok', 1, 'a'], ['err', 2, 'no'], ['ok', 3, 'c']]);
  expect({ size: pubs.size, n: pubs.reqs.length, head: pubs.head }).toEqual({ size: 0, n: 0, head: 0 });
});

test('out of order: found by binary search; the head moves past settled entries only', () => {
  const pubs = new PendingPublishes();
  const reqs = Array.from({ length: 100 }, (_, i) => 10 + i * 3); // gaps: other requests took the numbers between
  const log = waiting(pubs, reqs);
  expect(pubs.has(11)).toBe(false);
  expect(pubs.resolve(11, 'x')).toBe(false);
  expect(pubs.resolve(10 + 50 * 3, 'mid')).toBe(true);
  expect(pubs.has(10 + 50 * 3)).toBe(false);
  expect(pubs.head).toBe(0);
  expect(pubs.resolve(10, 'first')).toBe(true);
  expect(pubs.head).toBe(1);
  for (let i = 1; i < 50; i++) pubs.resolve(10 + i * 3, i);
  expect(pubs.head).toBe(51); // 50 was settled before
  expect(pubs.size).toBe(49);
  expect(log.slice(0, 2)).toEqual([['ok', 160, 'mid'], ['ok', 10, 'first']]);
  expect(pubs.resolves.slice(0, 51).every((f) => f === null)).toBe(true);
});

test('a request counter that wrapped inside the window is still found', () => {
  const pubs = new PendingPublishes();
  const log = waiting(pubs, [0xfffffffe, 0xffffffff, 1, 2]);
  expect(pubs.resolve(2, 'b')).toBe(true);
  expect(pubs.resolve(1, 'a')).toBe(true);
  expect(pubs.resolve(0xffffffff, 'z')).toBe(true);
  expect(pubs.resolve(7, 'none')).toBe(false);
  expect(log.map((l) => l[2])).toEqual(['b', 'a', 'z']);
  expect(pubs.size).toBe(1);
});

test('a long run settled in order is cut from the front (no unbounded arrays)', () => {
  const pubs = new PendingPublishes();
  let next = 1;
  let oldest = 1;
  let settled = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 5000; i++) pubs.add(next++, () => settled++, () => {});
    for (let i = 0; i < 4000; i++) expect(pubs.resolve(oldest++, 'v')).toBe(true);
  }
  expect(settled).toBe(80000);
  expect(pubs.size).toBe(20000);
  expect(pubs.reqs.length).toBeLessThan(20000 + 2 * 4096 + 5000);
  expect(pubs.resolves.slice(pubs.head).every((f) => f !== null)).toBe(true);
});

test('one request that never settles does not keep the settled ones after it', () => {
  const pubs = new PendingPublishes();
  let settled = 0;
  pubs.add(1, () => settled++, () => {}); // stuck
  for (let req = 2; req < 100002; req++) {
    pubs.add(req, () => settled++, () => {});
    if (req % 10 === 0) for (let r = req - 8; r <= req; r++) expect(pubs.resolve(r, 'v')).toBe(true);
  }
  expect(settled).toBe(90000);
  expect(pubs.size).toBe(10001);
  expect(pubs.reqs.length).toBeLessThan(2 * 10001 + 4096 + 10);
  expect(pubs.has(1)).toBe(true);
  expect(pubs.resolve(1, 'late')).toBe(true);
  expect(pubs.resolve(100001, 'last')).toBe(true);
  expect(pubs.has(100001)).toBe(false);
});

test('rejectAll rejects each waiting one once, settled ones not again', () => {
  const pubs = new PendingPublishes();
  const log = waiting(pubs, [5, 6, 7]);
  pubs.resolve(6, 'six');
  pubs.rejectAll(new Error('closed'));
  expect(log).toEqual([['ok', 6, 'six'], ['err', 5, 'closed'], ['err', 7, 'closed']]);
  expect(pubs.size).toBe(0);
  expect(pubs.reject(5, new Error('late'))).toBe(false);
});

test('drop forgets a request without settling it', () => {
  const pubs = new PendingPublishes();
  const log = waiting(pubs, [1, 2]);
  expect(pubs.drop(1)).toBe(true);
  expect(pubs.drop(1)).toBe(false);
  expect(pubs.resolve(1, 'late')).toBe(false);
  expect(pubs.resolve(2, 'b')).toBe(true);
  expect(log).toEqual([['ok', 2, 'b']]);
  expect(pubs.size).toBe(0);
});
