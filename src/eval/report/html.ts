/** HTML pieces of the report: page shell, tables, number formatting. No scripts, no external resources. */
import { escapeXml } from './charts.js';

/** Formats a metric; null/NaN/undefined print as an en dash. */
export function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

/** Formats a fraction as a percentage. */
export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

/** Identifier-safe slug. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

/**
 * Makes display names distinct: the second and later copies of a name get ` (2)`, ` (3)`, ...
 * (skipping suffixes another name already uses), so legends and chart categories never merge
 * two experiments. Order and length are kept.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let out = n;
    for (let k = 2; used.has(out) || (out !== n && names.includes(out)); k++) out = `${n} (${k})`;
    used.add(out);
    return out;
  });
}

/**
 * Hands out element ids for one page: `slug(key)`, or `slug(key)-2`, `-3`, ... when that id is
 * taken (by an earlier key or by `reserved`), so no two keys share an id even when their names
 * slug alike ("a b" and "a-b") or repeat.
 */
export function idAllocator(reserved: Iterable<string> = []): (key: string) => string {
  const used = new Set(reserved);
  return (key) => {
    const base = slug(key);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    return id;
  };
}

/** A table with a header row; cells are escaped unless they are marked raw. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, options: { id?: string; caption?: string; numericFrom?: number } = {}): string {
  const from = options.numericFrom ?? 1;
  const head = headers.map((h, i) => `<th${i >= from ? ' class="num"' : ''}>${escapeXml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= from ? ' class="num"' : ''}>${escapeXml(String(c))}</td>`).join('')}</tr>`).join('\n');
  const id = options.id !== undefined ? ` id="${escapeXml(options.id)}"` : '';
  const caption = options.caption !== undefined ? `<caption>${escapeXml(options.caption)}</caption>` : '';
  return `<table${id}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A figure wrapping an inline SVG. */
export function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85;font-size:13px}
main{padding:8px 32px 48px;max-width:1200px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:12px 20px;margin:18px 0}
h2{font-size:19px;margin:8px 0 12px;border-bottom:1px solid #eee;padding-bottom:6px}
h3{font-size:16px;margin:18px 0 8px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #eee;padding:4px 10px;text-align:left}
th{background:#f3f5f8}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}
figcaption{font-size:12px;color:#666;margin-top:4px}
.note{color:#666;font-size:13px}
`;

/** The whole page. */
export function page(title: string, subtitle: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeXml(title)}</h1><p>${escapeXml(subtitle)}</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}
