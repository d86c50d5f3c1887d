'use strict';
// The C subscription trie (native/src/matcher.c, exposed as native.Matcher)
// against eventemitter2 6.4.9 and against the rule the design states
// (reference/eventemitter2.md): "*" matches exactly one segment, "**" zero or
// more, anything else itself.
//
// Why three parties and not just C vs EE2: EE2's pattern-side "**" search
// (searchListenerTree) departs from that rule, and its answer for one
// pattern even depends on which OTHER patterns are registered (see the
// "known eventemitter2 deviations" block). No trie can reproduce that, so the
// C matcher is held to the rule exactly, EE2 is held to the rule wherever it
// follows it (every pattern without "**"), and every C/EE2 disagreement must
// be one where EE2 is the party off the rule.
//
// Random cases come from a seeded PRNG; a failure prints the seed. Reproduce
// with EW_SEED=<seed> npx jest test/matcher.test.js
const EventEmitter2 = require('eventemitter2');
const native = require('../lib/native');
const { errorTable } = require('../lib/errors');
const { prng, seedFromEnv, generator } = require('./helpers/random');

const errnoOf = (code) => {
  const e = errorTable.find((x) => x.code === code);
  if (!e) throw new Error(`no ${code} in errorTable`);
  return e.errno;
};
const EPATTERN = errnoOf('ERR_INVALID_PATTERN');
const ENAME = errnoOf('ERR_INVALID_EVENT_NAME');
const EINVAL = errnoOf('ERR_INVALID_ARGUMENT');

const SEED = seedFromEnv();

// ---- the rule, as an oracle -------------------------------------------------

