/*
 * test_inbox.c - the inbox (inbox.c): bounds, control commands, seal, FIFO, high-water marks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "eventwire.h"
#include "frame.h"
#include "history.h"
#include "inbox.h"
#include "matcher.h"
#include "names.h"
#include "test.h"
#include "units.h"

/* ---- inbox.c --------------------------------------------------------------------------- */

static ew__cmd_t *batch(size_t count, size_t len) {
  ew__cmd_t *c = ew__cmd_new(EW__CMD_BATCH, NULL, len);
  if (c) c->count = count;
  return c;
}

static void test_inbox(void) {
  int64_t live0 = ew_alloc_live();
  ew__inbox_t q;
  CHECK_EQ_INT(ew__inbox_init(&q, 3, 100), 0);
  CHECK(ew__inbox_take(&q) == NULL);

  ew__cmd_t *c1 = ew__cmd_new(EW__CMD_BATCH, "hello", 5);
  CHECK(c1 && c1->len == 5 && memcmp(c1->data, "hello", 6) == 0 && c1->next == NULL);
  c1->count = 2;
  int was_empty = -1;
  CHECK_EQ_INT(ew__inbox_push(&q, c1, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 1);
  ew__cmd_t *c2 = batch(1, 75);
  CHECK_EQ_INT(ew__inbox_push(&q, c2, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 80);

  /* one event too many: refused whole, counted, not taken */
  ew__cmd_t *c3 = batch(1, 1);
  CHECK_EQ_INT(ew__inbox_push(&q, c3, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 1);
  ew__cmd_t *c4 = batch(5, 1);
  CHECK_EQ_INT(ew__inbox_push(&q, c4, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 6);
  /* bytes: 80 + 21 > 100 refused; 80 + 20 == 100 accepted */
  ew__cmd_t *c5 = batch(0, 21);
  CHECK_EQ_INT(ew__inbox_push(&q, c5, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 6); /* counts events, and c5 had none */
  ew__cmd_t *c6 = batch(0, 20);
  CHECK_EQ_INT(ew__inbox_push(&q, c6, &was_empty), 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 100);
  /* control commands skip both bounds and do not count */
  ew__cmd_t *c7 = ew__cmd_new(EW__CMD_LISTEN, NULL, 1000);
  CHECK_EQ_INT(ew__inbox_push(&q, c7, &was_empty), 0);
  ew__cmd_t *c8 = ew__cmd_new(EW__CMD_HISTORY, "p\0s", 3);
  CHECK_EQ_INT(ew__inbox_push(&q, c8, &was_empty), 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 100);
  CHECK_EQ_INT(q.hwm_events, 3);
  CHECK_EQ_INT(q.hwm_bytes, 100);
  CHECK_EQ_INT(q.rejected, 6);

  /* take: everything, oldest first; counters reset, high-water marks kept */
  ew__cmd_t *t = ew__inbox_take(&q);
  ew__cmd_t *want[] = {c1, c2, c6, c7, c8};
  int order_ok = 1, n = 0;
  for (ew__cmd_t *it = t; it; it = it->next, n++)
    if (n >= 5 || it != want[n]) order_ok = 0;
  CHECK(order_ok);
  CHECK_EQ_INT(n, 5);
  CHECK_EQ_INT(q.events, 0);
  CHECK_EQ_INT(q.bytes, 0);
  CHECK(q.head == NULL && q.tail == NULL);
  CHECK_EQ_INT(q.hwm_events, 3);
  CHECK_EQ_INT(q.hwm_bytes, 100);
  CHECK(ew__inbox_take(&q) == NULL);
  while (t) {
    ew__cmd_t *next = t->next;
    ew__cmd_free(t);
    t = next;
  }
  /* the refused commands still belong to the caller */
  CHECK(c3->count == 1 && c4->count == 5);
  ew__cmd_free(c3);
  ew__cmd_free(c4);
  ew__cmd_free(c5);

  /* room again after the take; the queue is empty so was_empty is 1 */
  ew__cmd_t *c9 = batch(3, 100);
  CHECK_EQ_INT(ew__inbox_push(&q, c9, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 1);
  /* a later, larger high-water mark is not possible here (bounds), but a
   * fresh one equal to the old stays */
  CHECK_EQ_INT(q.hwm_events, 3);

  /* seal: every push is refused, batches and control alike, uncounted */
  ew__inbox_seal(&q);
  ew__cmd_t *c10 = batch(1, 1), *c11 = ew__cmd_new(EW__CMD_CLOSE, NULL, 0);
  CHECK_EQ_INT(ew__inbox_push(&q, c10, &was_empty), EW_ECLOSED);
  CHECK_EQ_INT(ew__inbox_push(&q, c11, &was_empty), EW_ECLOSED);
  CHECK_EQ_INT(q.rejected, 6);
  ew__cmd_free(c10);
  ew__cmd_free(c11);
  /* what was queued before the seal is still taken */
  t = ew__inbox_take(&q);
  CHECK(t == c9 && t->next == NULL);
  ew__cmd_free(t);
  ew__inbox_destroy(&q);

  /* a CLOSE command goes in (past full bounds) and closes the inbox behind it */
  CHECK_EQ_INT(ew__inbox_init(&q, 1, 10), 0);
  CHECK_EQ_INT(ew__inbox_push(&q, batch(1, 10), &was_empty), 0);
  CHECK_EQ_INT(ew__inbox_push(&q, ew__cmd_new(EW__CMD_CLOSE, NULL, 0), &was_empty), 0);
  CHECK_EQ_INT(was_empty, 0);
  ew__cmd_t *late = ew__cmd_new(EW__CMD_ROUTE, "x", 1);
  CHECK_EQ_INT(ew__inbox_push(&q, late, &was_empty), EW_ECLOSED);
  ew__cmd_free(late);
  /* destroy frees what is still queued */
  ew__inbox_destroy(&q);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

int main(void) {
  RUN(test_inbox);
  return ew_test_finish();
}
