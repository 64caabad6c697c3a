"use client";

import { type ReactNode, useId, useMemo, useRef, useState } from "react";
import { Field, inputClass } from "./field";

/** One registered thing a Picker offers: a dataset, model, datastore, environment, compute target… */
export interface PickerOption {
  /** What is stored when chosen ("mnist", "mnist:2", "workspace"). */
  value: string;
  /** Shown as the option's title; default: value. */
  label?: string;
  /** "v3", "local", "azure-blob": a short tag after the title. */
  tag?: string;
  /** One line under the title. */
  description?: string;
}

export interface PickerProps {
  label: ReactNode;
  hint?: string;
  help?: string;
  errors?: readonly string[];
  value: string;
  options: readonly PickerOption[];
  onChange: (value: string) => void;
  placeholder?: string;
  /**
   * Typed text is kept as the value (a pinned "mnist:2", a datastore:// path); without it only a
   * listed option can be chosen and the text reverts on leaving the field.
   */
  allowCustom?: boolean;
  /** Shown when nothing is registered yet: where to register one. */
  emptyText?: ReactNode;
  /** Shown under the field for the current value (dataset files, a model's signature). */
  preview?: ReactNode;
  /** Still loading the options: says so instead of "no match". */
  loading?: boolean;
}

const matches = (o: PickerOption, query: string) => {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [o.value, o.label, o.tag, o.description].some((s) => s?.toLowerCase().includes(q));
};

/**
 * A searchable choice of registered things (ARIA 1.2 combobox with a listbox popup): typing
 * filters by name, tag and description; arrows move, Enter chooses, Escape closes. Each option
 * shows its version or kind and its description; `preview` shows what the chosen one holds.
 */
export function Picker(props: PickerProps) {
  const { value, options, onChange, allowCustom = false } = props;
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState<string | undefined>(undefined);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = query ?? value;
  const filtered = useMemo(() => options.filter((o) => matches(o, query ?? "")), [options, query]);
  const optionId = (i: number) => `${listId}-opt-${i}`;

  const choose = (o: PickerOption) => {
    onChange(o.value);
    setQuery(undefined);
    setOpen(false);
  };
  const close = () => {
    if (query !== undefined && allowCustom) onChange(query.trim());
    setQuery(undefined);
    setOpen(false);
  };

  return (
    <Field label={props.label} hint={props.hint} help={props.help} errors={props.errors}>
      {(c) => (
        <div>
          <div className="relative">
            <input
              {...c}
              ref={input}
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={open}
              aria-controls={listId}
              aria-activedescendant={open && filtered[active] ? optionId(active) : undefined}
              autoComplete="off"
              className={`${inputClass} pr-7`}
              value={shown}
              placeholder={props.placeholder ?? "Search…"}
              onFocus={() => setOpen(true)}
              onClick={() => setOpen(true)}
              onBlur={close}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
                setOpen(true);
                if (allowCustom) onChange(e.target.value);
              }}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown") {
                  setOpen(true);
                  setActive((a) => Math.min(a + 1, Math.max(filtered.length - 1, 0)));
                } else if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
                else if (e.key === "Enter" && open && filtered[active]) choose(filtered[active]);
                else if (e.key === "Escape" && open) {
                  setQuery(undefined);
                  setOpen(false);
                } else return;
                e.preventDefault();
                e.stopPropagation();
              }}
            />
            <span aria-hidden className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 pt-1 text-xs text-slate-500">
              ▾
            </span>
            <div
              id={listId}
              role="listbox"
              aria-label="Choices"
              hidden={!open}
              className="absolute z-30 mt-1 max-h-64 w-full overflow-auto rounded border border-slate-300 bg-white py-1 shadow-lg"
            >
              {filtered.map((o, i) => (
                <div
                  key={o.value}
                  id={optionId(i)}
                  role="option"
                  tabIndex={-1}
                  aria-selected={o.value === value}
                  className={`cursor-pointer px-2 py-1 text-sm ${i === active ? "bg-blue-50" : ""} ${o.value === value ? "font-medium" : ""}`}
                  // Chosen on mouse down, before the input's blur closes the list.
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(o);
                  }}
                  onMouseEnter={() => setActive(i)}
                >
                  <div className="flex items-baseline justify-between gap-2">
                    <span className="truncate">{o.label ?? o.value}</span>
                    {o.tag ? <span className="shrink-0 rounded bg-slate-100 px-1 text-xs text-slate-600">{o.tag}</span> : null}
                  </div>
                  {o.description ? <div className="truncate text-xs font-normal text-slate-500">{o.description}</div> : null}
                </div>
              ))}
              {filtered.length === 0 ? (
                <div className="px-2 py-1 text-xs text-slate-500">
                  {props.loading
                    ? "Loading…"
                    : options.length === 0
                      ? (props.emptyText ?? "Nothing registered yet")
                      : allowCustom
                        ? `No registered match: '${shown}' is kept as typed`
                        : "No match"}
                </div>
              ) : null}
            </div>
          </div>
          {props.preview ? <div className="mt-2">{props.preview}</div> : null}
        </div>
      )}
    </Field>
  );
}
