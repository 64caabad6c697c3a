"use client";

import { buttonClass } from "./button";

/** Previous / "page n of m" / Next for a list paged on the server; pages count from 1. */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  return (
    <>
      <button type="button" className={buttonClass({ size: "sm" })} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>
        page {page} of {pages}
      </span>
      <button type="button" className={buttonClass({ size: "sm" })} disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </>
  );
}
