import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators.js';
import { BanksService } from './banks.service.js';

class BankDto {
  @ApiProperty({ example: '970436', description: 'NAPAS BIN, used in VietQR codes' }) bin!: string;
  @ApiProperty({ example: 'VCB' }) code!: string;
  @ApiProperty({ example: 'Vietcombank' }) shortName!: string;
  @ApiProperty({ example: 'Ngân hàng TMCP Ngoại Thương Việt Nam' }) name!: string;
  @ApiPropertyOptional({ example: 'BFTVVNVX' }) swiftCode?: string;
}
class BankListDto {
  @ApiProperty({ type: [BankDto] }) items!: BankDto[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: the whole list fits one page' }) nextCursor!: null;
}

@ApiTags('reference data')
@Public()
@Controller('banks')
export class BanksController {
  constructor(private readonly banks: BanksService) {}

  @Get()
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: 'The NAPAS bank list (BIN, short name, name)' })
  @ApiOkResponse({ type: BankListDto })
  list(): BankListDto {
    return { items: this.banks.list(), nextCursor: null };
  }
}
