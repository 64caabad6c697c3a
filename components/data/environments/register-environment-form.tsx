"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { LockedEnvironmentJson } from "@/lib/contracts/environment";
import { environmentKeys } from "./queries";

type Mode = "files" | "dependencies";

/** "name=value" lines into an object; a line without '=' is an error naming it. */
function parseLines(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`${what}: write NAME=value, got '${line.slice(0, 80)}'`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** "sharp@0.35.0" or "@scope/pkg@^1" per line (a bare name: the latest version). */
function parseDependencies(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.lastIndexOf("@");
    const [name, version] = at > 0 ? [line.slice(0, at), line.slice(at + 1)] : [line, "latest"];
    out[name] = version || "latest";
  }
  return out;
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Registers an environment: upload package.json and package-lock.json, or type the dependencies
 * and let the studio lock them with npm (the exact versions are shown before registering).
 */
export function RegisterEnvironmentForm() {
  const client = useQueryClient();
  const [mode, setMode] = useState<Mode>("dependencies");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [files, setFiles] = useState<{ packageJson?: File; packageLock?: File }>({});
  const [dependencies, setDependencies] = useState("");
  const [locked, setLocked] = useState<LockedEnvironmentJson>();
  const [trusted, setTrusted] = useState("");
  const [variables, setVariables] = useState("");
  const [nodeMajor, setNodeMajor] = useState("");

  const lock = useMutation({
    mutationFn: () => api.lockEnvironment({ body: { dependencies: parseDependencies(dependencies) } }),
    onSuccess: (data) => setLocked(data),
  });
  const register = useMutation({
    mutationFn: async () => {
      const content =
        mode === "files"
          ? { packageJson: await read(files.packageJson, "package.json"), packageLock: await read(files.packageLock, "package-lock.json") }
          : locked
            ? { packageJson: locked.packageJson, packageLock: locked.packageLock }
            : undefined;
      if (!content) throw new Error("Lock the dependencies first (Lock with npm), or upload package.json and package-lock.json");
      return api.registerEnvironment({
        body: {
          name,
          description: description || undefined,
          ...content,
          nodeMajor: nodeMajor ? Number(nodeMajor) : undefined,
          variables: parseLines(variables, "Variables"),
          trustedScripts: list(trusted),
        },
      });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: environmentKeys.list }),
  });

  return (
    <form
      aria-label="Register an environment"
      className="grid grid-cols-2 gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        register.mutate();
      }}
    >
      <Field label="Environment name">{(c) => <input {...c} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
      <Field label="Description">{(c) => <input {...c} className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
      <fieldset className="col-span-2 text-sm">
        <legend className="font-medium">Packages</legend>
        <div className="mt-1 flex gap-4">
          <label className="flex items-center gap-1">
            <input type="radio" name="env-mode" checked={mode === "dependencies"} onChange={() => setMode("dependencies")} /> Type the dependencies
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="env-mode" checked={mode === "files"} onChange={() => setMode("files")} /> Upload package.json and package-lock.json
          </label>
        </div>
      </fieldset>
      {mode === "dependencies" ? (
        <div className="col-span-2 grid grid-cols-2 gap-3">
          <Field label="Dependencies" hint="one per line: name@version or range" help="The studio runs npm install --package-lock-only against the registry and pins exact versions.">
            {(c) => (
              <textarea
                {...c}
                className={`${inputClass} font-mono`}
                rows={4}
                placeholder={"sharp@0.35.0\nis-number@^7"}
                value={dependencies}
                onChange={(e) => {
                  setDependencies(e.target.value);
                  setLocked(undefined);
                }}
              />
            )}
          </Field>
          <div className="text-sm">
            <Button type="button" onClick={() => lock.mutate()} disabled={lock.isPending || !dependencies.trim()}>
              {lock.isPending ? "Locking…" : "Lock with npm"}
            </Button>
            <ErrorText error={lock.error} />
            {locked ? (
              <div role="status" className="mt-2">
                <p className="font-medium">Locked versions</p>
                <ul className="mt-1 flex flex-wrap gap-1">
                  {Object.entries(locked.dependencies).map(([n, v]) => (
                    <li key={n} className="rounded bg-emerald-50 px-1.5 py-0.5 font-mono text-xs text-emerald-900">
                      {n}@{v}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        </div>
      ) : (
        <>
          <Field label="package.json">
            {(c) => <input {...c} type="file" accept=".json,application/json" className="mt-1 text-sm" onChange={(e) => setFiles((f) => ({ ...f, packageJson: e.target.files?.[0] }))} />}
          </Field>
          <Field label="package-lock.json">
            {(c) => <input {...c} type="file" accept=".json,application/json" className="mt-1 text-sm" onChange={(e) => setFiles((f) => ({ ...f, packageLock: e.target.files?.[0] }))} />}
          </Field>
        </>
      )}
      <Field label="Trusted install scripts" hint="package names" help="Only these packages may run install scripts (e.g. sharp); every other package installs without them.">
        {(c) => <input {...c} className={inputClass} value={trusted} onChange={(e) => setTrusted(e.target.value)} placeholder="sharp" />}
      </Field>
      <Field label="Node.js major version" hint="default: this studio's">
        {(c) => <input {...c} className={inputClass} inputMode="numeric" value={nodeMajor} onChange={(e) => setNodeMajor(e.target.value.replace(/\D/g, ""))} />}
      </Field>
      <Field label="Environment variables" hint="NAME=value, one per line">
        {(c) => <textarea {...c} className={`${inputClass} font-mono`} rows={2} value={variables} onChange={(e) => setVariables(e.target.value)} />}
      </Field>
      <div className="col-span-2 flex items-center gap-2">
        <Button type="submit" variant="primary" disabled={register.isPending}>
          Register environment
        </Button>
        <ErrorText error={register.error} />
        {register.data ? (
          <span role="status" className="text-sm">
            Registered {register.data.name}:{register.data.version} · {register.data.build.state}
          </span>
        ) : null}
      </div>
    </form>
  );
}

async function read(file: File | undefined, what: string): Promise<string> {
  if (!file) throw new Error(`Choose the ${what} file`);
  return file.text();
}
