# Sourced by .ci/run (and usable by hand: `source .ci/postgres.sh`): makes sure Debian's PostgreSQL is installed,
# starts a throwaway cluster in a temporary folder on a loopback port, exports WIREFOLD_TEST_POSTGRES with its URL
# for the tests, and stops and deletes the cluster when the shell exits. PostgreSQL refuses to run as root, so as
# root the cluster belongs to the `postgres` user the package creates.

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  echo "$found"
}

if [ -z "$(pg_bin)" ]; then
  echo "ci: installing Debian's postgresql for the PostgreSQL store tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(pg_bin)
PG_DIR=$(mktemp -d /tmp/wirefold-pg-XXXXXX)
PG_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
stop_postgres() {
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_postgres EXIT
export WIREFOLD_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "ci: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT for the tests"
