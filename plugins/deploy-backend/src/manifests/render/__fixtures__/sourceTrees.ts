/** A manifest directory as relative path → content. */
export type SourceTree = Record<string, string>;

const deployment = (replicas: number, logLevel: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: app
          image: registry.example.com/web
          env:
            - name: LOG_LEVEL
              value: ${logLevel}
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`;

/** Plain YAML: a base, and a prod channel that replaces one file and adds one. */
export const plainTree: SourceTree = {
  'base/deployment.yaml': deployment(1, 'info'),
  'base/network/service.yaml': service,
  'base/README.md': 'not a manifest',
  'channels/prod/deployment.yaml': deployment(3, 'warn'),
  'channels/prod/pdb.yml': `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: { app: web }
`,
  'channels/dev/extra.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: dev-only
`,
};

const overlay = (replicas: number, logLevel: string) => `resources:
  - ../../base
patches:
  - target: { kind: Deployment, name: web }
    patch: |-
      - op: replace
        path: /spec/replicas
        value: ${replicas}
      - op: replace
        path: /spec/template/spec/containers/0/env/0/value
        value: ${logLevel}
`;

/** Kustomize: a base, an overlay in channels/ (dev) and one in overlays/ (prod). */
export const kustomizeTree: SourceTree = {
  'base/kustomization.yaml': `resources:
  - deployment.yaml
  - service.yaml
`,
  'base/deployment.yaml': deployment(1, 'info'),
  'base/service.yaml': service,
  'channels/dev/kustomization.yaml': overlay(1, 'debug'),
  'overlays/prod/kustomization.yml': overlay(3, 'warn'),
};

/** A Helm chart with per-channel values, a test hook and a migration hook. */
export const helmChartTree: SourceTree = {
  'Chart.yaml': `apiVersion: v2
name: web-chart
version: 0.1.0
kubeVersion: ">=1.25.0-0"
`,
  'values.yaml': `replicas: 1
logLevel: info
`,
  'values-prod.yaml': `replicas: 3
logLevel: warn
`,
  'templates/_helpers.tpl': `{{- define "web.labels" -}}
app: {{ .Release.Name }}
{{- end }}
`,
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {{- include "web.labels" . | nindent 6 }}
  template:
    metadata:
      labels: {{- include "web.labels" . | nindent 8 }}
    spec:
      containers:
        - name: app
          image: registry.example.com/web
          env:
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {{- include "web.labels" . | nindent 4 }}
  ports:
    - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-ports
data:
  http: "80"
`,
  'templates/migrate-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/web
          args: [migrate]
`,
  'templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox
      args: [wget, {{ .Release.Name }}:80]
`,
};
