{{/* Names, as the upstream chart builds them. */}}
{{- define "node-problem-detector.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fullnameOverride wins; a release name that already holds the chart name is used alone. */}}
{{- define "node-problem-detector.fullname" -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- $full := .Values.fullnameOverride -}}
{{- if not $full -}}
{{- $full = contains $base .Release.Name | ternary .Release.Name (printf "%s-%s" .Release.Name $base) -}}
{{- end -}}
{{- $full | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "node-problem-detector.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The four labels every object carries, in upstream's order. */}}
{{- define "node-problem-detector.labels" -}}
app.kubernetes.io/name: {{ include "node-problem-detector.name" . }}
helm.sh/chart: {{ include "node-problem-detector.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "node-problem-detector.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "node-problem-detector.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The ConfigMap of custom monitor definitions (not trimmed of a trailing "-", as upstream). */}}
{{- define "node-problem-detector.customConfig" -}}
{{- printf "%s-custom-config" (include "node-problem-detector.fullname" .) | replace "+" "_" | trunc 63 -}}
{{- end -}}

{{/*
The node-problem-detector flags after --logtostderr, spaced exactly as upstream's command line:
system log monitors, custom plugin monitors (or nothing), the Prometheus exporter, the heartbeat
period, two spaces, then extraArgs run together.
*/}}
{{- define "node-problem-detector.flags" -}}
{{- $s := .Values.settings -}}
{{- $plugins := "" -}}
{{- with $s.custom_plugin_monitors -}}
{{- $plugins = printf "--config.custom-plugin-monitor=%s" (join "," .) -}}
{{- end -}}
{{- $exporter := printf "--prometheus-address=%s --prometheus-port=%.0f" $s.prometheus_address $s.prometheus_port -}}
{{- printf "--config.system-log-monitor=%s %s %s --k8s-exporter-heartbeat-period=%v  %s" (join "," $s.log_monitors) $plugins $exporter $s.heartBeatPeriod (join "" ($s.extraArgs | default list)) -}}
{{- end -}}

{{/*
Our own helper: given (list INDENT KEY VALUE), emits a newline plus "KEY:" with VALUE as YAML
beneath it, all shifted right by INDENT spaces; emits nothing at all when VALUE is empty.
*/}}
{{- define "node-problem-detector.kvBlock" -}}
{{- $value := index . 2 -}}
{{- if $value }}
{{ printf "%s:\n%s" (index . 1) ($value | toYaml | indent 2) | indent (index . 0) }}
{{- end -}}
{{- end -}}

{{/*
Our metadata writer: a dict of name, labels (map), namespace and, if non-empty, annotations
becomes the object's "metadata:" block.
*/}}
{{- define "node-problem-detector.objectMeta" -}}
{{- $out := omit . "annotations" -}}
{{- with .annotations }}{{ $_ := set $out "annotations" . }}{{ end -}}
metadata:
{{ toYaml $out | indent 2 }}
{{- end -}}
