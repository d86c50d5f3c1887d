/*
 * redis.h - Redis Streams on the engine's loop (redis.c): durable publish
 * (pipelined XADD from a bounded offline queue), the relay (XREAD BLOCK) that
 * feeds history and network fan-out in stream order, reconnects, health.
 * Engine thread only, except where noted.
 */
#ifndef EW_REDIS_H
#define EW_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "eventwire.h"

typedef struct ew__redis ew__redis_t;
struct ew__record;
struct ew__conn;
typedef struct ew__conn ew__conn_t;
struct ew__buf;

/* Copies the options and starts connecting (before the engine thread runs,
 * or on it). 0 or EW_ENOMEM/EW_EINVAL. */
int ew__redis_start(ew_engine_t *e, const ew_redis_options_t *o, ew__redis_t **out);
/* Disconnects, fails what still waits (EW_ECLOSED) and frees. */
void ew__redis_stop(ew__redis_t *r);
/* True when XADDs go out now (both connections ready). */
int ew__redis_ready(const ew__redis_t *r);
/* True when (ms, seq) is past the last entry the relay read. */
int ew__redis_ahead(const ew__redis_t *r, uint64_t ms, uint64_t seq);
/* Queues an event for XADD. `delivered` says the engine already fanned it out
 * locally (Redis was down): the relay will not do it again. 0 or
 * EW_EQUEUE_FULL (nothing queued). The record's origin ("p<req>", "c<token>")
 * is answered with the stream id once Redis acknowledges. */
int ew__redis_enqueue(ew__redis_t *r, const struct ew__record *rec, int delivered);
/* getEventHistory from the stream (XRANGE / XREVRANGE): answers req. */
void ew__redis_history(ew__redis_t *r, const char *pattern, const char *since, size_t count, uint32_t req);
/* Sends one command on the cmd connection (never a blocking one) and
 * answers req with the reply as JSON (EW_MSG_REPLY: value 0 and the JSON, or
 * EW_EREDIS_UNAVAILABLE and the error text). argv: n strings. */
void ew__redis_command(ew__redis_t *r, const char *const *argv, const size_t *argl, int n, uint32_t req);
/* XREADGROUP for a consumer group, filtered here (redis_group.c). argv:
 * group, consumer, count, pattern... (n >= 4). Answers req with a JSON array
 * [streamId, envelope, streamId, envelope, ...] of the entries the group takes; the others are
 * XACKed at once. */
void ew__redis_group_read(ew__redis_t *r, const char *const *argv, const size_t *argl, int n, uint32_t req);
/* When on, the relay posts EW_MSG_STREAM after reading new entries (consumer
 * groups fetch then). */
void ew__redis_watch(ew__redis_t *r, int flags); /* EW_WATCH_* */
/* The owner took its messages: a relay paused by ew__engine_remote_full
 * reads again. {engine} */
void ew__redis_resume(ew__redis_t *r);
/* Starts replaying the stream after (ms, seq) into the connection's backlog
 * (a resume older than the ring): pages of XRANGE, then the ring. 0, or an
 * error when Redis cannot be asked now (the ring answers then). */
int ew__redis_replay(ew__redis_t *r, ew__conn_t *c, uint64_t ms, uint64_t seq);
/* A stream replay parked while the connection's backlog was over half its
 * bounds asks for its next page (outq.c, once the backlog drained below
 * half). No-op for a connection that is not parked. {engine} */
void ew__redis_replay_unpark(ew__redis_t *r, ew__conn_t *c);
/* Appends {"state",...} for /health; returns 1 when healthy. */
int ew__redis_health_json(ew__redis_t *r, struct ew__buf *b);

#endif
