# Shared by tools/reproduce_paper.sh and tools/verdict_examples.sh (source it after setting
# softness, data, json, temps and start).
log() { echo "[$(( $(date +%s) - start )) s, load $(cut -d' ' -f1 /proc/loadavg)] $*" >&2; }
gen() {  # gen FILE VARIANT N SEED [TEST_ROWS]
  [ -f "$1" ] && return 0
  log "generate $1"
  "$softness" generate --variant "$2" -n "$3" --test-rows "${5:-100000}" --temperatures $temps --seed "$4" -o "$1" >/dev/null
}
# run NAME COMMAND... : JSON to $json/NAME.json, stderr (progress, warnings) to NAME.err,
# command to NAME.cmd, exit status to NAME.status (a refusal is a result too).
run() {
  local name=$1; shift
  log "$name: softness $*"
  echo "softness $*" | sed "s#$data/##g" >"$json/$name.cmd"
  local status=0
  "$softness" "$@" --json --dry-run 2>"$json/$name.err" >"$json/$name.json" || status=$?
  echo "$status" >"$json/$name.status"
}
