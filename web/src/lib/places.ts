import { api } from './api.js';

interface Place {
  code: string;
  fullName: string;
}

/** "Phường Buôn Ma Thuột, Tỉnh Đắk Lắk" from the reference data (best effort). */
export async function placeName(provinceCode: string, communeCode: string): Promise<string | null> {
  try {
    const [provinces, communes] = await Promise.all([
      api<{ items: Place[] }>('/regions/provinces'),
      api<{ items: Place[] }>(`/regions/provinces/${encodeURIComponent(provinceCode)}/communes`),
    ]);
    const p = provinces.items.find((x) => x.code === provinceCode);
    const c = communes.items.find((x) => x.code === communeCode);
    return p && c ? `${c.fullName}, ${p.fullName}` : null;
  } catch {
    return null;
  }
}
