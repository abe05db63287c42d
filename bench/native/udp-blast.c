/* udp-blast: load generator and counter for the live gateway benchmark.
 *   send:  udp-blast send <dst-ipv4> <port> <count> <size> [rate-per-s, 0 = as fast as possible]
 *                         [template-file] [seq-offset=0] [vary-offset vary-count]
 *          sendmmsg batches of 64. Each datagram starts with the template's bytes (e.g. a VXLAN header
 *          and an inner Ethernet/IPv4/UDP frame; default 0x5a filler), with a big-endian u64 sequence
 *          number written at seq-offset. With vary-offset, the big-endian u16 there gets + (seq % vary-count)
 *          (e.g. the inner UDP source port: that many flows).
 *   count: udp-blast count <port> <expected> [idle-timeout-ms=2000] [seq-offset=0]
 *          recvmmsg; counts datagrams, distinct sequence numbers, duplicates, reordering and loss;
 *          prints "ready" on stderr once bound; stops at <expected> or after the idle timeout (counted
 *          from the last datagram, or from start when none came), prints one summary line on stdout.
 *   sink:  udp-blast sink <port>
 *          counts datagrams and bytes until SIGINT/SIGTERM, then prints one summary line on stdout. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define MAXSZ 65507

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct shape {
  const char *template_path; /* NULL: 0x5a filler */
  int seq_off;
  int vary_off; /* -1: none */
  int vary_count;
};

static int blast(const char *host, int port, unsigned long long count, int size, double rate, const struct shape *sh) {
  if (size < 8 || size > MAXSZ || sh->seq_off < 0 || sh->seq_off + 8 > size ||
      (sh->vary_off >= 0 && (sh->vary_off + 2 > size || sh->vary_count < 1))) {
    fprintf(stderr, "size must be in [8, %d] and hold the sequence number and varied field\n", MAXSZ);
    return 2;
  }
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &dst.sin_addr) != 1) return fprintf(stderr, "bad IPv4 address\n"), 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 16 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
  if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) return perror("socket/connect"), 1;
  static unsigned char bufs[BATCH][MAXSZ];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  static unsigned char tmpl[MAXSZ];
  memset(tmpl, 0x5a, size);
  if (sh->template_path) {
    FILE *f = fopen(sh->template_path, "rb");
    if (!f) return perror(sh->template_path), 1;
    size_t got = fread(tmpl, 1, (size_t)size, f);
    fclose(f);
    if (got < (size_t)size) memset(tmpl + got, 0, size - got); /* a short template is zero-padded */
  }
  unsigned base = sh->vary_off >= 0 ? (unsigned)(tmpl[sh->vary_off] << 8 | tmpl[sh->vary_off + 1]) : 0;
  for (int i = 0; i < BATCH; i++) {
    memcpy(bufs[i], tmpl, size);
    iov[i] = (struct iovec){bufs[i], (size_t)size};
    msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
  }
  double start = now();
  unsigned long long seq = 0, errors = 0;
  while (seq < count) {
    if (rate > 0) { /* pace: never get ahead of rate * elapsed */
      double ahead = seq / rate - (now() - start);
      if (ahead > 0) {
        struct timespec ts = {(time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9)};
        nanosleep(&ts, NULL);
      }
    }
    int n = count - seq < BATCH ? (int)(count - seq) : BATCH;
    for (int i = 0; i < n; i++) {
      uint64_t s = seq + i;
      unsigned char *d = bufs[i];
      for (int b = 0; b < 8; b++) d[sh->seq_off + b] = (unsigned char)(s >> (56 - 8 * b));
      if (sh->vary_off >= 0) {
        unsigned v = (base + (unsigned)(s % (unsigned)sh->vary_count)) & 0xffff;
        d[sh->vary_off] = (unsigned char)(v >> 8);
        d[sh->vary_off + 1] = (unsigned char)v;
      }
    }
    int m = sendmmsg(fd, msgs, n, 0);
    if (m < 0) {
      if (errno != EINTR && errno != ENOBUFS && errno != ECONNREFUSED && ++errors > 1000000) return perror("sendmmsg"), 1;
      continue;
    }
    seq += m;
  }
  double secs = now() - start;
  printf("sent %llu datagrams of %d bytes in %.3f s: %.0f datagrams/s\n", seq, size, secs, seq / secs);
  return 0;
}

