import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('bank_feeds')
export class BankFeedEntity {
  /** Chosen by the service before sealing the secret (the secret is bound to it). */
  @PrimaryColumn('uuid') id!: string;
  @Column('text') provider!: string;
  @Column('text') name!: string;
  @Column('uuid', { name: 'cooperative_id', nullable: true }) cooperativeId!: string | null;
  @Column('uuid', { name: 'market_id', nullable: true }) marketId!: string | null;
  /** AES-256-GCM sealed (common/secret-box.ts); null once deleted. Never leaves the service. */
  @Column('text', { name: 'secret_sealed', nullable: true, select: false }) secretSealed!: string | null;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
