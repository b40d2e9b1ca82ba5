{{/* Names and labels as the community node-exporter chart makes them (release "prometheus" -> "prometheus-prometheus-node-exporter"). */}}

{{- define "prometheus-node-exporter.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prometheus-node-exporter.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- if contains $base .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $base | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "prometheus-node-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prometheus-node-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "prometheus-node-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "prometheus-node-exporter.labels" -}}
helm.sh/chart: {{ include "prometheus-node-exporter.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: metrics
app.kubernetes.io/part-of: {{ include "prometheus-node-exporter.name" . }}
{{ include "prometheus-node-exporter.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- if .Values.releaseLabel }}
release: {{ .Release.Name }}
{{- end }}
{{- end -}}

{{- define "prometheus-node-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "prometheus-node-exporter.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "prometheus-node-exporter.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace -}}
{{- end -}}

{{/* registry/repository:tag[@digest]; global.imageRegistry replaces the registry, the tag defaults to "v" + appVersion */}}
{{- define "prometheus-node-exporter.image" -}}
{{- $img := .Values.image -}}
{{- if $img.sha -}}
{{- fail "image.sha forbidden. Use image.digest instead" -}}
{{- end -}}
{{- $ref := printf "%s/%s:%s" (.Values.global.imageRegistry | default $img.registry) $img.repository ($img.tag | default (printf "v%s" .Chart.AppVersion)) -}}
{{- with $img.digest -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{- define "prometheus-node-exporter.imagePullSecrets" -}}
{{- range concat .global .local }}
{{- if kindIs "map" . }}
- {{ toYaml . | trim }}
{{- else }}
- name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* a probe of node-exporter; with no httpHeaders, `httpHeaders:` stays empty (null) as upstream renders it */}}
{{- define "prometheus-node-exporter.probe" -}}
failureThreshold: {{ .probe.failureThreshold }}
httpGet:
  httpHeaders:
  {{- range .probe.httpGet.httpHeaders }}
  - name: {{ .name }}
    value: {{ .value }}
  {{- end }}
  path: /
  port: {{ .port }}
  scheme: {{ upper .probe.httpGet.scheme }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
successThreshold: {{ .probe.successThreshold }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
{{- end -}}

{{/*
"prometheus-node-exporter.section": key .k at indent .n on a new line, its value .v as YAML two
columns further in; nothing when .v is empty.
*/}}
{{- define "prometheus-node-exporter.section" -}}
{{- if .v -}}
{{- printf "%s:" .k | nindent .n -}}
{{- toYaml .v | nindent (add .n 2 | int) -}}
{{- end -}}
{{- end -}}

{{/*
Our metadata block: .name, .namespace, .labels (already-rendered label lines, kept as text so a
user label can sit beside ours) and .annotations (a map, written only when it has entries).
*/}}
{{- define "prometheus-node-exporter.objectMeta" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .namespace }}
  labels: {{- .labels | nindent 4 }}
{{- with .annotations }}
  annotations: {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}
