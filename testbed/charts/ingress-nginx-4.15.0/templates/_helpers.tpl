{{/* Testbed stand-in helpers: same names as the upstream chart's. */}}

{{- define "ingress-nginx.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart> unless the release name already contains the chart name; fullnameOverride wins. */}}
{{- define "ingress-nginx.fullname" -}}
{{- $base := .Values.nameOverride | default .Chart.Name -}}
{{- $full := printf "%s-%s" .Release.Name $base -}}
{{- if .Values.fullnameOverride -}}
{{- $full = .Values.fullnameOverride -}}
{{- else if contains $base .Release.Name -}}
{{- $full = .Release.Name -}}
{{- end -}}
{{- $full | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress-nginx.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress-nginx.controller.fullname" -}}
{{- printf "%s-%s" (include "ingress-nginx.fullname" .) .Values.controller.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress-nginx.admissionWebhooks.fullname" -}}
{{- printf "%s-%s" (include "ingress-nginx.fullname" .) .Values.controller.admissionWebhooks.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress-nginx.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "ingress-nginx.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "ingress-nginx.admissionWebhooks.patch.serviceAccountName" -}}
{{- $sa := .Values.controller.admissionWebhooks.patch.serviceAccount -}}
{{- if $sa.create -}}
{{- $sa.name | default (include "ingress-nginx.admissionWebhooks.fullname" .) -}}
{{- else -}}
{{- $sa.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "ingress-nginx.controller.electionID" -}}
{{- .Values.controller.electionID | default (printf "%s-leader" (include "ingress-nginx.fullname" .)) -}}
{{- end -}}

{{- define "ingress-nginx.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ingress-nginx.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ingress-nginx.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ingress-nginx.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/part-of: {{ include "ingress-nginx.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* An image reference: <repository> or <registry>/<image>[-chroot], then :<tag>, then @<digest> when one is set.
     Takes a dict: img (the image values, global.image filling what they lack), chroot. */}}
{{- define "ingress-nginx.imageRef" -}}
{{- $img := .img -}}
{{- $digest := $img.digest -}}
{{- if .chroot }}{{ $digest = $img.digestChroot }}{{ end -}}
{{- if $img.repository -}}
{{- $img.repository -}}
{{- else -}}
{{- $img.registry }}/{{ $img.image }}{{ if .chroot }}-chroot{{ end -}}
{{- end -}}
:{{ $img.tag }}{{ with $digest }}@{{ . }}{{ end }}
{{- end -}}

{{/* The controller container's securityContext, built from controller.image unless containerSecurityContext is set. */}}
{{- define "ingress-nginx.controller.containerSecurityContext" -}}
{{- with .Values.controller.containerSecurityContext -}}
{{- toYaml . -}}
{{- else -}}
{{- $i := .Values.controller.image -}}
runAsNonRoot: {{ $i.runAsNonRoot }}
runAsUser: {{ $i.runAsUser }}
runAsGroup: {{ $i.runAsGroup }}
allowPrivilegeEscalation: {{ or $i.allowPrivilegeEscalation $i.chroot }}
{{- with $i.seccompProfile }}
seccompProfile:
  {{- toYaml . | nindent 2 }}
{{- end }}
capabilities:
  drop:
  - ALL
  add:
  - NET_BIND_SERVICE
  {{- if $i.chroot }}
  {{- if $i.seccompProfile }}
  - SYS_ADMIN
  {{- end }}
  - SYS_CHROOT
  {{- end }}
readOnlyRootFilesystem: {{ $i.readOnlyRootFilesystem }}
{{- end -}}
{{- end -}}

{{/* The controller's command line. */}}
{{- define "ingress-nginx.params" -}}
{{- $c := .Values.controller -}}
- /nginx-ingress-controller
{{- if not $c.enableAnnotationValidations }}
- --enable-annotation-validation=false
{{- end }}
{{- if and $c.publishService.enabled $c.service.enabled $c.service.external.enabled }}
- --publish-service={{ $c.publishService.pathOverride | default (printf "$(POD_NAMESPACE)/%s" (include "ingress-nginx.controller.fullname" .)) | trimSuffix "-" }}
{{- end }}
- --election-id={{ include "ingress-nginx.controller.electionID" . }}
- --controller-class={{ $c.ingressClassResource.controllerValue }}
{{- with $c.ingressClass }}
- --ingress-class={{ . }}
{{- end }}
- --configmap={{ $c.configMapNamespace | default "$(POD_NAMESPACE)" }}/{{ include "ingress-nginx.controller.fullname" . }}
{{- if $c.scope.enabled }}
- --watch-namespace={{ $c.scope.namespace | default "$(POD_NAMESPACE)" }}
{{- end }}
{{- if $c.admissionWebhooks.enabled }}
- --validating-webhook=:{{ $c.admissionWebhooks.port }}
- --validating-webhook-certificate={{ $c.admissionWebhooks.certificate }}
- --validating-webhook-key={{ $c.admissionWebhooks.key }}
{{- end }}
{{- with $c.healthCheckHost }}
- --healthz-host={{ . }}
{{- end }}
{{- if ne $c.healthCheckPath "/healthz" }}
- --health-check-path={{ $c.healthCheckPath }}
{{- end }}
{{- if $c.ingressClassByName }}
- --ingress-class-by-name=true
{{- end }}
{{- if $c.watchIngressWithoutClass }}
- --watch-ingress-without-class=true
{{- end }}
{{- if $c.disableLeaderElection }}
- --disable-leader-election=true
{{- end }}
{{- with $c.electionTTL }}
- --election-ttl={{ . }}
{{- end }}
{{- range $flag, $v := $c.extraArgs }}
{{- if eq (len (quote $v)) 2 }}
- --{{ $flag }}
{{- else }}
- --{{ $flag }}={{ $v }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Labels of the certgen hook objects. */}}
{{- define "ingress-nginx.certgen.labels" -}}
{{ include "ingress-nginx.labels" . }}
app.kubernetes.io/component: admission-webhook
{{- with .Values.controller.admissionWebhooks.patch.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Hook annotations and labels shared by the certgen ServiceAccount and RBAC objects
     (created before the create Job and again before the patch Job, deleted once each succeeds). */}}
{{- define "ingress-nginx.certgen.hookMeta" -}}
annotations:
  "helm.sh/hook": pre-install,pre-upgrade,post-install,post-upgrade
  "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
labels:
  {{- include "ingress-nginx.certgen.labels" . | nindent 2 }}
{{- end -}}

{{/* A certgen hook Job. Takes a dict: root, job (createSecretJob or patchWebhookJob values), hook, container, args. */}}
{{- define "ingress-nginx.certgen.job" -}}
{{- $ := .root -}}
{{- $w := $.Values.controller.admissionWebhooks -}}
{{- $name := printf "%s-%s" (include "ingress-nginx.admissionWebhooks.fullname" $) .job.name | trunc 63 | trimSuffix "-" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $name }}
  namespace: {{ include "ingress-nginx.namespace" $ }}
  annotations:
    "helm.sh/hook": {{ .hook }}
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
    {{- with $w.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  labels:
    {{- include "ingress-nginx.certgen.labels" $ | nindent 4 }}
spec:
  ttlSecondsAfterFinished: 0
  {{- if gt (int .job.activeDeadlineSeconds) 0 }}
  activeDeadlineSeconds: {{ .job.activeDeadlineSeconds }}
  {{- end }}
  template:
    metadata:
      name: {{ $name }}
      {{- with $w.patch.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "ingress-nginx.certgen.labels" $ | nindent 8 }}
    spec:
      {{- with $w.patch.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .container }}
          image: {{ include "ingress-nginx.imageRef" (dict "img" (merge (deepCopy $w.patch.image) $.Values.global.image) "chroot" false) }}
          imagePullPolicy: {{ $w.patch.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          env:
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- with $w.extraEnvs }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with .job.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .job.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      restartPolicy: OnFailure
      serviceAccountName: {{ include "ingress-nginx.admissionWebhooks.patch.serviceAccountName" $ }}
      automountServiceAccountToken: {{ $w.patch.serviceAccount.automountServiceAccountToken }}
      {{- with $w.patch.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.patch.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.patch.securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/*
Our metadata block for the controller's own objects (no leading indent; callers nindent it).
Takes a dict: ctx (the root context), name; optional flags: cluster (cluster-scoped, so no
namespace), plain (leave out the component label), notes (an annotations map, dropped when empty).
controller.labels is appended to the labels every time.
*/}}
{{- define "ingress-nginx.meta" -}}
{{- $root := .ctx -}}
name: {{ .name }}
{{- if not .cluster }}
namespace: {{ include "ingress-nginx.namespace" $root }}
{{- end }}
labels:
{{- include "ingress-nginx.labels" $root | nindent 2 }}
{{- if not .plain }}
  app.kubernetes.io/component: controller
{{- end }}
{{- with $root.Values.controller.labels }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .notes }}
annotations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
roleRef plus a single ServiceAccount subject in the release namespace, at top level.
Takes a dict: ctx, kind (Role or ClusterRole), role (its name), account (the ServiceAccount's name).
*/}}
{{- define "ingress-nginx.grant" -}}
{{- $ref := dict "apiGroup" "rbac.authorization.k8s.io" "kind" .kind "name" .role -}}
{{- $who := dict "kind" "ServiceAccount" "name" .account "namespace" (include "ingress-nginx.namespace" .ctx) -}}
{{- dict "roleRef" $ref "subjects" (list $who) | toYaml -}}
{{- end -}}
