"use client";

import { environmentKeys } from "@/components/data/environments/queries";
import { Button } from "@/components/ui/button";
import { Picker, type PickerOption } from "@/components/ui/picker";
import { api } from "@/lib/contracts/api/client";
import { isParamRef, parseVersionedName } from "@/lib/contracts/common";
import type { EnvironmentJson } from "@/lib/contracts/environment";
import { CONFIG_FIELDS } from "@/lib/pipeline/config-fields";
import { useQuery } from "@tanstack/react-query";
import { BindableField } from "./fields";

const NONE = "";

/**
 * A step's environment: a picker of registered environments (with their packages), none, or a
 * binding to a pipeline parameter.
 */
export function EnvironmentField({
  value,
  parameters,
  errors,
  onChange,
}: {
  value: unknown;
  parameters: { name: string; type: string }[];
  errors: string[];
  onChange: (v: unknown) => void;
}) {
  const meta = CONFIG_FIELDS.environment;
  const { data, isLoading } = useQuery({ queryKey: environmentKeys.list, queryFn: () => api.listEnvironments() });
  if (isParamRef(value))
    return (
      <BindableField
        label={meta.label}
        hint="environment"
        help={meta.help}
        value={value}
        kind="text"
        bindable
        parameters={parameters}
        errors={errors}
        onChange={onChange}
      />
    );
  const environments = data?.environments ?? [];
  const options: PickerOption[] = [
    { value: NONE, label: "None", description: "only the script folder's and the studio's packages" },
    ...environments.map((e) => ({
      value: e.name,
      tag: `v${e.version} · ${e.build.state}`,
      description: Object.entries(e.dependencies)
        .map(([n, v]) => `${n}@${v}`)
        .join(" "),
    })),
  ];
  const current = typeof value === "string" ? value : "";
  const chosen = environments.find((e) => e.name === parseVersionedName(current).name);
  return (
    <div className="space-y-1">
      <Picker
        label={meta.label}
        hint="environment, name or name:version"
        help={meta.help}
        errors={errors}
        value={current}
        options={options}
        loading={isLoading}
        allowCustom
        placeholder="None"
        emptyText={
          <>
            No environment registered yet: add one on{" "}
            <a className="text-blue-700 underline" href="/data">
              Data &amp; models
            </a>
          </>
        }
        onChange={(v) => onChange(v === NONE ? undefined : v)}
        preview={chosen ? <EnvironmentPreview env={chosen} /> : null}
      />
      <Button
        size="sm"
        aria-label="Bind Environment to a pipeline parameter"
        onClick={() => onChange({ param: parameters.find((p) => p.type === "string")?.name ?? "" })}
      >
        Bind to a parameter
      </Button>
    </div>
  );
}

function EnvironmentPreview({ env }: { env: EnvironmentJson }) {
  return (
    <section className="rounded border border-slate-200 bg-slate-50 p-2 text-xs" aria-label={`Packages of environment ${env.name}`}>
      <p className="font-medium">
        {env.name} v{env.version} · Node.js {env.nodeMajor} · {env.build.state}
      </p>
      <ul className="mt-1 flex flex-wrap gap-1">
        {Object.entries(env.dependencies).map(([n, v]) => (
          <li key={n} className="rounded bg-white px-1.5 py-0.5 font-mono">
            {n}@{v}
          </li>
        ))}
      </ul>
    </section>
  );
}
