/*
 * The ceiling of bench/http: a minimal HTTP/1.1 "Hello, World!" server in C on epoll.
 *
 *   cc -O2 -o c-epoll c-epoll.c && PORT=8080 ./c-epoll
 *
 * Minimal, but it does what the other servers in the benchmark must do, so that it is a fair
 * ceiling rather than a program that writes canned bytes:
 *   - one thread, level-triggered epoll, non-blocking sockets, accept4 until EAGAIN;
 *   - keep-alive and pipelining: every complete request head in the read buffer gets its own
 *     response, in order, and all responses produced by one read leave in one send();
 *   - a partial request head is kept (in a buffer allocated only then) until the rest arrives;
 *     a head larger than the read buffer gets 431 and the connection is closed;
 *   - "Connection: close" (and HTTP/1.0 without keep-alive) close after the response;
 *     requests with a body (Content-Length other than 0, or Transfer-Encoding) get 400 and a
 *     close, since this server reads no bodies;
 *   - a Date header, formatted once per second as nginx does;
 *   - backpressure: when the kernel does not take a whole response batch, the rest is kept,
 *     reading stops (EPOLLIN off) and EPOLLOUT drains it first.
 * Every path answers the hello body: the benchmark only asks for "/".
 * Per connection it keeps a 32-byte struct (and a pointer in an fd-indexed table); nothing else
 * unless a request head or a write is partial.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF 65536
#define WRITE_BUF 65536
#define MAX_EVENTS 256

struct conn {
  char *pending; /* bytes of an incomplete request head, or NULL */
  char *out;     /* response bytes the kernel has not taken yet, or NULL */
  unsigned pending_len;
  unsigned out_len;
  unsigned out_off;
  int close_after; /* close once `out` is drained */
};

static struct conn **conns; /* indexed by fd */
static int conns_cap;
static int ep;
static char rbuf[READ_BUF];
static char wbuf[WRITE_BUF];
static size_t wlen;

static char date_line[64]; /* "Date: ...\r\n" */
static size_t date_len;
static time_t date_at = -1;

static const char BODY[] = "Hello, World!";

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void refresh_date(void) {
  time_t now = time(NULL);
  if (now == date_at) return;
  date_at = now;
  struct tm tm;
  gmtime_r(&now, &tm);
  date_len = strftime(date_line, sizeof date_line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
}

static void close_conn(int fd) {
  struct conn *c = conns[fd];
  if (c) {
    free(c->pending);
    free(c->out);
    free(c);
    conns[fd] = NULL;
  }
  close(fd); /* also removes fd from the epoll set */
}

static void set_events(int fd, unsigned events) {
  struct epoll_event ev = {.events = events, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0) die("epoll_ctl MOD");
}

/* Case-insensitive search for a header line "name: value-containing-token" in a head. */
static int header_has(const char *head, size_t len, const char *name, const char *token) {
  size_t nlen = strlen(name), tlen = strlen(token);
  const char *p = head, *end = head + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
      if (tlen == 0) return 1;
      for (const char *q = p + nlen + 1; q + tlen <= eol; q++) {
        if (strncasecmp(q, token, tlen) == 0) return 1;
      }
    }
    p = eol + 1;
  }
  return 0;
}

/* Sends what is in wbuf, queueing what the kernel does not take; -1 if the connection died. */
static int flush(int fd, struct conn *c) {
  if (wlen == 0) return 0;
  ssize_t n = 0;
  if (!c->out) { /* with bytes already queued, new ones go behind them */
    n = send(fd, wbuf, wlen, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      n = 0;
    }
  }
  if ((size_t)n < wlen) {
    size_t rest = wlen - (size_t)n;
    char *grown = realloc(c->out, c->out_len - c->out_off + rest);
    if (!grown) die("realloc");
    if (c->out_off) {
      memmove(grown, grown + c->out_off, c->out_len - c->out_off);
      c->out_len -= c->out_off;
      c->out_off = 0;
    }
    memcpy(grown + c->out_len, wbuf + n, rest);
    c->out = grown;
    c->out_len += (unsigned)rest;
  }
  wlen = 0;
  return 0;
}

static void append(int fd, struct conn *c, const char *status, const char *body, int closing) {
  char head[256];
  int hlen = snprintf(head, sizeof head,
                      "HTTP/1.1 %s\r\nServer: c-epoll\r\n%.*sContent-Type: text/plain\r\n"
                      "Content-Length: %zu\r\n%s\r\n",
                      status, (int)date_len, date_line, strlen(body),
                      closing ? "Connection: close\r\n" : "");
  size_t need = (size_t)hlen + strlen(body);
  if (wlen + need > sizeof wbuf && flush(fd, c) < 0) c->close_after = 1;
  memcpy(wbuf + wlen, head, (size_t)hlen);
  memcpy(wbuf + wlen + hlen, body, strlen(body));
  wlen += need;
}

