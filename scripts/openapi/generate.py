# Writes the OpenAPI 3 documents both servers serve at /api/openapi.json:
#   Sources/provisioner/API/openapi.json and Sources/cloud/API/openapi.json.
# Run from the repository root after changing an API: python3 scripts/openapi/generate.py
# The contract tests fail when a route is missing from a document or a document names a route that does not exist.
import json
from rollouts import add_rollouts
from fleet_events import add_fleet_events
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def arr(x): return {"type": "array", "items": x}
S = {"type": "string"}; I = {"type": "integer", "format": "int64"}; B = {"type": "boolean"}
def obj(props, required=()):
    o = {"type": "object", "properties": props}
    if required: o["required"] = list(required)
    return o
def resp(desc, schema=None):
    r = {"description": desc}
    if schema: r["content"] = {"application/json": {"schema": schema}}
    return r
err = lambda d: resp(d, ref("Error"))
idp = {"name": "id", "in": "path", "required": True, "schema": S}
def q(name, schema=S): return {"name": name, "in": "query", "required": False, "schema": schema}
paging = [q("page", {"type": "integer", "minimum": 0, "maximum": 1000000}), q("per_page", {"type": "integer", "minimum": 1, "maximum": 1000})]
bearer = [{"bearer": []}]
common_schemas = {
  "Error": obj({"Error": S, "Field": S}, ["Error"]),
  "Chart": obj({"Version": S, "Repository": S}),
  "DNS": obj({"PrivateDomain": S, "PrivateHostedZoneID": S}),
  "KubeconfigSource": obj({"S3": obj({"Bucket": S, "Key": S}, ["Bucket", "Key"]), "SecretsManager": obj({"SecretID": S}, ["SecretID"]),
    "EKS": obj({"Cluster": {"type": "string", "pattern": "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$"},
                "Region": {"type": "string", "pattern": "^[a-z]{2}(-[a-z]+)+-[0-9]$"}}, ["Cluster", "Region"])}),
  "Remediation": obj({"Action": {"type": "string", "enum": ["rollback", "uninstall"]}, "Revision": I, "Error": S}, ["Action"]),
  "Plan": obj({"Added": I, "Changed": I, "Removed": I, "CurrentChart": S, "PlannedChart": S, "ChartChanged": B, "ValuesChanged": B,
    "Objects": arr(obj({"Object": {"type": "string", "description": "Kind/namespace/name (Kind/name when cluster-scoped)"},
                        "Change": {"type": "string", "enum": ["added", "changed", "removed"]},
                        "Diff": {"type": "string", "description": "Unified diff of the object's fields, one per line; Secret values as digests."}},
                       ["Object", "Change", "Diff"]))},
    ["Added", "Changed", "Removed", "PlannedChart", "ChartChanged", "ValuesChanged", "Objects"]),
  "Release": obj({"Name": S, "Namespace": S, "Revision": I, "Status": S, "Chart": S}),
}
ops = lambda d: {"description": d, "content": {"application/json": {"schema": obj({"Status": S})}}}
probes = {
  "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": {"200": ops("alive")}}},
  "/readyz": {"get": {"summary": "Readiness (503 while draining)", "security": [], "responses": {"200": ops("ready"), "503": ops("draining")}}},
  "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text format", "content": {"text/plain": {"schema": S}}}, "401": err("unauthorized")}}},
}
def openapi_path(title):
  return {"get": {"summary": f"This document ({title})", "responses": {"200": resp("OpenAPI 3 document", {"type": "object"}), "401": err("unauthorized")}}}

