/*
 * sse.h - Server-Sent Events (sse.c) and the query-string reader it shares
 * with the Socket.IO handshake. Engine thread only.
 */
#ifndef EW_SSE_H
#define EW_SSE_H

#include <stddef.h>

#include "conn.h"

#define EW__QUERY_MAX 64

/* A decoded query string: keys and values point into buf. */
typedef struct ew__query {
  char buf[4096];
  const char *keys[EW__QUERY_MAX], *vals[EW__QUERY_MAX];
  int n;
} ew__query_t;

/* 0, or -1 for a bad escape, a NUL, too many parameters or too long. */
int ew__query_parse(const char *query, size_t len, ew__query_t *q);
/* The first value of key, or NULL. */
const char *ew__query_get(const ew__query_t *q, const char *key);

/* Answers GET /events: 200 and the stream, or a 4xx/503 with a JSON body. */
void ew__sse_start(ew__conn_t *c, const ew__query_t *q, const char *last_event_id, size_t lei_len);
/* Queues a heartbeat comment. */
void ew__sse_heartbeat(ew__conn_t *c);

#endif
