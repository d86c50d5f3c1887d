/*
 * test.h - the smallest test harness that does the job: CHECK records a
 * failure with file:line and goes on; each test binary returns non-zero when
 * any check failed, and ctest counts binaries. Every binary also checks that
 * the engine's allocation counter is back to zero at the end.
 */
#ifndef EW_TEST_H
#define EW_TEST_H

#include <stdio.h>
#include <string.h>

#include "eventwire.h"

static int ew_test_failures;
static int ew_test_checks;

#define CHECK(cond)                                                          \
  do {                                                                       \
    ew_test_checks++;                                                        \
    if (!(cond)) {                                                           \
      ew_test_failures++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                        \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
  do {                                                                       \
    long long ew__a = (long long)(a), ew__b = (long long)(b);                \
    ew_test_checks++;                                                        \
    if (ew__a != ew__b) {                                                    \
      ew_test_failures++;                                                    \
      fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,  \
              __LINE__, #a, ew__a, #b, ew__b);                               \
    }                                                                        \
  } while (0)

#define RUN(fn)                                                              \
  do {                                                                       \
    int ew__before = ew_test_failures;                                       \
    fn();                                                                    \
    fprintf(stderr, "%s %s\n", ew_test_failures == ew__before ? "ok  " : "FAIL", #fn); \
  } while (0)

static inline int ew_test_finish(void) {
  CHECK_EQ_INT(ew_alloc_live(), 0);
  fprintf(stderr, "%d checks, %d failed\n", ew_test_checks, ew_test_failures);
  return ew_test_failures ? 1 : 0;
}

#endif
