import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through that counts the bytes going through it and hashes them. @internal */
export interface DigestStream {
  readonly stream: Transform;
  /** Bytes seen so far. */
  size(): number;
  /** Hex SHA-256 of every byte; call once, at the end. */
  sha256(): string;
  /** Hex MD5 of every byte (what `.snapshot_hash` holds); call once, at the end. */
  md5(): string;
}

// `.snapshot_hash`: spec §12.2.
/**
 * A {@link DigestStream}: a snapshot tarball's size, SHA-256 (its manifest) and MD5 (its
 * `.snapshot_hash`), computed while the bytes stream past. @internal
 */
export const digestStream = (): DigestStream => {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sha256.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return {
    stream,
    size: () => size,
    sha256: () => sha256.digest('hex'),
    md5: () => md5.digest('hex'),
  };
};