ACTION = {"type": "string", "enum": ["apply", "delete", "verify", "plan", "check"], "description": "verify, plan and check change nothing. verify succeeds if the release is deployed (at Chart.Version, if given) and its workloads are ready; plan answers Plan: what an apply of Chart and Values would change (helm upgrade --dry-run=server against the stored manifest); check answers Drift: whether the release is still what was last applied (Chart.Version, ExpectedRevision) and its objects still what its manifest says."}
DRIFT = {"State": {"type": "string", "enum": ["InSync", "Drifted"]}, "Reasons": arr(S)}
TEST = {"type": "boolean", "description": "After a successful apply, run the chart's tests (helm test --logs); a failed test fails the deployment, which is then remediated. Only with Action apply."}
RETRIES = {"Retries": {"type": "integer", "minimum": 0, "maximum": 10, "description": "Run a failed apply again (after its remediation) up to this many times."},
           "RetryBackoffSeconds": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 10, "description": "The wait before the first retry, doubled each time."}}
WAITING = {"type": "string", "description": "While running: what the deployment waits for, e.g. another operation on the same release."}

# provisioner
prov_schemas = dict(common_schemas)
prov_schemas["DeploymentRequest"] = obj({
  "ID": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}, "ClusterID": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
  "Service": {"type": "string", "description": "A service this provisioner deploys: a Name from GET /api/services."}, "Action": ACTION, "Chart": ref("Chart"),
  "Values": {"type": "object"}, "Kubeconfig": S, "KubeconfigSource": ref("KubeconfigSource"), "DNS": ref("DNS"),
  "TimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600},
  "PreviousAttemptsEnded": {"type": "boolean", "description": "The client knows every earlier attempt at this deployment has ended (e.g. the provisioner that ran it restarted): a release they left pending is recovered at once instead of waited for until it is provably stale."},
  "Test": TEST,
  "ExpectedRevision": {"type": "integer", "description": "For a check: the revision the last apply made; another is drift."}},
  ["ClusterID", "Service", "Action"])
prov_schemas["Deployment"] = obj({
  "ID": S, "ClusterID": S, "Service": S, "Action": ACTION, "Chart": ref("Chart"),
  "State": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelling", "cancelled"]},
  "CreateAt": I, "StartAt": I, "EndAt": I, "Error": S, "Recovery": ref("Remediation"), "Remediation": ref("Remediation"),
  "Release": ref("Release"), "Log": arr(S), "Waiting": WAITING, "Plan": ref("Plan"), "Drift": obj(DRIFT, ["State", "Reasons"])}, ["ID", "ClusterID", "Service", "Action", "Chart", "State", "CreateAt", "StartAt", "EndAt", "Log"])
prov_schemas["DeploymentChanges"] = obj({"Instance": S, "Sequence": I, "Deployments": arr(ref("Deployment"))}, ["Instance", "Sequence", "Deployments"])
prov_schemas["Service"] = obj({"Name": S, "Chart": S, "Repository": S, "RepositoryName": S, "DefaultVersion": S, "Namespace": S, "Release": S,
  "DefaultValues": {"type": "string", "description": "The shipped values, YAML."},
  "HookWaits": {"type": "integer", "description": "Hook Jobs or Pods its chart runs on install and upgrade, each waited for within the deadline."},
  "DependsOn": {**arr(S), "description": "Services to deploy before this one."},
  "Strategy": {"type": "string", "enum": ["helm"], "description": "How the service is deployed."},
  "Order": {"type": "integer", "description": "Its place in the deploy order (0 first): after everything it depends on, ties by name."}},
  ["Name", "Chart", "Repository", "RepositoryName", "DefaultVersion", "Namespace", "Release", "DefaultValues", "HookWaits", "DependsOn", "Strategy", "Order"])
