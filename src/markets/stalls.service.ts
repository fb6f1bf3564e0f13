import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { type BankAccount, BanksService } from '../banks/banks.service.js';
import { validateAccountNumber } from '../banks/bank-account.js';
import { Conflict, type DomainError, type FieldProblem, InvalidInput, NotFound } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { decodeVietQr, encodeVietQr } from '../payments/vietqr/vietqr.js';
import type { CreateStallDto, ImportStallQrDto, StallDto, StallListQuery, UpdateStallDto } from './dto/stall.dto.js';
import { MarketsService } from './markets.service.js';
import { STALL_CATEGORY_LABELS_VI, type StallCategory, StallEntity, type StallStatus } from './stall.entity.js';

type StallFields = Omit<StallEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** The static VietQR (tag 01 = 11, no amount, no memo) of a stall's account; null when it has none. */
export function stallQrPayload(s: Pick<StallEntity, 'bankBin' | 'bankAccountNumber'>): string | null {
  if (!s.bankBin || !s.bankAccountNumber) return null;
  return encodeVietQr({ bankBin: s.bankBin, accountNumber: s.bankAccountNumber });
}

/** Stalls of a market: registry, bank accounts, import from a printed VietQR. */
@Injectable()
export class StallsService {
  constructor(
    @InjectRepository(StallEntity) private readonly repo: Repository<StallEntity>,
    private readonly markets: MarketsService,
    private readonly banks: BanksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(marketId: string, dto: CreateStallDto): Promise<StallDto> {
    await this.markets.get(marketId);
    const problems: FieldProblem[] = [];
    const account = dto.bankAccount ? this.normalizeAccount(dto.bankAccount, problems) : null;
    if (problems.length) throw new InvalidInput(problems);
    return this.insert({
      marketId,
      code: dto.code,
      vendorName: dto.vendorName,
      vendorPhone: dto.vendorPhone,
      category: dto.category as StallCategory,
      bankBin: account?.bankBin ?? null,
      bankAccountNumber: account?.accountNumber ?? null,
      bankAccountName: account?.accountName ?? null,
      status: (dto.status as StallStatus | undefined) ?? 'active',
    });
  }

  /**
   * Registers a stall from the VietQR its vendor already displays. The account (BIN + number) is
   * read from the payload; the holder's name from `accountName`, else from tag 59 (merchant name).
   */
  async importQr(marketId: string, dto: ImportStallQrDto): Promise<StallDto> {
    await this.markets.get(marketId);
    const problems: FieldProblem[] = [];
    let decoded: ReturnType<typeof decodeVietQr> | undefined;
    try {
      decoded = decodeVietQr(dto.payload.trim());
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      problems.push(...(e.details ?? [{ field: 'payload', problem: e.message }]));
    }
    let account: BankAccount | null = null;
    if (decoded) {
      const service = decoded.serviceCode;
      if (service !== undefined && service !== 'QRIBFTTA') {
        problems.push({
          field: 'payload',
          problem:
            service === 'QRIBFTTC'
              ? 'this VietQR pays a card number (service QRIBFTTC), not a bank account: ask the vendor for the QR of their account'
              : `this VietQR is a ${service} code (merchant/cash service), not a transfer to a bank account (QRIBFTTA)`,
        });
      } else if (service === undefined && decoded.merchantCategoryCode !== undefined) {
        // NAPAS account-transfer codes carry no merchant category; one without a service code but
        // with tag 52 is a merchant payment code whose "account" is a merchant id.
        problems.push({
          field: 'payload',
          problem: `this VietQR is a merchant payment code (merchant category ${decoded.merchantCategoryCode}, no service QRIBFTTA), not a transfer to a bank account`,
        });
      } else if (!this.banks.byBinOrUndefined(decoded.bankBin)) {
        problems.push({ field: 'payload', problem: `the bank BIN ${decoded.bankBin} in the payload (tag 38.01.00) is not in the NAPAS bank list (GET /banks)` });
      } else {
        const numberProblem = validateAccountNumber(decoded.accountNumber);
        if (numberProblem) problems.push({ field: 'payload', problem: `the account number "${decoded.accountNumber}" in the payload (tag 38.01.01) ${numberProblem}` });
      }
      const name = dto.accountName ?? decoded.merchantName;
      if (name === undefined) {
        problems.push({ field: 'accountName', problem: 'is required: this payload carries no merchant name (tag 59)' });
      } else if (!problems.length) {
        account = this.normalizeAccount(
          { bankBin: decoded.bankBin, accountNumber: decoded.accountNumber, accountName: name },
          problems,
          dto.accountName !== undefined ? 'payload+accountName' : 'payload',
        );
      }
    }
    if (problems.length || !account) throw new InvalidInput(problems);
    return this.insert({
      marketId,
      code: dto.code,
      vendorName: dto.vendorName,
      vendorPhone: dto.vendorPhone ?? null,
      category: dto.category as StallCategory,
      bankBin: account.bankBin,
      bankAccountNumber: account.accountNumber,
      bankAccountName: account.accountName,
      status: (dto.status as StallStatus | undefined) ?? 'active',
    }, 'payload');
  }

  async update(id: string, dto: UpdateStallDto): Promise<StallDto> {
    const current = await this.get(id);
    const problems: FieldProblem[] = [];
    const fields: Partial<StallFields> = {};
    if (dto.code !== undefined) fields.code = dto.code;
    if (dto.vendorName !== undefined) fields.vendorName = dto.vendorName;
    if (dto.vendorPhone !== undefined) fields.vendorPhone = dto.vendorPhone;
    if (dto.category !== undefined) fields.category = dto.category as StallCategory;
    if (dto.status !== undefined) fields.status = dto.status as StallStatus;
    if (dto.bankAccount === null) {
      fields.bankBin = fields.bankAccountNumber = fields.bankAccountName = null;
    } else if (dto.bankAccount !== undefined) {
      const account = this.normalizeAccount(dto.bankAccount, problems);
      if (account) {
        fields.bankBin = account.bankBin;
        fields.bankAccountNumber = account.accountNumber;
        fields.bankAccountName = account.accountName;
      }
    }
    if (problems.length) throw new InvalidInput(problems);
    if (Object.keys(fields).length) {
      try {
        await this.repo.update({ id }, fields);
      } catch (e) {
        throw this.mapConflict(e, { ...current, ...fields });
      }
    }
    return this.view(await this.get(id));
  }

  async get(id: string): Promise<StallEntity> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw new NotFound('Stall', id);
    return row;
  }

