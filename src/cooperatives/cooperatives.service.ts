import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, QueryFailedError, type Repository } from 'typeorm';
import type { BankAccount } from '../banks/banks.service.js';
import { BanksService } from '../banks/banks.service.js';
import { Conflict, type FieldProblem, InvalidInput, NotFound } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { RegionsService } from '../regions/regions.service.js';
import { CooperativeEntity, type CooperativeKind } from './cooperative.entity.js';
import type { CooperativeDto, CreateCooperativeDto, UpdateCooperativeDto } from './dto/cooperative.dto.js';
import { validateTaxCode } from './tax-code.js';

type Listener = (cooperativeId: string) => Promise<void>;

@Injectable()
export class CooperativesService {
  private readonly changeListeners: Listener[] = [];

  constructor(
    @InjectRepository(CooperativeEntity) private readonly repo: Repository<CooperativeEntity>,
    private readonly regions: RegionsService,
    private readonly banks: BanksService,
  ) {}

  /** Other modules (the catalog's search text) react to a cooperative's name or province changing. */
  onSearchFieldsChanged(listener: Listener): void {
    this.changeListeners.push(listener);
  }

  async create(dto: CreateCooperativeDto): Promise<CooperativeDto> {
    const fields = this.validate(dto);
    try {
      const saved = await this.repo.save(this.repo.create(fields));
      return this.view(saved);
    } catch (e) {
      throw this.mapConflict(e, fields.taxCode);
    }
  }

  async update(id: string, dto: UpdateCooperativeDto, opts: { mayChangeTaxCode: boolean }): Promise<CooperativeDto> {
    const current = await this.get(id);
    if (dto.taxCode !== undefined && dto.taxCode !== current.taxCode && !opts.mayChangeTaxCode) {
      throw InvalidInput.field('taxCode', 'only an admin may change the tax code');
    }
    // null removes the phone or the email (UpdateCooperativeDto); absent keeps them.
    const keep = <T>(given: T | null | undefined, stored: T | null) => (given === null ? undefined : (given ?? stored ?? undefined));
    const merged: CreateCooperativeDto = {
      name: dto.name ?? current.name,
      kind: dto.kind ?? current.kind,
      taxCode: dto.taxCode ?? current.taxCode,
      provinceCode: dto.provinceCode ?? current.provinceCode,
      communeCode: dto.communeCode ?? current.communeCode,
      address: dto.address ?? current.address,
      phone: keep(dto.phone, current.phone),
      email: keep(dto.email, current.email),
      bankAccount: dto.bankAccount ?? {
        bankBin: current.bankBin,
        accountNumber: current.bankAccountNumber,
        accountName: current.bankAccountName,
      },
    };
    const fields = this.validate(merged);
    try {
      await this.repo.update({ id }, fields);
    } catch (e) {
      throw this.mapConflict(e, fields.taxCode);
    }
    if (fields.name !== current.name || fields.provinceCode !== current.provinceCode) {
      for (const l of this.changeListeners) await l(id);
    }
    return this.view(await this.get(id));
  }

  async get(id: string): Promise<CooperativeEntity> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw new NotFound('Cooperative', id);
    return row;
  }

  async getView(id: string): Promise<CooperativeDto> {
    return this.view(await this.get(id));
  }

  /**
   * Cooperatives by id, in one query (callers avoid N+1). Inside a transaction pass its manager: a
   * second pool connection taken while holding row locks can deadlock the pool under load.
   */
  async getMany(ids: string[], manager?: EntityManager): Promise<Map<string, CooperativeEntity>> {
    if (!ids.length) return new Map();
    const repo = manager ? manager.getRepository(CooperativeEntity) : this.repo;
    const rows = await repo.createQueryBuilder('c').where('c.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The account a cooperative is paid on. */
  payoutAccount(c: CooperativeEntity): BankAccount {
    return { bankBin: c.bankBin, accountNumber: c.bankAccountNumber, accountName: c.bankAccountName };
  }

  async list(q: { limit?: number; cursor?: string; provinceCode?: string; kind?: string }): Promise<Page<CooperativeDto>> {
    const limit = pageLimit(q.limit);
    const qb = this.repo.createQueryBuilder('c').orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1);
    if (q.provinceCode) qb.andWhere('c.province_code = :p', { p: q.provinceCode });
    if (q.kind) qb.andWhere('c.kind = :k', { k: q.kind });
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['t', 'u']);
      qb.andWhere('(c.created_at, c.id) < (:t::timestamptz, :id::uuid)', { t, id });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => this.view(r), (r) => [r.createdAt.toISOString(), r.id]);
  }

  view(c: CooperativeEntity): CooperativeDto {
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      taxCode: c.taxCode,
      provinceCode: c.provinceCode,
      provinceName: this.regions.province(c.provinceCode)?.fullName ?? c.provinceCode,
      communeCode: c.communeCode,
      communeName: this.regions.commune(c.communeCode)?.fullName ?? c.communeCode,
      address: c.address,
      phone: c.phone,
      email: c.email,
      bankAccount: {
        bankBin: c.bankBin,
        bankName: this.banks.byBinOrUndefined(c.bankBin)?.shortName ?? c.bankBin,
        accountNumber: c.bankAccountNumber,
        accountName: c.bankAccountName,
      },
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }

  /** Every rule a cooperative must satisfy; all problems reported at once. */
  private validate(dto: CreateCooperativeDto): Omit<CooperativeEntity, 'id' | 'createdAt' | 'updatedAt'> {
    const problems: FieldProblem[] = [];
    const tax = validateTaxCode(dto.taxCode);
    if (!tax.ok) problems.push({ field: 'taxCode', problem: tax.problem });
    problems.push(...this.regions.checkLocation(dto.provinceCode, dto.communeCode));
    const account = this.banks.normalizeAccount(dto.bankAccount);
    problems.push(...account.problems);
    if (problems.length || !tax.ok || !account.value) throw new InvalidInput(problems);
    return {
      name: dto.name,
      kind: dto.kind as CooperativeKind,
      taxCode: tax.normalized,
      provinceCode: dto.provinceCode,
      communeCode: dto.communeCode,
      address: dto.address,
      phone: dto.phone ?? null,
      email: dto.email?.toLowerCase() ?? null,
      bankBin: account.value.bankBin,
      bankAccountNumber: account.value.accountNumber,
      bankAccountName: account.value.accountName,
    };
  }

  private mapConflict(e: unknown, taxCode: string): unknown {
    const driver = e instanceof QueryFailedError ? (e as QueryFailedError & { driverError: { constraint?: string } }).driverError : undefined;
    if (driver?.constraint === 'cooperatives_tax_code_key') {
      return new Conflict(`A cooperative with tax code ${taxCode} already exists`, 'duplicate_tax_code', [
        { field: 'taxCode', problem: 'is already registered' },
      ]);
    }
    return e;
  }
}
