import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/** Where the request log's batches go. A rejected write drops that batch (the caller counts it). */
export interface LogSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface FileSinkOptions {
  path: string;
  /** Rotate before a write would take the file past this size (bytes). */
  maxBytes: number;
  /** Rotated files kept: `path.1` (newest) … `path.keep`. 0 = the file is truncated instead. */
  keep: number;
}

/**
 * Appends batches to `path`, rotating by size (`path` → `path.1` → … → `path.keep`, the oldest
 * removed). Opens lazily, so a directory that appears later (or a disk that has room again) is
 * used again on the next batch; a failed write closes the file so the next batch reopens it.
 */
export class FileSink implements LogSink {
  private file: fs.FileHandle | null = null;
  private size = 0;

  constructor(private readonly opts: FileSinkOptions) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    try {
      if (!this.file) await this.open();
      // after the open: a file left large by an earlier router is rotated before it grows further
      if (this.size > 0 && this.size + bytes > this.opts.maxBytes) {
        await this.rotate();
        await this.open();
      }
      await this.file!.write(text);
      this.size += bytes;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const f = this.file;
    this.file = null;
    await f?.close().catch(() => {});
  }

  private async open(): Promise<void> {
    await fs.mkdir(dirname(this.opts.path), { recursive: true });
    this.file = await fs.open(this.opts.path, 'a');
    this.size = (await this.file.stat()).size;
  }

  /** Older files move up one first, so `path.1` is always the newest rotated file. */
  private async rotate(): Promise<void> {
    await this.close();
    const { path, keep } = this.opts;
    if (keep === 0) {
      await fs.truncate(path, 0).catch(() => {});
      return;
    }
    await fs.rm(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) await fs.rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => {});
    await fs.rename(path, `${path}.1`);
  }
}

/** A sink whose writes never settle until `release()`: a stuck disk, for tests and benches. */
export class StalledSink implements LogSink {
  writes = 0;
  private releases: (() => void)[] = [];
  async write(): Promise<void> {
    this.writes++;
    await new Promise<void>((r) => this.releases.push(r));
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
  async close(): Promise<void> {
    this.release();
  }
}
