import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StallCategory, StallStatus } from './stall-rules.js';

// The rules of a stall's fields are pure (the market office's forms use them too).
export { STALL_CATEGORIES, STALL_CATEGORY_LABELS_VI, STALL_CODE, STALL_STATUSES, type StallCategory, type StallStatus } from './stall-rules.js';

@Entity('stalls')
export class StallEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'market_id' }) marketId!: string;
  @Column('text') code!: string;
  @Column('text', { name: 'vendor_name' }) vendorName!: string;
  @Column('text', { name: 'vendor_phone', nullable: true }) vendorPhone!: string | null;
  @Column('text') category!: StallCategory;
  @Column('text', { name: 'bank_bin', nullable: true }) bankBin!: string | null;
  @Column('text', { name: 'bank_account_number', nullable: true }) bankAccountNumber!: string | null;
  @Column('text', { name: 'bank_account_name', nullable: true }) bankAccountName!: string | null;
  @Column('text') status!: StallStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
