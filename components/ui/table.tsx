"use client";

import { createContext, useContext, type ReactNode, type TdHTMLAttributes } from "react";

export interface Column {
  label: ReactNode;
  align?: "left" | "right";
}

/**
 * plain: rows on a page or panel, grey headers, no frame. inset: the same inside a card whose
 * heading is indented (first and last columns line up with it). framed: a table that is the card.
 */
export type TableVariant = "plain" | "inset" | "framed";

const styles: Record<TableVariant, { table: string; head: string; header: string; row: string; cell: string }> = {
  plain: {
    table: "",
    head: "text-left text-slate-500",
    header: "font-normal",
    row: "border-t border-slate-100 align-top",
    cell: "px-2 py-1 first:pl-0 last:pr-0",
  },
  inset: {
    table: "",
    head: "text-left text-slate-500",
    header: "font-normal",
    row: "border-t border-slate-100 align-top",
    cell: "px-2 py-1 first:pl-4 last:pr-4",
  },
  framed: {
    table: "rounded border border-slate-200 bg-white",
    head: "bg-slate-100 text-left",
    header: "",
    row: "border-t border-slate-200 align-top",
    cell: "p-2",
  },
};

const TableStyle = createContext(styles.plain);

export interface TableProps {
  columns: readonly (string | Column)[];
  /** The accessible name when there is no visible caption. */
  label?: string;
  caption?: ReactNode;
  variant?: TableVariant;
  size?: "sm" | "xs";
  /** Shown as one full-width row after the rows (e.g. "No pipelines yet"). */
  empty?: ReactNode;
  /** The rows: `<Row>` elements. */
  children?: ReactNode;
}

/** The table markup every list in the app uses: header from `columns`, rows as children. */
export function Table({ columns, label, caption, variant = "plain", size = "sm", empty, children }: TableProps) {
  const style = styles[variant];
  const text = size === "xs" ? "text-xs" : "text-sm";
  return (
    <TableStyle.Provider value={style}>
      <table aria-label={label} className={["w-full", text, style.table].filter(Boolean).join(" ")}>
        {caption ? <caption className="text-left font-medium">{caption}</caption> : null}
        <thead className={style.head}>
          <tr>
            {columns.map((c, i) => {
              const column = typeof c === "string" ? { label: c } : c;
              return (
                <th key={i} className={[style.cell, style.header, column.align === "right" ? "text-right" : ""].filter(Boolean).join(" ")}>
                  {column.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty ? (
            <tr>
              <td colSpan={columns.length} className="p-4 text-slate-600">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </TableStyle.Provider>
  );
}

export function Row({ children }: { children: ReactNode }) {
  return <tr className={useContext(TableStyle).row}>{children}</tr>;
}

export interface CellProps extends TdHTMLAttributes<HTMLTableCellElement> {
  /** Right-aligned figures of equal width. */
  numeric?: boolean;
  mono?: boolean;
}

export function Cell({ numeric, mono, className, ...props }: CellProps) {
  const style = useContext(TableStyle);
  return <td className={[style.cell, numeric ? "text-right tabular-nums" : "", mono ? "font-mono" : "", className].filter(Boolean).join(" ")} {...props} />;
}
