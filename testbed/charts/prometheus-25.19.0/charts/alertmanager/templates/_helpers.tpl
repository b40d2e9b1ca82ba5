{{/* Names and labels as the community alertmanager chart makes them (release "prometheus" -> "prometheus-alertmanager"). */}}

{{- define "alertmanager.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "alertmanager.fullname" -}}
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

{{- define "alertmanager.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "alertmanager.selectorLabels" -}}
app.kubernetes.io/name: {{ include "alertmanager.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "alertmanager.labels" -}}
helm.sh/chart: {{ include "alertmanager.chart" . }}
{{ include "alertmanager.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "alertmanager.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "alertmanager.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "alertmanager.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace -}}
{{- end -}}

{{/* clustering flags/ports are on with more than one replica or any additionalPeers */}}
{{- define "alertmanager.clustered" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.additionalPeers }}true{{ end -}}
{{- end -}}

{{/*
"alertmanager.section": on fresh lines at indent .n, the key .k and then .v as YAML two spaces deeper.
An empty .v (nil, "", empty list or map) writes nothing at all.
*/}}
{{- define "alertmanager.section" -}}
{{- if .v -}}
{{- printf "%s:" .k | nindent .n -}}
{{- toYaml .v | nindent (add .n 2 | int) -}}
{{- end -}}
{{- end -}}

{{/* the optional config-reloader sidecar, as one list item at column 8 (root context in) */}}
{{- define "alertmanager.reloaderSidecar" -}}
{{- $r := .Values.configmapReload -}}
{{- $given := $r.extraArgs -}}
- name: {{ printf "%s-%s" .Chart.Name $r.name }}
  image: {{ printf "%s:%s" $r.image.repository $r.image.tag | quote }}
  imagePullPolicy: {{ $r.image.pullPolicy | quote }}
  args:
  {{- if not (or (hasKey $given "config-file") (hasKey $given "watched-dir")) }}
  - --watched-dir=/etc/alertmanager
  {{- end }}
  {{- if not (hasKey $given "reload-url") }}
  - --reload-url=http://127.0.0.1:9093/-/reload
  {{- end }}
  {{- range $flag, $val := $given }}
  - {{ printf "--%s=%v" $flag $val }}
  {{- end }}
  {{- include "alertmanager.section" (dict "k" "env" "v" $r.extraEnv "n" 2) }}
  {{- with $r.containerPort }}
  ports:
  - containerPort: {{ . }}
  {{- end }}
  resources: {{- toYaml $r.resources | nindent 4 }}
  {{- include "alertmanager.section" (dict "k" "securityContext" "v" $r.securityContext "n" 2) }}
  volumeMounts:
  - mountPath: /etc/alertmanager
    name: config
  {{- with $r.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
Our metadata block: .name, .namespace, .labels (already-rendered label lines, kept as text so a
user label can sit beside ours) and .annotations (a map, written only when it has entries).
The namespace goes last: the StatefulSet's checksum hashes the ConfigMap's text.
*/}}
{{- define "alertmanager.objectMeta" -}}
metadata:
  name: {{ .name }}
  labels: {{- .labels | nindent 4 }}
{{- with .annotations }}
  annotations: {{- toYaml . | nindent 4 }}
{{- end }}
  namespace: {{ .namespace }}
{{- end -}}
