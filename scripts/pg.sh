#!/usr/bin/env bash
# A throwaway local PostgreSQL cluster for development, tests, the console and CI.
#
#   scripts/pg.sh start    start (creating it if needed); prints DATABASE_URL on stdout
#   scripts/pg.sh stop     stop it
#   scripts/pg.sh status   exit 0 when running on POLKU_PGPORT, 3 when not running,
#                          4 when running on another port (it says which)
#   scripts/pg.sh url      print DATABASE_URL only (for POLKU_PGPORT; a warning on
#                          stderr when the cluster runs on another port)
#   scripts/pg.sh destroy  stop it and delete its data
#
# Environment:
#   POLKU_PGDATA  data directory (default <repo>/.pg/data)
#   POLKU_PGPORT  TCP port on 127.0.0.1 (default 15432: below the ephemeral
#                 port range, so no outgoing connection can be holding it)
#
# The server listens on 127.0.0.1 only, trusts local connections as user
# "polku", and keeps its unix socket and log inside the data directory.
# fsync stays on: the crash tests rely on PostgreSQL's durability.
# Run by root, initdb and the server run as the "postgres" system user, since
# PostgreSQL refuses to run as root. If that user cannot reach the repository,
# the data goes to /tmp/polku-pg-<port> instead.
# Status lines go to stderr; stdout carries only the URL.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
port=${POLKU_PGPORT:-15432}
url="postgres://polku@127.0.0.1:${port}/polku?sslmode=disable"

say() { printf 'pg: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
	die "POLKU_PGPORT=$port is not a port number"
fi

is_root() { [[ $(id -u) == 0 ]]; }

# as_owner runs a command as the user who owns the cluster: postgres when we
# are root, ourselves otherwise. It starts from / because postgres may not be
# allowed into the caller's working directory, and closes the start lock so
# the server does not inherit it and hold it forever.
as_owner() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@" 9>&-)
	else
		(cd / && "$@" 9>&-)
	fi
}

# bindir prints the directory holding initdb and pg_ctl: the version that
# created an existing cluster if it is installed, else the first in PATH, else
# the newest under /usr/lib/postgresql.
bindir() {
	local want="" d
	if [[ -n ${data:-} && -r $data/PG_VERSION ]]; then
		want=$(<"$data/PG_VERSION")
		d=/usr/lib/postgresql/$want/bin
		if [[ -x $d/pg_ctl && -x $d/initdb ]]; then echo "$d"; return; fi
	fi
	if d=$(command -v pg_ctl) && command -v initdb >/dev/null; then
		d=$(dirname "$(readlink -f "$d")")
		if [[ -x $d/initdb && ( -z $want || $("$d/pg_ctl" --version) == *" $want"* ) ]]; then
			echo "$d"; return
		fi
	fi
	while read -r d; do
		if [[ -x $d/pg_ctl && -x $d/initdb ]]; then echo "$d"; return; fi
	done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V -r)
	return 1
}

ensure_tools() {
	bin=$(bindir) && return
	if ! is_root; then
		die "PostgreSQL server tools (initdb, pg_ctl) not found; install them as root: apt-get install postgresql"
	fi
	say "installing PostgreSQL with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	bin=$(bindir) || die "apt-get installed postgresql but initdb/pg_ctl are still missing"
}

ensure_postgres_user() {
	is_root || return 0
	id postgres >/dev/null 2>&1 && return
	say "creating system user postgres"
	useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
}

