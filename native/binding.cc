// binding.cc - node-addon-api glue only: every name maps 1:1 to the C API.
//
// Threads: everything here runs on the JS thread of the environment that
// created the object, except Engine::OnNotify, which the engine thread calls
// and which only queues a thread-safe-function call.
#include <napi.h>

#include <cstring>
#include <string>

extern "C" {
#include "eventwire.h"
#include "matcher.h"
}

namespace {

Napi::Value ErrTable(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int n = ew_err_count();
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 1; i <= n; i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("errno", (double)-i);
    o.Set("code", ew_err_name(-i));
    o.Set("message", ew_strerror(-i));
    out.Set(i - 1, o);
  }
  return out;
}

Napi::Value AllocLive(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), (double)ew_alloc_live());
}

// (name, delimiter) -> 0 or a negative EW_E* code.
template <int (*Check)(const char *, size_t, const char *)>
Napi::Value NameCheck(const Napi::CallbackInfo &info) {
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString())
    return Napi::Number::New(info.Env(), EW_EINVAL);
  std::string name = info[0].As<Napi::String>();
  std::string delim = info[1].As<Napi::String>();
  if (name.size() != strlen(name.c_str())) return Napi::Number::New(info.Env(), Check == ew_pattern_check ? EW_EPATTERN : EW_EEVENT_NAME);
  return Napi::Number::New(info.Env(), Check(name.data(), name.size(), delim.c_str()));
}

int64_t IntOpt(Napi::Object o, const char *key) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int64Value() : 0;
}

// ---- Engine -----------------------------------------------------------------

