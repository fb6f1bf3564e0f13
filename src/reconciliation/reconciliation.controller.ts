import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { prefersCsv, receiveFile } from '../common/http.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import { assertCooperativeAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiConflict, ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { InvalidInput, Unauthorized, Unavailable } from '../common/errors.js';
import { PageQuery } from '../common/pagination.js';
import { UuidParam } from '../common/uuid-param.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { BanksService } from '../banks/banks.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { BankTransactionsService } from './bank-transactions.service.js';
import { parseSepayNotification } from './feeds/providers/sepay.js';
import {
  BalanceDto,
  BankTransactionDetailDto,
  BankTransactionPageDto,
  BankWebhookDto,
  CooperativeTransferPageDto,
  CooperativeTransferQuery,
  LedgerJournalPageDto,
  ManualMatchDto,
  ReasonDto,
  ReportDto,
  ReportQuery,
  StatementImportDto,
  StatementImportQuery,
  UnmatchedQuery,
  WebhookAckDto,
} from './dto/reconciliation.dto.js';
import { ReconciliationService } from './reconciliation.service.js';
import { StatementImportService } from './statement-import.service.js';
import type { StatementFormat } from './statements/index.js';

/** Largest statement file. */
const STATEMENT_MAX_BYTES = 1024 * 1024 * 1024;

@ApiTags('reconciliation')
@Controller()
export class ReconciliationController {
  private readonly webhookKeyHash?: Buffer;

  constructor(
    private readonly txns: BankTransactionsService,
    private readonly reconciliation: ReconciliationService,
    private readonly ledger: LedgerService,
    private readonly banks: BanksService,
    private readonly imports: StatementImportService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (config.bankWebhookApiKey) this.webhookKeyHash = createHash('sha256').update(config.bankWebhookApiKey).digest();
  }

