"use client";

import { useState } from "react";
import type { EnvironmentJson } from "@/lib/contracts/environment";
import { useEnvironmentDetail, useEnvironments } from "./queries";

const stateStyle: Record<EnvironmentJson["build"]["state"], string> = {
  built: "bg-emerald-50 text-emerald-800 border-emerald-200",
  "not built": "bg-slate-50 text-slate-700 border-slate-200",
  failed: "bg-red-50 text-red-800 border-red-200",
};

/** Registered environments: their packages, Node version and this machine's build, with its log. */
export function EnvironmentList() {
  const { data } = useEnvironments();
  if (data && data.environments.length === 0)
    return <p className="text-sm text-slate-500">No environment yet: register one below when an entry script needs npm packages.</p>;
  return (
    <ul className="space-y-3 text-sm" aria-label="Environments">
      {data?.environments.map((e) => (
        <EnvironmentItem key={e.id} env={e} />
      ))}
    </ul>
  );
}

function EnvironmentItem({ env }: { env: EnvironmentJson }) {
  const [open, setOpen] = useState(false);
  const detail = useEnvironmentDetail(`${env.name}:${env.version}`, open);
  const deps = Object.entries(env.dependencies);
  return (
    <li className="rounded border border-slate-200 p-3" aria-label={`Environment ${env.name}:${env.version}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">
          {env.name}:{env.version}
        </span>
        <span className="text-slate-500">
          Node.js {env.nodeMajor} · {env.packageCount} package{env.packageCount === 1 ? "" : "s"} installed
        </span>
        <span className={`rounded border px-1.5 py-0.5 text-xs ${stateStyle[env.build.state]}`} title={env.build.message}>
          {env.build.state}
          {env.build.sizeBytes !== undefined ? ` · ${(env.build.sizeBytes / 1024 ** 2).toFixed(1)} MB` : ""}
        </span>
        {env.description ? <span className="text-slate-600">{env.description}</span> : null}
      </div>
      <ul className="mt-2 flex flex-wrap gap-1" aria-label={`Packages of ${env.name}`}>
        {deps.map(([name, version]) => (
          <li key={name} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">
            {name}@{version}
            {env.trustedScripts.includes(name) ? <span title="install scripts allowed"> ⚙</span> : null}
          </li>
        ))}
      </ul>
      {env.build.state === "failed" && env.build.message ? <p className="mt-1 text-xs text-red-700">{env.build.message}</p> : null}
      {Object.keys(env.variables).length > 0 ? <p className="mt-1 text-xs text-slate-500">Variables: {Object.keys(env.variables).join(", ")}</p> : null}
      <details className="mt-2" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary className="cursor-pointer text-xs text-blue-700">Build log on this machine</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
          {detail.isLoading ? "Loading…" : (detail.data?.buildLog ?? "Not built on this machine yet: the first run that uses it builds it.")}
        </pre>
      </details>
    </li>
  );
}
