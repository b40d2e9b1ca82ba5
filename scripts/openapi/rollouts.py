# The rollout part of the cloud server's OpenAPI document (see generate.py).
def add_rollouts(cloud, cs, ref, arr, obj, resp, err, S, I, B, q, paging, cid):
  share = {"type": "string", "pattern": "^[0-9]+%?$", "description": "N clusters, or P% of them."}
  cluster_states = ["waiting", "running", "succeeded", "failed", "skipped", "cancelled"]
  states = ["waiting-approval", "running", "soaking", "paused", "halted", "succeeded", "failed", "cancelled"]
  test = {"type": "boolean", "description": "Run the chart's tests after each cluster's apply; a failed test fails that cluster."}
  cs["RolloutTarget"] = obj({"Action": {"type": "string", "enum": ["apply", "delete"]}, "Chart": ref("Chart"), "Values": {"type": "object"}, "Test": test}, ["Action"])
  cs["CreateRollout"] = obj({
    "Service": S, "Action": {"type": "string", "enum": ["apply", "delete"]}, "Chart": ref("Chart"), "Values": {"type": "object"},
    "Selector": {"type": "object", "additionalProperties": S, "description": "Clusters with every one of these KEY=VALUE labels."},
    "Clusters": {**arr(S), "description": "Cluster IDs, in the order to roll out."}, "All": {**B, "description": "Every registered cluster."},
    "Canary": {"type": "integer", "minimum": 0, "description": "The first N selected clusters go first, as a wave of their own."},
    "CanaryClusters": arr(S), "BatchSize": {**share, "default": "25%"}, "MaxFailures": {**share, "default": "0"},
    "SoakSeconds": {"type": "integer", "minimum": 0, "maximum": 86400, "description": "After each wave: wait, then verify its releases."},
    "TimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 600},
    "Approval": {"type": "string", "enum": ["none", "after-canary", "every-batch"]}, "Test": test,
    "Retries": {"type": "integer", "minimum": 0, "maximum": 10}, "RetryBackoffSeconds": {"type": "integer", "minimum": 1, "maximum": 3600}},
    ["Service"])
  cs["RolloutCluster"] = obj({"ClusterID": S, "Name": S, "Wave": I, "State": {"type": "string", "enum": cluster_states},
    "Target": ref("RolloutTarget"), "DeploymentID": S, "Reason": S,
    "Previous": {**ref("RolloutTarget"), "description": "What the cluster had before (an undo brings it back)."}, "StartAt": I, "EndAt": I},
    ["ClusterID", "Name", "Wave", "State", "StartAt", "EndAt"])
  cs["RolloutHistoryEntry"] = obj({"Time": I, "State": S, "ClusterID": S, "Detail": S}, ["Time", "State"])
  cs["RolloutCounts"] = obj({k: I for k in ["Succeeded", "Failed", "Running", "Waiting", "Skipped", "Cancelled"]})
  cs["Rollout"] = obj({
    "ID": S, "Service": S, "Target": ref("RolloutTarget"), "Selection": S, "State": {"type": "string", "enum": states}, "ResumeTo": S,
    "Strategy": obj({"BatchSize": share, "MaxFailures": share, "SoakSeconds": I, "TimeoutSeconds": I, "Approval": S, "Canary": I, "CanaryClusters": arr(S), "Retry": obj({"Retries": I, "BackoffSeconds": I})}),
    "Waves": arr(arr(S)), "Wave": I, "Soaked": I, "Approved": I, "Clusters": arr(ref("RolloutCluster")), "SoakUntil": I, "Undoes": S, "Error": S,
    "History": arr(ref("RolloutHistoryEntry")), "CreateAt": I, "UpdateAt": I, "EndAt": I,
    "Counts": ref("RolloutCounts"), "CurrentWave": {**I, "description": "1-based; 0 before the first wave starts."}, "WaveCount": I,
    "ETASeconds": {**I, "description": "Time left, from the waves so far; absent until one has ended."}},
    ["ID", "Service", "Target", "State", "Waves", "Clusters", "History", "Counts", "CurrentWave", "WaveCount"])
  one = lambda summary, extra=(): {"parameters": [cid], "post": {"summary": summary,
    **({"requestBody": {"required": False, "content": {"application/json": {"schema": obj({"MaxFailures": share})}}}} if "budget" in extra else {}),
    "responses": {"200": resp("the rollout", ref("Rollout")), "400": err("invalid"), "401": err("unauthorized"), "404": err("unknown"),
                  "409": err("not possible in the rollout's state")}}}
  cloud["paths"]["/api/rollouts"] = {
    "post": {"summary": "Start a rollout across clusters, in waves", "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateRollout")}}},
             "responses": {"201": resp("created", ref("Rollout")), "400": err("invalid"), "401": err("unauthorized"),
                           "409": err("an active rollout already targets one of the clusters for this service"), "413": err("too large")}},
    "get": {"summary": "List rollouts, newest first", "parameters": paging + [q("state", {"type": "string", "enum": states})],
            "responses": {"200": resp("rollouts", arr(ref("Rollout"))), "400": err("invalid filter"), "401": err("unauthorized")}}}
  cs["RolloutPlanEntry"] = obj({"ClusterID": S, "Name": S, "Wave": I, "DeploymentID": {**S, "description": "A plan deployment: its Plan says what the rollout would change on this cluster."}},
                               ["ClusterID", "Name", "Wave", "DeploymentID"])
  cloud["paths"]["/api/rollouts/plan"] = {"post": {"summary": "Plan a rollout: one plan deployment per target cluster, wave by wave; nothing is applied",
    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateRollout")}}},
    "responses": {"202": resp("plan deployments created", arr(ref("RolloutPlanEntry"))), "400": err("invalid, or a delete"),
                  "401": err("unauthorized"), "413": err("too large")}}}
  cloud["paths"]["/api/rollout/{id}"] = {"parameters": [cid], "get": {"summary": "One rollout",
    "responses": {"200": resp("rollout", ref("Rollout")), "401": err("unauthorized"), "404": err("unknown")}}}
  cloud["paths"]["/api/rollout/{id}/pause"] = one("Start no new wave until resumed")
  cloud["paths"]["/api/rollout/{id}/resume"] = one("Go on after a pause, or after a halt with a larger budget", ("budget",))
  cloud["paths"]["/api/rollout/{id}/approve"] = one("Let a rollout waiting for approval start its next wave")
  cloud["paths"]["/api/rollout/{id}/cancel"] = one("Stop a rollout and cancel its deployments in flight")
  undo = one("Roll the clusters a finished rollout changed back, as a new rollout")
  undo["post"]["responses"] = {"201": resp("the new rollout", ref("Rollout")), "401": err("unauthorized"), "404": err("unknown"),
                               "409": err("not finished, or nothing to undo")}
  cloud["paths"]["/api/rollout/{id}/undo"] = undo
  return {("post", "/api/rollouts"), ("post", "/api/rollouts/plan")} | {("post", f"/api/rollout/{{id}}/{verb}") for verb in ["pause", "resume", "approve", "cancel", "undo"]}
