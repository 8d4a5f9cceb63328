#!/bin/sh
# With a certificate in /etc/nginx/tls (fullchain.pem, privkey.pem) the proxy answers HTTPS on
# 443 and redirects port 80 there; without one it answers plain HTTP on 80 (then set
# SECURE_SSL_REDIRECT=false, or put another TLS proxy in front).
set -eu
if [ -s /etc/nginx/tls/fullchain.pem ] && [ -s /etc/nginx/tls/privkey.pem ]; then
    ln -sf /etc/nginx/netzwerk/tls.conf /etc/nginx/conf.d/netzwerk.conf
    echo "proxy: TLS mit /etc/nginx/tls/fullchain.pem" >&2
else
    ln -sf /etc/nginx/netzwerk/http.conf /etc/nginx/conf.d/netzwerk.conf
    echo "proxy: kein Zertifikat in /etc/nginx/tls, nur HTTP" >&2
fi
exec "$@"
