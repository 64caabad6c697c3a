import type { ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "subtle";
export type ButtonSize = "sm" | "md" | "lg";

const base = "rounded disabled:cursor-not-allowed disabled:opacity-50";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-blue-600 font-medium text-white hover:bg-blue-700",
  secondary: "border border-slate-300 bg-white hover:bg-slate-100",
  danger: "border border-slate-300 bg-white text-red-700 hover:bg-red-50",
  // Reads as a link: actions inside tables and messages.
  subtle: "text-blue-700 hover:underline",
};

const sizes: Record<ButtonSize, string> = {
  sm: "px-2 py-0.5 text-xs",
  md: "px-2 py-1 text-sm",
  lg: "px-3 py-1.5 text-sm",
};

/** The classes of a button, for elements that look like one without being one (a download link). */
export function buttonClass({
  variant = "secondary",
  size = "md",
  className,
}: {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
} = {}): string {
  const box = variant === "subtle" ? "" : `${base} ${sizes[size]}`;
  return [box, variants[variant], className].filter(Boolean).join(" ");
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

/** A button that is `type="button"` unless told otherwise, so it never submits a form by accident. */
export function Button({ variant, size, className, type = "button", ...props }: ButtonProps) {
  return <button type={type} className={buttonClass({ variant, size, className })} {...props} />;
}
