import Link from "next/link";

/** Previous / next links that keep the other query parameters. */
export function Pagination({ page, pageSize, total, basePath, params }: { page: number; pageSize: number; total: number; basePath: string; params: Record<string, string | undefined> }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (target: number) => {
    const search = new URLSearchParams(Object.entries({ ...params, page: String(target) }).filter((entry): entry is [string, string] => Boolean(entry[1])));
    return `${basePath}?${search.toString()}`;
  };
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-2 text-sm">
      {page > 1 ? <Link href={href(page - 1)} className="underline">Previous page</Link> : <span />}
      <span>
        Page {Math.min(page, pages)} of {pages} ({total} in all)
      </span>
      {page < pages ? <Link href={href(page + 1)} className="underline">Next page</Link> : <span />}
    </nav>
  );
}
