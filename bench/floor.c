/*
 * bench/floor.c - the kernel floor of a Socket.IO connect storm (bench/connect.js).
 *
 * A server that does nothing but the syscalls a Socket.IO handshake needs:
 * accept4, one read and one canned write per step (the 101 with the
 * Engine.IO open packet, the `40{…}` connect ack, the `431[{"ok":true}]`
 * subscribe ack), on one epoll loop. No HTTP or WebSocket parsing, no
 * sid, no state but a step counter per fd. Whatever rate it reaches with
 * bench/loadgen.c is the most any server can reach on this machine; a real
 * server (eventwire, socket.io) is measured against it in the same run.
 *
 * It relies on the load generator waiting for each answer before the next
 * request, so each step arrives in one read (true of loopback and
 * bench/loadgen.c; not a general server).
 *
 * Driven like the servers in bench/servers/ (bench/lib/child.js), as far as
 * bench/connect.js needs: prints {"op":"ready","port":P} and answers the
 * stdin lines {"op":"info"} ({"op":"info","clients":N}, N = connections
 * past the subscribe ack), {"op":"gc"} and {"op":"quit"}.
 *
 *   cc -O2 -o floor bench/floor.c && ./floor
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FD (1 << 20)

static unsigned char step[MAX_FD]; /* 0: upgrade next, 1: CONNECT, 2: subscribe, 3: subscribed */
static unsigned subscribed;

typedef struct {
  char data[512];
  size_t len;
} reply_t;

/* An unmasked text frame (payload < 126 bytes) appended to r. */
static void add_frame(reply_t *r, const char *payload) {
  size_t n = strlen(payload);
  r->data[r->len++] = (char)0x81;
  r->data[r->len++] = (char)n;
  memcpy(r->data + r->len, payload, n);
  r->len += n;
}

static void add_text(reply_t *r, const char *s) {
  size_t n = strlen(s);
  memcpy(r->data + r->len, s, n);
  r->len += n;
}

static void answer(const char *line) {
  if (strstr(line, "\"info\"")) {
    printf("{\"op\":\"info\",\"clients\":%u}\n", subscribed);
  } else if (strstr(line, "\"gc\"")) {
    printf("{\"op\":\"gc\"}\n");
  } else if (strstr(line, "\"quit\"")) {
    printf("{\"op\":\"quit\"}\n");
    fflush(stdout);
    exit(0);
  } else {
    printf("{\"op\":\"error\",\"message\":\"floor answers info, gc and quit only\"}\n");
  }
  fflush(stdout);
}

int main(void) {
  static reply_t open_ack, connect_ack, sub_ack;
  /* The key bench/loadgen.c sends is RFC 6455's example: its accept value is fixed. */
  add_text(&open_ack, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  add_frame(&open_ack, "0{\"sid\":\"lyLsqQ4CfSjmGnh_dpzs\",\"upgrades\":[],\"pingInterval\":25000,"
                       "\"pingTimeout\":20000,\"maxPayload\":65536}");
  add_frame(&connect_ack, "40{\"sid\":\"gSu6ytE3nfrFjc2j3OBB\",\"pid\":\"a0EySNuH-FgEYEWiadH9\"}");
  add_frame(&sub_ack, "431[{\"ok\":true}]");

  int one = 1;
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) || bind(lfd, (void *)&a, sizeof a) ||
      listen(lfd, 4096) || getsockname(lfd, (void *)&a, &alen)) {
    perror("floor: listen");
    return 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  ev.data.fd = 0; /* stdin: the driver's commands */
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  printf("{\"op\":\"ready\",\"port\":%d}\n", ntohs(a.sin_port));
  fflush(stdout);

  char buf[16384], cmd[4096];
  size_t cmd_len = 0;
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          if (c >= MAX_FD) {
            close(c);
            continue;
          }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          step[c] = 0;
          struct epoll_event e2 = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &e2);
        }
      } else if (fd == 0) {
        ssize_t r = read(0, cmd + cmd_len, sizeof cmd - 1 - cmd_len);
        if (r <= 0) return 0; /* the driver went away */
        cmd_len += (size_t)r;
        cmd[cmd_len] = 0;
        char *nl;
        while ((nl = strchr(cmd, '\n'))) {
          *nl = 0;
          answer(cmd);
          cmd_len -= (size_t)(nl + 1 - cmd);
          memmove(cmd, nl + 1, cmd_len + 1);
        }
        if (cmd_len == sizeof cmd - 1) cmd_len = 0; /* an overlong line: dropped */
      } else {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) {
          if (step[fd] >= 3) subscribed--;
          close(fd);
          continue;
        }
        const reply_t *reply = step[fd] == 0 ? &open_ack : step[fd] == 1 ? &connect_ack : step[fd] == 2 ? &sub_ack : NULL;
        if (reply && write(fd, reply->data, reply->len) < 0) continue; /* its close comes as a read of 0 */
        if (step[fd] < 3 && ++step[fd] == 3) subscribed++;
      }
    }
  }
}
