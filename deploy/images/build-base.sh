#!/usr/bin/env bash
# The base image of Cartwright's containers, built here from Debian's own packages, with no registry and no Docker
# engine: a minimal Debian bookworm (debootstrap --variant=minbase) with OpenJDK 17's headless JRE, the CA
# certificates, the time zones and the non-root user cartwright (65532:65532), all updates from bookworm-updates and
# bookworm-security applied, apt's lists, caches and logs removed. It is packed as a `docker save` tarball
# (manifest.json, config.json, one gzipped layer), which Jib takes as a base (tar://...) and `docker load` accepts.
#
#   deploy/images/build-base.sh [OUT_DIR]        (as root, with debootstrap; OUT_DIR defaults to target/images)
#
# Writes OUT_DIR/cartwright-base.tar and OUT_DIR/cartwright-base.packages (name=version of every package inside, the
# list that says what a rebuild must reproduce). The .deb files are kept in OUT_DIR/debs for the next build.
# Mirrors: CARTWRIGHT_DEBIAN_MIRROR and CARTWRIGHT_DEBIAN_SECURITY_MIRROR, by default the ones apt uses on this machine
# (/etc/apt/sources.list*), else deb.debian.org.
#
# Reproducible packing: files in name order, their owners by number, every time set to SOURCE_DATE_EPOCH (default: the
# time of the last commit that changed this script), gzip without a name or time stamp, logs and backup files
# removed, /etc/shadow's change dates set to that day; the same packages give the same files. What still differs
# between two builds of the same packages is listed in README.md ("Images").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/target/images}" && cd "${1:-$ROOT/target/images}" && pwd)"
SUITE=bookworm
IMAGE_NAME="cartwright/base-jre17:bookworm"
PACKAGES=(openjdk-17-jre-headless ca-certificates tzdata)
USER_ID=65532
JAVA_HOME_DIR=/usr/lib/jvm/java-17-openjdk-amd64

WORK="$OUT/base-build"
ROOTFS="$WORK/rootfs"
CACHE="$OUT/debs"

say() { printf '[base] %s\n' "$*"; }
die() { printf 'build-base: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (debootstrap and chroot); run it as root"
command -v debootstrap >/dev/null || die "debootstrap is not installed: apt-get install -y debootstrap"
ARCH=$(dpkg --print-architecture)
[[ "$ARCH" == amd64 ]] || die "only amd64 is built here (this machine is $ARCH)"

# The Debian mirror apt uses on this machine: the first URI serving the suite, from deb822 or one-line sources.
apt_mirror() { # suite, fallback
    local suite=$1 found
    found=$(awk -v s="$suite" '
        /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && uri != "") { print uri; exit } }
        /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $(i + 1) == s) { print $i; exit } }
    ' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
    echo "${found:-$2}"
}
MIRROR="${CARTWRIGHT_DEBIAN_MIRROR:-$(apt_mirror "$SUITE" http://deb.debian.org/debian)}"
SECURITY_MIRROR="${CARTWRIGHT_DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$SUITE-security" http://deb.debian.org/debian-security)}"

if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
    SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct -- deploy/images/build-base.sh 2>/dev/null || true)
    SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
fi
export SOURCE_DATE_EPOCH
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# Nothing may stay mounted inside the work folder: every mount below lives in its own mount namespace and ends with it.
still_mounted() { findmnt -rn -o TARGET | grep -q "^$WORK"; }
still_mounted && die "something is mounted under $WORK; unmount it first"
rm -rf "$WORK"
mkdir -p "$ROOTFS" "$CACHE/partial"

say "debootstrap --variant=minbase $SUITE from $MIRROR"
unshare --mount --fork -- debootstrap --variant=minbase --arch="$ARCH" --cache-dir="$CACHE" "$SUITE" "$ROOTFS" "$MIRROR" \
    >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (whole log: $WORK/debootstrap.log)"; }

# A command inside the new system: /proc mounted and the package cache shared, in a private mount namespace.
in_root() {
    CACHE="$CACHE" unshare --mount --fork -- sh -ec '
        root=$1; shift
        mount -t proc proc "$root/proc"
        mount --bind "$CACHE" "$root/var/cache/apt/archives"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
            DEBIAN_FRONTEND=noninteractive "$@"' sh "$ROOTFS" "$@"
}
APT=(apt-get -qq -o APT::Sandbox::User=root -o Dpkg::Use-Pty=0)

