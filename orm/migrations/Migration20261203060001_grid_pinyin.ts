import { Migration } from '@mikro-orm/migrations';

/**
 * The reference city's divisions carry Chinese names; their Hanyu pinyin sits
 * beside them for people and systems that read Latin letters.
 */
export class Migration20261203060001_grid_pinyin extends Migration {
  override up(): void {
    this.addSql(`alter table public.grid
      add column district_pinyin text not null default '',
      add column street_pinyin text not null default '',
      add column community_pinyin text not null default ''`);
  }

  override down(): void {
    this.addSql(`alter table public.grid drop column district_pinyin, drop column street_pinyin, drop column community_pinyin`);
  }
}
