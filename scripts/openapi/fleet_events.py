# The event stream, webhooks and the dashboard's pages in the cloud server's OpenAPI document (see generate.py).
def add_fleet_events(cloud, cs, ref, arr, obj, resp, err, S, I, q, cid):
  I64 = {"type": "integer", "format": "int64", "minimum": 0}
  cs["FleetEvent"] = obj({
    "ID": {**I64, "description": "Increasing in commit order; send the last one seen as Last-Event-ID (or ?after=) to resume."},
    "Time": I, "Type": {**S, "description": "KIND.WHAT: deployment.<state>, rollout.created|progressed|<state>, cluster.created|updated|deleted, drift.detected|resolved, provisioner.healthy|unhealthy"},
    "ObjectID": S, "ClusterID": S, "Service": S, "State": S, "Version": S, "Summary": S}, ["ID", "Time", "Type", "ObjectID", "Summary"])
  cs["EventBatch"] = obj({"Events": arr(ref("FleetEvent")), "LastEventID": {**I64, "description": "Ask after this next time."}}, ["Events", "LastEventID"])
  types = {"type": "string", "description": "Comma-separated event types or kinds (rollout.halted, drift.*)."}
  cloud["paths"]["/api/events"] = {"get": {
    "summary": "The fleet's changes: Server-Sent Events with Accept: text/event-stream (kept open), otherwise a JSON batch (a long poll)",
    "parameters": [q("after", I64), q("types", types), q("object"), q("wait", {"type": "integer", "minimum": 0, "maximum": 30, "default": 0}),
                   {"name": "Last-Event-ID", "in": "header", "required": False, "schema": I64}],
    "responses": {"200": {"description": "events after the given ID (from now without one)",
                          "content": {"application/json": {"schema": ref("EventBatch")}, "text/event-stream": {"schema": S}}},
                  "400": err("invalid parameter"), "401": err("unauthorized")}}}
  formats = {"type": "string", "enum": ["json", "mattermost", "slack"], "default": "json"}
  cs["CreateWebhook"] = obj({"URL": {**S, "description": "http(s), no user or password; kept secret"}, "Format": formats, "Events": types,
                             "Secret": {**S, "minLength": 1, "maxLength": 256, "description": "Signs JSON bodies: X-Signature-256: sha256=HMAC-SHA256(body)"}}, ["URL"])
  cs["Webhook"] = obj({"ID": S, "Target": {**S, "description": "Scheme and host only: the URL itself is a credential."}, "Format": formats,
                       "Events": arr(S), "Signed": {"type": "boolean"}, "Origin": {"type": "string", "enum": ["api", "flag"]}, "CreateAt": I,
                       "Health": obj({"LastError": S, "LastErrorAt": I, "LastDeliveredAt": I, "Pending": I})},
                      ["ID", "Target", "Format", "Events", "Signed", "Origin", "CreateAt", "Health"])
  cloud["paths"]["/api/webhooks"] = {
    "post": {"summary": "Send matching events to a URL, at least once, retried for a day",
             "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateWebhook")}}},
             "responses": {"201": resp("added", ref("Webhook")), "400": err("invalid"), "401": err("unauthorized"), "413": err("too large")}},
    "get": {"summary": "Webhooks, with their pending deliveries and last error", "responses": {"200": resp("webhooks", arr(ref("Webhook"))), "401": err("unauthorized")}}}
  cloud["paths"]["/api/webhook/{id}"] = {"parameters": [cid], "delete": {"summary": "Stop sending to a webhook",
    "responses": {"204": {"description": "deleted"}, "401": err("unauthorized"), "404": err("unknown")}}}

  html = lambda description: {"description": description, "content": {"text/html": {"schema": S}}}
  redirect = {"description": "to /login without a session", "headers": {"Location": {"schema": S}}}
  # A person's browser signs in with a session cookie (/login) rather than a bearer token, and a
  # page without either sends it to /login: so no security requirement is declared for pages.
  page = lambda summary, with_id=False: {**({"parameters": [cid]} if with_id else {}), "get": {"summary": summary, "tags": ["dashboard"],
    "security": [], "description": "Needs the viewer role, through the session cookie or a bearer token; without either, 303 to /login.",
    "responses": {"200": html("the page"), **({"404": html("no such object")} if with_id else {}), "303": redirect}}}
  cloud["paths"]["/"] = page("Dashboard: the fleet grid", False)
  # Typed by a person: odd values are cut or ignored, not refused.
  cloud["paths"]["/"]["get"]["parameters"] = [q("q"), q("label"), q("page")]
  cloud["paths"]["/ui/cluster/{id}"] = page("Dashboard: one cluster", True)
  cloud["paths"]["/ui/deployment/{id}"] = page("Dashboard: one deployment", True)
  cloud["paths"]["/ui/rollouts"] = page("Dashboard: rollouts")
  cloud["paths"]["/ui/rollout/{id}"] = page("Dashboard: one rollout", True)
  cloud["paths"]["/ui/provisioners"] = page("Dashboard: provisioners")
  asset = lambda kind: {"get": {"summary": f"Dashboard {kind}", "tags": ["dashboard"], "security": [],
                                "responses": {"200": {"description": kind, "content": {f"text/{kind}": {"schema": S}}}}}}
  cloud["paths"]["/ui/static/app.css"] = asset("css")
  cloud["paths"]["/ui/static/app.js"] = asset("javascript")
  cloud["paths"]["/login"] = {
    "get": {"summary": "Dashboard sign-in form", "tags": ["dashboard"], "security": [], "responses": {"200": html("the form"), "303": {"description": "to / when the server has no tokens"}}},
    "post": {"summary": "Sign in with an API token: sets a signed HttpOnly, SameSite=Strict session cookie", "tags": ["dashboard"], "security": [],
             "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj({"token": S}, ["token"])}}},
             "responses": {"303": {"description": "signed in", "headers": {"Set-Cookie": {"schema": S}}}, "401": html("not a valid token")}}}
  cloud["paths"]["/logout"] = {"post": {"summary": "Sign out: clears the session cookie", "tags": ["dashboard"], "security": [],
                                        "responses": {"303": {"description": "to /login"}}}}
