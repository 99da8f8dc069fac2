#!/usr/bin/env bash
# Shared by http_echo.sh, http_echo_cpu.sh and http_client.sh: the echo flow,
# the nginx peer's config and a wait for a port.

# Writes FILE: Temblor's echo (http_server on 127.0.0.1:PORT -> passthrough
# -> the same http_server).
http_echo_flow() {
  local file=$1 port=$2
  cat > "$file" <<TROY
define flow echo
flow
  use tremor::pipelines;
  define connector server from http_server
  with config = {"url": "http://127.0.0.1:$port"} end;
  create connector server;
  create pipeline echo from pipelines::passthrough;
  connect /connector/server to /pipeline/echo;
  connect /pipeline/echo to /connector/server;
end;
deploy flow echo;
TROY
}

# Writes DIR/nginx.conf: one worker, `return 200` with a small JSON body on
# 127.0.0.1:PORT, keep-alive without a request limit, temp files in DIR.
http_nginx_conf() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
error_log stderr error;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
}
CONF
}

# Waits (up to 10 s) until something accepts on 127.0.0.1:PORT.
http_wait_port() {
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# The JSON body wrk posts (from post.lua).
http_post_body() {
  sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$(dirname "${BASH_SOURCE[0]}")/post.lua"
}
