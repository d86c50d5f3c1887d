/*
 * metrics.c - GET /metrics: the engine's counters in the Prometheus text
 * exposition format (version 0.0.4), from one table, so a scraper sees the
 * same numbers as /stats and stats(). `eventwire_up` is /health's verdict
 * (1 healthy, 0 not), so an alert can fire on delivery being dead, not only
 * on the process being gone.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "engine.h"

/* The JS key is the name binding.cc gives the field in stats().engine, so
 * lib/metrics.js (prom-client) reads the same table. */
#define EW__M(name, type, field, key, help, redis) {name, type, help, key, offsetof(ew_engine_stats_t, field), redis}

static const ew_metric_desc_t ew__metrics[] = {
    EW__M("eventwire_events_in_total", "counter", events_in, "eventsIn", "Events the engine took from the bus.", 0),
    EW__M("eventwire_batches_in_total", "counter", batches_in, "batchesIn", "Batches the engine took from the bus.", 0),
    EW__M("eventwire_bad_records_total", "counter", bad_records, "badRecords", "Records or stream entries skipped as malformed.", 0),
    EW__M("eventwire_inbox_rejected_total", "counter", inbox_rejected, "inboxRejected", "Events refused because the inbox was full.", 0),
    EW__M("eventwire_inbox_events", "gauge", inbox_events, "inboxEvents", "Events waiting in the inbox.", 0),
    EW__M("eventwire_inbox_high_water_events", "gauge", inbox_hwm_events, "inboxHighWaterEvents", "Most events the inbox has held.", 0),
    EW__M("eventwire_connections", "gauge", connections, "connections", "Client connections open (WebSocket, Socket.IO, SSE).", 0),
    EW__M("eventwire_connections_total", "counter", connections_total, "connectionsTotal", "Client connections accepted.", 0),
    EW__M("eventwire_subscriptions", "gauge", subscriptions, "subscriptions", "Patterns held by connections.", 0),
    EW__M("eventwire_deliveries_total", "counter", deliveries, "deliveries", "Event frames queued to connections.", 0),
    EW__M("eventwire_frames_out_total", "counter", frames_out, "framesOut", "Frames written to sockets.", 0),
    EW__M("eventwire_bytes_out_total", "counter", bytes_out, "bytesOut", "Bytes written to sockets.", 0),
    EW__M("eventwire_client_publishes_total", "counter", client_publishes, "clientPublishes", "Events published by clients.", 0),
    EW__M("eventwire_dropped_low_total", "counter", dropped_low, "droppedLow", "Low-priority events dropped for slow clients.", 0),
    EW__M("eventwire_slow_consumer_closes_total", "counter", slow_consumer_closes, "slowConsumerCloses", "Connections closed as slow consumers.", 0),
    EW__M("eventwire_heartbeat_timeouts_total", "counter", heartbeat_timeouts, "heartbeatTimeouts", "Connections closed for missed heartbeats.", 0),
    EW__M("eventwire_protocol_errors_total", "counter", protocol_errors, "protocolErrors", "Connections closed for protocol errors.", 0),
    EW__M("eventwire_handshake_rejects_total", "counter", handshake_rejects, "handshakeRejects", "Handshakes refused: upgrades answered with an HTTP error, Socket.IO connects refused by authorize.", 0),
    EW__M("eventwire_op_errors_total", "counter", op_errors, "opErrors", "Error replies to client operations.", 0),
    EW__M("eventwire_backlog_high_water_frames", "gauge", backlog_hwm_frames, "backlogHighWaterFrames", "Largest per-connection backlog seen (frames).", 0),
    EW__M("eventwire_history_events", "gauge", history_events, "historyEvents", "Events in the engine's history ring.", 0),
    EW__M("eventwire_history_evicted_total", "counter", history_evicted, "historyEvicted", "Events evicted from the history ring.", 0),
    EW__M("eventwire_redis_queued", "gauge", redis_queued, "redisQueued", "Events waiting for (or in) XADD.", 1),
    EW__M("eventwire_redis_queue_high_water", "gauge", redis_queue_hwm, "redisQueueHighWater", "Most events the Redis queue has held.", 1),
    EW__M("eventwire_redis_written_total", "counter", redis_written, "redisWritten", "XADDs acknowledged by Redis.", 1),
    EW__M("eventwire_redis_relayed_total", "counter", redis_relayed, "redisRelayed", "Stream entries read by the relay.", 1),
    EW__M("eventwire_redis_rejected_total", "counter", redis_rejected, "redisRejected", "Events refused: queue full or Redis unavailable.", 1),
    EW__M("eventwire_redis_reconnects_total", "counter", redis_reconnects, "redisReconnects", "Redis connections lost.", 1),
    EW__M("eventwire_redis_relay_pauses_total", "counter", redis_relay_pauses, "redisRelayPauses", "Times the relay waited for JS to take other instances' events (16 MB waiting).", 1),
};

static void ew__metric_line(ew__buf_t *b, const char *name, const char *type, const char *help, uint64_t v) {
  ew__buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, (unsigned long long)v);
}

void ew__engine_metrics_text(ew_engine_t *e, ew__buf_t *b) {
  ew_engine_stats_t s;
  ew_engine_stats(e, &s);
  ew__buf_t health;
  ew__buf_init(&health);
  int up = ew__engine_health_json(e, &health);
  ew__buf_free(&health);
  ew__metric_line(b, "eventwire_up", "gauge", "1 while the engine delivers (what /health says), else 0.", up ? 1 : 0);
  int redis = e->redis != NULL;
  for (size_t i = 0; i < sizeof ew__metrics / sizeof *ew__metrics; i++) {
    const ew_metric_desc_t *m = &ew__metrics[i];
    if (m->redis_only && !redis) continue;
    uint64_t v;
    memcpy(&v, (const char *)&s + m->offset, sizeof v);
    ew__metric_line(b, m->name, m->type, m->help, v);
  }
  if (redis) {
    ew__metric_line(b, "eventwire_redis_connected", "gauge", "1 while both Redis connections are ready.",
                    s.redis_connected ? 1 : 0);
    ew__metric_line(b, "eventwire_redis_last_event_timestamp_ms", "gauge",
                    "Stream time (ms) of the newest event the relay read.", s.redis_last_event_ms);
  }
}

const ew_metric_desc_t *ew_metric_descs(size_t *n) {
  *n = sizeof ew__metrics / sizeof *ew__metrics;
  return ew__metrics;
}
