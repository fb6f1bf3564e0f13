import { apiResponse } from './api.js';

/** The file name of a Content-Disposition header (filename* first), or `fallback`. */
export function dispositionName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** Fetches a file with headers (e.g. the manager's key) and saves it through a temporary blob URL. */
export async function download(path: string, headers: Record<string, string>, fallbackName: string): Promise<string> {
  const res = await apiResponse(path, { headers });
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}
