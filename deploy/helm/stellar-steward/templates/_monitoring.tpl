{{/*
The task queue the worker polls (worker/steward-scope.ts): taskQueue, else stellar-steward-<clusterName>, else
stellar-steward. The not-polling alert watches this queue's pollers.
*/}}
{{- define "stellar-steward.taskQueue" -}}
{{- if .Values.taskQueue -}}
{{- .Values.taskQueue -}}
{{- else if .Values.clusterName -}}
{{- printf "stellar-steward-%s" .Values.clusterName -}}
{{- else -}}
stellar-steward
{{- end -}}
{{- end -}}

{{/* The metrics Service that the ServiceMonitor selects. */}}
{{- define "stellar-steward.metricsService" -}}
{{- printf "%s-metrics" (include "stellar-steward.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
