"use client";

import { usePathname } from "next/navigation";

/** The main navigation; the section the page belongs to is marked (aria-current) and shown as such. */
export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const path = usePathname() ?? "/";
  return (
    <>
      {items.map((item) => {
        const current = path === item.href || path.startsWith(`${item.href}/`);
        return (
          <a
            key={item.href}
            href={item.href}
            aria-current={current ? "page" : undefined}
            className={
              current
                ? "font-medium text-slate-900 underline decoration-blue-500 decoration-2 underline-offset-8 dark:text-white"
                : "text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
            }
          >
            {item.label}
          </a>
        );
      })}
    </>
  );
}
