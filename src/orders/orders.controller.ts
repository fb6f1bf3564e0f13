import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import { assertCooperativeAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { validateIdempotencyKey } from '../common/idempotency.js';
import { UuidParam } from '../common/uuid-param.js';
import { QrImageService } from '../payments/vietqr/qr-image.js';
import { CheckoutDto } from './dto/checkout.dto.js';
import { CheckoutResponseDto, OrderDto, OrderListQuery, OrderPageDto, OrderTokenQuery, TransitionDto } from './dto/order.dto.js';
import { CooperativeRefundPageDto, CreateRefundDto, RefundDto, RefundListQuery } from './dto/refund.dto.js';
import { OrdersService } from './orders.service.js';
import { RefundsService } from './refunds.service.js';

export const ORDER_TOKEN_HEADER = 'x-order-token';

@ApiTags('checkout and orders')
@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly refunds: RefundsService,
    private readonly qr: QrImageService,
  ) {}

  @Post('checkout')
  @Public()
  @ApiOperation({
    summary: 'Check out a cart: one order per cooperative, stock reserved atomically',
    description: 'A repeat with the same Idempotency-Key and body returns the first response; the same key with another body is 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1–255 printable ASCII characters, e.g. a UUID' })
  @ApiCreatedResponse({ type: CheckoutResponseDto })
  @ApiInvalid()
  @ApiConflictResponse({ description: 'out of stock, not purchasable, or Idempotency-Key reused with another body', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'a product of the cart does not exist', type: ErrorResponse })
  @ApiServiceUnavailableResponse({ description: 'card: the payment provider is unavailable (nothing was charged); or a code could not be allocated: retry', type: ErrorResponse })
  async checkout(@Body() dto: CheckoutDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<CheckoutResponseDto> {
    const result = await this.orders.checkout(dto, validateIdempotencyKey(key));
    res.status(result.status);
    return result.body;
  }

  @Get('orders/:id')
  @Public()
  @ApiOperation({ summary: 'An order: for the buyer (token), its cooperative or an admin' })
  @ApiHeader({ name: 'X-Order-Token', required: false })
  @ApiOkResponse({ type: OrderDto })
  @ApiForbiddenResponse({ description: 'the token does not match the order, or the key is not its cooperative\'s', type: ErrorResponse })
  @ApiMissing()
  get(
    @Param('id', UuidParam()) id: string,
    @Query() q: OrderTokenQuery,
    @Headers(ORDER_TOKEN_HEADER) headerToken: string | undefined,
    @CurrentPrincipal() p: Principal | undefined,
  ): Promise<OrderDto> {
    return this.orders.getForCaller(id, headerToken ?? q.token, p);
  }

  @Get(['orders/:id/qr.png', 'orders/:id/qr.svg'])
  @Public()
  @ApiOperation({ summary: 'The order\'s dynamic VietQR as PNG or SVG (order token, its cooperative or an admin); ETag, 304' })
  @ApiProduces('image/png', 'image/svg+xml')
  @ApiHeader({ name: 'X-Order-Token', required: false })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({
    description: 'the dynamic VietQR of the order (PNG for qr.png, SVG for qr.svg); ETag, Cache-Control',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/svg+xml': { schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiForbiddenResponse({ description: 'the token does not match the order, or the key is not its cooperative\'s', type: ErrorResponse })
  @ApiMissing()
  async qrImage(
    @Param('id', UuidParam()) id: string,
    @Query() q: OrderTokenQuery,
    @Headers(ORDER_TOKEN_HEADER) headerToken: string | undefined,
    @CurrentPrincipal() p: Principal | undefined,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const payload = await this.orders.qrPayloadForCaller(id, headerToken ?? q.token, p);
    await this.qr.sendQr(res, req, payload, req.url.split('?')[0].endsWith('.svg') ? 'svg' : 'png');
  }

  @Post('orders/:id/transitions')
  @Roles('admin', 'cooperative')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move an order along its state machine (illegal → 409)' })
  @ApiOkResponse({ type: OrderDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'illegal transition', type: ErrorResponse })
  transition(@Param('id', UuidParam()) id: string, @Body() dto: TransitionDto, @CurrentPrincipal() p: Principal): Promise<OrderDto> {
    return this.orders.transition(id, dto.to, p, dto.reason);
  }

  @Post('orders/:id/refunds')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Refund an order: card → a Stripe refund; VietQR → a refund owed by bank transfer (Idempotency-Key)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: RefundDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'nothing left to refund, or Idempotency-Key reused with another body', type: ErrorResponse })
  async refund(
    @Param('id', UuidParam()) id: string,
    @Body() dto: CreateRefundDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<RefundDto> {
    const result = await this.refunds.refund(p, id, { amountVnd: dto.amountVnd, reason: dto.reason }, validateIdempotencyKey(key));
    res.status(result.status);
    return result.body;
  }

  @Get('cooperatives/:id/orders')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: "A cooperative's orders, newest first, optionally by status" })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiInvalid()
  @ApiMissing()
  list(@Param('id', UuidParam()) id: string, @Query() q: OrderListQuery, @CurrentPrincipal() p: Principal): Promise<OrderPageDto> {
    assertCooperativeAccess(p, id);
    return this.orders.listForCooperative(id, q);
  }

  @Get('cooperatives/:id/refunds')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: "A cooperative's refunds, newest first; status=owed lists what it still has to pay back to buyers by bank transfer" })
  @ApiOkResponse({ type: CooperativeRefundPageDto })
  @ApiInvalid()
  @ApiMissing()
  refundsOfCooperative(@Param('id', UuidParam()) id: string, @Query() q: RefundListQuery, @CurrentPrincipal() p: Principal): Promise<CooperativeRefundPageDto> {
    assertCooperativeAccess(p, id);
    return this.refunds.listForCooperative(id, q);
  }
}
