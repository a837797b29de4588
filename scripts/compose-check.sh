#!/bin/bash
# Proves docker-compose.yml with a real Docker engine on a machine with no image registry (this
# project's development machines): installs Debian's docker.io if missing, starts a private dockerd
# (no bridge: host networking), builds every image offline from Debian packages (debootstrap) and
# the artefacts the local stack uses (Maven jars, PyPI wheels fetched on the host), brings the stack
# up with deploy/local-docker/compose.override.yml, waits until every service answers /readyz,
# submits a dossier through the public API, sees it in the workflow queue, then takes it down and
# stops the engine. Recipe: ../shared/ENGINEERING.md, "Docker: an engine, but no registry".
#
#   scripts/compose-check.sh            # all of it (idempotent: a second run builds nothing)
#   scripts/compose-check.sh up         # engine, images, stack up; leave it running
#   scripts/compose-check.sh smoke      # the smoke check against a running stack
#   scripts/compose-check.sh down       # stack down (volumes dropped), sinks and engine stopped
#   scripts/compose-check.sh env        # prints the exports for `docker compose` by hand
#
# Everything downloaded or built goes to .cache/local-docker/ (gitignored); the engine's data and
# exec roots and socket too. Ports (loopback only): Kafka 39092-39094, store 37017, services
# 38001-38004, SMTP sink 32525, SMS sink 38025 (the shared local stack keeps its own).
# Needs root (apt-get, dockerd), Go 1.24+ (Compose v2 from its module source, once, ~4 min) and Maven.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE="$ROOT/deploy/local-docker"
CACHE="${ONESTOP_DOCKER_CACHE:-$ROOT/.cache/local-docker}"
ENGINE="$CACHE/engine"
COMPOSE_VERSION=v2.40.3
BASE_PACKAGES=python3,python3-venv,fonts-dejavu-core,openjdk-17-jre-headless,procps,ca-certificates
STORE_REQUIREMENT=secantusdb==0.7.0b3
SERVICE_IMAGE=local/onestop:dev
PY="$ROOT/.venv/bin/python"

export DOCKER_HOST="unix://$ENGINE/docker.sock"
export DOCKER_CONFIG="$CACHE/docker-config"
# The classic builder: BuildKit would pull its frontend (# syntax=docker/dockerfile:1).
export DOCKER_BUILDKIT=0
export COMPOSE_PROJECT_NAME=onestop-local
export ONESTOP_LOCAL_SECRETS="$CACHE/secrets-tree/secrets"
# What the notify service reads from the environment in production: the local sinks.
export SMTP_HOST=127.0.0.1 SMTP_PORT=32525 SMTP_SECURITY=none
export MAIL_FROM_ADDRESS=motcua@onestop.local
export SMS_GATEWAY_URL=http://127.0.0.1:38025/sms
SINKS_URL=http://127.0.0.1:38025
INTAKE=http://127.0.0.1:38001
WORKFLOW=http://127.0.0.1:38002
# What is built and brought up: a snapshot of the last commit (default; others' unfinished edits in
# a shared working tree cannot break the check), or the working tree itself (SOURCE=worktree).
if [[ ${ONESTOP_COMPOSE_SOURCE:-HEAD} == worktree ]]; then SRC=$ROOT; else SRC="$CACHE/src"; fi
COMPOSE=(docker compose --project-directory "$SRC" -f "$SRC/docker-compose.yml" -f "$HERE/compose.override.yml")