class Engine : public Napi::ObjectWrap<Engine> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {InstanceMethod("send", &Engine::Send),
                        InstanceMethod("listen", &Engine::Listen),
                        InstanceMethod("route", &Engine::Route),
                        InstanceMethod("history", &Engine::History),
                        InstanceMethod("answer", &Engine::Answer),
                        InstanceMethod("health", &Engine::Health),
                        InstanceMethod("redis", &Engine::Redis),
                        InstanceMethod("groupRead", &Engine::GroupRead),
                        InstanceMethod("redisWatch", &Engine::RedisWatch),
                        InstanceMethod("close", &Engine::Close),
                        InstanceMethod("dispose", &Engine::Dispose),
                        InstanceMethod("stats", &Engine::Stats),
                        InstanceMethod("ref", &Engine::Ref),
                        InstanceMethod("unref", &Engine::Unref)});
  }

  // new Engine({ delimiter, inboxMaxEvents, inboxMaxBytes }, onMessages)
  // onMessages(Array<[kind, req, value]>) runs on the JS thread.
  Engine(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Engine>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Engine(options, onMessages)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    std::string delim = o.Has("delimiter") ? o.Get("delimiter").ToString().Utf8Value() : ".";
    ew_engine_options_t opts = {};
    opts.delimiter = delim.c_str();
    if (o.Get("inboxMaxEvents").IsNumber())
      opts.inbox_max_events = (size_t)o.Get("inboxMaxEvents").As<Napi::Number>().Int64Value();
    if (o.Get("inboxMaxBytes").IsNumber())
      opts.inbox_max_bytes = (size_t)o.Get("inboxMaxBytes").As<Napi::Number>().Int64Value();
    if (o.Get("historySize").IsNumber())
      opts.history_size = (size_t)o.Get("historySize").As<Napi::Number>().Int64Value();
    if (o.Get("historyMaxAgeMs").IsNumber())
      opts.history_max_age_ms = o.Get("historyMaxAgeMs").As<Napi::Number>().Int64Value();
    opts.notify = &Engine::OnNotify;
    opts.notify_arg = this;
    // redis: { host, port, password, db, stream, retention, queueSize,
    //          connectTimeoutMs, maxReconnectAttempts, instance } (JS checked it)
    ew_redis_options_t ro = {};
    std::string rhost, rpass, rstream, rinst;
    if (o.Get("redis").IsObject()) {
      Napi::Object r = o.Get("redis").As<Napi::Object>();
      auto str = [&](const char *k) { return r.Get(k).IsString() ? r.Get(k).As<Napi::String>().Utf8Value() : std::string(); };
      rhost = str("host"), rpass = str("password"), rstream = str("stream"), rinst = str("instance");
      ro.host = rhost.c_str();
      ro.port = (int)IntOpt(r, "port");
      ro.password = rpass.empty() ? nullptr : rpass.c_str();
      ro.db = (int)IntOpt(r, "db");
      ro.stream = rstream.c_str();
      ro.retention = (size_t)IntOpt(r, "retention");
      ro.queue_size = (size_t)IntOpt(r, "queueSize");
      ro.connect_timeout_ms = (int)IntOpt(r, "connectTimeoutMs");
      ro.max_reconnect_attempts = (int)IntOpt(r, "maxReconnectAttempts");
      ro.instance = rinst.c_str();
      opts.redis = &ro;
    }

    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "eventwire", 0, 1);
    int rc = ew_engine_create(&engine_, &opts);
    if (rc) {
      tsfn_.Release();
      ThrowCode(env, rc);
      return;
    }
    napi_add_env_cleanup_hook(env, &Engine::OnEnvTeardown, this);
  }

  ~Engine() override { Teardown(); }

 private:
  static void ThrowCode(Napi::Env env, int rc) {
    Napi::Error err = Napi::Error::New(env, ew_strerror(rc));
    err.Set("code", ew_err_name(rc));
    err.Set("errno", (double)rc);
    err.ThrowAsJavaScriptException();
  }

  // Engine thread. Fires once until the JS side has taken the messages.
  static void OnNotify(void *arg) {
    Engine *self = static_cast<Engine *>(arg);
    self->tsfn_.NonBlockingCall(self, [](Napi::Env env, Napi::Function fn, Engine *self) {
      if (!self->engine_ || !env) return;
      ew_msg_t *m = ew_engine_take(self->engine_);
      Napi::Array arr = Napi::Array::New(env);
      uint32_t i = 0;
      while (m) {
        Napi::Array t = Napi::Array::New(env, 4);
        t.Set(0u, (double)m->kind);
        t.Set(1u, (double)m->req);
        t.Set(2u, (double)m->value);
        if (m->len) t.Set(3u, Napi::String::New(env, m->data, m->len));
        arr.Set(i++, t);
        ew_msg_t *next = m->next;
        ew_msg_free(m);
        m = next;
      }
      if (i) fn.Call({arr});
    });
  }

  // Closes and joins synchronously: used on environment teardown, on GC of a
  // never-closed engine, and by dispose() after EW_MSG_CLOSED (then the join
  // returns at once).
  void Teardown() {
    if (!engine_) return;
    ew_engine_t *e = engine_;
    ew_engine_destroy(e);  // closes and joins if still running
    engine_ = nullptr;
    tsfn_.Release();
    napi_remove_env_cleanup_hook(Env(), &Engine::OnEnvTeardown, this);
  }

  static void OnEnvTeardown(void *arg) {
    Engine *self = static_cast<Engine *>(arg);
    if (!self->engine_) return;
    ew_engine_destroy(self->engine_);
    self->engine_ = nullptr;
    self->tsfn_.Abort();
  }

  Napi::Value Closed(Napi::Env env) { return Napi::Number::New(env, EW_ECLOSED); }

  // send(batch: Buffer, length, count, req) -> 0 | EW_E*. The bytes are
  // copied into the inbox, so the caller may reuse its buffer at once.
  // (A string would cost a UTF-16/Latin-1 -> UTF-8 pass here on the JS
  // thread; the bus writes records into a Buffer as they are emitted.)
  Napi::Value Send(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    if (info.Length() < 4 || !info[0].IsBuffer()) return Napi::Number::New(env, EW_EINVAL);
    Napi::Buffer<char> b = info[0].As<Napi::Buffer<char>>();
    size_t len = (size_t)info[1].As<Napi::Number>().Int64Value();
    if (len > b.Length()) return Napi::Number::New(env, EW_EINVAL);
    size_t count = (size_t)info[2].As<Napi::Number>().Int64Value();
    uint32_t req = info[3].As<Napi::Number>().Uint32Value();
    return Napi::Number::New(env, ew_engine_send(engine_, b.Data(), len, count, req));
  }

  // listen({ host, port, path, maxConnections, maxPayload, heartbeatMs,
  //          handshakeTimeoutMs, allowedOrigins: string ('\n'-joined) | undefined,
  //          allowClientPublish, backlogMaxFrames, backlogMaxBytes }, req) -> 0 | EW_E*
  Napi::Value Listen(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    if (info.Length() < 2 || !info[0].IsObject()) return Napi::Number::New(env, EW_EINVAL);
    Napi::Object o = info[0].As<Napi::Object>();
    std::string host = o.Get("host").IsString() ? o.Get("host").As<Napi::String>().Utf8Value() : "";
    std::string path = o.Get("path").IsString() ? o.Get("path").As<Napi::String>().Utf8Value() : "";
    // sioPath / ssePath: a string, or false (off: "")
    std::string sio = o.Get("sioPath").IsString() ? o.Get("sioPath").As<Napi::String>().Utf8Value() : "";
    std::string sse = o.Get("ssePath").IsString() ? o.Get("ssePath").As<Napi::String>().Utf8Value() : "";
    bool has_origins = o.Get("allowedOrigins").IsString();
    std::string origins = has_origins ? o.Get("allowedOrigins").As<Napi::String>().Utf8Value() : "";
    std::string ops = o.Get("opsToken").IsString() ? o.Get("opsToken").As<Napi::String>().Utf8Value() : "";
    ew_server_options_t so = {};
    so.host = host.c_str();
    so.port = (int)IntOpt(o, "port");
    so.ws_path = path.c_str();
    so.max_connections = (int)IntOpt(o, "maxConnections");
    so.max_payload = (size_t)IntOpt(o, "maxPayload");
    so.heartbeat_ms = (int)IntOpt(o, "heartbeatMs");
    so.handshake_timeout_ms = (int)IntOpt(o, "handshakeTimeoutMs");
    so.allowed_origins = has_origins ? origins.c_str() : nullptr;
    so.ops_token = ops.empty() ? nullptr : ops.c_str();
    so.allow_client_publish = o.Get("allowClientPublish").ToBoolean().Value();
    so.backlog_max_frames = (size_t)IntOpt(o, "backlogMaxFrames");
    so.backlog_max_bytes = (size_t)IntOpt(o, "backlogMaxBytes");
    so.sio_path = sio.c_str();
    so.sse_path = sse.c_str();
    so.sse_retry_ms = (int)IntOpt(o, "sseRetryMs");
    so.sse_heartbeat_ms = (int)IntOpt(o, "sseHeartbeatMs");
    so.sio_ping_interval_ms = (int)IntOpt(o, "sioPingIntervalMs");
    so.sio_ping_timeout_ms = (int)IntOpt(o, "sioPingTimeoutMs");
    so.sio_authorize = o.Get("sioAuthorize").ToBoolean().Value();
    so.http_authorize = o.Get("httpAuthorize").ToBoolean().Value();
    return Napi::Number::New(env, ew_engine_listen(engine_, &so, info[1].As<Napi::Number>().Uint32Value()));
  }

  // route(path, contentType, body: string | Buffer) -> 0 | EW_E*
  Napi::Value Route(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString()) return Napi::Number::New(env, EW_EINVAL);
    std::string path = info[0].As<Napi::String>(), ctype = info[1].As<Napi::String>();
    std::string body;
    if (info[2].IsBuffer()) {
      Napi::Buffer<char> b = info[2].As<Napi::Buffer<char>>();
      body.assign(b.Data(), b.Length());
    } else {
      body = info[2].ToString().Utf8Value();
    }
    return Napi::Number::New(env, ew_engine_route(engine_, path.c_str(), ctype.c_str(), body.data(), body.size()));
  }

  // history(pattern | '', since | '', count, req) -> 0 | EW_E*
  Napi::Value History(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    std::string pattern = info[0].ToString().Utf8Value(), since = info[1].ToString().Utf8Value();
    return Napi::Number::New(env, ew_engine_history(engine_, pattern.empty() ? nullptr : pattern.c_str(),
                                                    since.empty() ? nullptr : since.c_str(),
                                                    (size_t)info[2].As<Napi::Number>().Int64Value(),
                                                    info[3].As<Napi::Number>().Uint32Value()));
  }

  // health(req) -> 0 | EW_E*; the answer is a REPLY with the JSON
  Napi::Value Health(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    return Napi::Number::New(env, ew_engine_health(engine_, info[0].As<Napi::Number>().Uint32Value()));
  }

  // redis(joined, n, req) -> 0 | EW_E*: one non-blocking Redis command
  Napi::Value Redis(const Napi::CallbackInfo &info) { return RedisArgs(info, ew_engine_redis_command); }

  // groupRead(joined [group, consumer, count, ...patterns], n, req) -> 0 | EW_E*:
  // XREADGROUP filtered on the engine thread (ew_engine_group_read).
  Napi::Value GroupRead(const Napi::CallbackInfo &info) { return RedisArgs(info, ew_engine_group_read); }

  // (joined, n, req): n arguments, each followed by a NUL, in one string;
  // the block goes to the engine as it is.
  Napi::Value RedisArgs(const Napi::CallbackInfo &info,
                        int (*fn)(ew_engine_t *, const char *, size_t, int, uint32_t)) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber())
      return Napi::Number::New(env, EW_EINVAL);
    std::string joined = info[0].As<Napi::String>().Utf8Value();
    int64_t n = info[1].As<Napi::Number>().Int64Value();
    size_t nuls = 0;
    for (char ch : joined) nuls += ch == '\0';
    if (n <= 0 || (size_t)n != nuls || joined.empty() || joined.back() != '\0') return Napi::Number::New(env, EW_EINVAL);
    return Napi::Number::New(env, fn(engine_, joined.data(), joined.size(), (int)n,
                                     info[2].As<Napi::Number>().Uint32Value()));
  }

  Napi::Value RedisWatch(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    int flags = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : (info[0].ToBoolean().Value() ? EW_WATCH_STREAM : 0);
    return Napi::Number::New(env, ew_engine_redis_watch(engine_, flags));
  }

  // answer(token, errno (0 = ok), message) -> 0 | EW_E*
  Napi::Value Answer(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return Closed(env);
    std::string msg = info[2].ToString().Utf8Value();
    return Napi::Number::New(env, ew_engine_answer(engine_, info[0].As<Napi::Number>().Uint32Value(),
                                                   info[1].As<Napi::Number>().Int32Value(), msg.c_str()));
  }

  Napi::Value Close(const Napi::CallbackInfo &info) {
    if (!engine_) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), ew_engine_close(engine_));
  }

  // After EW_MSG_CLOSED: join the thread and free everything now.
  Napi::Value Dispose(const Napi::CallbackInfo &info) {
    Teardown();
    return info.Env().Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!engine_) return env.Null();
    ew_engine_stats_t s;
    ew_engine_stats(engine_, &s);
    Napi::Object o = Napi::Object::New(env);
    o.Set("running", s.running != 0);
    o.Set("port", (double)s.port);
    o.Set("batchesIn", (double)s.batches_in);
    o.Set("eventsIn", (double)s.events_in);
    o.Set("bytesIn", (double)s.bytes_in);
    o.Set("badRecords", (double)s.bad_records);
    o.Set("inboxRejected", (double)s.inbox_rejected);
    o.Set("inboxEvents", (double)s.inbox_events);
    o.Set("inboxBytes", (double)s.inbox_bytes);
    o.Set("inboxHighWaterEvents", (double)s.inbox_hwm_events);
    o.Set("inboxHighWaterBytes", (double)s.inbox_hwm_bytes);
    o.Set("wakeups", (double)s.wakeups);
    o.Set("httpRequests", (double)s.http_requests);
    o.Set("connections", (double)s.connections);
    o.Set("connectionsTotal", (double)s.connections_total);
    o.Set("subscriptions", (double)s.subscriptions);
    o.Set("deliveries", (double)s.deliveries);
    o.Set("framesOut", (double)s.frames_out);
    o.Set("bytesOut", (double)s.bytes_out);
    o.Set("clientPublishes", (double)s.client_publishes);
    o.Set("droppedLow", (double)s.dropped_low);
    o.Set("slowConsumerCloses", (double)s.slow_consumer_closes);
    o.Set("heartbeatTimeouts", (double)s.heartbeat_timeouts);
    o.Set("protocolErrors", (double)s.protocol_errors);
    o.Set("handshakeRejects", (double)s.handshake_rejects);
    o.Set("opErrors", (double)s.op_errors);
    o.Set("backlogHighWaterFrames", (double)s.backlog_hwm_frames);
    o.Set("backlogHighWaterBytes", (double)s.backlog_hwm_bytes);
    o.Set("historyEvents", (double)s.history_events);
    o.Set("historyEvicted", (double)s.history_evicted);
    o.Set("redisConnected", s.redis_connected != 0);
    o.Set("redisQueued", (double)s.redis_queued);
    o.Set("redisQueueHighWater", (double)s.redis_queue_hwm);
    o.Set("redisWritten", (double)s.redis_written);
    o.Set("redisRelayed", (double)s.redis_relayed);
    o.Set("redisRejected", (double)s.redis_rejected);
    o.Set("redisReconnects", (double)s.redis_reconnects);
    o.Set("redisRelayPauses", (double)s.redis_relay_pauses);
    return o;
  }

  Napi::Value Ref(const Napi::CallbackInfo &info) {
    if (engine_) tsfn_.Ref(info.Env());
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo &info) {
    if (engine_) tsfn_.Unref(info.Env());
    return info.Env().Undefined();
  }

  ew_engine_t *engine_ = nullptr;  // {js}
  Napi::ThreadSafeFunction tsfn_;  // calls from the engine thread
};

