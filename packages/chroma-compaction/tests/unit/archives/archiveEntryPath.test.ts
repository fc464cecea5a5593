import { describe, expect, it } from 'vitest';
import { archiveEntryPath } from '../../../src/archives/archiveEntryPath.js';
import { ArchiveError, type ArchiveErrorReason } from '../../../src/archives/errors.js';

describe('Function: archiveEntryPath', () => {
  it.each([
    ['./chroma.sqlite3', 'chroma.sqlite3'],
    ['./4f1c/header.bin', '4f1c/header.bin'],
    ['4f1c/', '4f1c'],
    ['a/./b//c', 'a/b/c'],
    ['a/../b', 'b'],
    ['./', '.'],
    ['.', '.'],
  ])('normalises %s to %s', (name, expected) => {
    expect(archiveEntryPath(name)).toBe(expected);
  });

  it.each<[string, ArchiveErrorReason]>([
    ['..', 'path-escape'],
    ['../x', 'path-escape'],
    ['./a/../../x', 'path-escape'],
    ['a/b/../../../x', 'path-escape'],
    ['/etc/passwd', 'absolute-path'],
    ['\\\\server\\share', 'absolute-path'],
    ['C:/x', 'absolute-path'],
    ['c:x', 'absolute-path'],
    ['a\\..\\..\\x', 'invalid-path'],
    ['', 'invalid-path'],
    ['a\0b', 'invalid-path'],
  ])('refuses %j as %s', (name, reason) => {
    // Act
    const act = (): string => archiveEntryPath(name);

    // Assess
    expect(act).toThrowError(ArchiveError);
    try {
      act();
    } catch (error) {
      expect((error as ArchiveError).reason).toBe(reason);
      expect((error as ArchiveError).entry).toBe(name);
    }
  });
});
