// Type-level assertions for the type tests (nothing here runs: noEmit).

/** true only when A and B are the same type (not merely mutually assignable). */
export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when `T` is `true`: `assertType<Equal<X, Y>>()`. */
export declare function assertType<T extends true>(): void;
