import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type CooperativeKind = 'cooperative' | 'cooperative_group' | 'enterprise' | 'household';
export const COOPERATIVE_KINDS: CooperativeKind[] = ['cooperative', 'cooperative_group', 'enterprise', 'household'];

@Entity('cooperatives')
export class CooperativeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') kind!: CooperativeKind;
  @Column('text', { name: 'tax_code' }) taxCode!: string;
  @Column('text', { name: 'province_code' }) provinceCode!: string;
  @Column('text', { name: 'commune_code' }) communeCode!: string;
  @Column('text') address!: string;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'bank_bin' }) bankBin!: string;
  @Column('text', { name: 'bank_account_number' }) bankAccountNumber!: string;
  @Column('text', { name: 'bank_account_name' }) bankAccountName!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