# choose_data sets data to the cluster's directory. Deterministic: the same
# repository, port and user always give the same place.
choose_data() {
	if [[ -n ${POLKU_PGDATA:-} ]]; then
		data=$POLKU_PGDATA
		[[ $data == /* ]] || data=$PWD/$data
		return
	fi
	data=$repo/.pg/data
	local reason=""
	if is_root && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$repo" 2>/dev/null; then
		reason="user postgres cannot enter $repo"
	fi
	# A unix socket path is limited to 107 bytes.
	if ((${#data} + 16 > 107)); then
		reason="the path $repo is too long for a unix socket"
	fi
	if [[ -n $reason ]]; then
		data=/tmp/polku-pg-$port
		say "$reason; cluster data in $data"
	fi
}

# pid_running prints the postmaster's pid and succeeds when a server is
# running on this data directory. A postmaster.pid left by a machine restart
# may name a pid now used by another process, so the pid only counts if that
# process works in this data directory.
pid_running() {
	local f=$data/postmaster.pid pid cwd comm
	[[ -r $f ]] || return 1
	pid=$(head -n 1 "$f" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || [[ -e /proc/$pid ]] || return 1
	# A killed postmaster nobody reaped is a zombie: gone, though its pid is not.
	local stat
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || stat=""
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]] || return 1
	# The postmaster works in its data directory. When that cannot be read
	# (another user's process), its name must at least be postgres; when
	# neither can be read, trust the pid file.
	if cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) && [[ -n $cwd ]]; then
		[[ $cwd == "$(readlink -f "$data")" ]] || return 1
	elif comm=$(cat "/proc/$pid/comm" 2>/dev/null); then
		[[ $comm == postgres ]] || return 1
	fi
	echo "$pid"
}

# running_port prints the port the running server listens on, as its
# postmaster.pid says (the fourth line): the port it was started with,
# whatever POLKU_PGPORT says now.
running_port() { sed -n 4p "$data/postmaster.pid" 2>/dev/null; }

# other_port says how to reach or move a cluster that runs on port $1.
other_port() {
	say "the cluster in $data runs on port $1, not $port (POLKU_PGPORT)." \
		"Use it with POLKU_PGPORT=$1, or stop it (POLKU_PGPORT=$1 $0 stop) and start again"
}

# clear_stale removes the lock files of a server that is no longer running.
clear_stale() {
	[[ -e $data/postmaster.pid ]] || return 0
	pid_running >/dev/null && return 0
	say "removing stale postmaster.pid"
	rm -f "$data/postmaster.pid" "$data"/.s.PGSQL.*
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
	local dir=${data//\'/\'\'}
	cat >"$data/polku.conf" <<EOF
# Written by scripts/pg.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_buffers = 128MB
max_connections = 200
fsync = on
EOF
	if is_root; then chown postgres: "$data/polku.conf"; fi
}

init_cluster() {
	local locale=C
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
	say "creating cluster in $data"
	mkdir -p "$data"
	chmod 700 "$data"
	if is_root; then chown postgres: "$data"; fi
	as_owner "$bin/initdb" -D "$data" -U polku -E UTF8 --locale="$locale" \
		--auth-local=trust --auth-host=trust >/dev/null 2>"$data.initdb.log" || {
		cat "$data.initdb.log" >&2
		die "initdb failed"
	}
	rm -f "$data.initdb.log"
	echo "include_if_exists = 'polku.conf'" >>"$data/postgresql.conf"
}

cmd_start() {
	ensure_tools
	ensure_postgres_user
	choose_data
	mkdir -p "$(dirname "$data")"
	if is_root && [[ $(dirname "$data") == "$repo/.pg" ]]; then chmod 755 "$repo/.pg"; fi
	# Serialise concurrent starts (parallel make targets, test runners).
	exec 9>"$data.lock"
	if command -v flock >/dev/null; then flock 9; fi
	[[ -s $data/PG_VERSION ]] || init_cluster
	bin=$(bindir)
	local running
	if pid_running >/dev/null; then
		running=$(running_port)
		if [[ $running != "$port" ]]; then
			# Starting it again elsewhere would stop a server others
			# may use; printing a URL for $port would point at nothing.
			other_port "$running"
			exit 1
		fi
		say "already running on port $port"
	else
		clear_stale
		port_busy "$port" && die "port $port is taken by another server; set POLKU_PGPORT to another port"
		write_conf
		say "starting on 127.0.0.1:$port"
		if ! as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null; then
			tail -n 20 "$data/server.log" >&2 || true
			die "server did not start; log: $data/server.log"
		fi
	fi
	local i
	for ((i = 0; i < 60; i++)); do
		"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U polku && break
		sleep 0.5
	done
	"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U polku || die "server does not accept connections on port $port"
	local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U polku -d postgres -tA)
	if [[ $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'polku'") != 1 ]]; then
		say "creating database polku"
		"${psql[@]}" -c "CREATE DATABASE polku" >/dev/null
	fi
	echo "$url"
}

cmd_stop() {
	choose_data
	if ! pid_running >/dev/null; then
		clear_stale
		say "not running"
		return 0
	fi
	bin=$(bindir) || die "pg_ctl not found"
	as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
	say "stopped"
}

cmd_status() {
	choose_data
	local pid
	if [[ ! -s $data/PG_VERSION ]]; then
		say "no cluster in $data"
		return 3
	fi
	if pid=$(pid_running); then
		local on
		on=$(running_port)
		if [[ -n $on && $on != "$port" ]]; then
			say "running (pid $pid) on 127.0.0.1:$on, data in $data"
			other_port "$on"
			return 4
		fi
		say "running (pid $pid) on 127.0.0.1:${on:-$port}, data in $data"
		return 0
	fi
	say "stopped, data in $data"
	return 3
}

cmd_destroy() {
	cmd_stop
	[[ -e $data ]] || { say "nothing to delete"; return 0; }
	rm -rf "$data" "$data.initdb.log" "$data.lock"
	say "deleted $data"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
url)
	choose_data 2>/dev/null
	if pid_running >/dev/null; then
		on=$(running_port)
		if [[ -n $on && $on != "$port" ]]; then other_port "$on"; fi
	fi
	echo "$url"
	;;
destroy) cmd_destroy ;;
*)
	echo "usage: $0 start|stop|status|url|destroy" >&2
	exit 2
	;;
esac
