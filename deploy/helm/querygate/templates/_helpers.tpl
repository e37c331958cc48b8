{{- define "querygate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "querygate.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "querygate.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Secret holding a value: the user's existing one, or the chart's. */}}
{{- define "querygate.secretName" -}}
{{- $existing := index . 0 -}}{{- $root := index . 1 -}}
{{- if $existing -}}{{ $existing }}{{- else -}}{{ include "querygate.fullname" $root }}{{- end -}}
{{- end -}}

{{/* querygate.yaml: the user's `config` with the settings the chart owns on top. */}}
{{- define "querygate.config" -}}
{{- $owned := dict "server" (dict "host" "0.0.0.0" "port" 8080 "drainTimeout" (printf "%ds" (int .Values.drain.timeoutSeconds))) "dataDir" "/var/lib/querygate" "security" (dict "tokenSecret" "${env:QUERYGATE_TOKEN_SECRET}") -}}
{{- if .Values.postgres.enabled -}}
{{- $_ := set $owned "history" (dict "store" "postgres" "connectionString" "${env:QUERYGATE_POSTGRES_URL}") -}}
{{- end -}}
{{- if .Values.redis.enabled -}}
{{- $_ := set $owned "redis" (dict "url" "${env:QUERYGATE_REDIS_URL}") -}}
{{- end -}}
{{- toYaml (mergeOverwrite (deepCopy .Values.config) $owned) -}}
{{- end -}}
