// Server options of the Socket.IO and SSE endpoints and the authorize hook.
import {
  EventBus,
  ServerOptions,
  SocketIoOptions,
  SseOptions,
  AuthorizeInfo,
  RequestAuth,
  RequestAuthorizeInfo,
  SocketIoAuthorizeInfo,
  AuthorizeResult,
} from 'eventwire';
import { assertType, Equal } from './helpers';

// ---- socketIo / sse: options or false ---------------------------------------

const sio: SocketIoOptions = { path: '/realtime/', pingIntervalMs: 10_000, pingTimeoutMs: 5000 };
const sse: SseOptions = { path: '/stream', heartbeatMs: 0, retryMs: 1000 };
const full: ServerOptions = { port: 0, socketIo: sio, sse };
new EventBus({ server: full });
new EventBus({ server: { socketIo: false, sse: false } }); // WebSocket only
new EventBus({ server: { socketIo: {}, sse: {} } });
assertType<Equal<ServerOptions['socketIo'], SocketIoOptions | false | undefined>>();
assertType<Equal<ServerOptions['sse'], SseOptions | false | undefined>>();

// @ts-expect-error socketIo is an object or false (true is rejected at run time)
new EventBus({ server: { socketIo: true } });
// @ts-expect-error sse is an object or false
new EventBus({ server: { sse: '/events' } });
// @ts-expect-error socketIo.path is a string
new EventBus({ server: { socketIo: { path: 1 } } });
// @ts-expect-error socketIo ping times are numbers
new EventBus({ server: { socketIo: { pingIntervalMs: '25s' } } });
// @ts-expect-error unknown socketIo option (Engine.IO's name is pingInterval; ours ends in Ms)
new EventBus({ server: { socketIo: { pingInterval: 25000 } } });
// @ts-expect-error sse.heartbeatMs is a number (0 turns it off)
new EventBus({ server: { sse: { heartbeatMs: false } } });
// @ts-expect-error sse.retryMs is a number
new EventBus({ server: { sse: { retryMs: '3s' } } });
// @ts-expect-error unknown sse option
new EventBus({ server: { sse: { maxBuffered: 10 } } });

// ---- authorize ----------------------------------------------------------------

new EventBus({
  server: {
    authorize(auth, info) {
      assertType<Equal<typeof auth, unknown>>();
      assertType<Equal<typeof info, AuthorizeInfo>>();
      assertType<Equal<typeof info.transport, 'socket.io' | 'ws' | 'sse'>>();
      if (info.transport !== 'socket.io') {
        // /ws and /events: the HTTP request, narrowed by the transport
        assertType<Equal<typeof info, RequestAuthorizeInfo>>();
        assertType<Equal<typeof info.headers, Record<string, string>>>();
        assertType<Equal<typeof info.query, Record<string, string | string[]>>>();
        assertType<Equal<typeof info.path, string>>();
        const { token } = auth as RequestAuth;
        assertType<Equal<typeof token, string | undefined>>();
        return token === 'secret' && info.headers.cookie !== undefined;
      }
      assertType<Equal<typeof info, SocketIoAuthorizeInfo>>();
      return typeof auth === 'object' && auth !== null && 'token' in auth;
    },
  },
});
new EventBus({ server: { authorize: () => ({ ok: false, message: 'bad token' }) } });
new EventBus({ server: { authorize: () => ({ ok: true }) } });
new EventBus({ server: { authorize: async (auth) => auth !== null } });
new EventBus({
  server: {
    authorize: async (): Promise<AuthorizeResult> => ({ ok: false, message: 'expired' }),
  },
});
const verify = (token: unknown): Promise<{ ok: boolean; message?: string }> =>
  Promise.resolve({ ok: token === 'secret' });
new EventBus({ server: { authorize: (auth) => verify(auth) } });
assertType<Equal<AuthorizeResult, boolean | { ok: boolean; message?: string; patterns?: string[] }>>();
new EventBus({ server: { authorize: () => ({ ok: true, patterns: ['user.42.*', 'public.**'] }) } });
// @ts-expect-error patterns is an array of strings
new EventBus({ server: { authorize: () => ({ ok: true, patterns: 'user.*' }) } });

// @ts-expect-error authorize is a function
new EventBus({ server: { authorize: true } });
// @ts-expect-error authorize answers a boolean or { ok, message }, not a string
new EventBus({ server: { authorize: () => 'yes' } });
// @ts-expect-error { ok } is required in the object form
new EventBus({ server: { authorize: () => ({ message: 'no' }) } });
// @ts-expect-error message is a string
new EventBus({ server: { authorize: () => ({ ok: false, message: 404 }) } });
// @ts-expect-error the resolved value is checked too
new EventBus({ server: { authorize: async () => 1 } });
// @ts-expect-error info.transport is "socket.io", "ws" or "sse"
new EventBus({ server: { authorize: (_auth, info) => info.transport === 'polling' } });
// @ts-expect-error a Socket.IO connect has no request headers
new EventBus({ server: { authorize: (_auth, info) => info.transport === 'socket.io' && info.headers.cookie === 'x' } });

// ---- ops token ----------------------------------------------------------------

new EventBus({ server: { opsToken: 'a-long-enough-ops-token' } });
// @ts-expect-error the ops token is a string
new EventBus({ server: { opsToken: 1234567890123456 } });
