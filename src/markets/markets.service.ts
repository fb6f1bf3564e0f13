import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { InvalidInput, NotFound } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CreateMarketDto, MarketDto, UpdateMarketDto } from './dto/market.dto.js';
import { MarketEntity } from './market.entity.js';

/** Markets: the registry (create, read, update). Stalls, transactions and statistics have their own services. */
@Injectable()
export class MarketsService {
  constructor(
    @InjectRepository(MarketEntity) private readonly repo: Repository<MarketEntity>,
    private readonly regions: RegionsService,
  ) {}

  async create(dto: CreateMarketDto): Promise<MarketDto> {
    this.checkLocation(dto.provinceCode, dto.communeCode);
    const saved = await this.repo.save(
      this.repo.create({ name: dto.name, provinceCode: dto.provinceCode, communeCode: dto.communeCode, address: dto.address }),
    );
    return this.view(saved);
  }

  async update(id: string, dto: UpdateMarketDto): Promise<MarketDto> {
    const current = await this.get(id);
    const next = {
      name: dto.name ?? current.name,
      provinceCode: dto.provinceCode ?? current.provinceCode,
      communeCode: dto.communeCode ?? current.communeCode,
      address: dto.address ?? current.address,
    };
    this.checkLocation(next.provinceCode, next.communeCode);
    await this.repo.update({ id }, next);
    return this.view(await this.get(id));
  }

  async get(id: string): Promise<MarketEntity> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw new NotFound('Market', id);
    return row;
  }

  async getView(id: string): Promise<MarketDto> {
    return this.view(await this.get(id));
  }

  /** Newest first, keyset-paginated; filters by province and commune. */
  async list(q: { limit?: number; cursor?: string; provinceCode?: string; communeCode?: string }): Promise<Page<MarketDto>> {
    const limit = pageLimit(q.limit);
    const qb = this.repo.createQueryBuilder('m').orderBy('m.created_at', 'DESC').addOrderBy('m.id', 'DESC').limit(limit + 1);
    if (q.provinceCode) qb.andWhere('m.province_code = :p', { p: q.provinceCode });
    if (q.communeCode) qb.andWhere('m.commune_code = :c', { c: q.communeCode });
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['t', 'u']);
      qb.andWhere('(m.created_at, m.id) < (:t::timestamptz, :id::uuid)', { t, id });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => this.view(r), (r) => [r.createdAt.toISOString(), r.id]);
  }

  view(m: MarketEntity): MarketDto {
    return {
      id: m.id,
      name: m.name,
      provinceCode: m.provinceCode,
      provinceName: this.regions.province(m.provinceCode)?.fullName ?? m.provinceCode,
      communeCode: m.communeCode,
      communeName: this.regions.commune(m.communeCode)?.fullName ?? m.communeCode,
      address: m.address,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }

  private checkLocation(provinceCode: string, communeCode: string): void {
    const problems = this.regions.checkLocation(provinceCode, communeCode);
    if (problems.length) throw new InvalidInput(problems);
  }
}
