"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import { AuthCard } from "./auth-card";

/** Email and password; on success the browser goes where it was headed (a path on this site). */
export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => api.signIn({ body: { email, password } }),
    onSuccess: () => window.location.assign(next),
  });
  return (
    <AuthCard title="Sign in to Parallel Run Studio" subtitle="No account yet? Ask an admin for an invite link.">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate();
        }}
      >
        <Field label="Email">
          {(c) => (
            <input {...c} type="email" autoComplete="username" required className={inputClass} value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label="Password">
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="current-password"
              required
              className={inputClass}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <ErrorText error={signIn.error?.message} />
        <Button type="submit" variant="primary" size="lg" className="w-full" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </AuthCard>
  );
}
