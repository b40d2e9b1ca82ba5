{{/*
Names and labels of the server objects, made the way the community chart makes them:
release "prometheus" -> "prometheus-server"; release "mon" -> "mon-prometheus-server".
*/}}

{{- define "prometheus.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prometheus.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* server.fullnameOverride is not in values.yaml upstream either: read only when set */}}
{{- define "prometheus.server.fullname" -}}
{{- if .Values.server.fullnameOverride -}}
{{- .Values.server.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $words := list .Release.Name -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- if not (contains $base .Release.Name) -}}
{{- $words = append $words $base -}}
{{- end -}}
{{- append $words .Values.server.name | join "-" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "prometheus.clusterRoleName" -}}
{{- with .Values.server.clusterRoleNameOverride -}}
{{- . | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "prometheus.server.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "prometheus.serviceAccountName.server" -}}
{{- $sa := .Values.serviceAccounts.server -}}
{{- if $sa.create -}}
{{- $sa.name | default (include "prometheus.server.fullname" .) -}}
{{- else -}}
{{- $sa.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "prometheus.namespace" -}}
{{- .Values.forceNamespace | default .Release.Namespace -}}
{{- end -}}

{{- define "prometheus.server.matchLabels" -}}
app.kubernetes.io/component: {{ .Values.server.name }}
app.kubernetes.io/name: {{ include "prometheus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "prometheus.server.labels" -}}
{{ include "prometheus.server.matchLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion }}
helm.sh/chart: {{ include "prometheus.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "prometheus.name" . }}
{{- with .Values.commonMetaLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* remote_write / remote_read lists, each url run through tpl */}}
{{- define "prometheus.server.remoteList" -}}
{{- $out := list -}}
{{- range .list -}}
{{- $out = append $out (set . "url" (tpl .url $.root)) -}}
{{- end -}}
{{ toYaml $out }}
{{- end -}}

{{/* prometheus.yml, before the serverFiles map: global, remote_write/read, storage, scrape_config_files */}}
{{- define "prometheus.server.configHead" -}}
{{- $srv := .Values.server }}
    global:
{{ toYaml $srv.global | indent 6 }}
{{- with $srv.remoteWrite }}
    remote_write:
{{- include "prometheus.server.remoteList" (dict "list" . "root" $) | nindent 4 }}
{{- end }}
{{- with $srv.remoteRead }}
    remote_read:
{{- include "prometheus.server.remoteList" (dict "list" . "root" $) | nindent 4 }}
{{- end }}
{{- if or $srv.tsdb $srv.exemplars }}
    storage:
{{- with $srv.tsdb }}
      tsdb:
{{ toYaml . | indent 8 }}
{{- end }}
{{- with $srv.exemplars }}
      exemplars:
{{ toYaml . | indent 8 }}
{{- end }}
{{- end }}
{{- with .Values.scrapeConfigFiles }}
    scrape_config_files:
{{ toYaml . | indent 4 }}
{{- end }}
{{- end -}}

{{/* prometheus.yml, after the serverFiles map: extraScrapeConfigs, then alerting when alertmanager is on */}}
{{- define "prometheus.server.configTail" -}}
{{- with .Values.extraScrapeConfigs }}
{{ tpl . $ | indent 4 }}
{{- end }}
{{- if or .Values.alertmanager.enabled .Values.server.alertmanagers }}
    alerting:
{{- with .Values.alertRelabelConfigs }}
{{ toYaml . | indent 6 }}
{{- end }}
      alertmanagers:
{{- with .Values.server.alertmanagers }}
{{ toYaml . | indent 8 }}
{{- else }}
      - kubernetes_sd_configs:
          - role: pod
        tls_config:
          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
{{- with .Values.alertmanager.prefixURL }}
        path_prefix: {{ . }}
{{- end }}
        relabel_configs:
        - source_labels: [__meta_kubernetes_namespace]
          regex: {{ .Release.Namespace }}
          action: keep
        - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_instance]
          regex: {{ .Release.Name }}
          action: keep
        - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]
          regex: {{ .Values.alertmanager.nameOverride | default "alertmanager" | trunc 63 | trimSuffix "-" }}
          action: keep
        - source_labels: [__meta_kubernetes_pod_container_port_number]
          regex: "9093"
          action: keep
{{- end }}
{{- end }}
{{- end -}}

{{/* the action of a server probe: an HTTP GET of path (under prefixURL), or a TCP check */}}
{{- define "prometheus.server.probeAction" -}}
{{- if .srv.tcpSocketProbeEnabled -}}
tcpSocket:
  port: 9090
{{- else -}}
httpGet:
  path: {{ .srv.prefixURL }}{{ .path }}
  port: 9090
  scheme: {{ .srv.probeScheme }}
  {{- with .srv.probeHeaders }}
  httpHeaders:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* Our metadata block for the server's objects: annotations are always written, {} included. */}}
{{- define "prometheus.objectMeta" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .namespace }}
  labels: {{- .labels | nindent 4 }}
  annotations: {{- toYaml .annotations | nindent 4 }}
{{- end -}}
