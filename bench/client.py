"""HTTP driver for the benchmarks: keep-alive requests to the cloud server or a provisioner, so the
client's own cost stays out of what is measured. Subcommands print one JSON object."""
import http.client, json, sys, time, urllib.parse


class API:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        reply = self.conn.getresponse()
        text = reply.read()
        if reply.status >= 300:
            raise SystemExit(f"{method} {path}: {reply.status} {text[:200]!r}")
        return json.loads(text) if text else None


def fleet(server, kubeconfigs):
    """Registers one cluster per kubeconfig, provisions all three utilities on each, waits."""
    api = API(server)
    ids = [api.call("POST", "/api/clusters", {"Name": f"c{i}", "Kubeconfig": open(k).read()})["ID"]
           for i, k in enumerate(kubeconfigs)]
    charts = {"nginx": "4.15.1", "fluentbit": "0.40.0", "prometheus": "25.18.0"}
    versions = {"utility-versions": {s: {"Chart": v} for s, v in charts.items()}}
    start = time.monotonic()
    for cluster in ids:
        api.call("POST", f"/api/cluster/{cluster}/provision", versions)
    total, done, failed = 3 * len(ids), 0, 0
    while done + failed < total:
        time.sleep(0.25)
        done = len(api.call("GET", "/api/deployments?state=succeeded&per_page=1000"))
        failed = len(api.call("GET", "/api/deployments?state=failed&per_page=1000"))
    return {"seconds": round(time.monotonic() - start, 3), "deployments": total, "failed": failed}


def provision_all(server):
    """Provisions every service at its default chart version on every registered cluster; waits."""
    api = API(server)
    clusters = api.call("GET", "/api/clusters?per_page=1000")
    charts = {"nginx": "4.15.1", "fluentbit": "0.40.0", "prometheus": "25.18.0", "metrics-server": "3.12.1",
              "node-problem-detector": "2.3.12"}
    versions = {"utility-versions": {s: {"Chart": v} for s, v in charts.items()}}
    for cluster in clusters:
        api.call("POST", f"/api/cluster/{cluster['ID']}/provision", versions)
    total, done, failed = len(charts) * len(clusters), 0, 0
    while done + failed < total:
        time.sleep(0.5)
        done = len(api.call("GET", "/api/deployments?state=succeeded&per_page=1000"))
        failed = len(api.call("GET", "/api/deployments?state=failed&per_page=1000"))
    if failed:
        raise SystemExit(f"{failed} of {total} deployments failed")
    return {"deployments": total}


def register(server, kubeconfig, count):
    """Registers `count` clusters, one kubeconfig for all."""
    api = API(server)
    text = open(kubeconfig).read()
    start = time.monotonic()
    for i in range(count):
        api.call("POST", "/api/clusters", {"Name": f"sim-{i}", "Kubeconfig": text})
    return {"registered": count, "seconds": round(time.monotonic() - start, 3)}


def register_files(server, listing):
    """Registers a cluster per kubeconfig path in `listing` (one per line)."""
    api = API(server)
    paths = [line.strip() for line in open(listing) if line.strip()]
    for i, path in enumerate(paths):
        api.call("POST", "/api/clusters", {"Name": f"c{i}", "Kubeconfig": open(path).read()})
    return {"registered": len(paths)}


def drift_checks(server, parallel=8):
    """Checks every registered cluster for drift through the API, `parallel` at a time (each is one
    request to a provisioner, answered in the reply); how many were in sync."""
    from concurrent.futures import ThreadPoolExecutor
    import threading
    api = API(server)
    clusters, page = [], 0
    while True:
        listed = api.call("GET", f"/api/clusters?per_page=1000&page={page}")
        clusters += listed
        if len(listed) < 1000:
            break
        page += 1
    local = threading.local()

    def check(cluster):
        if not hasattr(local, "api"):
            local.api = API(server)
        return [status["State"] for status in local.api.call("POST", f"/api/cluster/{cluster['ID']}/drift").values()]

    start = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        states = [state for states in pool.map(check, clusters) for state in states]
    return {"seconds": round(time.monotonic() - start, 3), "in_sync": states.count("InSync"), "drifted": states.count("Drifted")}


def rollout(server, service, version, batch, strategy=None):
    """Rolls `service` out to every registered cluster in batches of `batch` (and the rest of the
    rollout request's fields in `strategy`, e.g. Canary, MaxFailures, TimeoutSeconds), and follows
    the rollout to its end through the event log: the rollout itself (a large document at this
    size) is read once, at the end, so the driver adds next to nothing to what it measures."""
    api = API(server)
    start = time.monotonic()
    body = {"Service": service, "Chart": {"Version": version}, "All": True, "BatchSize": batch, **(strategy or {})}
    created = api.call("POST", "/api/rollouts", body)
    ends = "rollout.succeeded,rollout.failed,rollout.cancelled,rollout.halted"
    after = 0
    while True:
        batch_ = api.call("GET", f"/api/events?types={ends}&object={created['ID']}&wait=25&after={after}")
        after = batch_["LastEventID"]
        if batch_["Events"]:
            break
    seconds = time.monotonic() - start
    view = api.call("GET", f"/api/rollout/{created['ID']}")
    counts = view["Counts"]
    return {"seconds": round(seconds, 3), "state": view["State"], "deployments": len(view["Clusters"]),
            "succeeded": counts["Succeeded"], "failed": counts["Failed"]}


