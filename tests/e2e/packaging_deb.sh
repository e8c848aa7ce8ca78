#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` on the build tree (output in a temp dir,
# nothing left in the build dir but CMake's install_manifest.txt), the
# package's metadata and file list (runtime files only: no test binaries),
# then the unpacked package's own martctl and martd run, and the unit checked
# with systemd-analyze when it is there.
set -euo pipefail
: "${MART_BUILD_DIR:?MART_BUILD_DIR must point at the build tree}"
: "${MARTCTL:?MARTCTL must point at the martctl binary}"
for tool in cpack dpkg-deb dpkg-shlibdeps jq; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

ROOT=$(mktemp -d /tmp/mart-deb.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
FAILURES=0
CHECKS=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; FAILURES=$((FAILURES + 1)); fi
}

before=$(ls -A "$MART_BUILD_DIR" | grep -v '^install_manifest' || true)
(cd "$ROOT" && cpack -G DEB --config "$MART_BUILD_DIR/CPackConfig.cmake" -B "$ROOT/out" >"$ROOT/cpack.log" 2>&1) ||
  { cat "$ROOT/cpack.log" >&2; echo "FAIL: cpack -G DEB" >&2; exit 1; }
after=$(ls -A "$MART_BUILD_DIR" | grep -v '^install_manifest' || true)
check "cpack leaves the build dir as it was" test "$before" = "$after"

debs=("$ROOT"/out/*.deb)
check "cpack made one .deb" test "${#debs[@]}" -eq 1 -a -f "${debs[0]}"
DEB=${debs[0]}
VERSION=$("$MARTCTL" version -o json | jq -r .martctl)
check "package name is mart" test "$(dpkg-deb -f "$DEB" Package)" = mart
check "package version is the project's ($VERSION)" test "$(dpkg-deb -f "$DEB" Version)" = "$VERSION"
check "package has a maintainer" test -n "$(dpkg-deb -f "$DEB" Maintainer)"
check "package has a description" test -n "$(dpkg-deb -f "$DEB" Description)"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
for lib in libzmq5 libsqlite3-0 libsodium23 libc6; do
  check "dpkg-shlibdeps found $lib (Depends: $DEPENDS)" grep -q "$lib" <<<"$DEPENDS"
done

FILES=$(dpkg-deb -c "$DEB" | awk '{print $NF}' | grep -v '/$')
for want in ./usr/bin/martd ./usr/bin/martctl ./usr/bin/mart-rest \
            ./usr/share/man/man1/martctl.1 ./usr/share/man/man1/mart-rest.1 \
            ./usr/share/man/man5/martd.conf.5 ./usr/share/man/man8/martd.8 \
            ./usr/share/bash-completion/completions/martctl \
            ./usr/share/zsh/vendor-completions/_martctl \
            ./usr/share/fish/vendor_completions.d/martctl.fish \
            ./usr/lib/systemd/user/martd.service; do
  check "package holds $want" grep -qxF "$want" <<<"$FILES"
done
check "the only programs are martd, martctl and mart-rest" \
  test "$(grep '^./usr/bin/' <<<"$FILES" | sort | tr '\n' ' ')" = \
  "./usr/bin/mart-rest ./usr/bin/martctl ./usr/bin/martd "
check "no test files in the package" test -z "$(grep -iE 'test|gtest|wire_send|order_load' <<<"$FILES" || true)"
check "nothing outside /usr" test -z "$(grep -v '^./usr/' <<<"$FILES" || true)"

dpkg-deb -x "$DEB" "$ROOT/root"
check "the packaged martctl runs: version" \
  test "$("$ROOT/root/usr/bin/martctl" version -o json | jq -r .martctl)" = "$VERSION"
check "the packaged martd runs: --version" \
  test "$("$ROOT/root/usr/bin/martd" --version)" = "martd $VERSION"
check "the packaged mart-rest runs: --version" \
  test "$("$ROOT/root/usr/bin/mart-rest" --version)" = "mart-rest $VERSION"

UNIT="$ROOT/root/usr/lib/systemd/user/martd.service"
check "the unit runs /usr/bin/martd" grep -qx 'ExecStart=/usr/bin/martd' "$UNIT"
check "the unit is Type=simple" grep -qx 'Type=simple' "$UNIT"
check "the unit restarts martd on failure" grep -qx 'Restart=on-failure' "$UNIT"
if command -v systemd-analyze >/dev/null; then
  # Verified where its ExecStart exists: the unpacked binary.
  mkdir -p "$ROOT/unit"
  sed "s|^ExecStart=/usr/bin/martd|ExecStart=$ROOT/root/usr/bin/martd|" "$UNIT" >"$ROOT/unit/martd.service"
  if out=$(systemd-analyze verify --man=no "$ROOT/unit/martd.service" 2>&1); then
    echo "ok: systemd-analyze verify"
  else
    echo "FAIL: systemd-analyze verify: $out" >&2
    FAILURES=$((FAILURES + 1))
  fi
  CHECKS=$((CHECKS + 1))
else
  echo "skip: systemd-analyze is not installed"
fi

echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
[ "$FAILURES" -eq 0 ]
