import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintVnd } from '../common/money.js';
import type { OcopGroup, OcopLevel } from './ocop.js';

export type ProductStatus = 'active' | 'archived';
export const PRODUCT_STATUSES: ProductStatus[] = ['active', 'archived'];

/**
 * The `products` table (migrations/1764201600000-Foundation.ts). `search_vector` is a generated
 * column and is deliberately not mapped; `search_extra` is written by CatalogService.
 * Reads that need the cooperative go through CatalogService's SQL (one query, no N+1).
 */
@Entity('products')
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'cooperative_id' }) cooperativeId!: string;
  @Column('text') name!: string;
  @Column('text') description!: string;
  @Column('text') sku!: string;
  @Column('bigint', { name: 'price_vnd', transformer: bigintVnd }) priceVnd!: number;
  @Column('text') unit!: string;
  @Column('integer', { name: 'stock_qty' }) stockQty!: number;
  @Column('jsonb') images!: string[];
  @Column('text', { name: 'ocop_group' }) ocopGroup!: OcopGroup;
  @Column('smallint', { name: 'ocop_stars' }) ocopStars!: number;
  @Column('text', { name: 'ocop_level' }) ocopLevel!: OcopLevel;
  @Column('text', { name: 'ocop_certificate_no' }) ocopCertificateNo!: string;
  @Column('text', { name: 'ocop_decision_no', nullable: true }) ocopDecisionNo!: string | null;
  /** YYYY-MM-DD */
  @Column('date', { name: 'ocop_certified_at' }) ocopCertifiedAt!: string;
  /** YYYY-MM-DD, the last day the certificate holds. */
  @Column('date', { name: 'ocop_expires_at' }) ocopExpiresAt!: string;
  @Column('text', { name: 'province_code' }) provinceCode!: string;
  @Column('text') status!: ProductStatus;
  @Column('text', { name: 'search_extra' }) searchExtra!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt!: Date | null;
}