def helm_started(helm_log, before):
    """When the stub helm logged its start after the first `before` lines (STUB_HELM_TIMES)."""
    while True:
        lines = open(helm_log).read().splitlines()
        if len(lines) > before:
            return float(lines[before].split()[0])
        time.sleep(0.0005)


def percentiles(latencies):
    latencies = sorted(latencies)
    return {"samples": len(latencies), "p50_ms": round(latencies[len(latencies) // 2], 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)}


def dispatch_latency(server, kubeconfig, helm_log, samples):
    """POSTs deployments one at a time; latency = the wrapper's helm start time - the POST time."""
    api = API(server)
    cluster = api.call("POST", "/api/clusters", {"Name": "latency", "Kubeconfig": open(kubeconfig).read()})["ID"]
    latencies = []
    for i in range(samples):
        before = sum(1 for _ in open(helm_log))
        sent = time.time()
        deployment = api.call("POST", "/api/deployments", {
            "ClusterID": cluster, "Service": "fluentbit", "Action": "apply", "Chart": {"Version": "0.40.0"},
            "Values": {"podAnnotations": {"sample": str(i)}}})
        latencies.append((helm_started(helm_log, before) - sent) * 1000)
        while api.call("GET", f"/api/deployment/{deployment['ID']}")["State"] not in ("succeeded", "failed"):
            time.sleep(0.01)
    return percentiles(latencies)


def enrolment_latency(server, helm_log, samples):
    """Registers clusters into the profiles one at a time (labels env=prod, region=eu); latency =
    the stub helm's first start for the cluster - the POST time. Each sample waits until every
    service the profiles give the cluster has started, so the next starts on a quiet server."""
    api = API(server)
    kubeconfig = ("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n"
                  "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: t}\n")
    latencies = []
    for i in range(samples):
        before = sum(1 for _ in open(helm_log))
        sent = time.time()
        cluster = api.call("POST", "/api/clusters", {"Name": f"new-{i}", "Kubeconfig": kubeconfig,
                                                      "Labels": ["env=prod", "region=eu", "loglevel=info"]})["ID"]
        latencies.append((helm_started(helm_log, before) - sent) * 1000)
        expected = len(api.call("GET", f"/api/deployments?cluster={cluster}"))
        while sum(1 for _ in open(helm_log)) < before + expected:
            time.sleep(0.01)
    return percentiles(latencies)


def submit(provisioner, kubeconfig, count, wait_final):
    """POSTs `count` deployments of one release to a provisioner (they queue behind each other)."""
    api = API(provisioner)
    text = open(kubeconfig).read()
    ids = [api.call("POST", "/api/deployments", {
        "ClusterID": "bench", "Service": "fluentbit", "Action": "apply", "Kubeconfig": text,
        "Values": {"podAnnotations": {"n": str(i)}}})["ID"] for i in range(count)]
    # FIFO on one release: once the last is final, all are.
    while wait_final and api.call("GET", f"/api/deployment/{ids[-1]}")["State"] not in ("succeeded", "failed"):
        time.sleep(0.5)
    return {"submitted": count, "last": ids[-1]}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "fleet":
        result = fleet(args[0], args[1:])
    elif command == "register":
        result = register(args[0], args[1], int(args[2]))
    elif command == "enrolment-latency":
        result = enrolment_latency(args[0], args[1], int(args[2]))
    elif command == "register-files":
        result = register_files(args[0], args[1])
    elif command == "provision-all":
        result = provision_all(args[0])
    elif command == "drift-states":  # SERVER SINCE-MS: drifted utilities, and those checked since SINCE-MS
        drift = API(args[0]).call("GET", "/api/drift")
        result = {"drifted": sum(d["Drift"]["State"] == "Drifted" for d in drift),
                  "checked_since": sum(d["Drift"]["CheckedAt"] >= int(args[1]) for d in drift)}
    elif command == "drift-checks":
        result = drift_checks(args[0])
    elif command == "rollout":
        result = rollout(args[0], args[1], args[2], args[3], json.loads(args[4]) if len(args) > 4 else None)
    elif command == "dispatch-latency":
        result = dispatch_latency(args[0], args[1], args[2], int(args[3]))
    elif command == "submit":
        result = submit(args[0], args[1], int(args[2]), args[3] == "wait")
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))
