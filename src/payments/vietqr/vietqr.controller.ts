import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/decorators.js';
import { ErrorResponse } from '../../common/api-docs.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DecodeVietQrDto, EncodedVietQrDto, EncodeVietQrDto, QrImageQuery, QrSvgQuery, VietQrDecodedDto } from './dto/vietqr.dto.js';
import { QrImageService } from './qr-image.js';
import { type VietQrInput, decodeVietQr, encodeVietQr } from './vietqr.js';

const INVALID_PAYLOAD = 'Invalid payload: details name `payload` with the reason (CRC mismatch, malformed TLV, not a VietQR, …)';

@ApiTags('vietqr')
@Controller('vietqr')
export class VietQrController {
  constructor(
    private readonly qr: QrImageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Any EMVCo string is parsed and its CRC checked, but only a VietQR (tag 38 with NAPAS GUID
   * A000000727) decodes: another scheme (VNPAY-QR, a card-network QR…) is a 400 whose problem says
   * "not a VietQR" and lists the merchant-account GUIDs the payload does carry.
   */
  @Post('decode')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decode a VietQR payload',
    description:
      'Parses an EMVCo merchant-presented payload (strict TLV, CRC-16/CCITT-FALSE in tag 63) and reads the NAPAS VietQR fields. ' +
      'A valid EMVCo payload of another scheme is rejected with 400 "not a VietQR", naming the merchant-account GUIDs it carries.',
  })
  @ApiOkResponse({ type: VietQrDecodedDto })
  @ApiBadRequestResponse({ description: INVALID_PAYLOAD, type: ErrorResponse })
  decode(@Body() dto: DecodeVietQrDto): VietQrDecodedDto {
    return decodeVietQr(dto.payload);
  }

  @Post('encode')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Build a VietQR payload',
    description: 'Dynamic (with amountVnd) or static VietQR for a NAPAS 247 transfer to an account (QRIBFTTA) or a card (QRIBFTTC).',
  })
  @ApiOkResponse({ type: EncodedVietQrDto })
  @ApiBadRequestResponse({ description: 'Invalid input; every invalid field named in details', type: ErrorResponse })
  encode(@Body() dto: EncodeVietQrDto): EncodedVietQrDto {
    // null means "not given", like an absent field.
    const input = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== null && v !== undefined)) as unknown as VietQrInput;
    const payload = encodeVietQr(input);
    return { payload, qrImageUrl: `${this.config.publicBaseUrl}/vietqr/qr.png?payload=${encodeURIComponent(payload)}` };
  }

  @Get('qr.png')
  @Public()
  @ApiOperation({ summary: 'PNG image of a VietQR payload', description: 'The payload is decoded first: only a valid VietQR (CRC checked) is drawn.' })
  @ApiProduces('image/png')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({ description: 'The QR code (error correction M, 4-module quiet zone), with ETag and Cache-Control: private, max-age=300', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiBadRequestResponse({ description: INVALID_PAYLOAD, type: ErrorResponse })
  png(@Query() q: QrImageQuery, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    decodeVietQr(q.payload);
    return this.qr.sendQr(res, req, q.payload, 'png', { scale: q.scale });
  }

  @Get('qr.svg')
  @Public()
  @ApiOperation({ summary: 'SVG image of a VietQR payload', description: 'The payload is decoded first: only a valid VietQR (CRC checked) is drawn.' })
  @ApiProduces('image/svg+xml')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({ description: 'The QR code as SVG, with ETag and Cache-Control: private, max-age=300', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiBadRequestResponse({ description: INVALID_PAYLOAD, type: ErrorResponse })
  svg(@Query() q: QrSvgQuery, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    decodeVietQr(q.payload);
    return this.qr.sendQr(res, req, q.payload, 'svg');
  }
}
