import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './lockItems.js';

/** Attribute names and values of an expression, with placeholders `#name` / `:name`. @internal */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};

  /** The placeholder of attribute `attribute` (non-word characters become `_`). */
  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/\W/g, '_')}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  /** The placeholder `:key` bound to `value`. */
  value(key: string, value: AttributeValue): string {
    const placeholder = `:${key}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `#a = :a` for every attribute of `item`, to join after `SET`. */
  setAll(item: Item): string[] {
    return Object.entries(item).map(
      ([attribute, value]) => `${this.name(attribute)} = ${this.value(attribute, value)}`,
    );
  }
}