/* Answers every complete head in buf[0, len); returns the offset of the unanswered rest. */
static size_t answer_heads(int fd, struct conn *c, const char *buf, size_t len) {
  size_t pos = 0;
  while (pos < len && !c->close_after) {
    const char *end = memmem(buf + pos, len - pos, "\r\n\r\n", 4);
    if (!end) break;
    const char *head = buf + pos;
    size_t hlen = (size_t)(end - head) + 2;
    pos = (size_t)(end - buf) + 4;
    const char *line_end = memchr(head, '\r', hlen);
    int http10 = line_end && line_end - head >= 8 && memcmp(line_end - 8, "HTTP/1.0", 8) == 0;
    int has_body = header_has(head, hlen, "Transfer-Encoding", "") ||
                   (header_has(head, hlen, "Content-Length", "") &&
                    !header_has(head, hlen, "Content-Length", " 0\r"));
    if (has_body) {
      c->close_after = 1;
      append(fd, c, "400 Bad Request", "request bodies are not read here\n", 1);
      break;
    }
    int closing = http10 ? !header_has(head, hlen, "Connection", "keep-alive")
                         : header_has(head, hlen, "Connection", "close");
    if (closing) c->close_after = 1;
    append(fd, c, "200 OK", BODY, closing);
  }
  return pos;
}

static void on_readable(int fd, struct conn *c) {
  size_t len = 0;
  if (c->pending) {
    memcpy(rbuf, c->pending, c->pending_len);
    len = c->pending_len;
    free(c->pending);
    c->pending = NULL;
    c->pending_len = 0;
  }
  ssize_t n = recv(fd, rbuf + len, sizeof rbuf - len, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    close_conn(fd);
    return;
  }
  if (n > 0) len += (size_t)n;
  refresh_date();
  size_t used = answer_heads(fd, c, rbuf, len);
  if (!c->close_after && used < len) {
    if (len - used == sizeof rbuf) {
      c->close_after = 1;
      append(fd, c, "431 Request Header Fields Too Large", "request head too large\n", 1);
    } else {
      c->pending = malloc(len - used);
      if (!c->pending) die("malloc");
      memcpy(c->pending, rbuf + used, len - used);
      c->pending_len = (unsigned)(len - used);
    }
  }
  if (flush(fd, c) < 0) {
    close_conn(fd);
    return;
  }
  if (c->out) {
    set_events(fd, EPOLLOUT);
  } else if (c->close_after) {
    close_conn(fd);
  }
}

static void on_writable(int fd, struct conn *c) {
  ssize_t n = send(fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    close_conn(fd);
    return;
  }
  c->out_off += (unsigned)n;
  if (c->out_off < c->out_len) return;
  free(c->out);
  c->out = NULL;
  c->out_len = c->out_off = 0;
  if (c->close_after) {
    close_conn(fd);
    return;
  }
  set_events(fd, EPOLLIN | EPOLLRDHUP);
}

static void on_accept(int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) return;
      if (errno == EMFILE || errno == ENFILE) return; /* retried on the next readiness */
      die("accept4");
    }
    if (fd >= conns_cap) {
      int cap = conns_cap;
      while (fd >= cap) cap *= 2;
      struct conn **grown = realloc(conns, sizeof *conns * (size_t)cap);
      if (!grown) die("realloc");
      memset(grown + conns_cap, 0, sizeof *conns * (size_t)(cap - conns_cap));
      conns = grown;
      conns_cap = cap;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conns[fd] = calloc(1, sizeof(struct conn));
    if (!conns[fd]) die("calloc");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
  }
}

int main(void) {
  const char *port_text = getenv("PORT");
  int port = port_text ? atoi(port_text) : 0;
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "c-epoll: set PORT to a TCP port (got %s)\n", port_text ? port_text : "nothing");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  conns_cap = 1024;
  conns = calloc((size_t)conns_cap, sizeof *conns);
  if (!conns) die("calloc");

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(lfd, SOMAXCONN) < 0) die("listen");

  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) die("epoll_ctl listen");

  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        on_accept(lfd);
        continue;
      }
      struct conn *c = conns[fd];
      if (!c) continue; /* closed earlier in this batch */
      unsigned ev = events[i].events;
      if (ev & EPOLLOUT) {
        on_writable(fd, c);
      } else if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        on_readable(fd, c); /* reads 0 or an error on hang-up, and closes */
      }
    }
  }
}
