#!/bin/sh
# First start on an empty volume: a cluster with POSTGRES_USER as superuser (password auth over
# the network, scram-sha-256) and the database POSTGRES_DB. Later starts just run postgres.
set -eu
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD setzen}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != "postgres" ]; then
        echo "CREATE DATABASE \"$POSTGRES_DB\";" \
            | postgres --single -D "$PGDATA" postgres >/dev/null
    fi
    echo "postgres: Cluster in $PGDATA angelegt, Datenbank $POSTGRES_DB" >&2
fi
exec "$@"
