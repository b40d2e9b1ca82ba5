{{/* Names, as the upstream chart builds them. */}}
{{- define "metrics-server.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fullnameOverride wins; a release name that already holds the chart name is used alone. */}}
{{- define "metrics-server.fullname" -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- $full := .Values.fullnameOverride -}}
{{- if not $full -}}
{{- $full = contains $base .Release.Name | ternary .Release.Name (printf "%s-%s" .Release.Name $base) -}}
{{- end -}}
{{- $full | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "metrics-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "metrics-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metrics-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Every object's labels: the standard ones, then commonLabels. */}}
{{- define "metrics-server.labels" -}}
helm.sh/chart: {{ include "metrics-server.chart" . }}
{{ include "metrics-server.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "metrics-server.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "metrics-server.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, the tag defaulting to "v" + appVersion. */}}
{{- define "metrics-server.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default (print "v" .Chart.AppVersion)) -}}
{{- end -}}

{{/*
Our own helper: given (list INDENT KEY VALUE), emits a newline plus "KEY:" with VALUE as YAML
beneath it, all shifted right by INDENT spaces; emits nothing at all when VALUE is empty.
*/}}
{{- define "metrics-server.kvBlock" -}}
{{- $value := index . 2 -}}
{{- if $value }}
{{ printf "%s:\n%s" (index . 1) ($value | toYaml | indent 2) | indent (index . 0) }}
{{- end -}}
{{- end -}}

{{/*
Our metadata block (no leading indent; callers nindent it). Takes a dict: ctx (the root context),
name; optional: ns (namespace, left out when empty), labels (added after the standard ones),
notes (an annotations map, dropped when empty).
*/}}
{{- define "metrics-server.meta" -}}
name: {{ .name }}
{{- with .ns }}
namespace: {{ . }}
{{- end }}
labels:
{{- include "metrics-server.labels" .ctx | nindent 2 }}
{{- with .labels }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .notes }}
annotations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
roleRef plus this release's ServiceAccount as the one subject, at top level.
Takes a dict: ctx, kind (Role or ClusterRole), role (its name).
*/}}
{{- define "metrics-server.grant" -}}
{{- $c := .ctx -}}
{{- $ref := dict "apiGroup" "rbac.authorization.k8s.io" "kind" .kind "name" .role -}}
{{- $who := dict "kind" "ServiceAccount" "name" (include "metrics-server.serviceAccountName" $c) "namespace" $c.Release.Namespace -}}
{{- dict "roleRef" $ref "subjects" (list $who) | toYaml -}}
{{- end -}}
