import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDay } from '../../common/dto.js';
import { STALL_CATEGORIES } from '../stall.entity.js';
import { GRANULARITIES } from '../market-stats.js';

const DATE_RULE = (f: string) => IsCalendarDay({ message: `${f} must be a calendar date written YYYY-MM-DD` });
const SHARE = 'fraction 0–1, rounded half-up to 4 decimals; null when the denominator is 0';

export class StatsQuery {
  @ApiPropertyOptional({ example: '2026-03-01', description: 'first Asia/Ho_Chi_Minh day, inclusive (default: 29 days before `to`)' })
  @IsOptional()
  @DATE_RULE('from')
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last Asia/Ho_Chi_Minh day, inclusive (default: today). At most 1100 days in all.' })
  @IsOptional()
  @DATE_RULE('to')
  to?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day', description: 'time-series buckets: days, ISO weeks (Monday–Sunday) or calendar months' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: string;

  @ApiPropertyOptional({
    enum: ['series', 'categories', 'stalls'],
    default: 'series',
    description: 'with Accept: text/csv, which table to export: the time series, the category breakdown, or every stall (not only the top 10)',
  })
  @IsOptional()
  @IsIn(['series', 'categories', 'stalls'])
  section?: string;
}

export class RankingQuery {
  @ApiPropertyOptional({ example: '66', description: 'markets of this province (admins may omit it: all markets)' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'first day, inclusive (default: 29 days before `to`)' })
  @IsOptional()
  @DATE_RULE('from')
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last day, inclusive (default: today)' })
  @IsOptional()
  @DATE_RULE('to')
  to?: string;
}

export class FiguresDto {
  @ApiProperty({ example: 120 }) qrCount!: number;
  @ApiProperty({ example: 5400000 }) qrValueVnd!: number;
  @ApiProperty({ example: 10 }) cardCount!: number;
  @ApiProperty({ example: 900000 }) cardValueVnd!: number;
  @ApiProperty({ example: 70 }) cashCount!: number;
  @ApiProperty({ example: 2100000 }) cashValueVnd!: number;
  @ApiProperty({ example: 130, description: 'qr + card' }) cashlessCount!: number;
  @ApiProperty({ example: 6300000, description: 'qr + card' }) cashlessValueVnd!: number;
  @ApiProperty({ example: 200 }) transactionCount!: number;
  @ApiProperty({ example: 8400000 }) valueVnd!: number;
  @ApiProperty({ example: 0.65, nullable: true, type: Number, description: `cashlessCount / transactionCount: ${SHARE}` }) cashlessShareByCount!: number | null;
  @ApiProperty({ example: 0.75, nullable: true, type: Number, description: `cashlessValueVnd / valueVnd: ${SHARE}` }) cashlessShareByValue!: number | null;
}

export class SeriesPointDto extends FiguresDto {
  @ApiProperty({ example: '2026-W09', description: 'YYYY-MM-DD (day), YYYY-Www (ISO week), YYYY-MM (month)' }) period!: string;
  @ApiProperty({ example: '2026-03-01', description: 'first day of the bucket inside the period' }) from!: string;
  @ApiProperty({ example: '2026-03-01', description: 'last day of the bucket inside the period' }) to!: string;
}

export class StallCountsDto {
  @ApiProperty({ example: 40, description: 'stalls with status active (the registry today)' }) total!: number;
  @ApiProperty({ example: 2, description: 'stalls with status inactive (not counted elsewhere in this block)' }) inactive!: number;
  @ApiProperty({ example: 34, description: 'active stalls with a bank account' }) qrEnabled!: number;
  @ApiProperty({ example: 0.85, nullable: true, type: Number, description: `qrEnabled / total: ${SHARE}` }) qrEnabledShare!: number | null;
  @ApiProperty({ example: 30, description: 'active stalls with ≥ 1 cashless (qr or card) transaction in the period' }) active!: number;
  @ApiProperty({ example: 0.75, nullable: true, type: Number, description: `active / total: ${SHARE}` }) activeShare!: number | null;
}

export class CategoryStatsDto extends FiguresDto {
  @ApiProperty({ enum: STALL_CATEGORIES }) category!: string;
  @ApiProperty({ example: 'Rau củ quả tươi' }) label!: string;
  @ApiProperty({ type: StallCountsDto }) stalls!: StallCountsDto;
}

export class StallStatsDto extends FiguresDto {
  @ApiProperty({ format: 'uuid' }) stallId!: string;
  @ApiProperty({ example: 'A-12' }) code!: string;
  @ApiProperty({ example: 'Nguyễn Thị Hoa' }) vendorName!: string;
  @ApiProperty({ enum: STALL_CATEGORIES }) category!: string;
  @ApiProperty({ example: 'Rau củ quả tươi', description: 'the category as people read it (vi)' }) categoryLabel!: string;
  @ApiProperty() qrEnabled!: boolean;
  @ApiProperty({ enum: ['active', 'inactive'] }) status!: string;
}

export class MarketStatsDto {
  @ApiProperty({ format: 'uuid' }) marketId!: string;
  @ApiProperty() marketName!: string;
  @ApiProperty({ example: '2026-03-01' }) from!: string;
  @ApiProperty({ example: '2026-03-31' }) to!: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity!: string;
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh', description: 'days are calendar days in this zone' }) timeZone!: string;
  @ApiProperty({ type: StallCountsDto }) stalls!: StallCountsDto;
  @ApiProperty({ type: FiguresDto, description: 'the whole period' }) totals!: FiguresDto;
  @ApiProperty({ type: [SeriesPointDto], description: 'one entry per bucket, zero-filled' }) series!: SeriesPointDto[];
  @ApiProperty({ type: [CategoryStatsDto], description: 'every category, by the stall\'s current category' }) byCategory!: CategoryStatsDto[];
  @ApiProperty({ type: [StallStatsDto], description: 'top 10 stalls by cashless value (then count, then code); stalls without cashless sales are left out' })
  topStalls!: StallStatsDto[];
}

export class MarketRankingItemDto extends FiguresDto {
  @ApiProperty({ example: 1, description: 'by cashless share by value, then by count (equal shares share a rank); markets without transactions last' })
  rank!: number;
  @ApiProperty({ format: 'uuid' }) marketId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '66' }) provinceCode!: string;
  @ApiProperty({ example: '24133' }) communeCode!: string;
  @ApiProperty({ type: StallCountsDto }) stalls!: StallCountsDto;
}

export class MarketRankingDto {
  @ApiProperty({ nullable: true, type: String, example: '66', description: 'null: all markets visible to the caller' }) provinceCode!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Tỉnh Đắk Lắk' }) provinceName!: string | null;
  @ApiProperty({ example: '2026-03-01' }) from!: string;
  @ApiProperty({ example: '2026-03-31' }) to!: string;
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' }) timeZone!: string;
  @ApiProperty({ type: [MarketRankingItemDto] }) items!: MarketRankingItemDto[];
}
