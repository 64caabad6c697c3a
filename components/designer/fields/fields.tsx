"use client";

import { useId, type ReactNode } from "react";
import type { FieldValue } from "@/lib/contracts/canvas";
import { isParamRef } from "@/lib/contracts/common";

export const inputClass = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-500";

export function FieldShell({ id, label, hint, help, errors, children }: { id: string; label: ReactNode; hint?: string; help?: string; errors?: string[]; children: ReactNode }) {
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">
        {label}
        {hint ? <span className="ml-1 font-normal text-slate-500">({hint})</span> : null}
      </label>
      {children}
      {help ? (
        <p id={`${id}-help`} className="mt-0.5 text-xs text-slate-500">
          {help}
        </p>
      ) : null}
      {errors?.map((e) => (
        <p key={e} id={`${id}-error`} className="mt-0.5 text-xs text-red-700">
          {e}
        </p>
      ))}
    </div>
  );
}

const describedBy = (id: string, help?: string, errors?: string[]) => [help ? `${id}-help` : "", errors?.length ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

export function TextField(props: { label: ReactNode; hint?: string; help?: string; errors?: string[]; value: string; onChange: (v: string) => void; placeholder?: string; list?: string }) {
  const id = useId();
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      <input
        id={id}
        className={inputClass}
        value={props.value}
        placeholder={props.placeholder}
        list={props.list}
        aria-invalid={props.errors?.length ? true : undefined}
        aria-describedby={describedBy(id, props.help, props.errors)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </FieldShell>
  );
}

export function SelectField(props: { label: ReactNode; hint?: string; help?: string; errors?: string[]; value: string; options: readonly { value: string; label: string }[]; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      <select id={id} className={inputClass} value={props.value} aria-invalid={props.errors?.length ? true : undefined} aria-describedby={describedBy(id, props.help, props.errors)} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField(props: { label: string; help?: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="text-sm">
      <label className="flex items-center gap-2 font-medium" htmlFor={id}>
        <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} aria-describedby={props.help ? `${id}-help` : undefined} />
        {props.label}
      </label>
      {props.help ? (
        <p id={`${id}-help`} className="text-xs text-slate-500">
          {props.help}
        </p>
      ) : null}
    </div>
  );
}

/** Typed text as the value to store: numbers become numbers so the contract sees what the user meant. */
export function parseTyped(text: string, kind: "int" | "number" | "size" | "text" | "enum" | "list"): FieldValue | string[] | undefined {
  if (text.trim() === "") return undefined;
  if (kind === "list") return text.split(",").map((s) => s.trim()).filter(Boolean);
  if ((kind === "int" || kind === "number" || kind === "size") && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim());
  return text;
}

export const shownValue = (value: unknown): string => (value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : isParamRef(value) ? "" : String(value));

/**
 * A field that holds a value or a binding to a pipeline parameter (Azure's PipelineParameter):
 * "Bind" swaps the input for a choice of the canvas's parameters.
 */
export function BindableField(props: {
  label: string;
  hint?: string;
  help?: string;
  errors?: string[];
  value: unknown;
  kind: "int" | "number" | "size" | "text" | "enum" | "list";
  options?: readonly string[];
  placeholder?: string;
  bindable: boolean;
  parameters: { name: string; type: string }[];
  onChange: (v: unknown) => void;
}) {
  const id = useId();
  const binding = isParamRef(props.value) ? props.value : undefined;
  const bound = binding !== undefined;
  const invalid = props.errors?.length ? true : undefined;
  const aria = describedBy(id, props.help, props.errors);
  let control: ReactNode;
  if (binding) {
    const current = binding.param;
    control = (
      <select id={id} className={inputClass} value={current} aria-invalid={invalid} aria-describedby={aria} onChange={(e) => props.onChange({ param: e.target.value })}>
        {props.parameters.some((p) => p.name === current) ? null : <option value={current}>{current || "(choose a parameter)"}</option>}
        {props.parameters.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name} ({p.type})
          </option>
        ))}
      </select>
    );
  } else if (props.kind === "enum") {
    control = (
      <select id={id} className={inputClass} value={shownValue(props.value)} aria-invalid={invalid} aria-describedby={aria} onChange={(e) => props.onChange(e.target.value || undefined)}>
        <option value="">{props.placeholder ? `default (${props.placeholder})` : "(choose)"}</option>
        {props.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        className={inputClass}
        inputMode={props.kind === "int" || props.kind === "number" ? "decimal" : undefined}
        value={shownValue(props.value)}
        placeholder={props.placeholder}
        aria-invalid={invalid}
        aria-describedby={aria}
        onChange={(e) => props.onChange(parseTyped(e.target.value, props.kind))}
      />
    );
  }
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      <div className="flex items-start gap-1">
        <div className="grow">{control}</div>
        {props.bindable ? (
          <button
            type="button"
            className="mt-1 rounded border border-slate-300 px-1.5 py-1 text-xs hover:bg-slate-100"
            aria-pressed={bound}
            aria-label={bound ? `Unbind ${props.label} from its pipeline parameter` : `Bind ${props.label} to a pipeline parameter`}
            onClick={() => props.onChange(bound ? undefined : { param: props.parameters[0]?.name ?? "" })}
          >
            {bound ? "Unbind" : "Bind"}
          </button>
        ) : null}
      </div>
    </FieldShell>
  );
}
