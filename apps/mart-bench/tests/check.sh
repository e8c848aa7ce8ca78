# The bench smoke tests' assertions. Source it: check DESCRIPTION CONDITION...
# runs CONDITION quietly and counts a failure; finish_checks ends the script
# with the verdict.
FAILURES=0
check() {
  local what=$1
  shift
  if "$@" >/dev/null; then echo "ok: $what"; else echo "FAIL: $what" >&2; FAILURES=$((FAILURES + 1)); fi
}
finish_checks() {
  [ "$FAILURES" -eq 0 ] || { echo "$FAILURES check(s) failed" >&2; exit 1; }
  echo "all checks passed"
}