prov = {
  "openapi": "3.0.3",
  "info": {"title": "provisioner", "version": "0.1.0", "description": "Stateless third-party service deployment API."},
  "components": {"schemas": prov_schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
  "security": bearer,
  "paths": {
    "/api/deployments": {
      "post": {"summary": "Queue a deployment", "requestBody": {"required": True, "content": {"application/json": {"schema": ref("DeploymentRequest")}}},
               "responses": {"202": resp("queued", ref("Deployment")), "200": resp("already queued with this ID and body", ref("Deployment")),
                             "400": err("invalid request"), "401": err("unauthorized"), "409": err("ID taken by another request"),
                             "413": err("body over 1 MiB"), "503": err("draining")}},
      "get": {"summary": "Deployments this instance holds", "parameters": [q("state", {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelling", "cancelled"]}), q("cluster"), q("service")],
              "responses": {"200": resp("deployments", arr(ref("Deployment"))), "400": err("invalid filter"), "401": err("unauthorized")}}},
    "/api/deployments/changes": {
      "get": {"summary": "Change feed: deployments whose status changed after a sequence number, at most 100 or about 8 MiB a page (long poll)",
              "parameters": [q("after", {"type": "integer", "minimum": 0}), q("wait", {"type": "integer", "minimum": 0, "maximum": 60})],
              "responses": {"200": resp("changes", ref("DeploymentChanges")), "400": err("invalid after or wait"), "401": err("unauthorized")}}},
    "/api/deployment/{id}": {
      "parameters": [idp],
      "get": {"summary": "One deployment", "responses": {"200": resp("the deployment", ref("Deployment")), "401": err("unauthorized"), "404": err("unknown ID")}},
      "delete": {"summary": "Terminate a deployment", "responses": {"200": resp("cancelled or cancelling", ref("Deployment")), "401": err("unauthorized"), "404": err("unknown ID"), "409": err("already finished")}}},
    "/api/services": {"get": {"summary": "The services this provisioner deploys", "responses": {"200": resp("services", arr(ref("Service"))), "401": err("unauthorized")}}},
    "/api/openapi.json": openapi_path("provisioner"),
    **probes,
  },
}
json.dump(prov, open("Sources/provisioner/API/openapi.json", "w"), indent=1, sort_keys=True)

# cloud
cs = dict(common_schemas)
uv = obj({"Chart": S, "ValuesPath": S}, ["Chart"])
cs["UtilityVersion"] = uv
cs["DriftStatus"] = obj({**DRIFT, "CheckedAt": I}, ["State", "Reasons", "CheckedAt"])
cs["UtilityMetadata"] = obj({"DesiredVersions": {"type": "object", "additionalProperties": {**ref("UtilityVersion")}},
                             "ActualVersions": {"type": "object", "additionalProperties": {**ref("UtilityVersion")}},
                             "Drift": {"type": "object", "additionalProperties": ref("DriftStatus"), "description": "Each utility's last drift check."}})
cs["FleetDrift"] = obj({"ClusterID": S, "Name": S, "Service": S, "Drift": ref("DriftStatus")}, ["ClusterID", "Name", "Service", "Drift"])
cs["Cluster"] = obj({"ID": S, "Name": S, "DNS": ref("DNS"), "Labels": arr(S), "UtilityMetadata": ref("UtilityMetadata"), "CreateAt": I}, ["ID", "Name", "Labels", "UtilityMetadata", "CreateAt"])
cs["RegisterCluster"] = obj({"Name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"}, "Kubeconfig": S, "KubeconfigSource": ref("KubeconfigSource"), "DNS": ref("DNS"), "Labels": arr(S)}, ["Name"])
cs["ProvisionUtility"] = obj({"Chart": S, "ValuesPath": S, "Values": {"type": "object", "description": "Values for the deployment, layered over the service's own; a utility given values is deployed even when its version is unchanged."}}, ["Chart"])
cs["Provision"] = obj({"utility-versions": {"type": "object", "additionalProperties": ref("ProvisionUtility"),
  "description": "Keyed by service name: any service the provisioners publish at their GET /api/services."}})
cs["CreateDeployment"] = obj({"ClusterID": S, "Service": S, "Action": ACTION, "Chart": ref("Chart"), "Values": {"type": "object"}, "TimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600}, "Test": TEST, **RETRIES}, ["ClusterID", "Service", "Action"])
states = ["requested", "dispatched", "running", "succeeded", "failed", "cancel-requested", "cancelled"]
cs["Deployment"] = obj({"ID": S, "ClusterID": S, "Service": S, "Action": S, "Chart": ref("Chart"), "Values": {"type": "object"}, "TimeoutSeconds": I,
  "State": {"type": "string", "enum": states}, "Attempts": I, "Provisioner": S, "ProvisionerDeploymentID": S, "Error": S,
  "Remediation": ref("Remediation"), "Release": ref("Release"), "Log": arr(S), "CreateAt": I, "UpdateAt": I, "EndAt": I,
  "NextAttemptAt": I, "LastSeenAt": I, "DependsOn": S, "Waiting": WAITING,
  "PreviousAttemptsEnded": {"type": "boolean", "description": "Every attempt so far is known to have ended, so the next one may recover a release they left pending at once."},
  "Recovery": ref("Remediation"), "Plan": ref("Plan"), "Test": TEST,
  "Retry": obj({"Retries": I, "BackoffSeconds": I}), "Failures": {**arr(S), "description": "The errors of the attempts that failed and were retried, oldest first."},
  "RetryOf": {**S, "description": "The failed or cancelled deployment this one retries."}},
  ["ID", "ClusterID", "Service", "Action", "State", "Attempts", "Log", "CreateAt"])
cs["Provisioner"] = obj({"URL": S, "Healthy": B, "InFlight": I, "LastCheckAt": I})
cid = {"name": "id", "in": "path", "required": True, "schema": S}
cloud = {
  "openapi": "3.0.3",
  "info": {"title": "cloud server", "version": "0.1.0", "description": "Clusters, their utilities, and deployments across provisioners."},
  "components": {"schemas": cs, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
  "security": bearer,
  "paths": {
    "/api/clusters": {
      "post": {"summary": "Register a cluster", "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RegisterCluster")}}},
               "responses": {"200": resp("registered", ref("Cluster")), "400": err("invalid"), "401": err("unauthorized"), "409": err("name taken"), "413": err("too large")}},
      "get": {"summary": "List clusters", "parameters": paging + [q("label")], "responses": {"200": resp("clusters", arr(ref("Cluster"))), "400": err("invalid paging"), "401": err("unauthorized")}}},
    "/api/cluster/{id}": {
      "parameters": [cid],
      "get": {"summary": "One cluster", "responses": {"200": resp("cluster", ref("Cluster")), "401": err("unauthorized"), "404": err("unknown")}},
      "delete": {"summary": "Forget a cluster", "responses": {"204": {"description": "deleted"}, "401": err("unauthorized"), "404": err("unknown"), "409": err("deployments in flight")}}},
    "/api/cluster/{id}/utilities": {"parameters": [cid], "get": {"summary": "Desired and actual utility versions", "responses": {"200": resp("utilities", ref("UtilityMetadata")), "401": err("unauthorized"), "404": err("unknown")}}},
    "/api/cluster/{id}/provision": {"parameters": [cid], "post": {"summary": "Set utility versions and deploy the changed ones",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("Provision")}}},
        "responses": {"202": resp("deployments created", arr(ref("Deployment"))), "400": err("invalid"), "401": err("unauthorized"), "404": err("unknown cluster")}}},
    "/api/deployments": {
      "post": {"summary": "Create a deployment", "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateDeployment")}}},
               "responses": {"202": resp("requested", ref("Deployment")), "400": err("invalid"), "401": err("unauthorized"), "413": err("too large")}},
      "get": {"summary": "List deployments", "parameters": paging + [q("cluster"), q("service"), q("state", {"type": "string", "enum": states})],
              "responses": {"200": resp("deployments", arr(ref("Deployment"))), "400": err("invalid filter"), "401": err("unauthorized")}}},
    "/api/deployment/{id}": {
      "parameters": [cid],
      "get": {"summary": "One deployment", "responses": {"200": resp("deployment", ref("Deployment")), "401": err("unauthorized"), "404": err("unknown")}},
      "delete": {"summary": "Cancel a deployment", "responses": {"200": resp("cancelled or cancel-requested", ref("Deployment")), "401": err("unauthorized"), "404": err("unknown"), "409": err("already finished")}}},
    "/api/deployment/{id}/retry": {"parameters": [cid], "post": {"summary": "Run a failed or cancelled deployment again, as a new one linked to it (RetryOf)",
      "responses": {"202": resp("the new deployment", ref("Deployment")), "401": err("unauthorized"), "404": err("unknown"),
                    "409": err("not failed or cancelled, or its cluster is gone")}}},
    "/api/cluster/{id}/drift": {"parameters": [cid], "post": {"summary": "Check the cluster's utilities for drift now; the results are stored and answered",
      "responses": {"200": resp("each utility's check", {"type": "object", "additionalProperties": ref("DriftStatus")}), "401": err("unauthorized"), "404": err("unknown")}}},
    "/api/drift": {"get": {"summary": "The fleet's checked utilities, or only those in one state",
      "parameters": [q("state", {"type": "string", "enum": ["drifted", "in-sync"]})],
      "responses": {"200": resp("utilities", arr(ref("FleetDrift"))), "400": err("invalid state"), "401": err("unauthorized")}}},
    "/api/provisioners": {"get": {"summary": "Provisioner instances", "responses": {"200": resp("instances", arr(ref("Provisioner"))), "401": err("unauthorized")}}},
    "/api/openapi.json": openapi_path("cloud server"),
    **probes,
  },
}
# Roles and the audit log. The role each operation needs mirrors AccessPolicy (Sources/cloud/Access):
# reads need viewer (the audit log admin), the listed writes operator, every other request admin.
roles = ["viewer", "operator", "admin"]
cs["AuditEntry"] = obj({"ID": I, "Time": I, "Actor": S, "Role": {"type": "string", "enum": roles}, "Method": S, "Path": S,
                        "Targets": arr(S), "Status": {"type": "integer"}}, ["ID", "Time", "Method", "Path", "Targets", "Status"])
