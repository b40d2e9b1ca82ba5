{{/* Names and labels as the community pushgateway chart makes them (release "prometheus" -> "prometheus-prometheus-pushgateway"). */}}

{{- define "prometheus-pushgateway.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prometheus-pushgateway.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace -}}
{{- end -}}

{{- define "prometheus-pushgateway.fullname" -}}
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

{{- define "prometheus-pushgateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prometheus-pushgateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "prometheus-pushgateway.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "prometheus-pushgateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "prometheus-pushgateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "prometheus-pushgateway.defaultLabels" -}}
helm.sh/chart: {{ include "prometheus-pushgateway.chart" . }}
{{ include "prometheus-pushgateway.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
"prometheus-pushgateway.section": at indent .n on a new line, key .k, then .v as YAML two columns
further in. Writes nothing when .v is empty.
*/}}
{{- define "prometheus-pushgateway.section" -}}
{{- if .v -}}
{{- printf "%s:" .k | nindent .n -}}
{{- toYaml .v | nindent (add .n 2 | int) -}}
{{- end -}}
{{- end -}}

{{/*
Our metadata block: .name, .namespace, .labels (already-rendered label lines, kept as text so a
user label can sit beside ours) and .annotations (a map, written only when it has entries).
*/}}
{{- define "prometheus-pushgateway.objectMeta" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .namespace }}
  labels: {{- .labels | nindent 4 }}
{{- with .annotations }}
  annotations: {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}