static int counter(int port, unsigned long long expected, int idle_ms, int seq_off) {
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 16 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) return perror("socket/bind"), 1;
  fprintf(stderr, "ready\n");
  fflush(stderr);
  /* one bit per expected sequence number tells distinct from duplicate */
  unsigned char *seen = calloc(expected / 8 + 1, 1);
  if (!seen) return perror("calloc"), 1;
  static unsigned char bufs[BATCH][2048];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  unsigned long long got = 0, distinct = 0, dups = 0, reordered = 0, out_of_range = 0, last = 0;
  double first = 0, lastt = 0;
  while (distinct < expected) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, idle_ms) <= 0) break;
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
      msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) continue;
    if (got == 0) first = now();
    lastt = now();
    for (int i = 0; i < n; i++) {
      got++;
      if (msgs[i].msg_len < (unsigned)seq_off + 8) { out_of_range++; continue; }
      uint64_t s = 0;
      for (int b = 0; b < 8; b++) s = (s << 8) | bufs[i][seq_off + b];
      if (s >= expected) { out_of_range++; continue; }
      if (seen[s / 8] & (1u << (s % 8))) { dups++; continue; }
      seen[s / 8] |= 1u << (s % 8);
      distinct++;
      if (s < last) reordered++;
      last = s;
    }
  }
  double secs = lastt > first ? lastt - first : 0;
  printf("received %llu (distinct %llu of %llu, lost %llu = %.3f%%, duplicates %llu, reordered %llu, bad %llu) "
         "in %.3f s: %.0f datagrams/s\n",
         got, distinct, expected, expected - distinct, 100.0 * (expected - distinct) / (expected ? expected : 1), dups,
         reordered, out_of_range, secs, secs > 0 ? got / secs : 0);
  free(seen);
  return distinct == expected ? 0 : 3;
}

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static int sink(int port) {
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 16 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) return perror("socket/bind"), 1;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  fprintf(stderr, "ready\n");
  fflush(stderr);
  static unsigned char bufs[BATCH][MAXSZ];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  unsigned long long got = 0, bytes = 0;
  while (!stop) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 200) <= 0) continue;
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
      msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    for (int i = 0; i < n; i++) bytes += msgs[i].msg_len;
    if (n > 0) got += n;
  }
  printf("sink received %llu datagrams, %llu bytes\n", got, bytes);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 6 && strcmp(argv[1], "send") == 0) {
    struct shape sh = {argc > 7 ? argv[7] : NULL, argc > 8 ? atoi(argv[8]) : 0, argc > 10 ? atoi(argv[9]) : -1,
                       argc > 10 ? atoi(argv[10]) : 1};
    return blast(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10), atoi(argv[5]), argc > 6 ? atof(argv[6]) : 0, &sh);
  }
  if (argc >= 4 && strcmp(argv[1], "count") == 0)
    return counter(atoi(argv[2]), strtoull(argv[3], NULL, 10), argc > 4 ? atoi(argv[4]) : 2000, argc > 5 ? atoi(argv[5]) : 0);
  if (argc >= 3 && strcmp(argv[1], "sink") == 0) return sink(atoi(argv[2]));
  fprintf(stderr,
          "usage: %s send <dst-ipv4> <port> <count> <size> [rate-per-s] [template-file] [seq-offset] [vary-offset vary-count]\n"
          "       %s count <port> <expected> [idle-timeout-ms] [seq-offset]\n"
          "       %s sink <port>\n",
          argv[0], argv[0], argv[0]);
  return 2;
}
