/*
 * inbox.h - the bounded many-producer, one-consumer queue into the engine.
 *
 * Producers (any thread) push; the engine thread takes the whole list at once
 * on each wake-up. Bounded by events and bytes: a push that would pass either
 * bound is refused whole (EW_EQUEUE_FULL) and counted, never half-queued.
 * Thread-safe: every field is guarded by `lock`.
 */
#ifndef EW_INBOX_H
#define EW_INBOX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ew__cmd_kind {
  EW__CMD_BATCH = 1, /* events, see ew_engine_send */
  EW__CMD_LISTEN,    /* ew_server_options_t and its strings in data */
  EW__CMD_ROUTE,     /* path NUL content-type NUL body */
  EW__CMD_HISTORY,   /* pattern NUL since NUL; count in arg */
  EW__CMD_ANSWER,    /* JS settles a pending request: token in req, error in arg, message in data */
  EW__CMD_HEALTH,    /* answer req with the health JSON */
  EW__CMD_REDIS,     /* a Redis command: count in arg, NUL-separated args in data */
  EW__CMD_GROUP_READ, /* like EW__CMD_REDIS: group NUL consumer NUL count NUL pattern... */
  EW__CMD_WATCH,     /* arg: post EW_MSG_STREAM on new stream entries or not */
  EW__CMD_CLOSE
} ew__cmd_kind_t;

typedef struct ew__cmd {
  struct ew__cmd *next;
  ew__cmd_kind_t kind;
  uint32_t req;
  int64_t arg;
  size_t count; /* events in a batch */
  size_t len;
  char data[];  /* len bytes + NUL */
} ew__cmd_t;

typedef struct ew__inbox {
  pthread_mutex_t lock;
  ew__cmd_t *head, *tail;  /* {lock} */
  size_t events, bytes;    /* {lock} queued now */
  size_t max_events, max_bytes;
  uint64_t hwm_events, hwm_bytes, rejected; /* {lock} */
  int closed;              /* {lock} no more pushes once set */
} ew__inbox_t;

int ew__inbox_init(ew__inbox_t *q, size_t max_events, size_t max_bytes);
void ew__inbox_destroy(ew__inbox_t *q); /* frees whatever is still queued */

/* Allocates a command with room for len bytes (copied from data if given). */
ew__cmd_t *ew__cmd_new(ew__cmd_kind_t kind, const char *data, size_t len);
void ew__cmd_free(ew__cmd_t *c);

/* Takes ownership of c on success. Control commands (not BATCH) skip the
 * bounds so close and listen always get through. Returns 0, EW_EQUEUE_FULL
 * or EW_ECLOSED. `was_empty` tells whether the consumer needs a wake-up. */
int ew__inbox_push(ew__inbox_t *q, ew__cmd_t *c, int *was_empty);
/* Refuses further pushes (EW_ECLOSED) except the one in flight. */
void ew__inbox_seal(ew__inbox_t *q);
/* Takes the whole queue, oldest first. Consumer thread. */
ew__cmd_t *ew__inbox_take(ew__inbox_t *q);

#endif
