import type {
  CompactionRun,
  ReceiptPlace,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';
import {
  generationLine,
  generationWord,
  IMAGE_ID,
  itemOf,
  type MonotonicClock,
  makeRankedSection,
  placeWith,
  type ReceiptContents,
  type SeededRandom,
  type SimulatedTable,
} from './convergenceModel.js';
import { makeCompactionRun, makeLabel } from './factories.js';

/**
 * The history generator of the convergence test: random changes of the receipts table over a
 * few receipts of one image, written the way the receipt pipeline writes them (children
 * before parents on creation, after them on deletion; a receipt's compaction run last).
 */

/** One step of a history: a change of the table, or a queue delivery. */
export type HistoryStep =
  | { readonly kind: 'change'; readonly description: string }
  | { readonly kind: 'deliver' };

/** What the generator tells its owner. */
export interface HistoryHooks {
  /** A compaction run was written: the receipt as its delta captured it. */
  readonly onRun: (run: CompactionRun, contents: ReceiptContents) => void;
}

/** Word label names: core labels (on words and rows) and `TOTAL`, which rows ignore. */
const LABEL_NAMES = ['GRAND_TOTAL', 'DATE', 'MERCHANT_NAME', 'TAX', 'TOTAL'] as const;
const LABEL_STATUSES = ['VALID', 'INVALID', 'PENDING', 'NONE'] as const;
const PROPOSERS = [null, 'label_agent', 'qa_agent'] as const;
const SECTION_TYPES = ['HEADER', 'ITEMS', 'SUMMARY', 'PAYMENT'] as const;
const SECTION_STATUSES = [null, 'VALID', 'PENDING', 'INVALID'] as const;
const CONFIDENCES = [null, 0.5, 0.9] as const;
const MERCHANTS = ['Target', 'Costco', 'Sprouts'] as const;
const CATEGORIES = ['', 'grocery', 'department_store'] as const;
const ADDRESSES = ['', '1 Main St', '9 Elm Ave'] as const;
const PHONES = ['', '(818) 661-4064', '555-0100'] as const;
const PLACE_IDS = ['', 'ChIJplaceA', 'ChIJplaceB'] as const;

type ChangeKind =
  | 'create'
  | 'place'
  | 'label'
  | 'section'
  | 'deleteWord'
  | 'deleteLine'
  | 'deleteReceipt'
  | 'rerun';

/** How often each step is drawn, relative to the others (a step that cannot apply is redrawn). */
const WEIGHTS: readonly (readonly [ChangeKind | 'deliver', number])[] = [
  ['create', 2],
  ['place', 2],
  ['label', 3],
  ['section', 1.5],
  ['deleteWord', 1],
  ['deleteLine', 0.7],
  ['deleteReceipt', 0.7],
  ['rerun', 0.5],
  ['deliver', 3],
];

const wordName = (word: { line_id: number; word_id: number }): string =>
  `${word.line_id}.${word.word_id}`;

const sameWord = (word: ReceiptWord) => (label: ReceiptWordLabel) =>
  label.line_id === word.line_id && label.word_id === word.word_id;

/**
 * Draws and applies the steps of one history. Every change goes through the
 * `SimulatedTable` (so it reaches the stream) and `receipts` (the generator's view of which
 * receipts exist and what they hold).
 */
export class HistoryGenerator {
  /** The receipts the table has now, by id. */
  readonly receipts: Map<number, ReceiptContents> = new Map();
  readonly #rng: SeededRandom;
  readonly #table: SimulatedTable;
  readonly #clock: MonotonicClock;
  readonly #hooks: HistoryHooks;
  readonly #receiptIds: readonly number[];
  readonly #generations = new Map<number, number>();

  constructor(
    rng: SeededRandom,
    table: SimulatedTable,
    clock: MonotonicClock,
    receiptCount: number,
    hooks: HistoryHooks,
  ) {
    this.#rng = rng;
    this.#table = table;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#receiptIds = Array.from({ length: receiptCount }, (_, index) => index + 1);
  }

  /** Draws one step and applies it when it is a change. */
  step(): HistoryStep {
    for (;;) {
      const kind = this.#drawKind();
      if (kind === 'deliver') return { kind };
      const description = this.#apply(kind);
      if (description !== undefined) return { kind: 'change', description };
    }
  }

  /**
   * Draws and applies one change (never a delivery), e.g. one made while a batch is being
   * applied; `undefined` when no change fits the table now.
   */
  change(): string | undefined {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const kind = this.#drawKind();
      const description = kind === 'deliver' ? undefined : this.#apply(kind);
      if (description !== undefined) return description;
    }
    return undefined;
  }

  #drawKind(): ChangeKind | 'deliver' {
    const total = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.#rng.next() * total;
    for (const [kind, weight] of WEIGHTS) {
      draw -= weight;
      if (draw < 0) return kind;
    }
    return 'deliver';
  }

  /** Applies a change of `kind` to a random receipt it fits; `undefined` when none fits. */
  #apply(kind: ChangeKind): string | undefined {
    const rng = this.#rng;
    if (kind === 'create') {
      const absent = this.#receiptIds.filter((id) => !this.receipts.has(id));
      return absent.length === 0 ? undefined : this.#create(rng.pick(absent));
    }
    const present = [...this.receipts.values()];
    if (present.length === 0) return undefined;
    const receipt = rng.pick(present);
    switch (kind) {
      case 'place':
        return this.#editPlace(receipt);
      case 'label':
        return this.#editLabel(receipt);
      case 'section':
        return this.#editSection(receipt);
      case 'deleteWord':
        return this.#deleteWord(receipt);
      case 'deleteLine':
        return this.#deleteLine(receipt);
      case 'deleteReceipt':
        return this.#deleteReceipt(receipt);
      case 'rerun':
        return `run r${receipt.receiptId} ${this.#run(receipt)}`;
    }
  }

  /** A receipt with 1–3 lines of 1–2 words, maybe a place, labels and sections, then its run. */
  #create(receiptId: number): string {
    const rng = this.#rng;
    const generation = (this.#generations.get(receiptId) ?? 0) + 1;
    this.#generations.set(receiptId, generation);
    const contents: ReceiptContents = {
      receiptId,
      generation,
      lines: [],
      words: [],
      labels: [],
      sections: [],
      place: undefined,
    };
    this.receipts.set(receiptId, contents);
    this.#table.put(itemOf.receipt(receiptId, this.#clock.now()));
    const firstLine = rng.int(0, 1);
    const lineCount = rng.int(1, 3);
    for (let lineId = firstLine; lineId < firstLine + lineCount; lineId += 1) {
      const line = generationLine(receiptId, generation, lineId);
      contents.lines.push(line);
      this.#table.put(itemOf.line(line));
      const firstWord = rng.int(0, 1);
      const wordCount = rng.int(1, 2);
      for (let wordId = firstWord; wordId < firstWord + wordCount; wordId += 1) {
        const word = generationWord(receiptId, generation, lineId, wordId);
        contents.words.push(word);
        this.#table.put(itemOf.word(word));
      }
    }
    const parts = [
      `create r${receiptId} g${generation}: words ${contents.words.map(wordName).join(' ')}`,
    ];
    if (rng.chance(0.6)) parts.push(this.#writePlace(contents, 'insert'));
    for (const word of this.#labelable(contents)) {
      if (rng.chance(0.4)) parts.push(this.#addLabel(contents, word));
    }
    if (rng.chance(0.5)) parts.push(this.#addSection(contents));
    parts.push(this.#run(contents));
    return parts.join('; ');
  }

  /** Writes a compaction run capturing the receipt as it is now. */
  #run(contents: ReceiptContents): string {
    const run = makeCompactionRun(
      IMAGE_ID,
      contents.receiptId,
      this.#rng.uuid(),
      this.#clock.now(),
    );
    this.#hooks.onRun(run, contents);
    this.#table.put(itemOf.run(run));
    return `run ${run.run_id.slice(0, 8)}`;
  }

  /** Words that can carry labels (the label entity needs line and word ids > 0). */
  #labelable(contents: ReceiptContents): ReceiptWord[] {
    return contents.words.filter((word) => word.line_id > 0 && word.word_id > 0);
  }

  #writePlace(contents: ReceiptContents, mode: 'insert' | 'modify'): string {
    const rng = this.#rng;
    const fields: Partial<ReceiptPlace> =
      mode === 'insert'
        ? {
            merchant_name: rng.pick(MERCHANTS),
            merchant_category: rng.pick(CATEGORIES),
            formatted_address: rng.pick(ADDRESSES),
            phone_number: rng.pick(PHONES),
            place_id: rng.pick(PLACE_IDS),
          }
        : rng.pick([
            { merchant_name: rng.pick(MERCHANTS) },
            { merchant_category: rng.pick(CATEGORIES), phone_number: rng.pick(PHONES) },
            { formatted_address: rng.pick(ADDRESSES), place_id: rng.pick(PLACE_IDS) },
          ]);
    const place = placeWith(contents.receiptId, { ...contents.place, ...fields });
    contents.place = place;
    this.#table.put(itemOf.place(place));
    return `place ${mode} ${JSON.stringify(fields)}`;
  }

  #editPlace(contents: ReceiptContents): string {
    if (contents.place === undefined) {
      return `r${contents.receiptId} ${this.#writePlace(contents, 'insert')}`;
    }
    if (this.#rng.chance(0.3)) {
      this.#table.remove(itemOf.place(contents.place));
      contents.place = undefined;
      return `r${contents.receiptId} place remove`;
    }
    return `r${contents.receiptId} ${this.#writePlace(contents, 'modify')}`;
  }

  #addLabel(contents: ReceiptContents, word: ReceiptWord): string {
    const rng = this.#rng;
    const taken = new Set(contents.labels.filter(sameWord(word)).map(({ label }) => label));
    const names = LABEL_NAMES.filter((name) => !taken.has(name));
    if (names.length === 0) return `label ${wordName(word)} (every name taken)`;
    const label = makeLabel(
      IMAGE_ID,
      contents.receiptId,
      word.line_id,
      word.word_id,
      rng.pick(names),
      {
        validation_status: rng.pick(LABEL_STATUSES),
        label_proposed_by: rng.pick(PROPOSERS),
        timestamp_added: this.#clock.now(),
      },
    );
    contents.labels.push(label);
    this.#table.put(itemOf.label(label));
    return `label add ${wordName(word)} ${label.label} ${label.validation_status}`;
  }

  #editLabel(contents: ReceiptContents): string | undefined {
    const rng = this.#rng;
    const words = this.#labelable(contents);
    if (words.length === 0) return undefined;
    const word = rng.pick(words);
    const labels = contents.labels.filter(sameWord(word));
    const prefix = `r${contents.receiptId}`;
    if (labels.length === 0 || rng.chance(0.3)) {
      return `${prefix} ${this.#addLabel(contents, word)}`;
    }
    const label = rng.pick(labels);
    if (rng.chance(0.35)) {
      this.#table.remove(itemOf.label(label));
      contents.labels = contents.labels.filter((other) => other !== label);
      return `${prefix} label remove ${wordName(word)} ${label.label}`;
    }
    const status = rng.pick(LABEL_STATUSES.filter((value) => value !== label.validation_status));
    const changed: ReceiptWordLabel = {
      ...label,
      validation_status: status,
      label_proposed_by: rng.pick(PROPOSERS),
    };
    contents.labels = contents.labels.map((other) => (other === label ? changed : other));
    this.#table.put(itemOf.label(changed));
    return `${prefix} label modify ${wordName(word)} ${label.label} ${label.validation_status}→${status}`;
  }

  #sectionLines(contents: ReceiptContents): number[] {
    // Mostly lines the receipt has; sometimes a line it never had (sections may be stale).
    const ids = contents.lines.map(({ line_id }) => line_id);
    const chosen = this.#rng.sample(ids, this.#rng.int(1, Math.max(1, ids.length)));
    if (chosen.length === 0 || this.#rng.chance(0.15)) chosen.push(7);
    return [...new Set(chosen)].sort((left, right) => left - right);
  }

  #addSection(contents: ReceiptContents): string {
    const rng = this.#rng;
    const taken = new Set(contents.sections.map(({ section_type }) => section_type));
    const types = SECTION_TYPES.filter((type) => !taken.has(type));
    if (types.length === 0) return 'section (every type taken)';
    const section = makeRankedSection(
      contents.receiptId,
      rng.pick(types),
      this.#sectionLines(contents),
      rng.pick(SECTION_STATUSES),
      rng.pick(CONFIDENCES),
    );
    contents.sections.push(section);
    this.#table.put(itemOf.section(section));
    return `section add ${describeSection(section)}`;
  }

  #editSection(contents: ReceiptContents): string {
    const rng = this.#rng;
    const prefix = `r${contents.receiptId}`;
    if (contents.sections.length === 0 || rng.chance(0.3)) {
      return `${prefix} ${this.#addSection(contents)}`;
    }
    const section = rng.pick(contents.sections);
    if (rng.chance(0.35)) {
      this.#table.remove(itemOf.section(section));
      contents.sections = contents.sections.filter((other) => other !== section);
      return `${prefix} section remove ${section.section_type}`;
    }
    const changed = makeRankedSection(
      contents.receiptId,
      section.section_type,
      rng.chance(0.5) ? this.#sectionLines(contents) : section.line_ids,
      rng.pick(SECTION_STATUSES),
      rng.pick(CONFIDENCES),
    );
    contents.sections = contents.sections.map((other) => (other === section ? changed : other));
    this.#table.put(itemOf.section(changed));
    return `${prefix} section modify ${describeSection(changed)}`;
  }

  /** Removes words (their labels first), as the pipeline deletes them. */
  #removeWords(contents: ReceiptContents, words: readonly ReceiptWord[]): void {
    for (const word of words) {
      for (const label of contents.labels.filter(sameWord(word))) {
        this.#table.remove(itemOf.label(label));
      }
      contents.labels = contents.labels.filter((label) => !sameWord(word)(label));
      this.#table.remove(itemOf.word(word));
    }
    contents.words = contents.words.filter((word) => !words.includes(word));
  }

  #deleteWord(contents: ReceiptContents): string | undefined {
    if (contents.words.length === 0) return undefined;
    const word = this.#rng.pick(contents.words);
    this.#removeWords(contents, [word]);
    return `r${contents.receiptId} delete word ${wordName(word)}`;
  }

  #deleteLine(contents: ReceiptContents): string | undefined {
    if (contents.lines.length === 0) return undefined;
    const line = this.#rng.pick(contents.lines);
    this.#removeWords(
      contents,
      contents.words.filter((word) => word.line_id === line.line_id),
    );
    this.#table.remove(itemOf.line(line));
    contents.lines = contents.lines.filter((other) => other !== line);
    return `r${contents.receiptId} delete line ${line.line_id}`;
  }

  /** Labels, words, lines, place, sections, then the receipt (its runs stay in the table). */
  #deleteReceipt(contents: ReceiptContents): string {
    this.#removeWords(contents, contents.words);
    for (const line of contents.lines) this.#table.remove(itemOf.line(line));
    if (contents.place !== undefined) this.#table.remove(itemOf.place(contents.place));
    for (const section of contents.sections) this.#table.remove(itemOf.section(section));
    this.#table.remove(itemOf.receipt(contents.receiptId));
    this.receipts.delete(contents.receiptId);
    return `delete receipt r${contents.receiptId} g${contents.generation}`;
  }
}

const describeSection = (section: ReceiptSection): string =>
  `${section.section_type}[${section.line_ids.join(',')}] ${section.validation_status ?? '-'} ${section.confidence ?? '-'}`;
