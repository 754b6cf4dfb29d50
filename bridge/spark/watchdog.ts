// The child never outlives Node, even when Node is SIGKILLed (which no handler can catch): a
// tiny bash wrapper starts java, reports its pid on fd 3, and stops it when its stdin (a pipe
// from Node) reaches end-of-file, which the kernel guarantees when Node dies for any reason.
// SIGTERM to the wrapper stops java the same way; java gets 15 s for its shutdown hooks. Then
// whatever java started (local-cluster's executor JVMs) goes too: the wrapper leads its own
// process group (Node starts it detached), and the group is killed, wrapper last.
export const WATCHDOG_SCRIPT = `
"$@" </dev/null &
child=$!
echo "$child" >&3
exec 3>&-
stop() {
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  trap - TERM INT HUP
  kill -KILL 0 2>/dev/null
  exit 0
}
trap stop TERM INT HUP
while kill -0 "$child" 2>/dev/null; do
  read -r -t 1 _
  rc=$?
  # 0: a line (ignored); >128: timed out, poll again; otherwise end-of-file: Node is gone.
  if [ "$rc" -ne 0 ] && [ "$rc" -le 128 ]; then stop; fi
done
wait "$child"
exit $?
`;
