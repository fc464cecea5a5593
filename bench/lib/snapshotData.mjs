// @ts-check
/**
 * The directories the snapshot benchmark (`bench/snapshots/packUnpack.mjs`) packs, built once
 * and cached under `bench/results/snapshots/` (reruns skip building them):
 *
 * - `chroma-<count>x<dimension>/`: a real Chroma persist directory, `count` line records of
 *   `dimension` float32 values written into collection `lines` through a local Chroma server
 *   (`writePersistDirectory` of `bench/lib/pythonPersist.mjs`, batches of 1,000).
 * - `synthetic-<mb>mb/`: a synthetic directory of about `mb` MB (10^6 bytes) shaped like a
 *   Chroma persist directory, deterministic (a seeded xorshift generator). The mix, by bytes:
 *   - 80% in eight HNSW-like segment directories, each a `data_level0.bin` of elements laid
 *     out as HNSW stores them (a link count and 32 neighbour ids as uint32, 1,536 float32
 *     values of noise in ±0.025 as embeddings are, an int64 label), plus small
 *     `header.bin`, `length.bin` and `link_lists.bin` files;
 *   - 20% in `chroma.sqlite3`: 4 KiB pages, each a 12-byte page header, a cell pointer array
 *     and rows of metadata text (`image_id`, `receipt_id`, `LINE n TOTAL x`, uuids) with
 *     varying numbers, and every fourth page a row holding a float32 embedding blob (the
 *     embeddings queue Chroma keeps in sqlite). The whole mix compresses with gzip -6 to
 *     about the ratio of the real Chroma directory (see RESULTS.md).
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writePersistDirectory } from './pythonPersist.mjs';
import { ROOT } from './stats.mjs';

/** Where the data sets are cached. */
export const DATA_ROOT = join(ROOT, 'bench/results/snapshots');

/**
 * The real Chroma persist directory, built through a local Chroma server when missing.
 * @param {any} lib the bundle (with `startLocalChroma` and `lineChromaId`)
 * @param {number} count
 * @param {number} dimension
 * @param {(line: string) => void} log
 * @returns {Promise<string>}
 */
export const chromaDirectory = async (lib, count, dimension, log) => {
  const dir = join(DATA_ROOT, `chroma-${count}x${dimension}`);
  if (existsSync(dir)) return dir;
  const building = `${dir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  log(`building ${dir} (${count} x ${dimension} through a local Chroma; cached for reruns)…`);
  const recordOptions = { count, dimension, linesPerReceipt: 100, lineChromaId: lib.lineChromaId };
  await writePersistDirectory(lib, building, recordOptions, 1000);
  await rename(building, dir);
  return dir;
};

/** A seeded xorshift32 generator of uint32 values. @param {number} seed */
const xorshift = (seed) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
};

const DIMENSION = 1536;
/** Bytes of one HNSW-like element: 33 uint32 links, the vector, an int64 label. */
const ELEMENT_BYTES = 33 * 4 + DIMENSION * 4 + 8;
const PAGE_BYTES = 4096;

/**
 * Writes `bytes` bytes made by `fill` (called with a buffer to fill, its index) to `path`,
 * in blocks of about 4 MiB.
 * @param {string} path
 * @param {number} bytes
 * @param {number} blockBytes
 * @param {(block: Buffer, index: number) => void} fill
 */
const writeBlocks = async (path, bytes, blockBytes, fill) => {
  const handle = await open(path, 'w');
  try {
    for (let written = 0, index = 0; written < bytes; index += 1) {
      const block = Buffer.alloc(Math.min(blockBytes, bytes - written));
      fill(block, index);
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
};

/** @param {number} elements @param {number} seed */
const hnswBlockFiller = (elements, seed) => {
  const random = xorshift(seed);
  let label = 0;
  return (/** @type {Buffer} */ block) => {
    for (let at = 0; at + ELEMENT_BYTES <= block.length; at += ELEMENT_BYTES) {
      block.writeUInt32LE(32, at);
      for (let link = 1; link < 33; link += 1)
        block.writeUInt32LE(random() % elements, at + link * 4);
      for (let value = 0; value < DIMENSION; value += 1) {
        block.writeFloatLE((random() / 0xffffffff - 0.5) / 20, at + 132 + value * 4);
      }
      block.writeBigInt64LE(BigInt(label), at + 132 + DIMENSION * 4);
      label += 1;
    }
  };
};

/** @param {number} seed */
const sqliteBlockFiller = (seed) => {
  const random = xorshift(seed);
  let page = 0;
  return (/** @type {Buffer} */ block) => {
    for (let at = 0; at + PAGE_BYTES <= block.length; at += PAGE_BYTES, page += 1) {
      block.writeUInt8(13, at);
      block.writeUInt16BE(8, at + 3);
      let cursor = at + 12 + 16;
      if (page % 4 === 0) {
        for (let value = 0; value < 768 && cursor + 4 < at + PAGE_BYTES; value += 1) {
          block.writeFloatLE((random() / 0xffffffff - 0.5) / 20, cursor);
          cursor += 4;
        }
        continue;
      }
      while (cursor < at + PAGE_BYTES - 200) {
        const id = random();
        const row =
          `image_id\u0001${(id % 9000).toString(16).padStart(8, '0')}-7d4a-4e6b-9a51-0c8d2e4f6a7b` +
          `receipt_id\u0002${id % 50}line_id\u0003${id % 120}` +
          `text\u0004LINE ${id % 120} TOTAL ${(id % 9973) / 10}confidence\u0005${(id % 1000) / 1000}`;
        cursor += block.write(row, cursor, 'latin1');
      }
    }
  };
};

/**
 * The synthetic directory of about `mb` MB, built when missing (the mix is in this file's
 * header).
 * @param {number} mb
 * @param {(line: string) => void} log
 * @returns {Promise<string>}
 */
export const syntheticDirectory = async (mb, log) => {
  const dir = join(DATA_ROOT, `synthetic-${mb}mb`);
  if (existsSync(dir)) return dir;
  const building = `${dir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  log(`building ${dir} (cached for reruns)…`);
  const total = mb * 1e6;
  const segments = 8;
  const elements = Math.floor((total * 0.8) / segments / ELEMENT_BYTES);
  const block = ELEMENT_BYTES * 640;
  for (let segment = 0; segment < segments; segment += 1) {
    const segmentDir = join(building, `${segment}f3c${segment}a10-4b2e-4c8d-9e1f-0a2b3c4d5e6f`);
    await mkdir(segmentDir);
    const fill = hnswBlockFiller(elements, 7 + segment);
    await writeBlocks(join(segmentDir, 'data_level0.bin'), elements * ELEMENT_BYTES, block, fill);
    await writeBlocks(join(segmentDir, 'header.bin'), 100, 100, (b) => b.fill(segment));
    await writeBlocks(join(segmentDir, 'length.bin'), elements * 4, 1 << 20, (b) => b.fill(0));
    await writeBlocks(join(segmentDir, 'link_lists.bin'), 4096, 4096, (b) => b.fill(0));
  }
  const sqliteBytes = Math.floor((total * 0.2) / PAGE_BYTES) * PAGE_BYTES;
  await writeBlocks(
    join(building, 'chroma.sqlite3'),
    sqliteBytes,
    1024 * PAGE_BYTES,
    sqliteBlockFiller(3),
  );
  await rename(building, dir);
  return dir;
};