/** Does the pattern (segments) match the concrete name (segments)? Memoised. */
function ruleMatch(p, n) {
  const memo = new Map();
  const go = (i, j) => {
    const key = i * 64 + j;
    if (memo.has(key)) return memo.get(key);
    let r;
    if (i === p.length) r = j === n.length;
    else if (p[i] === '**') r = go(i + 1, j) || (j < n.length && go(i, j + 1));
    else r = j < n.length && (p[i] === '*' || p[i] === n[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

const hasGlobstar = (segs) => segs.includes('**');
const hasDoubleGlobstar = (segs) => segs.some((s, i) => s === '**' && segs[i + 1] === '**');
const hasEmpty = (segs) => segs.some((s) => s === '');

/** Fires `name` at a fresh EE2 holding only `pattern`; true when it fired. */
function ee2Alone(pattern, name, delimiter) {
  const ee = new EventEmitter2({ wildcard: true, delimiter });
  let fired = 0;
  ee.on(pattern, () => fired++);
  ee.emit(name);
  return fired > 0;
}

function withMatcher(delimiter, fn) {
  const m = new native.Matcher(delimiter);
  try {
    return fn(m);
  } finally {
    m.destroy();
  }
}

const sortNum = (a) => [...a].sort((x, y) => x - y);

// Shows the seed and the first offending cases in the diff when it fails.
function expectNone(what, bad) {
  expect({ what, seed: SEED, count: bad.length, first: bad.slice(0, 15) }).toEqual({ what, seed: SEED, count: 0, first: [] });
}

// ---- alphabets ----------------------------------------------------------------

// Segments are whole words; "a*" is a literal (only whole "*" segments are
// wildcards). For "::" the words contain single colons, so joined strings can
// re-split differently ("a" + "::" + ":b" = "a:::b" -> ["a", ":b"]) or grow
// empty segments ("a::::b"); each case is classified on the string's real
// split, which is what both sides see.
const RUNS = [
  { delimiter: '.', words: ['a', 'b', 'c', 'order', 'placed', 'a*', 'é'] },
  { delimiter: '::', words: ['a', 'b', 'c', 'order', 'x:y', ':', 'a:', 'é', '日本'] },
];

const SINGLE_PAIRS = 6000; // valid pairs compared per delimiter: 12,000 one-pattern-one-name pairs
const BATCHES = 8; // per delimiter: 8 x 200 patterns x 100 names = 160,000 pairs
const BATCH_PATTERNS = 200;
const BATCH_NAMES = 100;

describe.each(RUNS)('differential, delimiter "$delimiter"', ({ delimiter, words }) => {
  test(`${SINGLE_PAIRS} random single (pattern, name) pairs: C = rule; C = eventemitter2 except where EE2 is off the rule`, () => {
    const rnd = prng(SEED ^ (delimiter === '.' ? 0x1111 : 0x2222));
    const gen = generator(rnd, { words });
    const cOffRule = [];
    const ee2OffRuleWithoutGlobstar = [];
    const droppedButFired = [];
    const wrongRejects = [];
    let compared = 0;
    let globstarPairs = 0;
    let ee2OffRule = 0;
    let disagreements = 0;

    let attempts = 0;
    while (compared < SINGLE_PAIRS && attempts++ < SINGLE_PAIRS * 4) {
      const pattern = gen.patternSegments().join(delimiter);
      const name = gen.nameSegments().join(delimiter);
      const p = pattern.split(delimiter);
      const n = name.split(delimiter);
      withMatcher(delimiter, (m) => {
        const rc = m.add(pattern, 1);
        const res = m.match(name);
        // What C must refuse: empty segments (both) and "**" twice in a row (patterns).
        const patternBad = hasEmpty(p) || hasDoubleGlobstar(p);
        const nameBad = hasEmpty(n);
        if (rc !== (patternBad ? EPATTERN : 0)) wrongRejects.push({ pattern, rc });
        if (nameBad) {
          if (res !== ENAME) wrongRejects.push({ name, res });
          return;
        }
        if (!Array.isArray(res)) {
          wrongRejects.push({ name, res });
          return;
        }
        if (hasDoubleGlobstar(p) && !hasEmpty(p)) {
          // EE2 silently never registers such a pattern.
          if (ee2Alone(pattern, name, delimiter)) droppedButFired.push({ pattern, name });
          if (res.length !== 0) cOffRule.push({ pattern, name, c: res });
          return;
        }
        if (patternBad) return;
        compared++;
        const rule = ruleMatch(p, n);
        const c = res.length === 1 && res[0] === 1;
        if (res.length > 1 || (res.length === 1 && res[0] !== 1)) cOffRule.push({ pattern, name, c: res });
        else if (c !== rule) cOffRule.push({ pattern, name, c, rule });
        const ee2 = ee2Alone(pattern, name, delimiter);
        if (hasGlobstar(p)) globstarPairs++;
        if (ee2 !== rule) {
          ee2OffRule++;
          if (!hasGlobstar(p)) ee2OffRuleWithoutGlobstar.push({ pattern, name, ee2, rule });
        }
        if (ee2 !== c) disagreements++;
      });
    }

    expectNone('invalid pattern/name not refused with the right code', wrongRejects);
    expectNone('C matcher differs from the rule', cOffRule);
    expectNone('EE2 differs from the rule on a pattern without "**"', ee2OffRuleWithoutGlobstar);
    expectNone('EE2 fired a pattern with "**" twice in a row', droppedButFired);
    // Since C = rule on every pair, a C/EE2 disagreement is exactly an EE2 deviation.
    expect({ seed: SEED, disagreements }).toEqual({ seed: SEED, disagreements: ee2OffRule });
    // Enough real comparisons, and EE2 stays close to the rule (a wrong oracle would not).
    expect(compared).toBe(SINGLE_PAIRS);
    expect(globstarPairs).toBeGreaterThan(SINGLE_PAIRS * 0.2);
    expect(ee2OffRule / globstarPairs).toBeLessThan(0.1);
  });

  test(`${BATCHES} batches of ${BATCH_PATTERNS} patterns x ${BATCH_NAMES} names registered at once`, () => {
    const rnd = prng(SEED ^ (delimiter === '.' ? 0x3333 : 0x4444));
    const gen = generator(rnd, { words });
    const cOffRule = [];
    const ee2Differs = [];
    const duplicates = [];
    const droppedButFired = [];
    const wrongRejects = [];
    let checkedNames = 0;
    let matchedPairs = 0;

    for (let b = 0; b < BATCHES; b++) {
      const patterns = Array.from({ length: BATCH_PATTERNS }, () => gen.patternSegments().join(delimiter));
      // A few exact repeats under other ids: each id is its own subscriber.
      for (let k = 0; k < 10; k++) patterns[rnd.int(0, BATCH_PATTERNS - 1)] = patterns[rnd.int(0, BATCH_PATTERNS - 1)];
      const names = Array.from({ length: BATCH_NAMES }, () => gen.nameSegments().join(delimiter));
      const ee = new EventEmitter2({ wildcard: true, delimiter, maxListeners: 0 });
      let fired = new Set();
      withMatcher(delimiter, (m) => {
        const live = [];
        patterns.forEach((pattern, id) => {
          const segs = pattern.split(delimiter);
          const rc = m.add(pattern, id);
          const bad = hasEmpty(segs) || hasDoubleGlobstar(segs);
          if (rc !== (bad ? EPATTERN : 0)) wrongRejects.push({ pattern, rc });
          if (hasEmpty(segs)) return; // EE2 would register it; C refuses it
          ee.on(pattern, () => fired.add(id));
          if (!bad) live.push(id);
        });
        expect(m.size()).toBe(live.length);
        for (const name of names) {
          const n = name.split(delimiter);
          const res = m.match(name);
          if (hasEmpty(n)) {
            if (res !== ENAME) wrongRejects.push({ name, res });
            continue;
          }
          checkedNames++;
          fired = new Set();
          ee.emit(name);
          if (!Array.isArray(res)) {
            wrongRejects.push({ name, res });
            continue;
          }
          if (new Set(res).size !== res.length) duplicates.push({ name, res });
          const expected = live.filter((id) => ruleMatch(patterns[id].split(delimiter), n));
          matchedPairs += expected.length;
          const got = sortNum(res);
          if (JSON.stringify(got) !== JSON.stringify(expected)) {
            cOffRule.push({ name, missing: expected.filter((id) => !res.includes(id)).map((id) => patterns[id]),
              extra: res.filter((id) => !expected.includes(id)).map((id) => patterns[id]) });
          }
          for (const id of fired) {
            if (!live.includes(id)) droppedButFired.push({ pattern: patterns[id], name });
          }
          // Patterns without "**": EE2 and C must agree id for id.
          for (const id of live) {
            if (hasGlobstar(patterns[id].split(delimiter))) continue;
            if (fired.has(id) !== res.includes(id)) ee2Differs.push({ pattern: patterns[id], name, ee2: fired.has(id) });
          }
        }
      });
    }

    expectNone('invalid pattern/name not refused with the right code', wrongRejects);
    expectNone('C reported a subscriber twice', duplicates);
    expectNone('C match set differs from the rule', cOffRule);
    expectNone('EE2 and C differ on a pattern without "**"', ee2Differs);
    expectNone('EE2 fired a pattern with "**" twice in a row', droppedButFired);
    expect(checkedNames).toBeGreaterThan(BATCHES * BATCH_NAMES * 0.5);
    expect(matchedPairs).toBeGreaterThan(1000); // the alphabet is small enough for real hits
  });
});

describe('rules both sides document', () => {
  // [pattern, name, matches] - each checked against C, EE2 alone and the rule.
  const CASES = [
    ['a.**', 'a', true], // "**" matches zero segments
    ['a.**', 'a.b.c', true],
    ['**.z', 'z', true],
    ['a.**.z', 'a.z', true],
    ['a.**.z', 'a.b.c.z', true],
    ['**', 'a', true],
    ['**', 'a.b.c.d.e.f', true],
    ['*', 'a', true],
    ['*', 'a.b', false], // "*" is exactly one segment
    ['a.*', 'a', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['*.b', 'a.b', true],
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a*', 'a*', true], // "*" inside a segment is a literal
    ['a*', 'ab', false],
    ['a.**.**', 'a.b', false], // never registered
  ];
  test.each(CASES)('%s vs %s -> %s', (pattern, name, matches) => {
    const ee2 = ee2Alone(pattern, name, '.');
    const c = withMatcher('.', (m) => {
      m.add(pattern, 5);
      return m.match(name);
    });
    expect({ ee2, c }).toEqual({ ee2: matches, c: matches ? [5] : [] });
  });
});

describe('known eventemitter2 6.4.9 deviations from its own rule (C follows the rule)', () => {
  // If eventemitter2 is upgraded and fixes these, this block fails on
  // purpose: revisit the differential's tolerance then.
  test.each([
    // pattern, name, EE2 fires, rule
    ['*.*.**', 'a', true, false], // two "*" need two segments
    ['c.**.*', 'c', true, false], // "*" needs one segment
    ['**.*.*', 'a.a', false, true], // "**" empty, two "*"
    ['**.b', 'x.b.y.b', false, true], // "**" = "x.b.y"
    ['**.*.**', 'b', false, true],
  ])('%s vs %s: EE2 fires=%s, rule=%s', (pattern, name, ee2Fires, rule) => {
    const c = withMatcher('.', (m) => {
      m.add(pattern, 0);
      return m.match(name);
    });
    expect({ ee2: ee2Alone(pattern, name, '.'), rule: ruleMatch(pattern.split('.'), name.split('.')), c })
      .toEqual({ ee2: ee2Fires, rule, c: rule ? [0] : [] });
  });

  test('EE2 answer for one pattern depends on the other patterns registered; C does not', () => {
    const run = (others) => {
      const ee = new EventEmitter2({ wildcard: true });
      let fired = 0;
      ee.on('**.*.**', () => fired++);
      for (const o of others) ee.on(o, () => {});
      ee.emit('b');
      const c = withMatcher('.', (m) => {
        m.add('**.*.**', 0);
        others.forEach((o, i) => m.add(o, i + 1));
        return m.match('b').includes(0);
      });
      return { ee2: fired > 0, c };
    };
    expect(run([])).toEqual({ ee2: false, c: true });
    expect(run(['**.*'])).toEqual({ ee2: true, c: true });
  });
});

describe('Matcher bookkeeping', () => {
  test('add / remove / size round trip, duplicates need two removes', () => {
    withMatcher('.', (m) => {
      expect(m.size()).toBe(0);
      expect(m.add('a.*', 1)).toBe(0);
      expect(m.add('a.b', 2)).toBe(0);
      expect(m.add('**', 3)).toBe(0);
      expect(m.size()).toBe(3);
      expect(sortNum(m.match('a.b'))).toEqual([1, 2, 3]);
      expect(sortNum(m.match('a.c'))).toEqual([1, 3]);
      expect(m.match('b')).toEqual([3]);

      expect(m.add('a.*', 1)).toBe(0); // same pair again: stored twice
      expect(m.size()).toBe(4);
      expect(sortNum(m.match('a.c'))).toEqual([1, 3]);
      expect(m.remove('a.*', 1)).toBe(0);
      expect(m.size()).toBe(3);
      expect(sortNum(m.match('a.c'))).toEqual([1, 3]); // one copy left
      expect(m.remove('a.*', 1)).toBe(0);
      expect(m.size()).toBe(2);
      expect(m.match('a.c')).toEqual([3]);

      expect(m.remove('a.*', 1)).toBe(EINVAL); // not present any more
      expect(m.remove('a.b', 99)).toBe(EINVAL); // pattern present, subscriber not
      expect(m.remove('x.y', 2)).toBe(EINVAL); // path absent
      expect(m.remove('a..b', 2)).toBe(EINVAL); // cannot be present
      expect(m.size()).toBe(2);

      expect(m.remove('a.b', 2)).toBe(0);
      expect(m.remove('**', 3)).toBe(0);
      expect(m.size()).toBe(0);
      expect(m.match('a.b')).toEqual([]);
      // The pruned trie takes patterns again.
      expect(m.add('a.b.c', 4)).toBe(0);
      expect(m.match('a.b.c')).toEqual([4]);
      expect(m.match('a.b')).toEqual([]);
      expect(m.size()).toBe(1);
    });
  });

  test('a subscriber with several matching patterns is reported once', () => {
    withMatcher('.', (m) => {
      for (const p of ['a.b', 'a.*', '*.b', '**', 'a.**', '**.b', 'a.**.b', '*.*']) expect(m.add(p, 7)).toBe(0);
      expect(m.add('a.b', 8)).toBe(0);
      expect(m.size()).toBe(9);
      expect(sortNum(m.match('a.b'))).toEqual([7, 8]);
      expect(m.match('a')).toEqual([7]); // "**" and "a.**"
      expect(m.match('z.z.z')).toEqual([7]); // "**"
      expect(m.remove('**', 7)).toBe(0);
      expect(m.match('z.z.z')).toEqual([]);
      expect(sortNum(m.match('a.b'))).toEqual([7, 8]);
    });
  });

  test('a removed pattern stops matching while siblings stay', () => {
    withMatcher('.', (m) => {
      const patterns = ['a', 'a.b', 'a.b.c', 'a.*', 'a.**', '*', '**.c'];
      patterns.forEach((p, i) => expect(m.add(p, i)).toBe(0));
      expect(sortNum(m.match('a.b.c'))).toEqual([2, 4, 6]);
      expect(m.remove('a.b', 1)).toBe(0); // interior node keeps its child
      expect(sortNum(m.match('a.b.c'))).toEqual([2, 4, 6]);
      expect(sortNum(m.match('a.b'))).toEqual([3, 4]);
      expect(m.remove('a.**', 4)).toBe(0);
      expect(sortNum(m.match('a.b.c'))).toEqual([2, 6]);
      expect(sortNum(m.match('a'))).toEqual([0, 5]);
      expect(m.size()).toBe(5);
    });
  });
});

describe('error codes', () => {
  test('the codes come from the shared error table', () => {
    expect(EPATTERN).toBeLessThan(0);
    expect(ENAME).toBeLessThan(0);
    expect(EINVAL).toBeLessThan(0);
    expect(new Set([EPATTERN, ENAME, EINVAL]).size).toBe(3);
  });

  const BAD_BOTH = ['', 'a..b', '.a', 'a.', '.', 'a\nb', 'a\tb', 'a\x7fb', 'a\x00b', '\x1f'];
  const BAD_PATTERNS_ONLY = ['**.**', 'a.**.**', '**.**.a', 'a.**.**.b'];
  const WILDCARD_NAMES = ['*', '**', 'a.*', '*.b', 'a.**.b'];

  test.each(BAD_BOTH)('pattern and name %j are refused', (s) => {
    expect(native.patternCheck(s, '.')).toBe(EPATTERN);
    expect(native.eventNameCheck(s, '.')).toBe(ENAME);
    withMatcher('.', (m) => {
      expect(m.add(s, 1)).toBe(EPATTERN);
      expect(m.match(s)).toBe(ENAME);
      expect(m.size()).toBe(0);
    });
  });

  test.each(BAD_PATTERNS_ONLY)('pattern %j ("**" twice in a row) is refused', (s) => {
    expect(native.patternCheck(s, '.')).toBe(EPATTERN);
    withMatcher('.', (m) => {
      expect(m.add(s, 1)).toBe(EPATTERN);
      expect(m.size()).toBe(0);
    });
  });

  test.each(WILDCARD_NAMES)('%j is a valid pattern but not a concrete name', (s) => {
    expect(native.patternCheck(s, '.')).toBe(0);
    expect(native.eventNameCheck(s, '.')).toBe(ENAME);
    withMatcher('.', (m) => {
      expect(m.add(s, 1)).toBe(0);
      expect(m.match(s)).toBe(ENAME);
    });
  });

  test.each(['a*', '*a', 'a.b*', 'a.***', '***', 'é.日本', 'a b'])('%j is a valid concrete name', (s) => {
    expect(native.eventNameCheck(s, '.')).toBe(0);
    expect(native.patternCheck(s, '.')).toBe(0);
    withMatcher('.', (m) => {
      expect(m.add(s, 3)).toBe(0);
      expect(m.match(s)).toEqual([3]);
    });
  });

  test('unusable delimiters give ERR_INVALID_ARGUMENT from the checks and make Matcher throw', () => {
    for (const d of ['', '123456789', 'a\nb']) {
      expect({ d, p: native.patternCheck('a', d), n: native.eventNameCheck('a', d) }).toEqual({ d, p: EINVAL, n: EINVAL });
      expect(() => new native.Matcher(d)).toThrow('bad delimiter');
    }
    expect(native.patternCheck('a', '12345678')).toBe(0); // 8 bytes is the limit
  });

  test('a delimiter containing "*" is unusable (names.h: "without control bytes or \'*\'")', () => {
    // With "*" as delimiter, "a*b" would be both a two-segment name and a
    // literal; names.h says ew__delim_len refuses it.
    expect({ p: native.patternCheck('a', '*'), n: native.eventNameCheck('a', '*'), p2: native.patternCheck('a', 'x*') })
      .toEqual({ p: EINVAL, n: EINVAL, p2: EINVAL });
    expect(() => new native.Matcher('*')).toThrow('bad delimiter');
  });
});

describe('multi-byte delimiters', () => {
  test.each(['::', '→', '/é/'])('delimiter %j', (d) => {
    withMatcher(d, (m) => {
      const j = (...s) => s.join(d);
      expect(m.add(j('a', '*'), 1)).toBe(0);
      expect(m.add(j('a', '**'), 2)).toBe(0);
      expect(m.add(j('**', 'z'), 3)).toBe(0);
      expect(m.add('a.b', 4)).toBe(0); // "." is an ordinary character here
      expect(m.add(j('a', '', 'b'), 5)).toBe(EPATTERN);
      expect(m.add(j('**', '**'), 5)).toBe(EPATTERN);
      expect(sortNum(m.match(j('a', 'b')))).toEqual([1, 2]);
      expect(m.match('a')).toEqual([2]);
      expect(sortNum(m.match(j('a', 'z')))).toEqual([1, 2, 3]);
      expect(m.match('z')).toEqual([3]);
      expect(m.match('a.b')).toEqual([4]);
      expect(m.match(j('a', 'b', 'c'))).toEqual([2]);
      expect(m.match(j('a', ''))).toBe(ENAME);
      expect(m.match(d + 'a')).toBe(ENAME);
      expect(m.match(j('a', '*'))).toBe(ENAME);
      // A delimiter byte prefix alone is no delimiter.
      const half = d.slice(0, 1);
      if (half !== d) expect(m.match(`a${half}b`)).toEqual([]);
    });
  });

  test('"::" splits like String.prototype.split (non-overlapping, left to right)', () => {
    withMatcher('::', (m) => {
      expect(m.add('a::*', 1)).toBe(0);
      expect(m.add('*::b', 2)).toBe(0);
      expect(m.add('a:', 3)).toBe(0);
      expect(m.match('a:::b')).toEqual([1]); // ["a", ":b"]
      expect(m.match('a:')).toEqual([3]);
      expect(m.match(':a::b')).toEqual([2]); // [":a", "b"]
      expect(m.match('a::::b')).toBe(ENAME); // ["a", "", "b"]
    });
    expect(ee2Alone('a::*', 'a:::b', '::')).toBe(true);
    expect(ee2Alone('*::b', ':a::b', '::')).toBe(true);
  });
});

describe('limits: 512 bytes, 32 segments', () => {
  const seg32 = (s, d = '.') => Array(32).fill(s).join(d);
  const seg33 = (s, d = '.') => Array(33).fill(s).join(d);

  test('names at 512 bytes pass, 513 fail (bytes of UTF-8, not UTF-16 units)', () => {
    const cases = [
      ['a'.repeat(512), 0],
      ['a'.repeat(513), ENAME],
      ['é'.repeat(256), 0], // 512 bytes, 256 JS characters
      [`${'é'.repeat(256)}a`, ENAME],
      [`${'日'.repeat(170)}ab`, 0], // 510 + 2
      [`${'日'.repeat(171)}`, ENAME], // 513
      [`${'😀'.repeat(128)}`, 0], // 4-byte characters, 512 bytes
      [`${'😀'.repeat(128)}a`, ENAME],
    ];
    for (const [name, code] of cases) {
      expect({ bytes: Buffer.byteLength(name), rc: native.eventNameCheck(name, '.') })
        .toEqual({ bytes: Buffer.byteLength(name), rc: code });
      expect(native.patternCheck(name, '.')).toBe(code === 0 ? 0 : EPATTERN);
    }
    withMatcher('.', (m) => {
      const ok = `x.${'y'.repeat(510)}`;
      expect(Buffer.byteLength(ok)).toBe(512);
      expect(m.add(ok, 1)).toBe(0);
      expect(m.add(`x.*`, 2)).toBe(0);
      expect(sortNum(m.match(ok))).toEqual([1, 2]);
      expect(m.add(`${ok}y`, 3)).toBe(EPATTERN);
      expect(m.match(`${ok}y`)).toBe(ENAME);
    });
  });

  test('512 bytes counts multi-byte delimiters too', () => {
    const name = Array(32).fill('abcdefghijklmn').join('::'); // 32*14 + 31*2 = 510
    expect(Buffer.byteLength(name)).toBe(510);
    expect(native.eventNameCheck(`${name}zz`, '::')).toBe(0);
    expect(native.eventNameCheck(`${name}zzz`, '::')).toBe(ENAME);
  });

  test('32 segments pass, 33 fail, for names and patterns', () => {
    expect(native.eventNameCheck(seg32('a'), '.')).toBe(0);
    expect(native.eventNameCheck(seg33('a'), '.')).toBe(ENAME);
    expect(native.patternCheck(seg32('*'), '.')).toBe(0);
    expect(native.patternCheck(seg33('*'), '.')).toBe(EPATTERN);
    expect(native.eventNameCheck(seg32('a', '::'), '::')).toBe(0);
    expect(native.eventNameCheck(seg33('a', '::'), '::')).toBe(ENAME);
    withMatcher('.', (m) => {
      expect(m.add(seg32('*'), 1)).toBe(0);
      expect(m.add(seg33('*'), 2)).toBe(EPATTERN);
      expect(m.add(`a.${Array(31).fill('*').join('.')}`, 3)).toBe(0);
      expect(m.add('a.**', 4)).toBe(0);
      expect(m.add(`${seg32('a')}.**`, 5)).toBe(EPATTERN); // 33 segments even if "**" could be empty
      expect(sortNum(m.match(seg32('a')))).toEqual([1, 3, 4]);
      expect(m.match(seg33('a'))).toBe(ENAME);
      expect(m.match(Array(31).fill('a').join('.'))).toEqual([4]);
      expect(m.size()).toBe(3);
    });
  });

  test('alternating "**" chains at 32 segments match like the rule, without blow-up', () => {
    const rnd = prng(SEED ^ 0x5555);
    const bad = [];
    withMatcher('.', (m) => {
      const patterns = [];
      for (let k = 0; k < 40; k++) {
        const segs = [];
        for (let i = 0; i < 32; i++) segs.push(i % 2 === 0 ? '**' : rnd.pick(['a', 'b', '*']));
        patterns.push(segs);
        expect(m.add(segs.join('.'), k)).toBe(0);
      }
      const start = process.hrtime.bigint();
      for (let t = 0; t < 200; t++) {
        const n = Array.from({ length: 32 }, () => rnd.pick(['a', 'b']));
        const got = sortNum(m.match(n.join('.')));
        const want = patterns.map((p, k) => (ruleMatch(p, n) ? k : -1)).filter((k) => k >= 0);
        if (JSON.stringify(got) !== JSON.stringify(want)) bad.push({ name: n.join('.'), got, want });
      }
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      expect(ms).toBeLessThan(2000); // exponential backtracking would take far longer
    });
    expectNone('C differs from the rule on long "**" chains', bad);
  });
});
