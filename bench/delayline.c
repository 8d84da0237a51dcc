/*
 * The bench's delay line: two network namespaces joined through one TUN device in each.
 * Every packet read from one side is held for that direction's one-way delay, or dropped with
 * that direction's probability, then written to the other side. The rate is not ours: tc tbf on
 * each TUN device's egress shapes each direction on its own.
 *
 *   delayline NS_A TUN_A NS_B TUN_B DELAY_AB_US DELAY_BA_US LOSS_AB LOSS_BA SEED
 *
 * NS_* are paths such as /var/run/netns/<name>; LOSS_* are shares (0.005 = 0.5 %). It prints
 * "ready" once both devices exist, and on SIGTERM the packets it relayed and dropped per
 * direction. Built by the bench with gcc (-O2); one thread, poll(2) with ns timeouts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 16384 /* packets held per direction: 1.4 s at 100 Mbit/s of full-size ones */
#define PACKET 2048

struct held {
  int64_t due_ns;
  int length;
  unsigned char data[PACKET];
};

struct direction {
  int from, to;
  int64_t delay_ns;
  double loss;
  struct held *ring;
  unsigned head, count;
  unsigned long long relayed, dropped, overflow;
};

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_tun(const char *netns, const char *name) {
  int ns = open(netns, O_RDONLY | O_CLOEXEC);
  if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
    perror(netns);
    exit(1);
  }
  close(ns);
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    perror("/dev/net/tun");
    exit(1);
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    perror("TUNSETIFF");
    exit(1);
  }
  return fd;
}

/* Read every packet waiting on d->from: drop some, queue the rest with their due time. */
static void take(struct direction *d) {
  for (;;) {
    unsigned char scratch[PACKET];
    struct held *slot = NULL;
    if (d->count < SLOTS) slot = &d->ring[(d->head + d->count) % SLOTS];
    ssize_t n = read(d->from, slot ? slot->data : scratch, PACKET);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN: nothing more */
    }
    if (!slot) {
      d->overflow++;
      continue;
    }
    if (d->loss > 0 && drand48() < d->loss) {
      d->dropped++;
      continue;
    }
    slot->length = (int)n;
    slot->due_ns = now_ns() + d->delay_ns;
    d->count++;
  }
}

/* Write every queued packet whose time has come; the delay is constant, so order is kept. */
static void release(struct direction *d, int64_t now) {
  while (d->count && d->ring[d->head].due_ns <= now) {
    struct held *slot = &d->ring[d->head];
    if (write(d->to, slot->data, slot->length) < 0 && errno == EAGAIN) return;
    d->relayed++;
    d->head = (d->head + 1) % SLOTS;
    d->count--;
  }
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s NS_A TUN_A NS_B TUN_B DELAY_AB_US DELAY_BA_US LOSS_AB LOSS_BA SEED\n",
            argv[0]);
    return 2;
  }
  int a = open_tun(argv[1], argv[2]);
  int b = open_tun(argv[3], argv[4]);
  struct direction ways[2] = {
      {.from = a, .to = b, .delay_ns = atoll(argv[5]) * 1000, .loss = atof(argv[7])},
      {.from = b, .to = a, .delay_ns = atoll(argv[6]) * 1000, .loss = atof(argv[8])},
  };
  for (int i = 0; i < 2; i++) {
    ways[i].ring = calloc(SLOTS, sizeof(struct held));
    if (!ways[i].ring) {
      perror("calloc");
      return 1;
    }
  }
  srand48(atol(argv[9]));
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("ready\n");
  fflush(stdout);
  while (!stopping) {
    int64_t now = now_ns();
    int64_t wait = -1;
    for (int i = 0; i < 2; i++) {
      release(&ways[i], now);
      if (ways[i].count) {
        int64_t left = ways[i].ring[ways[i].head].due_ns - now;
        if (left < 0) left = 0;
        if (wait < 0 || left < wait) wait = left;
      }
    }
    struct pollfd fds[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
    struct timespec timeout = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
    int ready = ppoll(fds, 2, wait < 0 ? NULL : &timeout, NULL);
    if (ready < 0) continue; /* EINTR: the loop test sees a stop */
    if (fds[0].revents & POLLIN) take(&ways[0]);
    if (fds[1].revents & POLLIN) take(&ways[1]);
  }
  for (int i = 0; i < 2; i++) {
    printf("direction %d: relayed %llu, dropped %llu, overflow %llu\n", i, ways[i].relayed,
           ways[i].dropped, ways[i].overflow);
  }
  return 0;
}
