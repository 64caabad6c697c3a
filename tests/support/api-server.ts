// The run API's real route handler (GET /api/runs/<id>) served by plain node:http: a web server
// for supervision tests that needs no Next build. Prints "listening <port>" when ready.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GET } from "../../app/api/runs/[runId]/route";

const server = createServer((req, res) => {
  const runId = /^\/api\/runs\/([^/?]+)/.exec(req.url ?? "")?.[1];
  if (!runId) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const authorization = req.headers.authorization;
  void GET(new Request(`http://127.0.0.1${req.url}`, { headers: authorization ? { authorization } : {} }), { params: Promise.resolve({ runId }) }).then(
    async (response) => {
      res.statusCode = response.status;
      res.setHeader("content-type", response.headers.get("content-type") ?? "application/json");
      res.end(Buffer.from(await response.arrayBuffer()));
    },
  );
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