log() { printf '[compose-check %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
timed() { # timed LABEL command...: runs it and logs how long it took
    local label=$1 start=$SECONDS
    shift
    "$@"
    log "$label: $((SECONDS - start)) s"
}

# --- the engine -------------------------------------------------------------------------------

install_engine() {
    command -v dockerd > /dev/null && command -v debootstrap > /dev/null && return
    [[ $(id -u) == 0 ]] || die "docker.io and debootstrap are missing and installing them needs root"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io debootstrap \
        > "$CACHE/apt.log" 2>&1 || die "apt-get install docker.io debootstrap (see $CACHE/apt.log)"
}

engine_answers() { docker version > /dev/null 2>&1; }

start_engine() {
    mkdir -p "$ENGINE"
    engine_answers && return
    log "starting dockerd (data in $ENGINE/data, socket $ENGINE/docker.sock)"
    # Its own data and exec roots, pid file and socket: another engine on this machine is untouched.
    # No bridge, no iptables: the containers use the host's network (compose.override.yml).
    setsid dockerd --data-root "$ENGINE/data" --exec-root "$ENGINE/x" --pidfile "$ENGINE/dockerd.pid" \
        -H "$DOCKER_HOST" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
        --storage-driver=overlay2 > "$ENGINE/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 60); do
        engine_answers && return
        sleep 0.5
    done
    die "dockerd did not answer in 30 s (see $ENGINE/dockerd.log)"
}

stop_engine() {
    local pid
    [[ -s "$ENGINE/dockerd.pid" ]] || return 0
    pid=$(cat "$ENGINE/dockerd.pid")
    if kill -0 "$pid" 2> /dev/null; then
        log "stopping dockerd (pid $pid)"
        kill "$pid"
        for _ in $(seq 60); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
    fi
    if mountpoint -q "$ENGINE/x/netns/default" 2> /dev/null; then umount "$ENGINE/x/netns/default" || true; fi
}

# --- Compose v2, a CLI plugin built from its module source ------------------------------------

install_compose() {
    local plugin="$DOCKER_CONFIG/cli-plugins/docker-compose"
    if [[ -x $plugin ]] && "$plugin" version 2> /dev/null | grep -q "$COMPOSE_VERSION"; then return; fi
    command -v go > /dev/null || die "Go is needed once, to build Compose $COMPOSE_VERSION"
    log "building Compose $COMPOSE_VERSION from its Go module (once, about 4 minutes)"
    export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/pkg/mod" GOCACHE="$CACHE/go/cache" GOFLAGS=-modcacherw
    local dir
    # Not `go install`-able (its go.mod has exclude directives): build in the module's folder.
    dir=$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    mkdir -p "$(dirname "$plugin")"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
        -o "$plugin.partial" ./cmd)
    mv "$plugin.partial" "$plugin"
}

# --- images -----------------------------------------------------------------------------------

have_image() { docker image inspect "$1" > /dev/null 2>&1; }

# The mirror apt uses on this machine.
mirror() {
    grep -h -E '^(deb |URIs:)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2> /dev/null \
        | grep -v security | head -1 | awk '{print ($1 == "deb") ? $2 : $2}' | sed 's/\[.*\]//'
}

build_base() {
    have_image local/bookworm:onestop && return
    local rootfs="$CACHE/rootfs"
    if [[ ! -f "$rootfs/.complete" ]]; then
        log "debootstrap bookworm (minbase + $BASE_PACKAGES) from $(mirror)"
        rm -rf "$rootfs.partial"
        debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$rootfs.partial" "$(mirror)" \
            > "$CACHE/debootstrap.log" 2>&1 || die "debootstrap (see $CACHE/debootstrap.log)"
        rm -rf "$rootfs"
        mv "$rootfs.partial" "$rootfs"
        touch "$rootfs/.complete"
    fi
    # Package lists dropped (nothing is installed in the images from the network).
    tar -C "$rootfs" --exclude=./.complete --exclude='./var/cache/apt/archives/*.deb' \
        --exclude='./var/lib/apt/lists/*_Packages' -c . \
        | docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - local/bookworm:onestop > /dev/null
}

