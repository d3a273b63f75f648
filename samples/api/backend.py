"""The pets backend the sample API's HTTP and HTTP_PROXY routes call: a small HTTP server on
127.0.0.1 (standard library only).

    python3 samples/api/backend.py [PORT]     (default 8080; 0 picks a free port)

GET /pets?limit=N answers the backend's own format, which the API's response template
reshapes; /store/anything echoes what it received, as JSON, for the HTTP_PROXY route.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ANIMALS = [{"animalId": 7, "animalName": "Rex", "kind": "dog"}, {"animalId": 8, "animalName": "Tom", "kind": "cat"}]


class Backend(BaseHTTPRequestHandler):
    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Backend", "pets-v2")
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if url.path == "/pets" and self.command == "GET":
            limit = int((query.get("limit") or ["10"])[-1])
            self.answer(200, {"animals": ANIMALS[:limit]})
        elif url.path.startswith("/store/"):
            received = {"method": self.command, "path": url.path, "query": query, "body": body,
                        "host": self.headers.get("Host"), "forwardedFor": self.headers.get("X-Forwarded-For")}
            self.answer(200, received)
        else:
            self.answer(404, {"error": f"no {url.path} here"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def log_message(self, format, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    server = ThreadingHTTPServer(("127.0.0.1", port), Backend)
    print(f"pets backend on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