  async getView(id: string): Promise<StallDto> {
    return this.view(await this.get(id));
  }

  /** Stalls of a market by code (keyset on the code, unique in the market). */
  async list(marketId: string, q: StallListQuery): Promise<Page<StallDto>> {
    await this.markets.get(marketId);
    const limit = pageLimit(q.limit);
    const qb = this.repo
      .createQueryBuilder('s')
      .where('s.market_id = :marketId', { marketId })
      .orderBy('s.code COLLATE "C"', 'ASC') // byte order: the same under any database locale, like the cursor below
      .limit(limit + 1);
    if (q.category) qb.andWhere('s.category = :c', { c: q.category });
    if (q.status) qb.andWhere('s.status = :st', { st: q.status });
    if (q.qrEnabled === 'true') qb.andWhere('s.bank_account_number IS NOT NULL');
    if (q.qrEnabled === 'false') qb.andWhere('s.bank_account_number IS NULL');
    if (q.codePrefix) qb.andWhere("s.code LIKE :prefix ESCAPE '\\'", { prefix: `${q.codePrefix.trim().toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    if (q.cursor) {
      const [code] = decodeCursor(q.cursor, ['s']);
      qb.andWhere('s.code COLLATE "C" > :code', { code });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => this.view(r), (r) => [r.code]);
  }

  /** Every stall of a market (for cards and statistics), by code. */
  async allOfMarket(marketId: string, opts: { qrEnabledOnly?: boolean; status?: StallStatus } = {}): Promise<StallEntity[]> {
    const qb = this.repo.createQueryBuilder('s').where('s.market_id = :marketId', { marketId }).orderBy('s.code COLLATE "C"', 'ASC');
    if (opts.qrEnabledOnly) qb.andWhere('s.bank_account_number IS NOT NULL');
    if (opts.status) qb.andWhere('s.status = :st', { st: opts.status });
    return qb.getMany();
  }

  /**
   * The stalls to print QR cards for, by code: the given ones (each of this market and with a bank
   * account, else a 400 naming it), or every active QR-enabled stall.
   */
  async forCards(marketId: string, ids?: string[]): Promise<StallEntity[]> {
    if (!ids) return this.allOfMarket(marketId, { qrEnabledOnly: true, status: 'active' });
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const found = await this.repo.createQueryBuilder('s').where('s.market_id = :marketId AND s.id IN (:...ids)', { marketId, ids: wanted }).orderBy('s.code COLLATE "C"', 'ASC').getMany();
    const missing = wanted.filter((id) => !found.some((s) => s.id === id));
    if (missing.length) throw InvalidInput.field('stallIds', `not stalls of this market: ${missing.join(', ')}`);
    const noQr = found.filter((s) => !stallQrPayload(s));
    if (noQr.length) throw InvalidInput.field('stallIds', `these stalls have no bank account, so no QR code to print: ${noQr.map((s) => s.code).join(', ')}`);
    return found;
  }

  view(s: StallEntity): StallDto {
    const qrPayload = stallQrPayload(s);
    return {
      id: s.id,
      marketId: s.marketId,
      code: s.code,
      vendorName: s.vendorName,
      vendorPhone: s.vendorPhone,
      category: s.category,
      categoryLabel: STALL_CATEGORY_LABELS_VI[s.category],
      bankAccount:
        s.bankBin && s.bankAccountNumber && s.bankAccountName
          ? {
              bankBin: s.bankBin,
              bankName: this.banks.byBinOrUndefined(s.bankBin)?.shortName ?? s.bankBin,
              accountNumber: s.bankAccountNumber,
              accountName: s.bankAccountName,
            }
          : null,
      qrEnabled: qrPayload !== null,
      status: s.status,
      qrPayload,
      qrImageUrl: qrPayload ? `${this.config.publicBaseUrl}/stalls/${s.id}/qr.png` : null,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }

  bankName(bin: string): string {
    return this.banks.byBinOrUndefined(bin)?.shortName ?? bin;
  }

  private async insert(fields: StallFields, accountField?: string): Promise<StallDto> {
    try {
      const saved = await this.repo.save(this.repo.create(fields));
      return this.view(saved);
    } catch (e) {
      throw this.mapConflict(e, fields, accountField);
    }
  }

  /**
   * Validates an account (BIN in the NAPAS list, 6–19 digits, holder name as banks print it).
   * Problems name `bankAccount.*`, or for an imported QR: `payload` (BIN, number and a tag-59 name
   * came from it) and `accountName` (when the name came from that field).
   */
  private normalizeAccount(input: BankAccount, problems: FieldProblem[], origin: 'bankAccount' | 'payload' | 'payload+accountName' = 'bankAccount'): BankAccount | null {
    const r = this.banks.normalizeAccount(input);
    for (const p of r.problems) {
      const sub = p.field.replace('bankAccount.', '');
      if (origin === 'bankAccount') problems.push(p);
      else if (sub === 'accountName' && origin === 'payload+accountName') problems.push({ field: 'accountName', problem: p.problem });
      else problems.push({ field: 'payload', problem: `${sub} from the payload ${p.problem}` });
    }
    return r.value ?? null;
  }

  private mapConflict(e: unknown, fields: Pick<StallFields, 'code' | 'bankBin' | 'bankAccountNumber'>, accountField = 'bankAccount.accountNumber'): unknown {
    const driver = e instanceof QueryFailedError ? (e as QueryFailedError & { driverError: { constraint?: string } }).driverError : undefined;
    let err: DomainError | undefined;
    if (driver?.constraint === 'stalls_market_code_key') {
      err = new Conflict(`A stall with code ${fields.code} already exists in this market`, 'duplicate_stall_code', [
        { field: 'code', problem: `${fields.code} is already used in this market` },
      ]);
    } else if (driver?.constraint === 'stalls_bank_account_key') {
      err = new Conflict(`Another stall already uses bank account ${fields.bankAccountNumber} (BIN ${fields.bankBin})`, 'duplicate_stall_account', [
        { field: accountField, problem: 'is already the account of another stall: a bank credit must name exactly one stall' },
      ]);
    }
    return err ?? e;
  }
}
