import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type StallCategory =
  | 'fresh_produce'
  | 'meat_fish'
  | 'dry_goods'
  | 'prepared_food'
  | 'clothing_textiles'
  | 'household'
  | 'services'
  | 'other';

export const STALL_CATEGORIES: StallCategory[] = [
  'fresh_produce',
  'meat_fish',
  'dry_goods',
  'prepared_food',
  'clothing_textiles',
  'household',
  'services',
  'other',
];

/** How categories read on printed cards and in the dashboard. */
export const STALL_CATEGORY_LABELS_VI: Record<StallCategory, string> = {
  fresh_produce: 'Rau củ quả tươi',
  meat_fish: 'Thịt, cá, hải sản',
  dry_goods: 'Hàng khô',
  prepared_food: 'Đồ ăn, thức uống',
  clothing_textiles: 'Quần áo, vải vóc',
  household: 'Đồ gia dụng',
  services: 'Dịch vụ',
  other: 'Khác',
};

export type StallStatus = 'active' | 'inactive';
export const STALL_STATUSES: StallStatus[] = ['active', 'inactive'];

/**
 * Stall codes as printed on the stall: uppercase letters and digits, inner `-` `.` `/` `_`,
 * 1–20 characters ("A-12", "K1/05"). Input is trimmed and uppercased before this check.
 */
export const STALL_CODE = /^[A-Z0-9](?:[A-Z0-9._/-]{0,18}[A-Z0-9])?$/;

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
