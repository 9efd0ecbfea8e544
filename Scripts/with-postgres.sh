#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL on a loopback port, then tears it down.
#
#   Scripts/with-postgres.sh COMMAND [ARGS...]
#
# The command sees EMBCACHE_TEST_POSTGRES_URL (postgres://postgres:PASSWORD@127.0.0.1:PORT/embcache)
# and EMBCACHE_TEST_POSTGRES_DATA (the data folder). When EMBCACHE_TEST_POSTGRES_URL is already
# set, the command runs against that server instead. Installs postgresql with apt-get when missing.
# The server runs as the postgres user (initdb refuses root). Durability is off (fsync,
# synchronous_commit, full_page_writes), as suits a scratch database for tests, unless
# EMBCACHE_POSTGRES_DURABLE=1 (benchmarks set it, so writes are measured as a real server does them).
# shared_buffers is 512MB unless EMBCACHE_POSTGRES_SHARED_BUFFERS says otherwise (e.g. 3GB).
# EMBCACHE_POSTGRES_HUGE_PAGES=1 backs shared memory with huge pages, as PostgreSQL's manual advises
# for large shared_buffers: as root, it reserves them (vm.nr_hugepages) for the server's lifetime
# and gives them back afterwards; without root or free memory it says so and runs without.
# PostgreSQL's programs are looked for in EMBCACHE_POSTGRES_ROOT/*/bin (default /usr/lib/postgresql,
# where Debian puts them); when none is there, postgresql is installed with apt-get, and when that is
# impossible the script says what is missing and exits 1.
set -euo pipefail

if [ -n "${EMBCACHE_TEST_POSTGRES_URL:-}" ]; then
    exec "$@"
fi

pg_root=${EMBCACHE_POSTGRES_ROOT:-/usr/lib/postgresql}
# Never fails: prints nothing when no PostgreSQL is installed (set -e and pipefail stay safe).
find_bin() {
    local dirs=("$pg_root"/*/bin)
    [ -x "${dirs[0]}/initdb" ] || return 0
    printf '%s\n' "${dirs[@]}" | sort -V | tail -1
}
pg_bin=$(find_bin)
if [ -z "$pg_bin" ]; then
    echo "installing: postgresql (no PostgreSQL server in $pg_root)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; then
        echo "error: PostgreSQL is missing and could not be installed; install it (apt-get install postgresql)" \
            "or set EMBCACHE_TEST_POSTGRES_URL to a server's URL" >&2
        exit 1
    fi
    pg_bin=$(find_bin)
    if [ -z "$pg_bin" ]; then
        echo "error: apt-get installed postgresql, but no initdb is in $pg_root/*/bin" >&2
        exit 1
    fi
fi

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d /tmp/embcache-postgres.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
huge_pages_before=""
cleanup() {
    as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    if [ -n "$huge_pages_before" ]; then echo "$huge_pages_before" > /proc/sys/vm/nr_hugepages; fi
}
trap cleanup EXIT

password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
as_postgres sh -c "umask 077 && printf '%s\n' '$password' > '$dir/password'"
as_postgres "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/password" \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
    port=$((20000 + RANDOM % 30000))
    port_free "$port" && break
done
settings="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
settings="$settings -c shared_buffers=${EMBCACHE_POSTGRES_SHARED_BUFFERS:-512MB}"
if [ "${EMBCACHE_POSTGRES_HUGE_PAGES:-0}" = 1 ]; then
    wanted=$(as_postgres "$pg_bin/postgres" -D "$dir/data" -C shared_memory_size_in_huge_pages \
        -c "shared_buffers=${EMBCACHE_POSTGRES_SHARED_BUFFERS:-512MB}" -c max_connections=200)
    before=$(cat /proc/sys/vm/nr_hugepages)
    if echo $(( before + wanted )) 2>/dev/null > /proc/sys/vm/nr_hugepages \
        && [ "$(cat /proc/sys/vm/nr_hugepages)" -ge $(( before + wanted )) ]; then
        huge_pages_before=$before
        settings="$settings -c huge_pages=on"
    else
        [ -w /proc/sys/vm/nr_hugepages ] && echo "$before" > /proc/sys/vm/nr_hugepages
        echo "notice: could not reserve $wanted huge pages (needs root and free memory); running without" >&2
    fi
fi
if [ "${EMBCACHE_POSTGRES_DURABLE:-0}" != 1 ]; then
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "$settings" >/dev/null \
    || { cat "$dir/server.log"; exit 1; }
PGPASSWORD=$password as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE embcache" \
    >/dev/null

export EMBCACHE_TEST_POSTGRES_URL="postgres://postgres:$password@127.0.0.1:$port/embcache"
export EMBCACHE_TEST_POSTGRES_DATA="$dir/data"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" \
    "(shared_buffers ${EMBCACHE_POSTGRES_SHARED_BUFFERS:-512MB}${huge_pages_before:+, huge pages})"
"$@"
