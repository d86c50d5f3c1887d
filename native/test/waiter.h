/*
 * waiter.h - the owner side of an engine in C tests: the notify callback
 * signals a condition variable, wait_msg() takes messages until one of the
 * wanted kind arrives (or ~5 s pass).
 */
#ifndef EW_TEST_WAITER_H
#define EW_TEST_WAITER_H

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "eventwire.h"

typedef struct waiter {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int notified;
} waiter_t;

#define WAITER_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}

static void on_notify(void *arg) {
  waiter_t *w = arg;
  pthread_mutex_lock(&w->lock);
  w->notified = 1;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->lock);
}

/* The first message of `kind` (others are freed), or NULL after ~5 s. */
static ew_msg_t *wait_msg(ew_engine_t *e, waiter_t *w, ew_msg_kind_t kind) {
  for (int tries = 0; tries < 100; tries++) {
    pthread_mutex_lock(&w->lock);
    if (!w->notified) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 5;
      while (!w->notified)
        if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT) break;
    }
    int got = w->notified;
    w->notified = 0;
    pthread_mutex_unlock(&w->lock);
    if (!got) return NULL;
    ew_msg_t *found = NULL, *m = ew_engine_take(e);
    while (m) {
      ew_msg_t *next = m->next;
      if (!found && m->kind == kind) {
        found = m;
        found->next = NULL;
      } else {
        ew_msg_free(m);
      }
      m = next;
    }
    if (found) return found;
  }
  return NULL;
}

/* Asks the engine to listen and waits for the port; 0 on failure. */
static inline int listen_wait(ew_engine_t *e, waiter_t *w, const ew_server_options_t *so) {
  if (ew_engine_listen(e, so, 1)) return 0;
  ew_msg_t *m = wait_msg(e, w, EW_MSG_LISTENING);
  int port = m ? (int)m->value : 0;
  ew_msg_free(m);
  return port;
}

#endif