  @Post('webhooks/bank-transactions')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bank-notification webhook (SePay-style); answers 2xx only once the transaction is stored',
    description: 'Authorization: Apikey <BANK_WEBHOOK_API_KEY>. A redelivery of the same gateway + id stores nothing new and answers 200.',
  })
  @ApiSecurity('bank-webhook-apikey')
  @ApiBody({ type: BankWebhookDto })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiInvalid()
  @ApiUnauthorizedResponse({ description: 'missing or wrong Apikey; nothing stored', type: ErrorResponse })
  @ApiServiceUnavailableResponse({ description: 'BANK_WEBHOOK_API_KEY is not configured', type: ErrorResponse })
  async bankWebhook(@Headers('authorization') auth: string | undefined, @Body() body: unknown): Promise<WebhookAckDto> {
    this.checkWebhookKey(auth);
    // The SePay feed's parser: the same body, the same transaction identity (so a transfer reported
    // here and through a SePay bank feed is stored once).
    const parsed = parseSepayNotification(body ?? {});
    if (parsed.kind === 'invalid') throw new InvalidInput(parsed.problems, 'Invalid bank notification');
    if (parsed.kind !== 'transactions') throw new InvalidInput([{ field: 'body', problem: 'carries no transaction' }]);
    const { bankName, ...t } = parsed.transactions[0];
    const result = await this.txns.recordOne({ ...t, bankBin: this.banks.byName(bankName)?.bin ?? null });
    return result.duplicate ? { success: true, duplicate: true } : { success: true, id: result.id!, duplicate: false };
  }

  private checkWebhookKey(auth: string | undefined): void {
    if (!this.webhookKeyHash) throw new Unavailable('The bank webhook is not configured (BANK_WEBHOOK_API_KEY)');
    const m = /^Apikey\s+(\S+)\s*$/i.exec(auth ?? '');
    const presented = createHash('sha256').update(m ? m[1] : '').digest();
    if (!m || !timingSafeEqual(presented, this.webhookKeyHash)) throw new Unauthorized('Authorization must be "Apikey <BANK_WEBHOOK_API_KEY>"');
  }

  @Post('reconciliation/statements')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Import a bank statement (CSV, camt.053/054, MT940), streamed; 202 with an import id (?wait=true: 201 when done)',
    description: 'Every line is validated first: a bad file is a 400 naming the line and changes nothing. Importing the same file again adds nothing.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ type: StatementImportDto })
  @ApiCreatedResponse({ type: StatementImportDto })
  @ApiInvalid()
  async importStatement(
    @Req() req: FastifyRequest,
    @Query() q: StatementImportQuery,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<StatementImportDto> {
    const upload = await receiveFile(req, { maxBytes: STATEMENT_MAX_BYTES, to: 'disk' });
    const file = { path: upload.path!, originalname: upload.filename, size: upload.size };
    const result = await this.imports.start(p, file, { accountNumber: q.accountNumber, format: q.format as StatementFormat | undefined, encoding: q.encoding, wait: q.wait === 'true' });
    res.status(result.status);
    return result.body;
  }

  @Get('reconciliation/statements/:id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Progress and counts of a statement import' })
  @ApiOkResponse({ type: StatementImportDto })
  @ApiMissing()
  statementImport(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<StatementImportDto> {
    return this.imports.get(p, id);
  }

  @Get('reconciliation/unmatched')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Incoming transfers nothing matched (a cooperative sees those to its account)' })
  @ApiOkResponse({ type: BankTransactionPageDto })
  @ApiInvalid()
  unmatched(@Query() q: UnmatchedQuery, @CurrentPrincipal() p: Principal): Promise<BankTransactionPageDto> {
    return this.reconciliation.unmatched(p, q);
  }

  @Get('reconciliation/transactions/:id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'A bank transaction with its audit trail of manual decisions' })
  @ApiOkResponse({ type: BankTransactionDetailDto })
  @ApiMissing()
  transaction(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<BankTransactionDetailDto> {
    return this.reconciliation.get(p, id);
  }

  @Post('reconciliation/transactions/:id/match')
  @Roles('admin', 'cooperative')
  @HttpCode(200)
  @ApiOperation({ summary: 'Match an unmatched transfer to an order by hand (audited)' })
  @ApiOkResponse({ type: BankTransactionDetailDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflict('not unmatched, or the order is not on the credited account')
  match(@Param('id', UuidParam()) id: string, @Body() dto: ManualMatchDto, @CurrentPrincipal() p: Principal): Promise<BankTransactionDetailDto> {
    return this.reconciliation.match(p, id, dto.orderId, dto.reason);
  }

  @Post('reconciliation/transactions/:id/ignore')
  @Roles('admin', 'cooperative')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set an unmatched transfer aside with a reason (audited)' })
  @ApiOkResponse({ type: BankTransactionDetailDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflict('not unmatched')
  ignore(@Param('id', UuidParam()) id: string, @Body() dto: ReasonDto, @CurrentPrincipal() p: Principal): Promise<BankTransactionDetailDto> {
    return this.reconciliation.ignore(p, id, dto.reason);
  }

  @Post('reconciliation/transactions/:id/reopen')
  @Roles('admin', 'cooperative')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reverse the last manual decision by a new audited one' })
  @ApiOkResponse({ type: BankTransactionDetailDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflict('no manual decision to reverse, or the match already settled the order')
  reopen(@Param('id', UuidParam()) id: string, @Body() dto: ReasonDto, @CurrentPrincipal() p: Principal): Promise<BankTransactionDetailDto> {
    return this.reconciliation.reopen(p, id, dto.reason);
  }

  @Get('reconciliation/report')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Expected vs received for a business day, each discrepancy with its reason (JSON or Accept: text/csv)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ReportDto })
  @ApiInvalid()
  @ApiMissing()
  async report(
    @Query() q: ReportQuery,
    @CurrentPrincipal() p: Principal,
    @Req() req: FastifyRequest,
  ): Promise<ReportDto | StreamableFile> {
    if (prefersCsv(req)) {
      const stream = await this.reconciliation.reportCsv(p, q.date, q.cooperativeId);
      return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="reconciliation-${q.date}.csv"` });
    }
    return this.reconciliation.report(p, q.date, q.cooperativeId);
  }

  @Get('cooperatives/:id/balance')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'What the platform holds for and owes to a cooperative (from the ledger)' })
  @ApiOkResponse({ type: BalanceDto })
  @ApiMissing()
  balance(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<BalanceDto> {
    assertCooperativeAccess(p, id);
    return this.ledger.cooperativeBalance(id);
  }

  @Get('cooperatives/:id/transfers')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: "Incoming transfers to the cooperative's account, newest first, with what became of each (outcome, order)",
    description: 'From every source (bank webhooks and feeds, statements). `outcome=unmatched` is the same queue as GET /reconciliation/unmatched for this account.',
  })
  @ApiOkResponse({ type: CooperativeTransferPageDto })
  @ApiInvalid()
  @ApiMissing()
  async transfers(@Param('id', UuidParam()) id: string, @Query() q: CooperativeTransferQuery, @CurrentPrincipal() p: Principal): Promise<CooperativeTransferPageDto> {
    assertCooperativeAccess(p, id);
    return this.reconciliation.transfersOfCooperative(id, q);
  }

  @Get('cooperatives/:id/ledger')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: "The cooperative's ledger journals, newest first, each with its balanced lines (what GET /cooperatives/:id/balance sums)" })
  @ApiOkResponse({ type: LedgerJournalPageDto })
  @ApiInvalid()
  @ApiMissing()
  async ledgerJournals(@Param('id', UuidParam()) id: string, @Query() q: PageQuery, @CurrentPrincipal() p: Principal): Promise<LedgerJournalPageDto> {
    assertCooperativeAccess(p, id);
    return this.reconciliation.ledgerOfCooperative(id, q);
  }
}
