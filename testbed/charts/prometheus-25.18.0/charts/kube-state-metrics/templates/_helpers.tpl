{{/* Names and labels as the community kube-state-metrics chart makes them (release "prometheus" -> "prometheus-kube-state-metrics"). */}}

{{/* nameOverride and fullnameOverride are not in values.yaml upstream: read only when set */}}
{{- define "kube-state-metrics.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kube-state-metrics.fullname" -}}
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

{{- define "kube-state-metrics.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "kube-state-metrics.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "kube-state-metrics.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace -}}
{{- end -}}

{{- define "kube-state-metrics.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kube-state-metrics.selectorLabels" -}}
{{- if .Values.selectorOverride -}}
{{ toYaml .Values.selectorOverride }}
{{- else -}}
app.kubernetes.io/name: {{ include "kube-state-metrics.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- end -}}

{{- define "kube-state-metrics.labels" -}}
helm.sh/chart: {{ include "kube-state-metrics.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: metrics
app.kubernetes.io/part-of: {{ include "kube-state-metrics.name" . }}
{{ include "kube-state-metrics.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- if .Values.releaseLabel }}
release: {{ .Release.Name }}
{{- end }}
{{- end -}}

{{/* registry/repository:tag[@sha]; global.imageRegistry replaces the registry, the tag defaults to "v" + appVersion */}}
{{- define "kube-state-metrics.image" -}}
{{- $img := .Values.image -}}
{{- $ref := printf "%s/%s:%s" (.Values.global.imageRegistry | default $img.registry) $img.repository ($img.tag | default (printf "v%s" .Chart.AppVersion)) -}}
{{- if $img.sha -}}
{{- $ref = printf "%s@%s" $ref $img.sha -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* global and local pull secrets, as names or as maps */}}
{{- define "kube-state-metrics.imagePullSecrets" -}}
{{- range concat .global .local }}
{{- if kindIs "map" . }}
- {{ toYaml . | trim }}
{{- else }}
- name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* the API groups of each collector's ClusterRole rule (rules come out in key order, as upstream lists them) */}}
{{- define "kube-state-metrics.collectorGroups" -}}
certificatesigningrequests: [certificates.k8s.io]
configmaps: [""]
cronjobs: [batch]
daemonsets: [extensions, apps]
deployments: [extensions, apps]
endpoints: [""]
endpointslices: [discovery.k8s.io]
horizontalpodautoscalers: [autoscaling]
ingresses: [extensions, networking.k8s.io]
jobs: [batch]
leases: [coordination.k8s.io]
limitranges: [""]
mutatingwebhookconfigurations: [admissionregistration.k8s.io]
namespaces: [""]
networkpolicies: [networking.k8s.io]
nodes: [""]
persistentvolumeclaims: [""]
persistentvolumes: [""]
poddisruptionbudgets: [policy]
pods: [""]
replicasets: [extensions, apps]
replicationcontrollers: [""]
resourcequotas: [""]
secrets: [""]
services: [""]
statefulsets: [apps]
storageclasses: [storage.k8s.io]
validatingwebhookconfigurations: [admissionregistration.k8s.io]
volumeattachments: [storage.k8s.io]
{{- end -}}

{{/* a probe of the main container; with no httpHeaders, `httpHeaders:` stays empty (null) as upstream renders it */}}
{{- define "kube-state-metrics.probe" -}}
failureThreshold: {{ .probe.failureThreshold }}
httpGet:
  {{- if .hostNetwork }}
  host: 127.0.0.1
  {{- end }}
  httpHeaders:
  {{- range .probe.httpGet.httpHeaders }}
  - name: {{ .name }}
    value: {{ .value }}
  {{- end }}
  path: {{ .path }}
  port: {{ .port }}
  scheme: {{ upper .probe.httpGet.scheme }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
successThreshold: {{ .probe.successThreshold }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
{{- end -}}
