"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { api } from "@/lib/contracts/api/client";
import { SettingsCard, when } from "./card";

const PAGE = 100;

/** Admins: who did what (submit, publish, register, cancel, delete, user and token changes), newest first. */
export function AuditLog() {
  const events = useInfiniteQuery({
    queryKey: ["audit"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.listAudit({ query: { limit: String(PAGE), before: pageParam } }),
    getNextPageParam: (last) => (last.events.length === PAGE ? last.events.at(-1)?.id : undefined),
  });
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <SettingsCard
      title="Audit log"
      description="Every change made through the studio or its API, with who made it. The CLI working directly on the data folder shows as 'local CLI'."
    >
      <Table
        label="Audit log"
        columns={["When", "Who", "Action", "On", "Details"]}
        empty={events.data && rows.length === 0 ? "Nothing recorded yet." : undefined}
      >
        {rows.map((e) => (
          <Row key={e.id}>
            <Cell className="whitespace-nowrap">{when(e.at)}</Cell>
            <Cell>{e.actor}</Cell>
            <Cell mono>{e.action}</Cell>
            <Cell mono>{e.target}</Cell>
            <Cell className="text-slate-600">{e.detail ?? ""}</Cell>
          </Row>
        ))}
      </Table>
      {events.hasNextPage ? (
        <Button className="mt-3" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          Older events
        </Button>
      ) : null}
      <ErrorText error={events.error?.message} />
    </SettingsCard>
  );
}
