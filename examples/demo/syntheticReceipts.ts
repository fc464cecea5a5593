import {
  type CompactionRun,
  CompactionRunSchema,
  type Receipt,
  type ReceiptLine,
  ReceiptLineSchema,
  type ReceiptPlace,
  ReceiptPlaceSchema,
  ReceiptSchema,
  type ReceiptWord,
  type ReceiptWordLabel,
  ReceiptWordLabelSchema,
  ReceiptWordSchema,
} from '@receipt-chroma/dynamo-stream';
import { SeededRandom } from './random.js';

/**
 * Synthetic receipts with the shape of real ones: a merchant line, an address, a date and
 * time, a few items with prices, subtotal, tax, total, payment and a closing line. Every
 * word a labeller would tag gets a PENDING label from the core label set (the receipt total
 * is `GRAND_TOTAL`, the label the `lines` rows carry as `label_GRAND_TOTAL`).
 */

/** One receipt as the table holds it after the OCR and labelling steps. */
export interface SyntheticReceipt {
  readonly receipt: Receipt;
  readonly place: ReceiptPlace;
  readonly lines: readonly ReceiptLine[];
  readonly words: readonly ReceiptWord[];
  readonly labels: readonly ReceiptWordLabel[];
  /** The compaction run naming the receipt's deltas (`lines/delta/{run_id}/`, `words/…`). */
  readonly run: CompactionRun;
}

/** Options of {@link generateReceipts}. */
export interface GenerateReceiptsOptions {
  readonly count: number;
  readonly seed: number;
  /** The next timestamp to write (Python's isoformat), later on every call. */
  readonly timestamp: () => string;
}

interface Merchant {
  readonly name: string;
  readonly category: string;
  readonly street: string;
  readonly items: readonly string[];
}

const MERCHANTS: readonly Merchant[] = [
  {
    name: 'SPROUTS FARMERS MARKET',
    category: 'grocery_store',
    street: 'WESTLAKE BLVD',
    items: ['ORGANIC BANANAS', 'AVOCADO', 'ALMOND MILK', 'SOURDOUGH BREAD', 'GREEK YOGURT'],
  },
  {
    name: 'TARGET',
    category: 'department_store',
    street: 'MAIN ST',
    items: ['PAPER TOWELS', 'DISH SOAP', 'TOOTHPASTE', 'SOCKS', 'BATTERIES AA'],
  },
  {
    name: 'COSTCO WHOLESALE',
    category: 'warehouse_store',
    street: 'AGOURA RD',
    items: ['ROTISSERIE CHICKEN', 'KS WATER', 'PAPER PLATES', 'COFFEE BEANS', 'BLUEBERRIES'],
  },
  {
    name: 'VONS',
    category: 'grocery_store',
    street: 'THOUSAND OAKS BLVD',
    items: ['EGGS LARGE', 'WHOLE MILK', 'CHEDDAR', 'APPLES GALA', 'TORTILLAS'],
  },
  {
    name: 'CVS PHARMACY',
    category: 'pharmacy',
    street: 'MOORPARK RD',
    items: ['VITAMIN C', 'BANDAGES', 'SHAMPOO', 'CANDY BAR', 'SUNSCREEN'],
  },
];

/** One word to write, and the label it gets (if any). */
interface WordSpec {
  readonly text: string;
  readonly label?: string | undefined;
}

const money = (cents: number): string => (cents / 100).toFixed(2);

const words = (text: string, label?: string): WordSpec[] =>
  text.split(' ').map((word) => ({ text: word, label }));

/** The lines of one receipt, word by word, with their labels. */
const receiptText = (random: SeededRandom, merchant: Merchant, day: number): WordSpec[][] => {
  const itemCount = random.int(3, 5);
  const items = Array.from({ length: itemCount }, (_, index) => ({
    name: merchant.items[(day + index) % merchant.items.length] ?? 'ITEM',
    cents: random.int(99, 1999),
  }));
  const subtotal = items.reduce((sum, item) => sum + item.cents, 0);
  const tax = Math.round(subtotal * 0.0725);
  const hour = String(random.int(8, 21)).padStart(2, '0');
  const minute = String(random.int(0, 59)).padStart(2, '0');
  return [
    words(merchant.name, 'MERCHANT_NAME'),
    words(`${random.int(100, 2999)} ${merchant.street}`, 'ADDRESS_LINE'),
    [
      { text: `01/${String(day).padStart(2, '0')}/2026`, label: 'DATE' },
      { text: `${hour}:${minute}`, label: 'TIME' },
    ],
    ...items.map((item) => [
      ...words(item.name, 'PRODUCT_NAME'),
      { text: money(item.cents), label: 'LINE_TOTAL' },
    ]),
    [{ text: 'SUBTOTAL' }, { text: money(subtotal), label: 'SUBTOTAL' }],
    [{ text: 'TAX' }, { text: money(tax), label: 'TAX' }],
    [{ text: 'TOTAL' }, { text: money(subtotal + tax), label: 'GRAND_TOTAL' }],
    [{ text: 'VISA', label: 'PAYMENT_METHOD' }, { text: `XXXX${random.int(1000, 9999)}` }],
    words('THANK YOU FOR SHOPPING'),
  ];
};

