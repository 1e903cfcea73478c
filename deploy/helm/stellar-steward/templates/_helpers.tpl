{{/*
The name of every object of a release: the release name when it contains the chart's name (so
`helm install stellar-steward` names them as deploy/ does), else "<release>-stellar-steward".
*/}}
{{- define "stellar-steward.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The labels of every object, and the worker pods' selector. The name is fixed: the NetworkPolicies the worker
writes admit the stellar-core admin port only from pods with this label (domain/network-policy.ts).
*/}}
{{- define "stellar-steward.labels" -}}
app.kubernetes.io/name: stellar-steward
{{- end -}}

{{/* The namespace of the shared stellar-peers ConfigMap (STEWARD_PEERS_NAMESPACE, kube/namespace-scope.ts). */}}
{{- define "stellar-steward.peersNamespace" -}}
{{- .Values.peersNamespace | default "stellar-system" -}}
{{- end -}}

{{/* Refuses values the worker cannot honour, naming the value and what to do. */}}
{{- define "stellar-steward.validate" -}}
{{- if not (has .Values.rbac.mode (list "cluster" "namespaced")) -}}
{{- fail (printf "rbac.mode=%s: set cluster or namespaced" (toString .Values.rbac.mode)) -}}
{{- end -}}
{{- if and (eq .Values.rbac.mode "namespaced") (empty .Values.watchNamespaces) -}}
{{- fail "rbac.mode=namespaced needs watchNamespaces: name the namespaces whose resources the worker manages, or set rbac.mode=cluster" -}}
{{- end -}}
{{- range (concat .Values.watchNamespaces (list (include "stellar-steward.peersNamespace" .))) -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" (toString .)) -}}
{{- fail (printf "watchNamespaces or peersNamespace: '%v' is not a Namespace name (lower-case letters, digits and '-', at most 63)" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
What the worker does to namespaced objects, and nothing more (deploy/clusterrole.yaml says why each rule
exists; test/unit/helm-chart.test.ts keeps the two equal).
*/}}
{{- define "stellar-steward.namespacedRules" -}}
- apiGroups: [stellar.org]
  resources: [readonlypools, stellarnodes, postgresreplicasets]
  verbs: [get, list, watch]
- apiGroups: [stellar.org]
  resources: [readonlypools/status, stellarnodes/status, postgresreplicasets/status]
  verbs: [patch]
- apiGroups: [stellar.org]
  resources: [postgresreplicasets]
  verbs: [patch]
- apiGroups: [rustfs.com]
  resources: [tenants]
  verbs: [get, list, watch]
- apiGroups: [rustfs.com]
  resources: [tenants/status]
  verbs: [patch]
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, patch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
{{- end -}}

{{/*
What the worker does in the peers namespace when it manages no resources there: read and server-side apply
the one shared ConfigMap (activities/validator-activities.ts, writeNetworkPeers). An apply that creates the
object is authorized as create, with its name (kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply).
*/}}
{{- define "stellar-steward.peersRules" -}}
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [stellar-peers]
  verbs: [get, create, patch]
{{- end -}}

{{/* Leader election among worker replicas: the Lease in the worker's namespace (kube/leader-lease.ts). */}}
{{- define "stellar-steward.leaseRule" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end -}}

{{/* The one cluster-scoped read: the shared peers ConfigMap's namespace is checked, never created. */}}
{{- define "stellar-steward.namespaceRule" -}}
- apiGroups: [""]
  resources: [namespaces]
  resourceNames: [{{ include "stellar-steward.peersNamespace" . }}]
  verbs: [get]
{{- end -}}
