import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { WorkersTable } from "../../../components/runs/workers-table";

test("the process table names an agent's host beside its node and shows CPU; local processes show none", () => {
  const html = renderToStaticMarkup(
    h(WorkersTable, {
      active: true,
      workers: {
        score: [
          { nodeId: 3, host: "gpu-box-7", processId: 0, pid: 4242, ready: true, retired: false, current: 17, rssBytes: 50 * 1024 ** 2, cpuPercent: 87 },
          { nodeId: 0, processId: 1, pid: 99, ready: true, retired: false },
        ],
      },
    }),
  );
  assert.match(html, /<th [^>]*>CPU<\/th>/);
  const rows = html.split("<tr").slice(2);
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, />3 \(gpu-box-7\)</);
  assert.match(rows[0]!, />4242</);
  assert.match(rows[0]!, />17</);
  assert.match(rows[0]!, />87%</);
  assert.match(rows[1]!, /<td[^>]*>0<\/td>/);
  assert.doesNotMatch(rows[1]!, /%/);
});
