"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { Role } from "@/lib/contracts/auth";
import { AuthCard } from "./auth-card";

/** The invitee (or the owner, on first start) picks email, name and password, and is signed in. */
export function InviteForm({ token, inviteRole: role, owner, problem }: { token: string; inviteRole: Role; owner: boolean; problem?: string }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const accept = useMutation({
    mutationFn: () => {
      if (password !== repeat) throw new Error("The two passwords differ");
      return api.acceptInvite({ body: { token, email, name, password } });
    },
    onSuccess: () => window.location.assign("/"),
  });
  const title = owner ? "Set up the owner account" : "Join Parallel Run Studio";
  const subtitle = owner
    ? "This is the first start: the account you create now is the studio's admin. The link works once."
    : `You are invited as ${role === "viewer" ? "a viewer" : `an ${role}`}.`;
  if (problem) {
    return (
      <AuthCard title={title}>
        <p className="text-sm text-red-700" role="alert">
          {problem}
        </p>
        <a href="/sign-in" className="mt-4 inline-block text-sm text-blue-700 hover:underline">
          Go to sign-in
        </a>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={title} subtitle={subtitle}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          accept.mutate();
        }}
      >
        <Field label="Email">
          {(c) => (
            <input {...c} type="email" autoComplete="username" required className={inputClass} value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label="Name">
          {(c) => <input {...c} autoComplete="name" required className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Password" hint="at least 10 characters">
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              className={inputClass}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label="Repeat password">
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="new-password"
              required
              className={inputClass}
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          )}
        </Field>
        <ErrorText error={accept.error?.message} />
        <Button type="submit" variant="primary" size="lg" className="w-full" disabled={accept.isPending}>
          {owner ? "Create owner account" : "Create account"}
        </Button>
      </form>
    </AuthCard>
  );
}