// ---- Matcher: the C trie exposed for tests (differential vs eventemitter2) --

class Matcher : public Napi::ObjectWrap<Matcher> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Matcher",
                       {InstanceMethod("add", &Matcher::Add),
                        InstanceMethod("remove", &Matcher::Remove),
                        InstanceMethod("match", &Matcher::Match),
                        InstanceMethod("size", &Matcher::Size),
                        InstanceMethod("destroy", &Matcher::Destroy)});
  }
  Matcher(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Matcher>(info) {
    std::string delim = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : ".";
    m_ = ew__matcher_create(delim.c_str());
    if (!m_) Napi::Error::New(info.Env(), "bad delimiter").ThrowAsJavaScriptException();
  }
  ~Matcher() override { DestroyNow(); }

 private:
  void DestroyNow() {
    if (m_) ew__matcher_destroy(m_);
    m_ = nullptr;
  }
  // Subscribers are small integers stored as pointers (id + 1, never NULL).
  Napi::Value Add(const Napi::CallbackInfo &info) {
    std::string p = info[0].As<Napi::String>();
    uintptr_t id = info[1].As<Napi::Number>().Uint32Value() + 1u;
    return Napi::Number::New(info.Env(), ew__matcher_add(m_, p.data(), p.size(), (void *)id));
  }
  Napi::Value Remove(const Napi::CallbackInfo &info) {
    std::string p = info[0].As<Napi::String>();
    uintptr_t id = info[1].As<Napi::Number>().Uint32Value() + 1u;
    return Napi::Number::New(info.Env(), ew__matcher_remove(m_, p.data(), p.size(), (void *)id));
  }
  Napi::Value Match(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    std::string name = info[0].As<Napi::String>();
    Napi::Array out = Napi::Array::New(env);
    struct Ctx { Napi::Env env; Napi::Array out; uint32_t n; } ctx{env, out, 0};
    int rc = ew__matcher_match(
        m_, name.data(), name.size(),
        [](void *sub, void *arg) {
          Ctx *c = static_cast<Ctx *>(arg);
          c->out.Set(c->n++, (double)((uintptr_t)sub - 1u));
        },
        &ctx);
    if (rc < 0) return Napi::Number::New(env, rc);
    return out;
  }
  Napi::Value Size(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), (double)ew__matcher_size(m_));
  }
  Napi::Value Destroy(const Napi::CallbackInfo &info) {
    DestroyNow();
    return info.Env().Undefined();
  }
  ew__matcher_t *m_ = nullptr;
};

// metricDescriptors() -> [{ name, type, help, key, redisOnly }]: the table
// behind GET /metrics, for lib/metrics.js.
static Napi::Value MetricDescriptors(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  size_t n = 0;
  const ew_metric_desc_t *d = ew_metric_descs(&n);
  Napi::Array out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", d[i].name);
    o.Set("type", d[i].type);
    o.Set("help", d[i].help);
    o.Set("key", d[i].stats_key);
    o.Set("redisOnly", d[i].redis_only != 0);
    out.Set((uint32_t)i, o);
  }
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("metricDescriptors", Napi::Function::New(env, MetricDescriptors));
  exports.Set("errTable", Napi::Function::New(env, ErrTable));
  exports.Set("allocLive", Napi::Function::New(env, AllocLive));
  exports.Set("eventNameCheck", Napi::Function::New(env, NameCheck<ew_event_name_check>));
  exports.Set("patternCheck", Napi::Function::New(env, NameCheck<ew_pattern_check>));
  exports.Set("Engine", Engine::Init(env));
  exports.Set("Matcher", Matcher::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(eventwire, Init)
