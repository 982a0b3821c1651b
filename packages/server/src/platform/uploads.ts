import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Db, Tx } from './db/database';
import { fail } from './errors';
import { newId } from './ids';
import { nowIso } from './clock';

/**
 * Uploaded images: checked by their first bytes (never by a name or a declared type), decoded once to prove they are
 * images and to read their size, re-encoded without metadata (a phone photo's EXIF carries its GPS position), stored by
 * content hash (the same picture twice is one file) with a 360-pixel WebP thumbnail (sharp). Files live in a
 * FileStore: the local disk under the data directory by default.
 */
export interface FileStore {
  /** Writes the bytes under a key like `images/ab/ab12....jpg`. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The URL the apps load the key from. */
  url(key: string): string;
  /** The directory the app serves at /uploads/, for a store on the local disk. */
  root?: string;
}

export const DEFAULT_UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024;
/** A picture over this many pixels is refused before it is decoded (a small file can unpack to gigabytes). */
const MAX_PIXELS = 40_000_000;
const THUMB_SIZE = 360;

export type ImageKind = 'jpeg' | 'png' | 'gif' | 'webp';

const EXTENSIONS: Record<ImageKind, string> = { jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp' };
const MIME: Record<ImageKind, string> = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

const startsWith = (bytes: Uint8Array, at: number, expected: readonly number[]): boolean =>
  expected.every((b, i) => bytes[at + i] === b);

/** The image format the bytes begin with, or undefined: the magic numbers of JPEG, PNG, GIF and WebP. */
export function imageKindOf(bytes: Uint8Array): ImageKind | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, 0, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61)
    return 'gif';
  if (startsWith(bytes, 0, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, 8, [0x57, 0x45, 0x42, 0x50])) return 'webp';
  return undefined;
}

export interface Upload {
  id: string;
  url: string;
  thumbnailUrl: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  createdAt: string;
}

type Row = {
  id: string;
  path: string;
  thumb_path: string;
  mime: string;
  bytes: bigint;
  width: bigint;
  height: bigint;
  created_at: string;
};

function uploadOf(files: FileStore, r: Row): Upload {
  return {
    id: r.id,
    url: files.url(r.path),
    thumbnailUrl: files.url(r.thumb_path),
    mime: r.mime,
    bytes: Number(r.bytes),
    width: Number(r.width),
    height: Number(r.height),
    createdAt: r.created_at,
  };
}

/** The upload as stored (paths, not URLs): the operation log's snapshot. */
export async function findUpload(db: Db | Tx, id: string): Promise<Row | undefined> {
  return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Checks, re-encodes, thumbnails and stores one image; the same bytes again answer the earlier upload. */
export async function storeImage(
  db: Db,
  files: FileStore,
  input: Uint8Array,
  staffId: string,
  limitBytes: number,
): Promise<Upload> {
  if (input.length === 0) fail('not_an_image', 'the file is empty');
  if (input.length > limitBytes) fail('image_too_large', `at most ${limitBytes} bytes`);
  const kind = imageKindOf(input);
  if (kind === undefined) fail('not_an_image');
  const hash = createHash('sha256').update(input).digest('hex');
  const path = `images/${hash.slice(0, 2)}/${hash}.${EXTENSIONS[kind]}`;
  const known = await db.selectFrom('uploads').selectAll().where('path', '=', path).executeTakeFirst();
  if (known !== undefined) return uploadOf(files, known);

  let width: number;
  let height: number;
  let stored: Buffer;
  let thumb: Buffer;
  // sharp (libvips) is loaded at the first image: about 19 MiB of resident memory a server taking no upload never needs.
  const sharp = (await import('sharp')).default;
  try {
    const image = sharp(input, { limitInputPixels: MAX_PIXELS, animated: kind === 'gif' || kind === 'webp' });
    const meta = await image.metadata();
    width = meta.width;
    height = meta.pageHeight ?? meta.height;
    // Turned upright by its EXIF orientation, then written without metadata. GIFs keep their frames as sent.
    stored =
      kind === 'gif' ? Buffer.from(input) : await sharp(input, { limitInputPixels: MAX_PIXELS }).rotate().toBuffer();
    thumb = await sharp(input, { limitInputPixels: MAX_PIXELS })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' })
      .webp({ quality: 80 })
      .toBuffer();
  } catch {
    fail('not_an_image', 'the file starts like an image but cannot be decoded');
  }
  const thumbPath = `images/${hash.slice(0, 2)}/${hash}_thumb.webp`;
  await files.put(path, stored, MIME[kind]);
  await files.put(thumbPath, thumb, 'image/webp');
  const row: Row & { staff_id: string } = {
    id: newId('upl'),
    path,
    thumb_path: thumbPath,
    mime: MIME[kind],
    bytes: BigInt(stored.length),
    width: BigInt(width),
    height: BigInt(height),
    staff_id: staffId,
    created_at: nowIso(),
  };
  await db
    .insertInto('uploads')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return uploadOf(files, row);
}

/** Files under a directory, served by the app at `/uploads/`. Writes go to a temporary name first, then rename. */
export function localFileStore(root: string): FileStore & { root: string } {
  const base = resolve(root);
  return {
    root: base,
    async put(key, bytes) {
      const target = join(base, key);
      if (!target.startsWith(`${base}/`)) throw new Error(`file key escapes the upload directory: ${key}`);
      await mkdir(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    },
    url: (key) => `/uploads/${key}`,
  };
}
