"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCurrentUser } from "@/components/auth/current-user";
import { SettingsCard, ShownOnce, when } from "@/components/settings/card";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { api } from "@/lib/contracts/api/client";
import { type CreatedApiTokenJson, type Role, rolesUpTo } from "@/lib/contracts/auth";

const EXPIRY = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
  { days: 0, label: "Never" },
];

/** The user's API tokens: create (shown once), list with last use, revoke. */
export function ApiTokens() {
  const user = useCurrentUser();
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ["api-tokens"], queryFn: () => api.listApiTokens() });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [days, setDays] = useState(90);
  const [created, setCreated] = useState<CreatedApiTokenJson | null>(null);
  const create = useMutation({
    mutationFn: () => api.createApiToken({ body: { name, role: role || undefined, expiresInDays: days || undefined } }),
    onSuccess: (token) => {
      setCreated(token);
      setName("");
      void client.invalidateQueries({ queryKey: ["api-tokens"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeApiToken({ params: { id } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-tokens"] }),
  });
  const roles = user ? rolesUpTo(user.role) : [];
  return (
    <SettingsCard
      title="API tokens"
      description={
        <>
          For scripts and the CLI: send <code>Authorization: Bearer &lt;token&gt;</code>, or run <code>prs login &lt;url&gt;</code>. A token acts as you, with
          your role or a lower one.
        </>
      }
    >
      <form
        className="grid grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)_auto] items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Token name" hint="what it is for">
          {(c) => (
            <input {...c} required maxLength={100} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="laptop CLI" />
          )}
        </Field>
        <Field label="Role">
          {(c) => (
            <select {...c} className={inputClass} value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
              <option value="">My role{user ? ` (${user.role})` : ""}</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Expires after">
          {(c) => (
            <select {...c} className={inputClass} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {EXPIRY.map((x) => (
                <option key={x.days} value={x.days}>
                  {x.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary" size="lg" disabled={create.isPending}>
          Create token
        </Button>
      </form>
      <ErrorText error={create.error?.message} />
      {created ? (
        <div className="mt-3">
          <ShownOnce
            label={`Token '${created.name}' (${created.role})`}
            value={created.token}
            note="Copy it now: it is not shown again. The studio keeps only its hash."
          />
        </div>
      ) : null}
      <div className="mt-4">
        <Table
          label="API tokens"
          columns={["Name", "Token", "Role", "Created", "Expires", "Last used", ""]}
          empty={tokens.data && tokens.data.tokens.length === 0 ? "No tokens yet." : undefined}
        >
          {tokens.data?.tokens.map((t) => (
            <Row key={t.id}>
              <Cell>{t.name}</Cell>
              <Cell mono>{t.prefix}…</Cell>
              <Cell>{t.role}</Cell>
              <Cell>{when(t.createdAt)}</Cell>
              <Cell>{when(t.expiresAt)}</Cell>
              <Cell>{when(t.lastUsedAt)}</Cell>
              <Cell className="text-right">
                {t.revokedAt ? (
                  <span className="text-slate-500">revoked</span>
                ) : (
                  <Button variant="danger" size="sm" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                )}
              </Cell>
            </Row>
          ))}
        </Table>
        <ErrorText error={tokens.error?.message ?? revoke.error?.message} />
      </div>
    </SettingsCard>
  );
}
