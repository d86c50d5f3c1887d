'use strict';
// Seeded random generators for the differential tests. Every failure message
// carries the seed; rerun with EW_SEED=<seed> to reproduce it exactly.

/** mulberry32: small, fast, good enough for test-case generation. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  return { next, int, pick };
}

/** The seed for this run: EW_SEED when set, else a fresh one. */
function seedFromEnv(salt = 0) {
  const env = process.env.EW_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`EW_SEED must be a uint32, got ${env}`);
    return (n + salt) >>> 0;
  }
  return ((Date.now() ^ (process.pid << 16) ^ Math.floor(Math.random() * 0x100000000)) + salt) >>> 0;
}

/**
 * Random pattern/name generator over a small alphabet, so that random
 * patterns and names actually meet.
 * words: literal segments; patterns also draw '*' and '**'.
 */
function generator(rnd, { words, starWeight = 0.2, globWeight = 0.15, minSegs = 1, maxSegs = 6 } = {}) {
  const segs = (n, wild) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = rnd.next();
      if (wild && r < globWeight) out.push('**');
      else if (wild && r < globWeight + starWeight) out.push('*');
      else out.push(rnd.pick(words));
    }
    return out;
  };
  return {
    patternSegments: () => segs(rnd.int(minSegs, maxSegs), true),
    nameSegments: () => segs(rnd.int(minSegs, maxSegs), false),
  };
}

module.exports = { prng, seedFromEnv, generator };
