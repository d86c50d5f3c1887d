/*
 * sio.h - Socket.IO v5 over Engine.IO v4, WebSocket transport only (sio.c).
 * Engine thread only.
 */
#ifndef EW_SIO_H
#define EW_SIO_H

#include <stddef.h>

#include "conn.h"

typedef struct ew__sio_sessions ew__sio_sessions_t;

/* After the 101: sends the Engine.IO open packet. */
void ew__sio_open(ew__conn_t *c);
/* One text message from the client (an Engine.IO packet). */
void ew__sio_message(ew__conn_t *c, const char *msg, size_t len);
/* Engine.IO ping ("2"); the client answers "3". */
void ew__sio_ping(ew__conn_t *c);
/* The answer of the JS authorize hook: err 0 accepts, < 0 refuses. */
void ew__sio_auth_done(ew__conn_t *c, int err, const char *message);
/* The connection is closing: keep its subscriptions for recovery. */
void ew__sio_closed(ew__conn_t *c);
/* A recovery replayed from the stream got its answer (0 or
 * EW_EHISTORY_GAP): the deferred connect ack goes out. */
void ew__sio_resumed(ew__conn_t *c, int err);
/* The store of recoverable sessions (by pid), bounded and expiring. */
ew__sio_sessions_t *ew__sio_sessions_new(void);
void ew__sio_sessions_free(ew__sio_sessions_t *s);

#endif
