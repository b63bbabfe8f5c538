/** The calendar's entries, in SQLite, each owned by a `sub` (the person it belongs to). */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

export interface Entry {
  id: string;
  /** The `sub` of the person whose calendar holds the entry. */
  owner: string;
  title: string;
  /** YYYY-MM-DD */
  date: string;
  /** The client that added it (the access token's `client_id`), or `seed`. */
  created_by: string;
  created_at: string;
}

export interface NewEntry {
  owner: string;
  title: string;
  date: string;
  createdBy: string;
}

export class EntryStore {
  private readonly db: Database.Database;

  /** `path`: a file, or `:memory:`. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      title TEXT NOT NULL,
      date TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS entries_by_owner ON entries (owner, date);`);
  }

  add(entry: NewEntry): Entry {
    const row: Entry = {
      id: randomUUID(),
      owner: entry.owner,
      title: entry.title,
      date: entry.date,
      created_by: entry.createdBy,
      created_at: new Date().toISOString(),
    };
    this.db.prepare('INSERT INTO entries (id, owner, title, date, created_by, created_at) VALUES (@id, @owner, @title, @date, @created_by, @created_at)').run(row);
    return row;
  }

  /** One person's entries, by date. */
  listFor(owner: string): Entry[] {
    return this.db.prepare('SELECT * FROM entries WHERE owner = ? ORDER BY date, created_at').all(owner) as Entry[];
  }

  /** Everyone's entries, by date (the reporting read). */
  listAll(): Entry[] {
    return this.db.prepare('SELECT * FROM entries ORDER BY date, created_at').all() as Entry[];
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
