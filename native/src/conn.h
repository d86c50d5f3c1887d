/*
 * conn.h - one client connection of the engine's server and what the
 * transports share: the backlog of frames waiting for the socket (outq.c),
 * the HTTP request head (http.c), the WebSocket reader (ws.c) and the /ws
 * ops (wsproto.c).
 *
 * A connection lives in the lws per-session area of its raw socket; every
 * field is {engine}: only the engine thread touches connections.
 */
#ifndef EW_CONN_H
#define EW_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct lws;
typedef struct ew__server ew__server_t;

typedef enum ew__conn_state {
  EW__CONN_HTTP = 0, /* reading the request head */
  EW__CONN_OPEN,     /* taking events: an upgraded WebSocket or an SSE stream */
  EW__CONN_CLOSING   /* writing what is queued, then closing */
} ew__conn_state_t;

#define EW__MAX_PATTERNS 64
#define EW__HTTP_HEAD_MAX 8192
/* WebSocket frames a client may send after its upgrade request while the
 * authorize hook decides (kept in rx with the head). */
#define EW__HTTP_EARLY_MAX 65536

typedef struct ew__conn {
  struct ew__conn *prev, *next; /* the server's list of connections */
  struct ew__conn *dirty_next;  /* the list of connections to flush */
  struct lws *wsi;
  ew__server_t *srv;
  uint64_t id;                  /* unique per server, for logs and pubs */
  uint64_t since_ms;            /* creation, or start of closing */
  uint64_t ping_ms;             /* when the unanswered heartbeat ping went out */
  uint8_t state;                /* ew__conn_state_t */
  uint8_t dirty;
  uint8_t is_ws;                /* counted in the WebSocket connections */
  uint8_t awaiting_pong;        /* a heartbeat ping got no answer yet */
  uint8_t catching_up;          /* replaying history from `cursor` */
  uint8_t npatterns;
  uint8_t dead;                 /* socket error: drop everything */
  uint8_t head_only;            /* answering a HEAD request */
  uint8_t wire;                 /* ew__wire_t: how events are encoded for it */
  uint8_t sio_state;            /* Socket.IO: 0 no namespace yet, 1 authorizing, 2 connected,
                                   3 recovering from the stream (ack deferred) */
  char *sio_pid;                /* Socket.IO: private id for connection state recovery */
  char *sio_offset;             /* Socket.IO: offset to recover from, while authorizing */
  uint8_t authorizing;          /* /ws, /events: the head waits in rx for the authorize hook */
  uint8_t authorized;           /* ... which said yes: route it without asking again */
  uint32_t auth_token;          /* the pending request of the hook, while authorizing */
  uint16_t auth_head_len;       /* the head's length in rx, while authorizing (≤ 8 KiB) */
  char *allow;                  /* the patterns server.authorize allowed this client, each
                                   NUL-ended, then an empty one; NULL = any pattern */

  /* reader: request head, or one WebSocket message being reassembled */
  uint8_t *rx;
  uint32_t rx_len, rx_cap;
  /* WebSocket frame parser */
  uint8_t hdr[14], hdr_len, hdr_need;
  uint8_t opcode;               /* of the frame being read */
  uint8_t msg_opcode;           /* 1/2 while a fragmented message is open, else 0 */
  uint8_t fin;
  uint8_t mask[4];
  uint64_t remaining;           /* payload bytes of the current frame */
  uint64_t payload_pos;         /* payload bytes of the current frame read */
  uint8_t *ctl;                 /* control frame payload (<= 125 bytes) */
  uint8_t ctl_len;
  uint32_t utf8_state;          /* incremental UTF-8 check of text messages */

  /* backlog: frames queued for the socket, oldest first */
  ew__frame_t **q;
  uint32_t q_cap, q_head, q_count;
  uint32_t q_off;               /* bytes of the first frame already sent */
  size_t q_bytes;               /* unsent bytes queued */
  uint32_t q_low;               /* low-priority event frames queued */

  char **patterns;              /* subscriptions (each a NUL-ended copy) */
  uint64_t cursor;              /* history position while catching up */
  uint64_t sc_ms, sc_seq;       /* Redis: last id replayed from the stream (stream catch-up) */
  uint8_t stream_catchup;       /* Redis: replaying from the stream before the ring */
  uint8_t replay_parked;        /* Redis: the stream replay waits for the backlog to drain (outq.c resumes it) */
  uint32_t replay_avg_len;      /* Redis: bytes per frame of the last replay page (sizes the next page) */
  uint32_t replay_asked;        /* Redis: entries the replay page out now asked for (fewer back: the end) */
  uint8_t replay_inclusive;     /* Redis: sc is an entry read from the stream: pages start at it (trim check) */
  char *resume_ref;             /* /ws: the sub's ref, answered when the stream replay starts */
  uint64_t skip_ms, skip_seq;   /* Redis: the resume's id; events up to it are not sent (the client saw them */
  uint8_t skipping;             /*   through a faster instance, and this one's relay has not read them yet) */
  uint64_t dropped;             /* low events dropped since the last notice */
  uint64_t drop_first_ms, drop_first_seq, drop_last_ms, drop_last_seq;
} ew__conn_t;

/* outq.c ------------------------------------------------------------------ */

/* Queues a frame the connection must get (control, replies): not subject to
 * the backlog bounds. Takes a reference. 0 or EW_ENOMEM. */
