import type Database from 'better-sqlite3';

/**
 * Adds to `table` the columns (name → SQL definition) that a database made by an older version of the bot
 * lacks. They are checked and added under the write lock, so two instances starting on one database at once
 * do not both add one. `table` and the definitions are this code's own constants, never input.
 */
export function addMissingColumns(db: Database.Database, table: string, columns: Readonly<Record<string, string>>): void {
  db.transaction(() => {
    const present = new Set(
      db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((column) => column.name),
    );
    for (const [name, definition] of Object.entries(columns)) {
      if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${definition}`);
    }
  }).immediate();
}
