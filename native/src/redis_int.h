/*
 * redis_int.h - what redis.c (connections, XADD queue, relay),
 * redis_read.c (replay for resumes, history, generic commands, health),
 * redis_entry.c (what a stream entry holds) and redis_group.c share.
 * Engine thread only.
 */
#ifndef EW_REDIS_INT_H
#define EW_REDIS_INT_H

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "buf.h"
#include "engine.h"
#include "redis.h"

#define EW__RELAY_BLOCK_MS 1000
#define EW__RELAY_COUNT 512
#define EW__RELAY_FLUSH_EVERY 256 /* entries fanned out between socket writes */
#define EW__RELAY_STALL_MS 5000
/* After Redis refused an XADD (an error reply: OOM, READONLY, ...), health
 * stays unavailable until one is accepted, or this long without a refusal. */
#define EW__REFUSED_HEALTH_MS 30000
#define EW__BACKOFF_MIN_MS 100
#define EW__BACKOFF_MAX_MS 5000

/* An event on its way to the stream: its XADD, formatted in RESP once
 * when it is queued (sent, and sent again after a reconnect, as it is). */
typedef struct ew__xentry {
  struct ew__xentry *next;
  char origin_kind;   /* 0, 'p' (publish req) or 'c' (client pub token) */
  uint32_t origin;
  uint8_t delivered;  /* already fanned out locally (Redis was down) */
  uint64_t seq;       /* field q: the same when the XADD is sent again */
  uint64_t sent_ms;   /* when its XADD went out (health: a reply overdue) */
  size_t cmd_len;
  char cmd[];
} ew__xentry_t;

/* Reply objects from an arena (redis_reply.c). */
typedef struct ew__reply_arena ew__reply_arena_t;
ew__reply_arena_t *ew__reply_arena_new(void);
void ew__reply_arena_free(ew__reply_arena_t *a);
/* Makes a reader build its replies in a (a outlives the reader). */
void ew__reply_arena_use(redisReader *rd, ew__reply_arena_t *a);
/* The same for an async context's reader (a outlives ac). */
void ew__reply_arena_attach(redisAsyncContext *ac, ew__reply_arena_t *a);

typedef struct ew__conn_slot {
  redisAsyncContext *ac; /* NULL when down */
  ew__reply_arena_t *arena; /* replies of this slot's contexts; freed last */
  int ready;             /* AUTH/SELECT done */
  ev_timer connect_timer;
} ew__conn_slot_t;

struct ew__redis {
  ew_engine_t *e;
  char *host, *password, *stream, *instance;
  int port, db, connect_timeout_ms, max_attempts;
  size_t retention, queue_size;
  ew__conn_slot_t cmd, relay;
  int relay_known;       /* the relay's start id is known */
  int relay_waiting;     /* an XREAD is out */
  int relay_deferred;    /* the next XREAD waits for the XADD of q relay_after_seq */
  int relay_paused;      /* JS has not taken EW__REMOTE_OUT_MAX of remote events */
  uint64_t relay_paused_ms;
  uint64_t relay_after_seq;
  uint64_t relay_sent_ms;
  uint64_t last_ms, last_seq; /* the relay's position */
  ew__xentry_t *pend_head, *pend_tail; /* not sent yet */
  ew__xentry_t *infl_head, *infl_tail; /* sent, reply pending (in order) */
  size_t infl_count;     /* entries on the infl list */
  ew__buf_t packed;      /* the packed entry of the XADD being formatted (redis_entry.c), reused */
  char maxlen[24];       /* retention as XADD's MAXLEN argument */
  size_t queued;
  int attempts;          /* failed connects in a row */
  int failed_out;        /* the waiting events were failed after max attempts */
  int watch;             /* post EW_MSG_STREAM when the relay reads entries */
  int feed_own;          /* post this instance's own entries to JS too (EW_WATCH_OWN) */
  int relay_errors;      /* XREAD error replies in a row (WRONGTYPE, NOPERM): backoff, unhealthy */
  ev_timer relay_timer;  /* the next XREAD after an error reply */
  uint64_t read_base_own; /* written_own when the XREAD out now was sent */
  uint64_t next_seq;     /* per-bus sequence written with each event (field q) */
  /* Highest q seen per instance by the relay: an XADD sent again after a
   * lost connection may already be in the stream; its copy is skipped. */
  struct ew__seen {
    char instance[96];
    uint64_t q;
  } seen[256];
  int nseen;
  int seen_next;         /* the slot a new instance takes once all are used */
  size_t verify;         /* XADDs sent again after a drop: check the stream first */
  uint64_t acked_ms, acked_seq; /* the last id an XADD of ours was answered with */
  uint64_t check_pages;  /* pages the resend check read */
  uint64_t written_own;  /* XADDs acknowledged */
  uint64_t relayed_own;  /* of those, read back by the relay (or known trimmed) */
  uint64_t held_since_ms; /* ew__flush holds events back for the relay since then (0 = not) */
  uint64_t relay_gaps;   /* entries of an instance trimmed before the relay read them */
  uint64_t refused_ms;   /* the last XADD Redis refused, while none was accepted after it (0 = none): health */
  uint64_t refused_unread; /* own q's refused by Redis (or failed at the give-up) not yet passed by the relay */
  uint64_t refused_max_q; /* the highest of them: once the relay passed it, none is left to explain a jump */
  int checking;          /* the check is out: hold XADDs */
  ev_timer retry_timer;
  char last_error[160];
  int stopping;
};

