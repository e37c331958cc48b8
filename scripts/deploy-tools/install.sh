#!/usr/bin/env bash
# Tools that validate the deployment artifacts (test/integration/deploy-artifacts.test.ts):
# helm, built from its Go module, and kubernetes-validate (PyPI), which ships the Kubernetes JSON
# schemas. Cached under ~/.cache/querygate/deploy-tools; skipped when Go or Python is missing
# (the test then says which checks could not run).
set -euo pipefail
HELM_VERSION=v4.3.2
KUBERNETES_VALIDATE_VERSION=1.37.0
root="${HOME}/.cache/querygate/deploy-tools"
mkdir -p "$root/bin"

# A helm built by `go install` reports only major.minor: the installed version is kept beside it.
if [ ! -x "$root/bin/helm" ] || [ "$(cat "$root/bin/helm.version" 2>/dev/null)" != "$HELM_VERSION" ]; then
  if command -v go >/dev/null; then
    echo "building helm ${HELM_VERSION} (first time only, several minutes)"
    GOBIN="$root/bin" GOFLAGS=-mod=mod nice go install "helm.sh/helm/v4/cmd/helm@${HELM_VERSION}"
    echo "$HELM_VERSION" > "$root/bin/helm.version"
  else
    echo "go is not installed: helm cannot be built; the chart will not be rendered" >&2
  fi
fi

if [ ! -x "$root/venv/bin/kubernetes-validate" ]; then
  if command -v python3 >/dev/null; then
    python3 -m venv "$root/venv"
    "$root/venv/bin/pip" install -q "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
  else
    echo "python3 is not installed: rendered manifests cannot be validated" >&2
  fi
fi