cloud["paths"]["/api/audit"] = {"get": {
  "summary": "The audit log, newest first: every mutating request and every 401 and 403",
  "parameters": [q("since", {"type": "integer", "format": "int64", "minimum": 0}), q("actor"), q("before", {"type": "integer", "format": "int64", "minimum": 1}),
                 q("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})],
  "responses": {"200": resp("entries", arr(ref("AuditEntry"))), "400": err("invalid filter"), "401": err("unauthorized")}}}
operator_ops = {("post", "/api/deployments"), ("delete", "/api/deployment/{id}"), ("post", "/api/cluster/{id}/provision"), ("post", "/api/deployment/{id}/retry"), ("post", "/api/cluster/{id}/drift")}
operator_ops |= add_rollouts(cloud, cs, ref, arr, obj, resp, err, S, I, B, q, paging, cid)
add_fleet_events(cloud, cs, ref, arr, obj, resp, err, S, I, q, cid)
admin_reads = {"/api/audit", "/api/webhooks"}
for path, item in cloud["paths"].items():
  for method, op in item.items():
    if method == "parameters" or "401" not in op["responses"]: continue
    role = "operator" if (method, path) in operator_ops else "viewer" if method == "get" and path not in admin_reads else "admin"
    op["description"] = f"Needs the {role} role."
    if role != "viewer": op["responses"]["403"] = err(f"the token's role is below {role}")
    # AuthThrottle: after too many failed authentications an address waits (Retry-After), token or not.
    op["responses"]["429"] = err("too many failed authentications from this address; see Retry-After")
json.dump(cloud, open("Sources/cloud/API/openapi.json", "w"), indent=1, sort_keys=True)
print("ok")