rm -f "$ROOTFS/etc/apt/sources.list"
cat >"$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# Services in a container are started by the runtime, never by a package's postinst.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"

say "updates from $SUITE-updates and $SUITE-security ($SECURITY_MIRROR)"
in_root "${APT[@]}" update
in_root "${APT[@]}" -y upgrade >>"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; die "apt-get upgrade failed"; }
say "installing ${PACKAGES[*]} (no recommended packages)"
in_root "${APT[@]}" -y install --no-install-recommends "${PACKAGES[@]}" >>"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log" >&2; die "installing ${PACKAGES[*]} failed"; }
in_root groupadd --gid "$USER_ID" cartwright
# 65532 lies above login.defs' UID_MAX for people on purpose (the "nonroot" id distroless images use too).
in_root useradd -K UID_MAX=65533 -K GID_MAX=65533 --uid "$USER_ID" --gid "$USER_ID" --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin cartwright
in_root java -version 2>"$WORK/java-version.txt" || die "java does not run in the new system: $(cat "$WORK/java-version.txt")"
in_root dpkg-query -W -f '${Package}=${Version}\n' | LC_ALL=C sort >"$OUT/cartwright-base.packages"
# No `apt-get clean` in there: it would empty the shared cache; the system's own apt caches are removed below.

# What a container should not carry, or what would differ between two builds of the same packages.
rm -f "$ROOTFS/usr/sbin/policy-rc.d" "$ROOTFS/etc/hostname" "$ROOTFS/etc/resolv.conf" "$ROOTFS/var/cache/ldconfig/aux-cache"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
    "$ROOTFS"/var/log/* "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/* "$ROOTFS"/root/.cache
rm -f "$ROOTFS"/etc/*- "$ROOTFS"/var/lib/dpkg/*-old "$ROOTFS"/var/cache/debconf/*-old
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOTFS/etc/hosts"
sed -i -E "s/^([^:]*:[^:]*:)[0-9]+:/\1$((SOURCE_DATE_EPOCH / 86400)):/" "$ROOTFS/etc/shadow"

say "packing the layer"
IMAGE="$WORK/image"
mkdir -p "$IMAGE"
tar --create --file="$WORK/layer.tar" --directory="$ROOTFS" --sort=name --format=gnu --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' .
DIFF_ID="sha256:$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)"
gzip -n <"$WORK/layer.tar" >"$IMAGE/layer.tar.gz"
rm -f "$WORK/layer.tar"

cat >"$IMAGE/config.json" <<EOF
{
  "architecture": "$ARCH",
  "os": "linux",
  "created": "$CREATED",
  "config": {
    "User": "$USER_ID:$USER_ID",
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=$JAVA_HOME_DIR",
      "LANG=C.UTF-8"
    ],
    "Cmd": ["java", "-version"],
    "WorkingDir": "/",
    "Labels": {
      "dev.cartwright.base": "$IMAGE_NAME: Debian $SUITE (minbase), OpenJDK 17 headless JRE, deploy/images/build-base.sh"
    }
  },
  "rootfs": { "type": "layers", "diff_ids": ["$DIFF_ID"] },
  "history": [ { "created": "$CREATED", "created_by": "deploy/images/build-base.sh: debootstrap --variant=minbase $SUITE, ${PACKAGES[*]}, user cartwright" } ]
}
EOF
printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar.gz"]}]\n' "$IMAGE_NAME" >"$IMAGE/manifest.json"
tar --create --file="$OUT/cartwright-base.tar" --directory="$IMAGE" --format=gnu --owner=0 --group=0 --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" manifest.json config.json layer.tar.gz

still_mounted && die "a mount under $WORK outlived its namespace; not removing it"
rm -rf "$ROOTFS"
say "$OUT/cartwright-base.tar: $(du -h "$OUT/cartwright-base.tar" | cut -f1) ($(wc -l <"$OUT/cartwright-base.packages") packages," \
    "$(head -1 "$WORK/java-version.txt"), layer $DIFF_ID)"
