import { Injectable } from '@nestjs/common';
import { foldVietnamese } from '../common/vn-text.js';
import communesData from './data/communes.json' with { type: 'json' };
import provincesData from './data/provinces.json' with { type: 'json' };

export interface Province {
  code: string;
  name: string;
  fullName: string;
  nameEn: string;
  type: 'city' | 'province';
}

export interface Commune {
  code: string;
  name: string;
  fullName: string;
  provinceCode: string;
  type: 'ward' | 'commune' | 'special_zone';
}

/** Vietnam's two-level administration since 1 July 2025 (34 provinces, 3,321 communes); see data/SOURCES.md. */
@Injectable()
export class RegionsService {
  private readonly provinces = provincesData as Province[];
  private readonly provinceByCode = new Map(this.provinces.map((p) => [p.code, p]));
  private readonly communeByCode = new Map((communesData as Commune[]).map((c) => [c.code, c]));
  private readonly communesByProvince = new Map<string, Commune[]>();

  constructor() {
    for (const c of communesData as Commune[]) {
      const list = this.communesByProvince.get(c.provinceCode) ?? [];
      list.push(c);
      this.communesByProvince.set(c.provinceCode, list);
    }
  }

  listProvinces(): Province[] {
    return this.provinces;
  }

  province(code: string): Province | undefined {
    return this.provinceByCode.get(code);
  }

  commune(code: string): Commune | undefined {
    return this.communeByCode.get(code);
  }

  /** Communes of a province, optionally filtered by a diacritic-insensitive name fragment. */
  communesOf(provinceCode: string, q?: string): Commune[] | undefined {
    const list = this.communesByProvince.get(provinceCode);
    if (!list || !q) return list;
    const needle = foldVietnamese(q);
    return list.filter((c) => foldVietnamese(c.fullName).includes(needle));
  }

  /** Problems with a province/commune pair, for validation messages (empty when valid). */
  checkLocation(provinceCode: string, communeCode: string, prefix = ''): Array<{ field: string; problem: string }> {
    const problems: Array<{ field: string; problem: string }> = [];
    if (!this.provinceByCode.has(provinceCode)) {
      problems.push({ field: `${prefix}provinceCode`, problem: `unknown province code "${provinceCode}" (see GET /regions/provinces)` });
      return problems;
    }
    const commune = this.communeByCode.get(communeCode);
    if (!commune) {
      problems.push({ field: `${prefix}communeCode`, problem: `unknown commune code "${communeCode}" (see GET /regions/provinces/${provinceCode}/communes)` });
    } else if (commune.provinceCode !== provinceCode) {
      problems.push({ field: `${prefix}communeCode`, problem: `commune ${communeCode} (${commune.fullName}) is not in province ${provinceCode}` });
    }
    return problems;
  }
}