const point = (x: number, y: number) => ({ x, y });

/** The receipt fields of a receipt that was never published to the CDN. */
const NOT_ON_CDN = Object.fromEntries(
  ['sha256', 'cdn_s3_bucket', 'cdn_s3_key']
    .concat(
      ['', '_thumbnail', '_small', '_medium'].flatMap((size) =>
        ['', '_webp', '_avif'].map((format) => `cdn${size}${format}_s3_key`),
      ),
    )
    .map((field) => [field, null]),
);

/** Box geometry of a line or word at a row and column of the page (values with few decimals). */
const geometry = (row: number, column: number, width: number) => {
  const x = Math.round((0.05 + column * 0.15) * 1000) / 1000;
  const y = Math.round((0.95 - row * 0.06) * 1000) / 1000;
  return {
    bounding_box: { x, y: y - 0.04, width, height: 0.04 },
    top_left: point(x, y),
    top_right: point(x + width, y),
    bottom_left: point(x, y - 0.04),
    bottom_right: point(x + width, y - 0.04),
    angle_degrees: 0,
    angle_radians: 0,
    confidence: 0.95,
    embedding_status: 'SUCCESS' as const,
    is_noise: false,
  };
};

/** `count` receipts, two per image, the same for the same seed and timestamps. */
export const generateReceipts = (options: GenerateReceiptsOptions): SyntheticReceipt[] => {
  const random = new SeededRandom(options.seed);
  const nextTimestamp = options.timestamp;
  const receipts: SyntheticReceipt[] = [];
  let imageId = random.uuid();
  for (let index = 0; index < options.count; index += 1) {
    if (index > 0 && index % 2 === 0) imageId = random.uuid();
    const receiptId = (index % 2) + 1;
    const merchant = MERCHANTS[index % MERCHANTS.length] as Merchant;
    const ids = { image_id: imageId, receipt_id: receiptId };
    const text = receiptText(random, merchant, (index % 28) + 1);
    const lines: ReceiptLine[] = [];
    const receiptWords: ReceiptWord[] = [];
    const labels: ReceiptWordLabel[] = [];
    text.forEach((specs, row) => {
      const lineId = row + 1;
      lines.push(
        ReceiptLineSchema.parse({
          ...ids,
          line_id: lineId,
          text: specs.map((spec) => spec.text).join(' '),
          ...geometry(row, 0, 0.9),
        }),
      );
      specs.forEach((spec, column) => {
        const word = { ...ids, line_id: lineId, word_id: column + 1 };
        receiptWords.push(
          ReceiptWordSchema.parse({
            ...word,
            text: spec.text,
            ...geometry(row, column, 0.14),
            extracted_data: null,
          }),
        );
        if (spec.label === undefined) return;
        labels.push(
          ReceiptWordLabelSchema.parse({
            ...word,
            label: spec.label,
            reasoning: `looks like a ${spec.label.toLowerCase().replaceAll('_', ' ')}`,
            timestamp_added: nextTimestamp(),
            validation_status: 'PENDING',
            label_proposed_by: 'demo-labeler',
            label_consolidated_from: null,
          }),
        );
      });
    });
    const runId = random.uuid();
    receipts.push({
      receipt: ReceiptSchema.parse({
        ...ids,
        width: 1200,
        height: 3400,
        timestamp_added: nextTimestamp(),
        raw_s3_bucket: 'raw-receipts',
        raw_s3_key: `raw/${imageId}.png`,
        top_left: point(0.1, 0.9),
        top_right: point(0.9, 0.9),
        bottom_left: point(0.1, 0.1),
        bottom_right: point(0.9, 0.1),
        ...NOT_ON_CDN,
      }),
      place: ReceiptPlaceSchema.parse({
        ...ids,
        place_id: `demo-place-${index % MERCHANTS.length}`,
        merchant_name: merchant.name,
        merchant_category: merchant.category,
        formatted_address: `${merchant.street}, Thousand Oaks, CA`,
        validation_status: 'MATCHED',
        timestamp: nextTimestamp(),
        confidence: 0.9,
      }),
      lines,
      words: receiptWords,
      labels,
      run: CompactionRunSchema.parse({
        run_id: runId,
        ...ids,
        lines_delta_prefix: `lines/delta/${runId}/`,
        words_delta_prefix: `words/delta/${runId}/`,
        created_at: nextTimestamp(),
      }),
    });
  }
  return receipts;
};
