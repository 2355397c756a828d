import { createReadStream } from 'node:fs';
import { badFile } from './bulk-exit.js';

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

export interface ReadLinesOptions {
  /** Longest line accepted, in bytes; a longer one means a wrong or corrupt file. */
  maxLineBytes: number;
  /** Sees every raw chunk (used to hash the file while reading it). */
  onChunk?: (chunk: Buffer) => void;
}

/**
 * Streams a file as UTF-8 lines without ever holding more than one line (bounded by
 * `maxLineBytes`) plus one read chunk. Binary content (NUL bytes, invalid UTF-8) and overlong lines
 * end the read with a file error, because no row of such a file can be trusted.
 */
export async function* readLines(file: string, options: ReadLinesOptions): AsyncGenerator<TextLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Buffer, line: number): string => {
    if (bytes.includes(0)) throw badFile(file, `line ${line} holds binary data (a NUL byte); expected a CSV or JSONL text file`);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw badFile(file, `line ${line} is not UTF-8 text; expected a CSV or JSONL text file`);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
  };
  const tooLong = (line: number) => badFile(file, `line ${line} is longer than ${options.maxLineBytes} bytes; rows are one tenant each, so this is not a tenants file`);

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let stream;
  try {
    stream = createReadStream(file);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.onChunk?.(chunk);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        line++;
        if (pendingBytes + piece.length > options.maxLineBytes) throw tooLong(line);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        yield { line, text: decode(bytes, line) };
        start = nl + 1;
      }
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > options.maxLineBytes) throw tooLong(line + 1);
      if (rest.length) {
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw badFile(file, 'no such file');
    if (code === 'EISDIR') throw badFile(file, 'is a directory, not a file');
    if (code === 'EACCES') throw badFile(file, 'cannot be read (permission denied)');
    throw error;
  } finally {
    stream?.destroy();
  }
  if (pendingBytes) {
    line++;
    yield { line, text: decode(Buffer.concat(pending), line) };
  }
}
