# Shared by the benchmark scripts: sourced, not run. Starts the real binaries and testbed pieces
# on loopback and cleans up whatever was started when the script exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTBED_HOME="${TESTBED_HOME:-$PWD/.testbed}"
BIN="${BIN:-$PWD/bin}"
RUNS="${RUNS:-3}"
run="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
export HELM_CONFIG_HOME="$run/helm" HELM_CACHE_HOME="$run/helm-cache" HELM_DATA_HOME="$run/helm-data"
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

peak_rss_mib() { # PID: the process's peak resident set so far, MiB
  awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

rss_mib() { # PID: the process's resident set now, MiB
  awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}