int ew__conn_send(ew__conn_t *c, ew__frame_t *f);
/* Queues an event frame under the slow-client policy (drop low, else close
 * 4008). Takes a reference when queued; returns 1 when queued. */
int ew__conn_deliver(ew__conn_t *c, ew__frame_t *f);
/* Writes as much of the backlog as the socket takes, in one sendmsg() per
 * call and loop turn, refilling from history while catching up. */
void ew__conn_flush(ew__conn_t *c);
/* Queues an event replayed from the Redis stream (resume). 0, or an error
 * when the backlog is far past its bounds (the caller closes with 4008). */
int ew__conn_replay(ew__conn_t *c, ew__frame_t *event);
/* Marks the connection for a flush after the current batch of work. */
void ew__conn_mark_dirty(ew__conn_t *c);
/* Queues a close frame (WebSocket) and closes once it is written. */
void ew__conn_close(ew__conn_t *c, uint16_t code, const char *reason);
/* Queues a notice `name` with a JSON object body in the connection's own
 * form: /ws op, Socket.IO event "eventwire:<name>", SSE event "eventwire.<name>". */
void ew__conn_notice(ew__conn_t *c, const char *name, const char *json);
/* Drops everything and closes now (socket shutdown). */
void ew__conn_kill(ew__conn_t *c);
/* Frees an empty backlog array (idle connections hold no heap memory). */
void ew__conn_trim(ew__conn_t *c);
/* Frees the backlog and buffers; the connection is gone. */
void ew__conn_release(ew__conn_t *c);
/* True when the event's type matches one of the connection's patterns. */
int ew__conn_wants(const ew__conn_t *c, const ew__frame_t *f);

/* http.c ------------------------------------------------------------------ */

/* Feeds request bytes; returns 0, or -1 when the connection must close. */
int ew__http_rx(ew__conn_t *c, const uint8_t *in, size_t len);
/* The authorize hook's answer for a /ws or /events request (err 0 = yes;
 * then message = the patterns allowed, see ew__conn_allow). */
void ew__http_auth_done(ew__conn_t *c, int err, const char *message);
/* Keeps the patterns the hook allowed ('\n'-separated; NULL or "" = any):
 * ew__subs_add refuses others with EW_EFORBIDDEN. 0 or EW_ENOMEM. */
int ew__conn_allow(ew__conn_t *c, const char *patterns);
/* The hook did not answer within the handshake timeout: 503, slot freed. */
void ew__http_auth_timeout(ew__conn_t *c);
/* Answers a JSON error {"code","message"} and closes after it. */
void ew__http_error(ew__conn_t *c, int status, const char *code, const char *message, const char *extra_headers);
/* Queues a complete HTTP response and closes after it. */
void ew__http_respond(ew__conn_t *c, int status, const char *content_type, const char *extra_headers,
                      const char *body, size_t body_len);

/* ws.c -------------------------------------------------------------------- */

/* Feeds WebSocket bytes; returns 0, or -1 when the connection must close. */
int ew__ws_rx(ew__conn_t *c, const uint8_t *in, size_t len);
/* Queues a JSON text frame built from a NUL-terminated string. */
void ew__ws_send_text(ew__conn_t *c, const char *json, size_t len);

/* subs.c ------------------------------------------------------------------ */

typedef struct ew_engine ew_engine_t;
/* 0, or EW_EPATTERN with a message saying what is allowed. */
int ew__subs_check(const ew_engine_t *e, const char *p, size_t len, char *msg, size_t msglen);
/* Adds the (checked) patterns not held yet. 0, EW_ELIMIT or EW_ENOMEM. */
int ew__subs_add(ew__conn_t *c, const char *const *patterns, size_t n, char *msg, size_t msglen);
/* Removes those held; returns how many. */
size_t ew__subs_remove(ew__conn_t *c, const char *const *patterns, size_t n);
void ew__subs_clear(ew__conn_t *c);
/* Parses a resume id: an event id that is not in the future. 0 or EW_ESINCE. */
int ew__since_parse(const char *s, size_t len, uint64_t *ms, uint64_t *seq);
/* Replays history after (ms, seq), then live. 0, or EW_EHISTORY_GAP with the
 * oldest kept id in `oldest` ("" when history is empty): replay starts there.
 * In Redis mode, when the ring has lost events after (ms, seq), the replay
 * reads the stream first and the answer comes later: EW__RESUME_ASYNC, and
 * ew__subs_resumed() tells the transport (0 or EW_EHISTORY_GAP). */
#define EW__RESUME_ASYNC 1
int ew__subs_resume(ew__conn_t *c, uint64_t ms, uint64_t seq, char *oldest, size_t oldest_len);

/* The stream replay of a resume has started (err 0) or found the stream
 * trimmed past `since` (EW_EHISTORY_GAP, oldest = the first id kept). */
void ew__subs_resumed(ew__conn_t *c, int err, const char *oldest);

/* wsproto.c --------------------------------------------------------------- */

/* Handles one complete text message (a client op). */
void ew__wsproto_message(ew__conn_t *c, const char *msg, size_t len);
/* Replies `{"op":"error",...}` with the code of err. */
void ew__wsproto_error(ew__conn_t *c, const char *ref_json, int err, const char *message,
                       const char *extra_json);
/* Answers a sub whose resume read the stream (see ew__subs_resumed). */
void ew__wsproto_resumed(ew__conn_t *c, int err, const char *oldest);
/* Removes every subscription of the connection (on close). */
void ew__wsproto_unsubscribe_all(ew__conn_t *c);

#endif
