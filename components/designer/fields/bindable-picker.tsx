"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { isParamRef } from "@/lib/contracts/common";
import { BindableField } from "./fields";

/** A field whose value is typed, picked or bound to a pipeline parameter ({ param }). */
export interface BoundValueProps {
  value: unknown;
  parameters: { name: string; type: string }[];
  errors: string[];
  onChange: (v: unknown) => void;
}

/**
 * A picker of registered things that can instead be bound to a string pipeline parameter: bound,
 * it shows the parameter choice (with Unbind); unbound, the picker and "Bind to a parameter".
 */
export function BindablePicker({
  label,
  hint,
  help,
  value,
  parameters,
  errors,
  onChange,
  picker,
}: BoundValueProps & {
  label: string;
  hint?: string;
  help?: string;
  /** The picker for an unbound value (given as text). */
  picker: (current: string) => ReactNode;
}) {
  if (isParamRef(value))
    return (
      <BindableField label={label} hint={hint} help={help} value={value} kind="text" bindable parameters={parameters} errors={errors} onChange={onChange} />
    );
  return (
    <div className="space-y-1">
      {picker(typeof value === "string" ? value : "")}
      <Button
        size="sm"
        aria-label={`Bind ${label} to a pipeline parameter`}
        onClick={() => onChange({ param: parameters.find((p) => p.type === "string")?.name ?? "" })}
      >
        Bind to a parameter
      </Button>
    </div>
  );
}
