#!/usr/bin/env python3
"""Serves the demo storefront (dist/) and passes the page's catalogue and price calls (gRPC-Web, same origin) on to the
platform simulator's catalog and pricing services, so the page needs CORS only for Cartwright's own services.

    python3 serve.py --port 9080 --catalog 127.0.0.1:9101 --pricing 127.0.0.1:9102 [--bind 127.0.0.1] [--dir dist]

Prints one line, "STOREFRONT READY http://...", when it listens.
"""
import argparse
import http.client
import http.server
import os
import sys

FORWARDED_REQUEST_HEADERS = ("content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "accept")


def handler_for(directory, routes):
    class Storefront(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def do_POST(self):
            target = next((addr for prefix, addr in routes.items() if self.path.startswith(prefix)), None)
            if target is None:
                self.send_error(404, "no such service here")
                return
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            host, port = target.rsplit(":", 1)
            upstream = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                headers = {h: self.headers[h] for h in FORWARDED_REQUEST_HEADERS if self.headers.get(h)}
                upstream.request("POST", self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                data = reply.read()
            except OSError as e:
                self.send_error(502, "the simulator at %s does not answer: %s" % (target, e))
                return
            finally:
                upstream.close()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt, *args):
            sys.stderr.write("storefront %s %s\n" % (self.address_string(), fmt % args))

    return Storefront


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9080)
    parser.add_argument("--dir", default=os.path.join(here, "dist"))
    parser.add_argument("--catalog", default="127.0.0.1:9101")
    parser.add_argument("--pricing", default="127.0.0.1:9102")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.dir, "app.js")):
        sys.exit("serve.py: %s has no app.js; build the page first: npm ci && npm run build (in %s)" % (args.dir, here))
    routes = {"/platform.v1.CatalogService/": args.catalog, "/platform.v1.PricingService/": args.pricing}
    server = http.server.ThreadingHTTPServer((args.bind, args.port), handler_for(args.dir, routes))
    host = "[%s]" % args.bind if ":" in args.bind else args.bind
    print("STOREFRONT READY http://%s:%d/" % (host, server.server_address[1]), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