# The project's runtime dependencies, their build backend and pip itself, as wheels.
wheelhouse() {
    local out="$CACHE/python-context/wheels" stamp="$CACHE/python-context/wheels.sha256" sum
    sum=$(cat "$ROOT/pyproject.toml" "$ROOT"/requirements/*.txt 2> /dev/null | sha256sum | cut -d' ' -f1)
    [[ -f $stamp && $(cat "$stamp") == "$sum" ]] && return
    log "wheels of the project's pins (pip on the host)"
    rm -rf "$out" && mkdir -p "$out"
    local pip="$ROOT/.venv/bin/pip"
    # The hashed lock when there is one (requirements/, scripts/lock.sh), else pyproject's pins.
    for file in "$ROOT/requirements/runtime.txt" "$ROOT/requirements/build.txt"; do
        [[ -f $file ]] && "$pip" wheel --quiet --wheel-dir "$out" -r "$file"
    done
    [[ -f "$ROOT/requirements/runtime.txt" ]] || "$pip" wheel --quiet --wheel-dir "$out" "$ROOT"
    "$pip" wheel --quiet --wheel-dir "$out" "setuptools>=69" wheel pip
    rm -f "$out"/onestop-*.whl
    echo "$sum" > "$stamp"
}

build_python() {
    wheelhouse
    local stamp="$CACHE/python-context/image.sha256" sum
    sum=$(cat "$CACHE/python-context/wheels.sha256" "$HERE/python/Dockerfile" | sha256sum | cut -d' ' -f1)
    if have_image local/python:3.11-slim && [[ -f $stamp && $(cat "$stamp") == "$sum" ]]; then return; fi
    docker build --quiet -t local/python:3.11-slim -f "$HERE/python/Dockerfile" "$CACHE/python-context" > /dev/null
    echo "$sum" > "$stamp"
}

snapshot() {
    [[ $SRC == "$ROOT" ]] && return
    log "building and composing $(git -C "$ROOT" log -1 --format='%h %s' | cut -c1-70)"
    rm -rf "$SRC" && mkdir -p "$SRC"
    git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
}

# The project's Dockerfile, as it is but for the base image (the local stand-in) and the syntax line.
build_service() {
    local dockerfile="$CACHE/service.Dockerfile"
    sed -e '/^# *syntax=/d' -e 's|^FROM python:3\.11-slim[^ ]*|FROM local/python:3.11-slim|' \
        "$SRC/Dockerfile" > "$dockerfile"
    grep -q '^FROM local/python' "$dockerfile" || die "the Dockerfile no longer starts FROM python:3.11-slim"
    log "building $SERVICE_IMAGE from the project's Dockerfile (on local/python:3.11-slim)"
    # Host network: the Dockerfile's apt-get reaches the Debian mirror as the host does (plain HTTP).
    docker build --quiet --network host -t "$SERVICE_IMAGE" -f "$dockerfile" "$SRC" > /dev/null
}

build_kafka() {
    local context="$CACHE/kafka-context"
    have_image local/kafka:4.4.0 && [[ -f $context/.built ]] \
        && diff -q "$context/.built" <(cat "$ROOT"/devstack/kafka/*pom.xml "$HERE"/kafka/Dockerfile "$HERE"/kafka/bin/*) > /dev/null \
        && return
    log "building local/kafka:4.4.0 (the local stack's Maven jars, broker and tools)"
    rm -rf "$context" && mkdir -p "$context/libs"
    for pom in pom.xml tools-pom.xml; do
        mvn -q -B -Dmaven.repo.local="$ROOT/.cache/m2" -f "$ROOT/devstack/kafka/$pom" \
            dependency:copy-dependencies -DoutputDirectory="$context/libs" > "$CACHE/mvn.log" 2>&1 \
            || die "mvn dependency:copy-dependencies $pom (see $CACHE/mvn.log)"
    done
    cp -r "$HERE/kafka/bin" "$HERE/kafka/log4j2.properties" "$context/"
    cp "$ROOT/devstack/kafka/tools-log4j2.properties" "$context/"
    docker build --quiet -t local/kafka:4.4.0 -f "$HERE/kafka/Dockerfile" "$context" > /dev/null
    cat "$ROOT"/devstack/kafka/*pom.xml "$HERE"/kafka/Dockerfile "$HERE"/kafka/bin/* > "$context/.built"
}

build_store() {
    local context="$CACHE/store-context"
    have_image local/secantusdb:0.7.0b3 && [[ -f $context/.built ]] \
        && diff -q "$context/.built" <(cat "$HERE"/store/*) > /dev/null && return
    log "building local/secantusdb:0.7.0b3 (the MongoDB stand-in)"
    rm -rf "$context" && mkdir -p "$context/wheels"
    "$ROOT/.venv/bin/pip" download --quiet --only-binary=:all: --dest "$context/wheels" "$STORE_REQUIREMENT"
    cp "$HERE"/store/entrypoint.py "$HERE"/store/healthcheck.py "$context/"
    docker build --quiet -t local/secantusdb:0.7.0b3 -f "$HERE/store/Dockerfile" "$context" > /dev/null
    cat "$HERE"/store/* > "$context/.built"
}

build_images() {
    timed "base image" build_base
    timed "python stand-in" build_python
    timed "kafka image" build_kafka
    timed "store image" build_store
    snapshot
    timed "service image" build_service
}

# --- secrets ----------------------------------------------------------------------------------

make_secrets() {
    local tree="$CACHE/secrets-tree"
    # The project's own script, run on a copy so that it writes here and not into the checkout.
    mkdir -p "$tree/deploy"
    cp "$SRC/deploy/make-secrets.sh" "$tree/deploy/make-secrets.sh"
    bash "$tree/deploy/make-secrets.sh" > /dev/null
    local secrets="$tree/secrets"
    if [[ ! -s $secrets/kafka_tls_keystore.pem ]]; then
        # The operator's part in production: a key (PKCS#8) and certificate for the external listener.
        openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
            -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
            -keyout "$secrets/tls.key" -out "$secrets/tls.crt" 2> /dev/null
        cat "$secrets/tls.key" "$secrets/tls.crt" > "$secrets/kafka_tls_keystore.pem"
        rm -f "$secrets/tls.key"
        chmod 0644 "$secrets/kafka_tls_keystore.pem"
    fi
    # The checkout's development key (what devstack.token signs with), readable by the services'
    # user in the containers: tokens minted on the host are accepted inside.
    "$PY" -c 'from shared.auth.keys import dev_signing_key; dev_signing_key()'
    install -m 0644 "$ROOT/.cache/auth/dev-signing-key.pem" "$secrets/auth_dev_signing_key.pem"
}

# --- the sinks: the department's mail relay and SMS gateway, outside compose as in production --

start_sinks() {
    curl -fsS "$SINKS_URL/healthz" > /dev/null 2>&1 && return
    # A fresh store gives the same case codes again: earlier runs' messages are dropped.
    rm -rf "$CACHE/run/sinks" && mkdir -p "$CACHE/run"
    # exec: the pid recorded is the sinks' own; redirected: no pipe of the caller is held open.
    (cd "$ROOT" && exec setsid "$PY" -m devstack.sinks --smtp-port 32525 --http-port 38025 \
        --data-dir "$CACHE/run/sinks") > "$CACHE/run/sinks.log" 2>&1 < /dev/null &
    echo $! > "$CACHE/run/sinks.pid"
    for _ in $(seq 40); do curl -fsS "$SINKS_URL/healthz" > /dev/null 2>&1 && return; sleep 0.5; done
    die "the sinks did not start (see $CACHE/run/sinks.log)"
}

stop_sinks() {
    [[ -s "$CACHE/run/sinks.pid" ]] || return 0
    kill "$(cat "$CACHE/run/sinks.pid")" 2> /dev/null || true
    rm -f "$CACHE/run/sinks.pid"
}

# --- the stack --------------------------------------------------------------------------------

stack_up() {
    log "docker compose up (${COMPOSE[*]:3})"
    "${COMPOSE[@]}" up -d --wait --wait-timeout 300 || {
        "${COMPOSE[@]}" ps -a >&2 || true
        "${COMPOSE[@]}" logs --tail 40 >&2 || true
        die "the stack did not become healthy"
    }
    "${COMPOSE[@]}" ps --format 'table {{.Service}}\t{{.State}}\t{{.Status}}' >&2
    for port in 38001 38002 38003 38004; do
        local code
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
        log "readyz :$port -> $code"
        [[ $code == 200 ]] || die "/readyz on :$port answered $code"
    done
}

stack_down() {
    engine_answers || return 0
    if docker compose version > /dev/null 2>&1; then "${COMPOSE[@]}" down --volumes --timeout 20 || true; fi
}

smoke() {
    (cd "$ROOT" && PYTHONPATH="$ROOT" "$PY" "$HERE/smoke.py" --intake "$INTAKE" --workflow "$WORKFLOW" --sinks "$SINKS_URL")
}

prepare() {
    mkdir -p "$CACHE"
    timed "engine install" install_engine
    timed "engine start" start_engine
    timed "compose plugin" install_compose
    docker compose version >&2
    build_images
    make_secrets
    start_sinks
}

main() {
    local what=${1:-check}
    case $what in
        env)
            printf 'export %s\n' "ONESTOP_COMPOSE_SOURCE=${ONESTOP_COMPOSE_SOURCE:-HEAD}" "DOCKER_HOST=$DOCKER_HOST" "DOCKER_CONFIG=$DOCKER_CONFIG" \
                "DOCKER_BUILDKIT=0" "COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME" \
                "ONESTOP_LOCAL_SECRETS=$ONESTOP_LOCAL_SECRETS" "SMTP_HOST=$SMTP_HOST" \
                "SMTP_PORT=$SMTP_PORT" "SMTP_SECURITY=$SMTP_SECURITY" \
                "MAIL_FROM_ADDRESS=$MAIL_FROM_ADDRESS" "SMS_GATEWAY_URL=$SMS_GATEWAY_URL"
            ;;
        images) prepare ;;
        up) prepare; timed "compose up --wait (all healthy)" stack_up ;;
        smoke) timed "smoke" smoke ;;
        down) stack_down; stop_sinks; stop_engine ;;
        check)
            local start=$SECONDS
            trap 'stack_down; stop_sinks; stop_engine' EXIT
            prepare
            timed "compose up --wait (all healthy)" stack_up
            timed "smoke" smoke
            timed "compose down" stack_down
            log "compose check passed in $((SECONDS - start)) s"
            ;;
        step) # step FUNCTION...: one part alone, e.g. `step start_engine build_kafka` (debugging)
            shift
            for fn in "$@"; do timed "$fn" "$fn"; done
            ;;
        *) die "usage: $0 [check|up|smoke|down|images|env|step FUNCTION...]" ;;
    esac
}

main "$@"
