'use strict';
// What a synchronous call throws, as [code, message] for one toEqual(); null
// when it does not throw. Anything thrown must be an instance of `Cls` (the
// library's error class), or the expectation fails there.

/**
 * @param {() => unknown} fn
 * @param {Function} Cls
 * @returns {[string, string] | null}
 */
function thrown(fn, Cls) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Cls);
    return [err.code, err.message];
  }
  return null;
}

module.exports = { thrown };
