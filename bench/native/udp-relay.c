/* udp-relay: the C baseline for the live gateway benchmark. Receives UDP datagrams on a port with
 * recvmmsg and forwards each one unchanged to a fixed host:port with sendmmsg (batches of up to 256).
 * Prints "ready" on stderr once bound, then datagrams/s once a second (while traffic flows) on stderr.
 * usage: udp-relay <listen-port> <dst-ipv4> <dst-port> [bind-ipv4=0.0.0.0] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define SLOT 65536

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <listen-port> <dst-ipv4> <dst-port> [bind-ipv4]\n", argv[0]);
    return 2;
  }
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[3]))};
  if (inet_pton(AF_INET, argc > 4 ? argv[4] : "0.0.0.0", &local.sin_addr) != 1 ||
      inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
    fprintf(stderr, "bad IPv4 address\n");
    return 2;
  }
  int in = socket(AF_INET, SOCK_DGRAM, 0), out = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 16 << 20;
  setsockopt(in, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  setsockopt(out, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
  if (in < 0 || out < 0 || bind(in, (struct sockaddr *)&local, sizeof(local)) < 0 ||
      connect(out, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
    perror("socket/bind/connect");
    return 1;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  fprintf(stderr, "ready\n");
  fflush(stderr);

  static char bufs[BATCH][SLOT];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  unsigned long long total = 0, window = 0, dropped = 0;
  double mark = now();
  while (!stop) {
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], SLOT};
      memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct pollfd p = {.fd = in, .events = POLLIN};
    if (poll(&p, 1, 500) <= 0) goto report;
    int n = recvmmsg(in, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      perror("recvmmsg");
      return 1;
    }
    for (int i = 0; i < n; i++) iov[i].iov_len = msgs[i].msg_len; /* forward exactly what came in */
    for (int sent = 0; sent < n;) {
      int m = sendmmsg(out, msgs + sent, n - sent, 0);
      if (m < 0) {
        if (errno == EINTR) continue;
        dropped += n - sent; /* e.g. ECONNREFUSED from a closed receiver: count, keep relaying */
        break;
      }
      sent += m;
    }
    total += n;
    window += n;
  report:
    if (now() - mark >= 1.0) {
      if (window > 0)
        fprintf(stderr, "relay: %.0f datagrams/s (total %llu, dropped %llu)\n", window / (now() - mark), total, dropped);
      window = 0;
      mark = now();
    }
  }
  fprintf(stderr, "relay: total %llu datagrams, dropped %llu\n", total, dropped);
  return 0;
}
