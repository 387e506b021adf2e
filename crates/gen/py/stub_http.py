"""What the stand-ins for providers' APIs share (`*_stub.py` under
connectors/*/tests): a quiet handler that answers JSON, and serving on
127.0.0.1 with the port written to a file once it serves, which
`blastgraph_gen::LocalServer` waits for (it puts this folder on
PYTHONPATH)."""
import http.server
import json
import os


class JsonHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, doc, headers=()):
        """Answers `code` with `doc`: bytes as they are, else as JSON."""
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def serve(handler, port_file):
    """Serves `handler` on a free port of 127.0.0.1, the port written
    (atomically) to `port_file`."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()
