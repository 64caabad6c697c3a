"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCurrentUser } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import type { AgentInfo } from "@/lib/contracts/agents";
import { api } from "@/lib/contracts/api/client";

const megabytes = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const ago = (ms: number) => `${Math.max(0, Math.round((Date.now() - ms) / 1000))} s ago`;

/** Agents of every pool with their heartbeat; admins drain or stop them. Refreshed every 2 s. */
export function AgentsList() {
  const me = useCurrentUser();
  const client = useQueryClient();
  const agents = useQuery({ queryKey: ["agents"], queryFn: () => api.listAgents(), refetchInterval: 2000 });
  const command = useMutation({
    mutationFn: async ({ id, what }: { id: string; what: "drain" | "stop" }): Promise<unknown> =>
      what === "drain" ? api.drainAgent({ params: { id } }) : api.stopAgent({ params: { id } }),
    onSettled: () => void client.invalidateQueries({ queryKey: ["agents"] }),
  });
  const data = agents.data;
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Agents</h1>
        <p className="text-sm text-slate-600">
          Machines running <code>prs agent --pool &lt;name&gt; --server &lt;studio url&gt;</code>. A step whose compute target names a pool runs on its agents.
        </p>
      </div>
      {agents.error ? <ErrorText error={agents.error} /> : null}
      {command.error ? <ErrorText error={command.error} /> : null}
      {data && !data.enabled ? (
        <p className="rounded border border-slate-200 bg-slate-50 p-4 text-sm text-slate-700">
          This studio runs without <code>REDIS_URL</code>: every step runs on its own worker pool. Set <code>REDIS_URL</code> and a PostgreSQL{" "}
          <code>DATABASE_URL</code> to run steps on agents (README: Running on many machines).
        </p>
      ) : null}
      {data?.enabled && data.agents.length === 0 ? <p className="text-sm text-slate-600">No agent is connected.</p> : null}
      {data?.enabled && data.agents.length > 0 ? (
        <Table label="Agents" columns={["Host", "Pool", "Processes", "State", "Mini-batches", "CPU", "Memory", "Last seen", ""]}>
          {data.agents.map((a: AgentInfo) => (
            <Row key={a.id}>
              <Cell>
                <div>{a.host}</div>
                <div className="text-xs text-slate-500">
                  {a.id} · node {a.nodeId} · pid {a.pid}
                </div>
              </Cell>
              <Cell>{a.pool}</Cell>
              <Cell>{a.processes}</Cell>
              <Cell>{a.state}</Cell>
              <Cell>{a.current.length === 0 ? "none" : `${a.current.length}: ${a.current.slice(0, 3).join(", ")}${a.current.length > 3 ? " …" : ""}`}</Cell>
              <Cell>{a.cpuPercent}%</Cell>
              <Cell>{megabytes(a.memoryBytes)}</Cell>
              <Cell>{ago(a.lastSeen)}</Cell>
              <Cell className="whitespace-nowrap text-right">
                {me?.role === "admin" && (a.state === "idle" || a.state === "busy") ? (
                  <span className="inline-flex gap-2">
                    <Button size="sm" variant="secondary" onClick={() => command.mutate({ id: a.id, what: "drain" })}>
                      Drain
                    </Button>
                    <Button size="sm" variant="danger" onClick={() => command.mutate({ id: a.id, what: "stop" })}>
                      Stop
                    </Button>
                  </span>
                ) : null}
              </Cell>
            </Row>
          ))}
        </Table>
      ) : null}
    </div>
  );
}
