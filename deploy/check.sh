#!/usr/bin/env bash
# Check the example configs with the real tools: `nginx -t` and `tor --verify-config`.
# Runs in a throwaway folder (a self-signed certificate stands in for the real one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$work/nginx/logs" "$work/ssl" "$work/static"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=forum.example.org" \
    -keyout "$work/ssl/privkey.pem" -out "$work/ssl/fullchain.pem" 2>/dev/null
  sed -e "s#/etc/ssl/hearth/#$work/ssl/#g" -e "s#/var/log/nginx/#$work/nginx/logs/#g" \
      -e "s#/srv/hearth/var/static/#$work/static/#g" "$here/nginx/hearth.conf" > "$work/nginx/hearth.conf"
  cat > "$work/nginx/nginx.conf" <<CONF
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log crit;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $work/nginx/tmp;
    include $work/nginx/hearth.conf;
}
CONF
  nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf"
  echo "nginx: deploy/nginx/hearth.conf accepted"
else
  echo "nginx is not installed (apt-get install nginx-light): not checked" >&2
  exit 1
fi

if command -v tor >/dev/null 2>&1; then
  mkdir -p "$work/tor/hearth" && chmod 700 "$work/tor" "$work/tor/hearth"
  sed -e "s#/var/lib/tor#$work/tor#g" -e "s#^Log notice syslog#Log notice file $work/tor/notice.log#" \
    "$here/tor/torrc" > "$work/torrc"
  tor --verify-config -f "$work/torrc" --defaults-torrc /dev/null >/dev/null
  echo "tor: deploy/tor/torrc accepted"
else
  echo "tor is not installed (apt-get install tor): not checked" >&2
  exit 1
fi
