# Shared by the benchmark scripts: sourced, not run. Starts the real binaries and testbed pieces
# on loopback and cleans up whatever was started when the script exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTBED_HOME="${TESTBED_HOME:-$PWD/.testbed}"
BIN="${BIN:-$PWD/bin}"
RUNS="${RUNS:-3}"
# QUICK=1: every benchmark at a tenth of its size, for development.
scaled() { if [ "${QUICK:-0}" = 1 ]; then echo $(( $1 / 10 )); else echo "$1"; fi; }
run="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
export HELM_CONFIG_HOME="$run/helm" HELM_CACHE_HOME="$run/helm-cache" HELM_DATA_HOME="$run/helm-data"
# Every cluster here is an emulator (or a stub's address) on loopback, which kubeconfigs may only
# point at when allowed.
export PROVISIONER_ALLOWED_API_SERVERS=127.0.0.0/8 CLOUD_ALLOWED_API_SERVERS=127.0.0.0/8
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { python3 -c "import sys; print(round($(now) - float(sys.argv[1]), 3))" "$1"; }
median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

url_of() { # LOG: the URL from a server's "listening" log line, once it is there
  for _ in $(seq 300); do
    if url=$(python3 -c "import json,sys; print(next(json.loads(l)['url'] for l in open(sys.argv[1]) if 'listening' in l))" "$1" 2>/dev/null); then
      echo "$url"; return 0
    fi
    sleep 0.1
  done
  echo "bench: no listening line in $1" >&2; return 1
}

start_emulators() { # DIR COUNT [emulator flags...]: COUNT fresh emulators, kubeconfigs DIR/kc-I
  local dir=$1 count=$2; shift 2
  mkdir -p "$dir"
  for i in $(seq 1 "$count"); do
    testbed/kube-emulator --port 0 --kubeconfig "$dir/kc-$i" "$@" >"$dir/out-$i" 2>/dev/null &
    pids+=($!)
  done
  for i in $(seq 1 "$count"); do
    until grep -q '^READY' "$dir/out-$i" 2>/dev/null; do sleep 0.1; done
  done
}

start_fleet() { # DIR COUNT [emulator flags...]: COUNT clusters in at most 4 emulator processes; kubeconfigs listed in DIR/kubeconfigs
  local dir=$1 count=$2; shift 2
  local processes=$(( count < 4 ? count : 4 )) p size first=0
  mkdir -p "$dir"
  for p in $(seq 1 "$processes"); do
    size=$(( count / processes + (p <= count % processes ? 1 : 0) ))
    testbed/kube-emulator --clusters "$size" --kubeconfig-dir "$dir/e$p" "$@" >"$dir/out-$p" 2>/dev/null &
    pids+=($!)
  done
  for p in $(seq 1 "$processes"); do
    until grep -q '^READY' "$dir/out-$p" 2>/dev/null; do sleep 0.2; done
  done
  cat "$dir"/e*/clusters | awk '{print $3}' >"$dir/kubeconfigs"
}

stop_all() { # stops everything started so far (between phases, to free memory)
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
}

start_provisioner() { # NAME [flags...]: prints its URL; its PID is in $last_pid
  local name=$1; shift
  "$BIN/provisioner" --listen 127.0.0.1:0 --log-format json --log-level notice --helm "$PWD/testbed/bin/helm" \
    --chart-dir "$PWD/testbed/charts" "$@" 2>"$run/$name.log" &
  last_pid=$!
  pids+=("$last_pid")
}

start_cloud_server() { # NAME DATABASE-FILE [flags...]
  local name=$1 database=$2; shift 2
  "$BIN/cloud" server --listen 127.0.0.1:0 --log-format json --log-level notice --database "sqlite://$database" "$@" \
    2>"$run/$name.log" &
  last_pid=$!
  pids+=("$last_pid")
}

compile_stub_helm() { # PATH: bench/stub-helm.c compiled there (a helm that answers at once)
  cc -O2 -o "$1" bench/stub-helm.c || { echo "bench: cannot compile bench/stub-helm.c (needs cc)" >&2; exit 1; }
}

CLK_TCK=$(getconf CLK_TCK)
cpu_seconds() { # PID: user + system CPU seconds the process has used so far
  awk -v hz="$CLK_TCK" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}

sum_cpu() { # PID...: their CPU seconds together
  local pid; for pid in "$@"; do cpu_seconds "$pid"; echo; done | awk '{total += $1} END {printf "%.2f", total}'
}

peak_rss_mib() { # PID: the process's peak resident set so far, MiB
  awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

rss_mib() { # PID: the process's resident set now, MiB
  awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

start_postgres() { # a throwaway PostgreSQL server (initdb/pg_ctl from /usr/local/bin or PATH); sets $postgres_url
  local dir bin port as=()
  bin=$(dirname "$(command -v initdb 2>/dev/null || echo /usr/local/bin/initdb)")
  [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || { echo "bench: no initdb/pg_ctl" >&2; return 1; }
  # Outside $run (0700, root's): as root the server runs as the postgres account, which must reach it.
  dir=$(mktemp -d /tmp/bench-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir" 2>/dev/null || chown nobody "$dir"; as=(runuser -u "$(stat -c %U "$dir")" -- env -C /tmp); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --locale=C --encoding=UTF8 --no-sync >"$run/initdb.log" 2>&1 || return 1
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as[@]}" "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
    -o "-k $dir -h 127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >"$run/pg_ctl.log" 2>&1 || return 1
  pg_stop+=("${as[*]} $bin/pg_ctl stop -m immediate -D $dir/data" "rm -rf $dir")
  postgres_url="postgres://postgres@127.0.0.1:$port/postgres"
}
pg_stop=()
trap 'for stop in "${pg_stop[@]}"; do $stop >/dev/null 2>&1 || true; done; cleanup' EXIT
