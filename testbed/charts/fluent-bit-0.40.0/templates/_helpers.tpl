{{/* Names, as the upstream chart builds them. */}}
{{- define "fluent-bit.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fullnameOverride wins; a release name that already holds the chart name is used alone. */}}
{{- define "fluent-bit.fullname" -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- $full := .Values.fullnameOverride -}}
{{- if not $full -}}
{{- $full = contains $base .Release.Name | ternary .Release.Name (printf "%s-%s" .Release.Name $base) -}}
{{- end -}}
{{- $full | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fluent-bit.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fluent-bit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fluent-bit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fluent-bit.labels" -}}
helm.sh/chart: {{ include "fluent-bit.chart" . }}
{{ include "fluent-bit.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "fluent-bit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "fluent-bit.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/*
An image reference from a map with repository, tag and digest: "repository[:tag][@digest]";
a tag of "-" (or none) leaves the tag out.
*/}}
{{- define "fluent-bit.image" -}}
{{- $ref := .repository -}}
{{- if and (not (empty .tag)) (ne (toString .tag) "-") -}}
{{- $ref = printf "%s:%s" $ref (toString .tag) -}}
{{- end -}}
{{- with .digest -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/*
Our own helper: given (list INDENT KEY VALUE), emits a newline plus "KEY:" with VALUE as YAML
beneath it, all shifted right by INDENT spaces; emits nothing at all when VALUE is empty.
*/}}
{{- define "fluent-bit.kvBlock" -}}
{{- $value := index . 2 -}}
{{- if $value }}
{{ printf "%s:\n%s" (index . 1) ($value | toYaml | indent 2) | indent (index . 0) }}
{{- end -}}
{{- end -}}

{{/*
Our own helper: list items given either as YAML data or as a template string, from
(list ROOT-CONTEXT ITEMS); a string is run through tpl against the root context.
*/}}
{{- define "fluent-bit.itemsOrTpl" -}}
{{- $items := index . 1 -}}
{{- if kindIs "string" $items -}}
{{- tpl $items (index . 0) -}}
{{- else -}}
{{- $items | toYaml -}}
{{- end -}}
{{- end -}}

{{/*
Our own metadata writer. Give it a dict with name, labels (a map) and optionally namespace and
annotations; the annotations key is written only when the map has entries.
*/}}
{{- define "fluent-bit.objectMeta" -}}
{{- $meta := omit . "annotations" -}}
{{- if .annotations }}{{ $_ := set $meta "annotations" .annotations }}{{ end -}}
metadata:
{{ toYaml $meta | indent 2 }}
{{- end -}}
