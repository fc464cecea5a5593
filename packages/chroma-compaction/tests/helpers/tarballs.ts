import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type Header, pack as tarPack } from 'tar-stream';

/** One entry of a test archive; `content` is required for files. */
export interface TarEntrySpec {
  readonly name: string;
  readonly type?: Header['type'];
  readonly content?: string | Buffer;
  readonly linkname?: string;
}

/** A `.tar.gz` holding `entries`, in order, built with `tar-stream` and `zlib`. */
export const tarGz = async (entries: readonly TarEntrySpec[]): Promise<Buffer> => {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const collected = pipeline(
    pack,
    createGzip(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  for (const { name, type = 'file', content, linkname } of entries) {
    const header = { name, type, ...(linkname === undefined ? {} : { linkname }) };
    await new Promise<void>((resolve, reject) => {
      const body = type === 'directory' ? undefined : (content ?? Buffer.alloc(0));
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (body === undefined) pack.entry(header, done);
      else pack.entry(header, body, done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
};

/** A gzip bomb: one tar entry of `bytes` zeros, generated as it is read, never held in memory. */
export interface ZeroBomb {
  readonly stream: Readable;
  /** Zero bytes handed to the packer so far. */
  readonly generated: () => number;
}

/**
 * A gzip bomb: `leading` small files (e.g. a delta's manifest), then one entry named `name`
 * whose header declares `bytes` zeros.
 */
export const zeroBomb = (
  bytes: number,
  name = './chroma.sqlite3',
  leading: readonly { readonly name: string; readonly content: Buffer }[] = [],
): ZeroBomb => {
  const pack = tarPack();
  for (const file of leading) pack.entry({ name: file.name }, file.content);
  const sink = pack.entry({ name, size: bytes });
  const zeros = Buffer.alloc(1024 * 1024);
  let generated = 0;
  const pump = (): void => {
    while (generated < bytes) {
      const chunk = zeros.subarray(0, Math.min(zeros.length, bytes - generated));
      generated += chunk.length;
      if (!sink.write(chunk)) {
        sink.once('drain', pump);
        return;
      }
    }
    sink.end(Buffer.alloc(0));
    pack.finalize();
  };
  pump();
  const stream = createGzip({ level: 1 });
  // The reader stops early on purpose; the packer then sees its pipe close, which is expected.
  const ignore = (): undefined => undefined;
  pack.on('error', ignore);
  sink.on('error', ignore);
  pack.pipe(stream, ignore);
  return { stream, generated: () => generated };
};
