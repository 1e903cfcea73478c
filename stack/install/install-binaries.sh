#!/usr/bin/env bash
# Installs the pinned servers of the local stack into a cache outside the repository.
# Every step is idempotent: a binary already in the cache is reused, so a second run takes seconds.
# Sources: Debian packages (etcd, PostgreSQL 15; podman, runc and debootstrap for the worker image), PyPI
# (podman-compose) and the Go module proxy (Temporal CLI, Kubernetes and kubectl, KWOK, Traefik, Helm, promtool, the
# Gateway API CRDs).
set -euo pipefail

CACHE="${STEWARD_CACHE:-$HOME/.cache/stellar-steward}"
BIN="$CACHE/bin"
TEMPORAL_CLI_VERSION="v1.5.1"
KUBERNETES_VERSION="v1.33.13"
KUBE_STAGING_VERSION="v0.33.13"
KWOK_VERSION="v0.7.0"
# The Gateway API release Traefik $TRAEFIK_VERSION is built against (its go.mod); keep equal to GATEWAY_API_VERSION
# in stack/paths.ts.
GATEWAY_API_VERSION="v1.4.0"
# v3.7.13 cannot be built here: the module proxy refuses 15 of its dependencies' versions (its replacement
# github.com/containous/go-http-auth v0.4.1-0.20260804094822-b975dcaa8c48, and 14 SDKs that go-acme/lego v5.4.1's
# DNS providers import), and its go.mod replaces github.com/traefik/traefik/dynamic/ext with a nested module that
# the module zip leaves out and the proxy does not serve. v3.6.12 builds unchanged.
TRAEFIK_VERSION="v3.6.12"
# Renders, lints and installs the chart in deploy/helm (the Helm tests); 'go install' builds it unchanged.
HELM_VERSION="v3.22.0"
# Checks and unit-tests the chart's alerting rules ('promtool test rules'). Prometheus 3.x publishes its Go module as
# v0.3XX.Y for release 3.XX.Y: v0.316.0 is Prometheus 3.16.0.
PROMETHEUS_MODULE_VERSION="v0.316.0"
PODMAN_COMPOSE_VERSION="1.6.0"
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0
mkdir -p "$BIN"

step() { printf '[stack install] %s\n' "$*" >&2; }
fail() { printf '[stack install] FAILED: %s\n' "$*" >&2; exit 1; }

have_version() { [ -x "$BIN/$1" ] && [ -f "$BIN/$1.version" ] && [ "$(cat "$BIN/$1.version")" = "$2" ]; }

install_debian_packages() {
  local missing=()
  command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ] || missing+=(etcd-server)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  command -v go >/dev/null 2>&1 || fail "Go is required to build the pinned servers (Temporal CLI, Kubernetes, KWOK); install Go >= 1.26.7 (stack/install/prerequisites.ts says why)"
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    [ "$(id -u)" = 0 ] || fail "Debian packages ${missing[*]} are missing and this is not root: run 'sudo apt-get install ${missing[*]}'"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts etcd as a service on install; the stack runs its own on a free port.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
    pkill -x etcd >/dev/null 2>&1 || true
  fi
}

install_temporal() {
  have_version temporal "$TEMPORAL_CLI_VERSION" && return 0
  step "building Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (first time only, a few minutes)"
  GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  echo "$TEMPORAL_CLI_VERSION" > "$BIN/temporal.version"
}

install_kwok() {
  have_version kwok "$KWOK_VERSION" && return 0
  step "building KWOK $KWOK_VERSION from the Go module proxy (first time only)"
  GOBIN="$BIN" go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  echo "$KWOK_VERSION" > "$BIN/kwok.version"
}

