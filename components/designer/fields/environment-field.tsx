"use client";

import { environmentKeys } from "@/components/data/environments/queries";
import { Picker, type PickerOption } from "@/components/ui/picker";
import { api } from "@/lib/contracts/api/client";
import { parseVersionedName } from "@/lib/contracts/common";
import type { EnvironmentJson } from "@/lib/contracts/environment";
import { CONFIG_FIELDS } from "@/lib/pipeline/config-fields";
import { useQuery } from "@tanstack/react-query";
import { BindablePicker, type BoundValueProps } from "./bindable-picker";

const NONE = "";

/**
 * A step's environment: a picker of registered environments (with their packages), none, or a
 * binding to a pipeline parameter.
 */
export function EnvironmentField({ value, parameters, errors, onChange }: BoundValueProps) {
  const meta = CONFIG_FIELDS.environment;
  const { data, isLoading } = useQuery({ queryKey: environmentKeys.list, queryFn: () => api.listEnvironments() });
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
  return (
    <BindablePicker
      label={meta.label}
      hint="environment"
      help={meta.help}
      value={value}
      parameters={parameters}
      errors={errors}
      onChange={onChange}
      picker={(current) => {
        const chosen = environments.find((e) => e.name === parseVersionedName(current).name);
        return (
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
        );
      }}
    />
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
