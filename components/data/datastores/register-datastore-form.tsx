"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keys } from "@/components/pipelines/queries";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { RegisterDatastoreRequest } from "@/lib/contracts/designer-api";

type Auth = "connection-string" | "sas" | "account-key";
const empty = { name: "", kind: "local" as "local" | "azure-blob", root: "", container: "", accountUrl: "", auth: "connection-string" as Auth, secret: "" };
type Form = typeof empty;

const requestBody = (form: Form): RegisterDatastoreRequest =>
  form.kind === "local"
    ? { name: form.name, kind: "local", root: form.root }
    : { name: form.name, kind: "azure-blob", container: form.container, accountUrl: form.accountUrl || undefined, auth: form.auth, secret: form.secret };

/** Registers a local folder or an Azure Blob container; the secret is sent once and never shown again. */
export function RegisterDatastoreForm() {
  const client = useQueryClient();
  const [form, setForm] = useState(empty);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const register = useMutation({
    mutationFn: () => api.registerDatastore({ body: requestBody(form) }),
    onSuccess: () => {
      // The secret is write-only: clear it from the page as soon as it is stored.
      setForm((f) => ({ ...f, name: "", secret: "" }));
      void client.invalidateQueries({ queryKey: keys.datastores });
    },
  });
  return (
    <form
      aria-label="Register a datastore"
      className="grid grid-cols-2 gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        register.mutate();
      }}
    >
      <Field label="Datastore name">{(c) => <input {...c} className={inputClass} value={form.name} onChange={(e) => set({ name: e.target.value })} required />}</Field>
      <Field label="Kind">
        {(c) => (
          <select {...c} className={inputClass} value={form.kind} onChange={(e) => set({ kind: e.target.value as Form["kind"] })}>
            <option value="local">Local folder</option>
            <option value="azure-blob">Azure Blob container</option>
          </select>
        )}
      </Field>
      {form.kind === "local" ? (
        <Field label="Folder" hint="absolute path on the server">
          {(c) => <input {...c} className={inputClass} value={form.root} onChange={(e) => set({ root: e.target.value })} required />}
        </Field>
      ) : (
        <AzureFields form={form} set={set} />
      )}
      <div className="col-span-2 flex items-center gap-2">
        <Button type="submit" variant="primary" disabled={register.isPending}>
          Register datastore
        </Button>
        {register.isSuccess ? <span role="status">Registered {register.data.name}</span> : null}
        <ErrorText error={register.error} />
      </div>
    </form>
  );
}

function AzureFields({ form, set }: { form: Form; set: (patch: Partial<Form>) => void }) {
  return (
    <>
      <Field label="Container">{(c) => <input {...c} className={inputClass} value={form.container} onChange={(e) => set({ container: e.target.value })} required />}</Field>
      <Field label="Account URL" hint="optional with a connection string">
        {(c) => <input {...c} className={inputClass} value={form.accountUrl} onChange={(e) => set({ accountUrl: e.target.value })} placeholder="https://myaccount.blob.core.windows.net" />}
      </Field>
      <Field label="Authentication">
        {(c) => (
          <select {...c} className={inputClass} value={form.auth} onChange={(e) => set({ auth: e.target.value as Auth })}>
            <option value="connection-string">Connection string</option>
            <option value="sas">SAS token</option>
            <option value="account-key">Account key</option>
          </select>
        )}
      </Field>
      <Field label="Secret" hint="write-only: stored on the server, never shown again">
        {(c) => <input {...c} type="password" autoComplete="off" className={inputClass} value={form.secret} onChange={(e) => set({ secret: e.target.value })} required />}
      </Field>
    </>
  );
}