install_gateway_api() {
  local target="$CACHE/crds/gateway-api-$GATEWAY_API_VERSION"
  [ -f "$target/httproutes.yaml" ] && [ -f "$target/gateways.yaml" ] && return 0
  step "fetching the Gateway API CRDs $GATEWAY_API_VERSION (standard channel) from the Go module proxy (for the GatewayAPI tests)"
  local dir file
  dir=$(go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || fail "could not download sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION from the Go module proxy"
  mkdir -p "$target"
  # Only the CustomResourceDefinitions (the channel also ships a ValidatingAdmissionPolicy); httproutes.yaml last,
  # so that its presence means the set is complete.
  for file in "$dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml; do
    grep -q '^kind: CustomResourceDefinition' "$file" || continue
    local name="${file##*/gateway.networking.k8s.io_}"
    [ "$name" = httproutes.yaml ] || cp "$file" "$target/$name"
  done
  cp "$dir/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml" "$target/httproutes.yaml"
}

install_traefik() {
  have_version traefik "$TRAEFIK_VERSION" && return 0
  step "building Traefik $TRAEFIK_VERSION (Gateway API implementation of the stack) from the Go module proxy (first time only, several minutes)"
  local dir src="$CACHE/src/traefik-$TRAEFIK_VERSION"
  dir=$(go mod download -json "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || fail "could not download github.com/traefik/traefik/v3@$TRAEFIK_VERSION from the Go module proxy"
  # Its go.mod has replace directives, which 'go install pkg@version' refuses: build inside a writable copy.
  rm -rf "$src"
  mkdir -p "$CACHE/src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  (
    cd "$src"
    go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" -o "$BIN/traefik" ./cmd/traefik
  )
  echo "$TRAEFIK_VERSION" > "$BIN/traefik.version"
}

install_helm() {
  have_version helm "$HELM_VERSION" && return 0
  step "building Helm $HELM_VERSION from the Go module proxy (first time only, a few minutes)"
  # The version variable makes 'helm version' print the pin instead of the module's default.
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" > "$BIN/helm.version"
}

install_promtool() {
  have_version promtool "$PROMETHEUS_MODULE_VERSION" && return 0
  step "building promtool (Prometheus module $PROMETHEUS_MODULE_VERSION) from the Go module proxy (first time only, a few minutes)"
  # 'promtool --version' prints the release: v0.316.0 -> 3.16.0.
  local number="${PROMETHEUS_MODULE_VERSION#v0.}"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=${number:0:1}.${number:1}" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION"
  echo "$PROMETHEUS_MODULE_VERSION" > "$BIN/promtool.version"
}

kube_staging_modules="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller"

# The wrapper module that builds the Kubernetes commands: it requires k8s.io/kubernetes and replaces every staging
# module with its published version (k8s.io/kubernetes's own go.mod points them at local directories).
kube_module() {
  local mod="$CACHE/src/kube-$KUBERNETES_VERSION"
  mkdir -p "$mod"
  {
    echo "module steward.local/kubebuild"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    for m in $kube_staging_modules; do echo "replace k8s.io/$m => k8s.io/$m $KUBE_STAGING_VERSION"; done
  } > "$mod/go.mod"
  cat > "$mod/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$mod" && { go mod tidy -e >/dev/null 2>&1 || true; })
  echo "$mod"
}

# Builds each named command of k8s.io/kubernetes/cmd/ that is missing from the cache, stamped with the pinned version
# (both version packages, as hack/lib/version.sh does, or /version and 'kubectl version' say v0.0.0).
build_kube_commands() {
  local mod b
  mod=$(kube_module)
  local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  done
  (
    cd "$mod"
    for b in "$@"; do
      have_version "$b" "$KUBERNETES_VERSION" && continue
      step "  go build $b"
      go build -tags tools -ldflags "$ldflags" -o "$BIN/$b" "k8s.io/kubernetes/cmd/$b"
      echo "$KUBERNETES_VERSION" > "$BIN/$b.version"
    done
  )
}

install_kubernetes() {
  local all=1
  for b in kube-apiserver kube-controller-manager kube-scheduler; do have_version "$b" "$KUBERNETES_VERSION" || all=0; done
  [ $all = 1 ] && return 0
  step "building kube-apiserver, kube-controller-manager, kube-scheduler $KUBERNETES_VERSION from the Go module proxy (first time only, several minutes)"
  build_kube_commands kube-apiserver kube-controller-manager kube-scheduler
}

# kubectl at the control plane's version, so that the README's kubectl lines can be run against the local stack.
install_kubectl() {
  have_version kubectl "$KUBERNETES_VERSION" && return 0
  step "building kubectl $KUBERNETES_VERSION from the Go module proxy (first time only, a few minutes)"
  build_kube_commands kubectl
}

# podman, runc and debootstrap for `steward image build|run` and test/integration/image.test.ts (the worker image).
install_podman() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages for the worker image: ${missing[*]}"
  [ "$(id -u)" = 0 ] || fail "Debian packages ${missing[*]} are missing and this is not root: run 'sudo apt-get install ${missing[*]}'"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# podman-compose from PyPI, in its own virtualenv: Debian's 1.0.3 has no 'config' command, which the image test runs
# on docker-compose.yml.
install_podman_compose() {
  have_version podman-compose "$PODMAN_COMPOSE_VERSION" && return 0
  step "installing podman-compose $PODMAN_COMPOSE_VERSION from PyPI"
  rm -rf "$CACHE/podman-compose"
  python3 -m venv "$CACHE/podman-compose"
  "$CACHE/podman-compose/bin/pip" install -q "podman-compose==$PODMAN_COMPOSE_VERSION"
  ln -sf "$CACHE/podman-compose/bin/podman-compose" "$BIN/podman-compose"
  echo "$PODMAN_COMPOSE_VERSION" > "$BIN/podman-compose.version"
}

case "${1:-all}" in
  debian) install_debian_packages ;;
  temporal) install_temporal ;;
  kwok) install_kwok ;;
  kubernetes) install_kubernetes ;;
  kubectl) install_kubectl ;;
  gateway-api) install_gateway_api ;;
  traefik) install_traefik ;;
  helm) install_helm ;;
  promtool) install_promtool ;;
  podman) install_podman; install_podman_compose ;;
  all) install_debian_packages; install_temporal; install_kwok; install_kubernetes; install_kubectl; install_gateway_api; install_traefik; install_helm; install_promtool; install_podman; install_podman_compose ;;
  *) fail "unknown part '$1' (expected: debian, temporal, kwok, kubernetes, kubectl, gateway-api, traefik, helm, promtool, podman, all)" ;;
esac
step "binaries ready in $BIN"
