/*
 * frame.h - bytes ready for a socket, encoded once and shared.
 *
 * An event frame is a complete server WebSocket text frame (header +
 * envelope JSON), built once per event and referenced by the history ring and
 * by every connection backlog that carries it. Control and HTTP frames are
 * the same structure with one owner. Reference counts are plain integers:
 * frames live and die on the engine thread only.
 */
#ifndef EW_FRAME_H
#define EW_FRAME_H

#include <stddef.h>
#include <stdint.h>

typedef enum ew__prio {
  EW__PRIO_LOW = 0,
  EW__PRIO_NORMAL,
  EW__PRIO_HIGH,
  EW__PRIO_CRITICAL
} ew__prio_t;

/* How an event is put on the wire: /ws JSON, Socket.IO, Server-Sent Events. */
typedef enum ew__wire {
  EW__WIRE_WS = 0,
  EW__WIRE_SIO,
  EW__WIRE_SSE
} ew__wire_t;

typedef struct ew__frame {
  uint32_t refs;       /* {engine} */
  struct ew__frame *alt[2]; /* event frames: the SIO and SSE encodings, built
                               on first use, released with this frame */
  uint32_t len;        /* bytes in data */
  uint32_t hdr_len;    /* WebSocket header bytes before the payload */
  uint16_t type_len;   /* event frames: bytes of type */
  uint8_t prio;        /* ew__prio_t */
  uint8_t is_event;
  uint64_t id_ms, id_seq; /* event frames: the id */
  char *type;          /* event frames: NUL-terminated, stored after data */
  uint8_t data[];
} ew__frame_t;

/* The fields of one event; every string is (pointer, length), not NUL-ended.
 * metadata/version may be empty (omitted); priority empty means normal. */
typedef struct ew__event_fields {
  const char *type, *id, *ts, *priority, *source, *metadata, *version, *data;
  size_t type_len, id_len, ts_len, priority_len, source_len, metadata_len, version_len, data_len;
} ew__event_fields_t;

struct ew__buf;
/* Appends the envelope JSON {"id","type","data",...} of f to b (the data,
 * metadata, version and timestamp texts are copied as they are). */
void ew__envelope_json(struct ew__buf *b, const ew__event_fields_t *f);
/* Builds the shared frame of an event (refs = 1), or NULL (bad id, OOM). */
ew__frame_t *ew__frame_event(const ew__event_fields_t *f);
/* A WebSocket frame with one owner: opcode 1 text, 8 close, 9 ping, 10 pong. */
ew__frame_t *ew__frame_ws(uint8_t opcode, const void *payload, size_t len);
/* Raw bytes (HTTP responses). */
ew__frame_t *ew__frame_raw(const void *bytes, size_t len);
/* A close frame with a status code and a short reason. */
ew__frame_t *ew__frame_close(uint16_t code, const char *reason);

/* The encoding of event frame f for a wire (f itself for /ws); NULL when out
 * of memory. The result is owned by f: take a reference to keep it. */
ew__frame_t *ew__frame_wire(ew__frame_t *f, ew__wire_t wire);

static inline void ew__frame_ref(ew__frame_t *f) { f->refs++; }
void ew__frame_unref(ew__frame_t *f);

/* Payload (envelope JSON for events) of a WebSocket frame. */
static inline const char *ew__frame_payload(const ew__frame_t *f, size_t *len) {
  *len = f->len - f->hdr_len;
  return (const char *)f->data + f->hdr_len;
}

/* Parses "<ms>-<seq>" (decimal, no sign, no spaces). 0 or EW_ESINCE. */
int ew__id_parse(const char *s, size_t len, uint64_t *ms, uint64_t *seq);
/* -1, 0, 1 comparing two ids. */
static inline int ew__id_cmp(uint64_t am, uint64_t as, uint64_t bm, uint64_t bs) {
  if (am != bm) return am < bm ? -1 : 1;
  return as == bs ? 0 : (as < bs ? -1 : 1);
}
ew__prio_t ew__prio_parse(const char *s, size_t len);

#endif