/* Appends a command in RESP (redisAsyncFormattedCommand). */
void ew__resp_format(ew__buf_t *b, const char *const *argv, const size_t *argl, int n);
/* The same into out, which has room for ew__resp_size(argl, n) bytes;
 * returns the bytes written. */
size_t ew__resp_size(const size_t *argl, int n);
size_t ew__resp_write(char *out, const char *const *argv, const size_t *argl, int n);
/* A stream entry's fields (redis_entry.c, ew__redis_entry_scan): the event, and
 * the bookkeeping eventwire adds: i instance, q its sequence, l delivered
 * locally while Redis was down, g a dead letter retried for one group, o
 * that dead letter's first id. Strings point into the reply (NULL: absent). */
/* Room for the strings of a packed entry that held escapes (type, source,
 * priority, instance, group, orig decoded): far above what eventwire
 * writes (names 512 bytes, sources 256 characters). */
#define EW__ENTRY_UNESCAPED 4096
typedef struct ew__entry {
  ew__event_fields_t ev;
  const char *instance, *q, *local, *group, *orig;
  size_t instance_len, q_len, local_len, group_len, orig_len;
  unsigned wrong_kind;  /* packed: keys whose (last) value is of the wrong kind, one bit each */
  size_t unescaped_len; /* bytes of unescaped[] in use; the array itself is not cleared per entry */
  char unescaped[EW__ENTRY_UNESCAPED];
} ew__entry_t;
/* 0 when the entry is an event eventwire wrote, -1 otherwise (x is filled
 * as far as it goes either way). Reads both layouts: one field "ew" holding
 * the packed JSON object (what eventwire writes) and one field per key
 * (what it wrote before, and what other writers and the retries of
 * consumer groups write). */
int ew__redis_entry_scan(const redisReply *entry, const char *delim, ew__entry_t *x);
/* The bookkeeping (i, q, and l or g before them) of an entry in the packed
 * layout, without reading the rest (the data): 0 when both i and q were
 * found, -1 otherwise (another layout, or not eventwire's: read it whole).
 * Not a check of the entry. */
int ew__redis_entry_peek(const redisReply *entry, ew__entry_t *x);
/* The packed value of event f, number seq of `instance`: {"t":..,"ts":..,
 * [p s m v] "i":.., "q":..,["l":1,] "d":..} (l: delivered locally),
 * appended to b. */
void ew__redis_entry_pack(ew__buf_t *b, const ew__event_fields_t *f, uint64_t seq, int delivered, const char *instance);

#endif
