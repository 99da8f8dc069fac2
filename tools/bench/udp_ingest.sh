#!/usr/bin/env bash
# statsd lines over UDP into Temblor and into syslog-ng at the same offered
# loads: events written per second and the share lost, medians of alternating
# runs. Each receiver runs on CPU 1 with the kernel's default receive buffer
# (Tremor's udp_server cannot set another), the paced sender on CPU 0.
#   temblor statsd: udp_server -> statsd codec -> passthrough -> json lines in a file
#   temblor string: udp_server -> string codec -> passthrough -> the lines in a file
#   syslog-ng:      network(udp, flags(no-parse)), a larger fetch limit -> "$MSG\n" in a file
# The string flow does syslog-ng's work; the statsd flow decodes and encodes too.
#   tools/bench/udp_ingest.sh [RUNS] [SECONDS] [RATES…]   (default 3 5 20000 50000 100000)
source "$(dirname "$0")/lib.sh"
source "$bench_root/tools/deps.sh"
runs=${1:-3}
secs=${2:-5}
shift $(( $# > 2 ? 2 : $# ))
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(20000 50000 100000)
command -v syslog-ng >/dev/null || temblor_install_missing syslog-ng-core
bench_build_temblor
temblor=$bench_root/build/temblor
mkdir -p "$peers_dir"
work=$(mktemp -d)
receiver_pid=""
cleanup() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# -- the load: paced statsd counters, one per datagram, sendmmsg batches ----------
sender=$peers_dir/udp_statsd_load
if [ ! -x "$sender" ] || [ "$0" -nt "$sender" ]; then
  cat > "$work/udp_statsd_load.c" <<'C'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
/* udp_statsd_load PORT RATE SECONDS: sends RATE statsd lines a second to
   127.0.0.1:PORT for SECONDS, one per datagram; prints `sent N`. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char** argv) {
  if (argc != 4) return 2;
  int port = atoi(argv[1]);
  double rate = atof(argv[2]), secs = atof(argv[3]);
  long total = (long)(rate * secs), sent = 0;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, (struct sockaddr*)&to, sizeof(to));
  enum { batch = 64 };
  char bufs[batch][96];
  struct iovec iov[batch];
  struct mmsghdr msgs[batch];
  double start = now();
  while (sent < total) {
    long due = (long)((now() - start) * rate) + 1;
    if (due > total) due = total;
    if (due <= sent) { struct timespec pause = {0, 20000}; nanosleep(&pause, NULL); continue; }
    int n = due - sent > batch ? batch : (int)(due - sent);
    for (int i = 0; i < n; ++i) {
      long k = sent + i;
      int len = snprintf(bufs[i], sizeof(bufs[i]), "bench.requests.host%02ld:%ld|c|@0.5", k % 50, k % 1000);
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = (size_t)len;
      memset(&msgs[i], 0, sizeof(msgs[i]));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int done = sendmmsg(fd, msgs, n, 0);
    if (done > 0) sent += done;
  }
  printf("sent %ld secs %.3f\n", sent, now() - start);
  return 0;
}
C
  cc -O2 -o "$sender" "$work/udp_statsd_load.c"
fi

# -- the receivers ------------------------------------------------------------------
temblor_flow() { # codec, port, out
  cat <<TROY
define flow ingest
flow
  define connector metrics from udp_server
  with codec = "$1", config = {"url": "127.0.0.1:$2"} end;
  define connector written from file
  with codec = "$( [ "$1" = statsd ] && echo json || echo string )", postprocessors = ["separate"],
       config = {"path": "$3", "mode": "truncate"} end;
  define pipeline pass
  pipeline
    select event from in into out;
  end;
  create connector metrics;
  create connector written;
  create pipeline pass;
  connect /connector/metrics to /pipeline/pass;
  connect /pipeline/pass to /connector/written;
end;
deploy flow ingest;
TROY
}

syslog_ng_conf() { # port, out
  cat <<CONF
@version: 3.35
options { use-dns(no); use-fqdn(no); keep-hostname(yes); stats-freq(0); log-fifo-size(1000000); };
# A larger fetch limit and window than the defaults (10, 100), which
# throttle a busy UDP source: the peer at its best, not as shipped.
source s_udp { network(transport("udp") ip("127.0.0.1") port($1) flags(no-parse)
                       log-fetch-limit(1000) log-iw-size(100000)); };
destination d_file { file("$2" template("\$MSG\n") flush-lines(1000)); };
log { source(s_udp); destination(d_file); };
CONF
}

port_bound() { ss -Huln "sport = :$1" | grep -q .; }

lines_in() { wc -l < "$1" 2>/dev/null || echo 0; }

# Runs one receiver at one rate; prints `delivered sent peak_rss_kb`.
run_one() { # name, rate
  local name=$1 rate=$2 port out
  port=$((20000 + RANDOM % 30000))
  out=$work/$name.out
  rm -f "$out"
  case $name in
    syslog-ng)
      syslog_ng_conf "$port" "$out" > "$work/syslog-ng.conf"
      taskset -c 1 syslog-ng --foreground --no-caps -f "$work/syslog-ng.conf" -R "$work/persist" \
        -p "$work/syslog-ng.pid" -c "$work/syslog-ng.ctl" >/dev/null 2>&1 &
      ;;
    temblor-*)
      temblor_flow "${name#temblor-}" "$port" "$out" > "$work/flow.troy"
      taskset -c 1 "$temblor" server run -n "$work/flow.troy" >/dev/null 2>&1 &
      ;;
  esac
  receiver_pid=$!
  for _ in $(seq 200); do port_bound "$port" && break; sleep 0.05; done
  port_bound "$port" || { echo "$name did not bind $port" >&2; exit 1; }
  local sent
  sent=$(taskset -c 0 "$sender" "$port" "$rate" "$secs" | awk '{print $2}')
  # What was queued still gets written: wait until the count stops growing.
  local last=-1 now
  for _ in $(seq 100); do
    now=$(lines_in "$out")
    [ "$now" -ge "$sent" ] && break
    [ "$now" -eq "$last" ] && break
    last=$now
    sleep 0.5
  done
  # Peak memory shows what a receiver held instead of letting the kernel drop.
  local peak_kb
  peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$receiver_pid/status")
  kill "$receiver_pid" 2>/dev/null; wait "$receiver_pid" 2>/dev/null || true
  receiver_pid=""
  echo "$(lines_in "$out") $sent $peak_kb"
}

receivers=(syslog-ng temblor-string temblor-statsd)
for rate in "${rates[@]}"; do
  declare -A eps=() loss=() rss=()
  for i in $(seq "$runs"); do
    for r in "${receivers[@]}"; do
      read -r delivered sent peak < <(run_one "$r" "$rate")
      eps[$r]="${eps[$r]:-} $(bench_calc "$delivered / $secs")"
      loss[$r]="${loss[$r]:-} $(bench_calc "100 * ($sent - $delivered) / $sent")"
      rss[$r]="${rss[$r]:-} $peak"
      echo "  rate $rate run $i $r: delivered $delivered of $sent, peak RSS $peak KiB" >&2
    done
  done
  printf 'offered %d statsd lines/s for %d s (medians of %d runs)\n' "$rate" "$secs" "$runs"
  for r in "${receivers[@]}"; do
    printf '  %-15s %9.0f events/s  loss %6.2f %%  peak RSS %7.0f KiB\n' "$r" \
      "$(bench_median ${eps[$r]})" "$(bench_median ${loss[$r]})" "$(bench_median ${rss[$r]})"
  done
  unset eps loss rss
done
