{{/* Names as upstream's charts give them (read, not copied): the release name alone when it already
holds the chart's name, else RELEASE-CHART; never more than 26 characters, no trailing "-". */}}
{{- define "kps.fullname" -}}
{{- $chart := .Values.nameOverride | default .Chart.Name -}}
{{- $joined := ternary .Release.Name (printf "%s-%s" .Release.Name $chart) (contains $chart .Release.Name) -}}
{{- .Values.fullnameOverride | default $joined | trunc 26 | trimSuffix "-" -}}
{{- end -}}
{{- define "kps.operator" -}}{{ include "kps.fullname" . }}-operator{{- end -}}
