"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCurrentUser } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { api } from "@/lib/contracts/api/client";
import { type CreatedInviteJson, Role, type UpdateUserRequest } from "@/lib/contracts/auth";
import { SettingsCard, ShownOnce, when } from "./card";

/** Admins: every user with role and state; change a role, deactivate or reactivate. */
export function UsersCard() {
  const me = useCurrentUser();
  const client = useQueryClient();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api.listUsers() });
  const update = useMutation({
    mutationFn: ({ id, change }: { id: string; change: UpdateUserRequest }) => api.updateUser({ params: { id }, body: change }),
    onSettled: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <SettingsCard
      title="Users"
      description="Admins manage users, datastores and settings; editors pipelines, data, models and runs; viewers read and download."
    >
      <Table label="Users" columns={["Name", "Email", "Role", "Joined", "State", ""]}>
        {users.data?.users.map((u) => (
          <Row key={u.id}>
            <Cell>
              {u.name}
              {u.id === me?.id ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
            </Cell>
            <Cell>{u.email}</Cell>
            <Cell>
              <select
                aria-label={`Role of ${u.email}`}
                className={`${inputClass} mt-0 w-28`}
                value={u.role}
                onChange={(e) => update.mutate({ id: u.id, change: { role: Role.parse(e.target.value) } })}
              >
                {Role.options.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </Cell>
            <Cell>{when(u.createdAt)}</Cell>
            <Cell>{u.active ? "active" : <span className="text-red-700">deactivated</span>}</Cell>
            <Cell className="text-right">
              {u.id === me?.id ? null : (
                <Button variant={u.active ? "danger" : "secondary"} size="sm" onClick={() => update.mutate({ id: u.id, change: { active: !u.active } })}>
                  {u.active ? "Deactivate" : "Reactivate"}
                </Button>
              )}
            </Cell>
          </Row>
        ))}
      </Table>
      <ErrorText error={users.error?.message ?? update.error?.message} />
    </SettingsCard>
  );
}

/** Admins: invite links (no e-mail is sent: the admin hands the link over). */
export function InvitesCard() {
  const client = useQueryClient();
  const invites = useQuery({ queryKey: ["invites"], queryFn: () => api.listInvites() });
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<CreatedInviteJson | null>(null);
  const create = useMutation({
    mutationFn: () => api.createInvite({ body: { role } }),
    onSuccess: (invite) => {
      setCreated(invite);
      void client.invalidateQueries({ queryKey: ["invites"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeInvite({ params: { id } }),
    onSettled: () => void client.invalidateQueries({ queryKey: ["invites"] }),
  });
  return (
    <SettingsCard
      title="Invites"
      description="An invite link lets one person create an account with the role you pick. It works once, for 7 days."
      actions={
        <div className="flex items-center gap-2">
          <select aria-label="Role of the invitee" className={`${inputClass} mt-0 w-28`} value={role} onChange={(e) => setRole(Role.parse(e.target.value))}>
            {Role.options.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <Button variant="primary" size="lg" onClick={() => create.mutate()} disabled={create.isPending}>
            Create invite link
          </Button>
        </div>
      }
    >
      <ErrorText error={create.error?.message} />
      {created ? (
        <div className="mb-3">
          <ShownOnce
            label={`Invite link for a new ${created.role}`}
            value={created.url}
            note="Send this link to the person you invite; it is not shown again."
          />
        </div>
      ) : null}
      <Table
        label="Invites"
        columns={["Role", "Created by", "Created", "Expires", "State", ""]}
        empty={invites.data?.invites.length === 0 ? "No invites yet." : undefined}
      >
        {invites.data?.invites.map((i) => (
          <Row key={i.id}>
            <Cell>{i.role}</Cell>
            <Cell>{i.createdBy ?? ""}</Cell>
            <Cell>{when(i.createdAt)}</Cell>
            <Cell>{when(i.expiresAt)}</Cell>
            <Cell>{i.status === "accepted" ? `accepted by ${i.acceptedBy}` : i.status}</Cell>
            <Cell className="text-right">
              {i.status === "open" ? (
                <Button variant="danger" size="sm" onClick={() => revoke.mutate(i.id)}>
                  Revoke
                </Button>
              ) : null}
            </Cell>
          </Row>
        ))}
      </Table>
      <ErrorText error={invites.error?.message ?? revoke.error?.message} />
    </SettingsCard>
  );
}
