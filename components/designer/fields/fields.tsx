"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { type ControlProps, Field, inputClass } from "@/components/ui/field";
import type { FieldValue } from "@/lib/contracts/canvas";
import { isParamRef } from "@/lib/contracts/common";

export function TextField(props: {
  label: ReactNode;
  hint?: string;
  help?: string;
  errors?: string[];
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  list?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      {(c) => (
        <input
          {...c}
          className={inputClass}
          value={props.value}
          placeholder={props.placeholder}
          list={props.list}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function SelectField(props: {
  label: ReactNode;
  hint?: string;
  help?: string;
  errors?: string[];
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  return (
    <Field label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      {(c) => (
        <select {...c} className={inputClass} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Typed text as the value to store: numbers become numbers so the contract sees what the user meant. */
export function parseTyped(text: string, kind: "int" | "number" | "size" | "text" | "enum" | "list"): FieldValue | string[] | undefined {
  if (text.trim() === "") return undefined;
  if (kind === "list")
    return text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const t = text.trim();
  // Only a number JavaScript holds exactly becomes one: 99999999999999999999999 stays text, so the
  // range problem quotes it as typed instead of accepting 1e+23.
  if ((kind === "int" || kind === "number" || kind === "size") && /^-?\d+(\.\d+)?$/.test(t) && (t.includes(".") || Number.isSafeInteger(Number(t))))
    return Number(t);
  return text;
}

export const shownValue = (value: unknown): string =>
  value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : isParamRef(value) ? "" : String(value);

type BindableFieldProps = {
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
};

/**
 * A field that holds a value or a binding to a pipeline parameter (Azure's PipelineParameter):
 * "Bind" swaps the input for a choice of the canvas's parameters.
 */
export function BindableField(props: BindableFieldProps) {
  const bound = isParamRef(props.value);
  return (
    <Field label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      {(c) => (
        <div className="flex items-start gap-1">
          <div className="grow">
            <BindableControl control={c} {...props} />
          </div>
          {props.bindable ? (
            <Button
              size="sm"
              className="mt-1"
              aria-pressed={bound}
              aria-label={bound ? `Unbind ${props.label} from its pipeline parameter` : `Bind ${props.label} to a pipeline parameter`}
              onClick={() => props.onChange(bound ? undefined : { param: props.parameters[0]?.name ?? "" })}
            >
              {bound ? "Unbind" : "Bind"}
            </Button>
          ) : null}
        </div>
      )}
    </Field>
  );
}

/** The parameter choice when bound, else a select for an enum or a text input. */
function BindableControl({ control, value, kind, options, placeholder, parameters, onChange }: BindableFieldProps & { control: ControlProps }) {
  if (isParamRef(value)) {
    const current = value.param;
    return (
      <select {...control} className={inputClass} value={current} onChange={(e) => onChange({ param: e.target.value })}>
        {parameters.some((p) => p.name === current) ? null : <option value={current}>{current || "(choose a parameter)"}</option>}
        {parameters.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name} ({p.type})
          </option>
        ))}
      </select>
    );
  }
  if (kind === "enum") {
    return (
      <select {...control} className={inputClass} value={shownValue(value)} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{placeholder ? `default (${placeholder})` : "(choose)"}</option>
        {options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      {...control}
      className={inputClass}
      inputMode={kind === "int" || kind === "number" ? "decimal" : undefined}
      value={shownValue(value)}
      placeholder={placeholder}
      onChange={(e) => onChange(parseTyped(e.target.value, kind))}
    />
  );
}
