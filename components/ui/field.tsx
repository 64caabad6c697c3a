import { useId, type ReactNode } from "react";

/** The look of a text input or select inside a Field; an invalid control gets a red border. */
export const inputClass = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-500";

/** What a Field's control spreads onto itself so the label, help and errors are linked to it. */
export interface ControlProps {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

export interface FieldProps {
  label: ReactNode;
  /** Short and beside the label, in brackets: "(absolute path on the server)". */
  hint?: string;
  /** A sentence under the control. */
  help?: string;
  errors?: readonly string[];
  children: (control: ControlProps) => ReactNode;
}

/**
 * A label, its control, help text and problems. The control is a render function that receives
 * the id and aria attributes, so any input, select or composite control is labelled the same way.
 */
export function Field({ label, hint, help, errors, children }: FieldProps) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : "", errors?.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  const control: ControlProps = { id, ...(errors?.length ? { "aria-invalid": true } : {}), ...(describedBy ? { "aria-describedby": describedBy } : {}) };
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">
        {label}
        {hint ? <span className="ml-1 font-normal text-slate-500">({hint})</span> : null}
      </label>
      {children(control)}
      {help ? (
        <p id={`${id}-help`} className="mt-0.5 text-xs text-slate-500">
          {help}
        </p>
      ) : null}
      {errors?.length ? (
        <div id={`${id}-error`} className="mt-0.5 text-xs text-red-700">
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** A checkbox with its label on the right and optional help under it. */
export function CheckboxField({ label, help, checked, onChange }: { label: ReactNode; help?: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="text-sm">
      <label className="flex items-center gap-2 font-medium" htmlFor={id}>
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={help ? `${id}-help` : undefined} />
        {label}
      </label>
      {help ? (
        <p id={`${id}-help`} className="text-xs text-slate-500">
          {help}
        </p>
      ) : null}
    </div>
  );
}
