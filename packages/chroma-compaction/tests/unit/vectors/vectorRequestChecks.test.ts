import { describe, expect, it } from 'vitest';
import type { UpdateRequest, UpsertRequest } from '../../../src/ports/vectorCollection.js';
import {
  idListProblem,
  listKind,
  metadataProblem,
  updateRequestProblem,
  upsertRequestProblem,
} from '../../../src/vectors/vectorRequestChecks.js';

describe('Function: listKind', () => {
  it.each([
    ['null', [1, null]],
    ['an object', [{}]],
    ['a non-finite number', [Number.POSITIVE_INFINITY]],
  ])('refuses a list holding %s', (_case, items) => {
    // Act & Assess
    expect(listKind(items)).toEqual({
      problem: 'is a list holding something other than finite numbers, strings or booleans',
    });
  });

  it('reads a list of integers and floats as a float list', () => {
    // Act & Assess
    expect(listKind([1, 2.5])).toBe('float[]');
  });
});

describe('Function: metadataProblem', () => {
  it.each([
    ['a list', [1]],
    ['a string', 'a'],
  ])('refuses metadata that is %s', (_case, metadata) => {
    // Act & Assess
    expect(metadataProblem(metadata)).toBe('metadata that is not an object');
  });

  it('names the key of a list value holding something that is not a scalar', () => {
    // Act & Assess
    expect(metadataProblem({ tags: ['a', null] })).toBe(
      'metadata value of "tags" is a list holding something other than finite numbers, strings or booleans',
    );
  });
});

describe('Function: upsertRequestProblem', () => {
  const embeddings = [[0.1, 0.2]];

  it('refuses ids that are not a list', () => {
    // Prepare
    const request = { ids: 'a', embeddings } as unknown as UpsertRequest;

    // Act & Assess
    expect(upsertRequestProblem(request)).toBe('ids is not a list');
  });

  it('refuses an upsert without embeddings', () => {
    // Prepare
    const request = { ids: ['a'] } as unknown as UpsertRequest;

    // Act & Assess
    expect(upsertRequestProblem(request)).toBe('embeddings is required for upsert');
  });

  it('refuses an id that is not a string', () => {
    // Prepare
    const request = { ids: ['a', 7], embeddings: [...embeddings, ...embeddings] };

    // Act & Assess
    expect(upsertRequestProblem(request as unknown as UpsertRequest)).toBe(
      'id at index 1 is not a string',
    );
  });

  it('refuses a document that is neither a string nor null', () => {
    // Prepare
    const request = { ids: ['a', 'b'], embeddings: [...embeddings, ...embeddings] };

    // Act & Assess
    expect(
      upsertRequestProblem({
        ...request,
        documents: [null, 5],
      } as unknown as UpsertRequest),
    ).toBe('document at index 1 is not a string or null');
  });
});

describe('Function: updateRequestProblem', () => {
  it('refuses ids that are not a list', () => {
    // Prepare
    const request = { ids: undefined } as unknown as UpdateRequest;

    // Act & Assess
    expect(updateRequestProblem(request)).toBe('ids is not a list');
  });

  it('refuses documents sent without embeddings', () => {
    // Act & Assess
    expect(updateRequestProblem({ ids: ['a'], documents: ['new text'] })).toBe(
      'documents need embeddings in the same update (send the new embeddings with them)',
    );
  });

  it('refuses a null document, which only an upsert may send', () => {
    // Prepare
    const request = { ids: ['a'], embeddings: [[1]], documents: [null] };

    // Act & Assess
    expect(updateRequestProblem(request as unknown as UpdateRequest)).toBe(
      'document at index 0 is not a string',
    );
  });
});

describe('Function: idListProblem', () => {
  it('refuses ids that are not a list', () => {
    // Act & Assess
    expect(idListProblem('a' as unknown as string[])).toBe('ids is not a list');
  });

  it('refuses an empty id and a repeated id', () => {
    // Act & Assess
    expect(idListProblem(['a', ''])).toBe(
      'id at index 1 is empty (ids need at least one character)',
    );
    expect(idListProblem(['a', 'a'])).toBe('id "a" appears more than once in one request');
  });
});
