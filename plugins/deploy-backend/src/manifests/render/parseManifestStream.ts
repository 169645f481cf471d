import {
  DocumentOptions,
  parseAllDocuments,
  ParseOptions,
  SchemaOptions,
} from 'yaml';
import { sourceProblem } from './sourceProblem';

/** One Kubernetes object of a YAML stream, with the text of its document. */
export interface ManifestDocument {
  object: Record<string, any>;
  /** The document's text, including the comments before it (Helm's `# Source:`). */
  documentText: string;
}

/**
 * Parse as the Kubernetes API server does (YAML 1.1, so `0644` is octal and
 * `yes` a boolean), except for the 1.1 types Go's YAML decoder leaves as
 * strings: timestamps, sexagesimal numbers, binary, sets and ordered maps.
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: tags =>
    tags.filter(
      tag =>
        typeof tag === 'string' ||
        (!/:(timestamp|binary|set|omap|pairs)$/.test(tag.tag) &&
          tag.format !== 'TIME'),
    ),
};

function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a sequence';
  }
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

function isMapping(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sourceNote(documentText: string): string {
  const source = documentText.match(/^# Source: (.+)$/m)?.[1];
  return source ? ` (from ${source.trim()})` : '';
}

/**
 * The Kubernetes objects in a YAML stream, in order: empty documents are
 * skipped and `kind: List` is flattened into its items. A syntax error names
 * `where` and the line; a document that is not a mapping names `where` and
 * the document's number.
 */
export function parseManifestStream(
  content: string,
  where: string,
  channel: string,
): ManifestDocument[] {
  const objects: ManifestDocument[] = [];
  parseAllDocuments(content, YAML_OPTIONS).forEach((document, i) => {
    const documentText = content.slice(document.range[0], document.range[2]);
    const error = document.errors[0];
    if (error) {
      const position = error.linePos?.[0];
      const at = position
        ? ` line ${position.line}, column ${position.col}`
        : '';
      const reason = error.message.split(/ at line \d+, column \d+/)[0];
      throw sourceProblem(
        channel,
        `${where}${at}${sourceNote(documentText)}: ${reason}`,
      );
    }
    const documentName = `${where}, document ${i + 1}${sourceNote(
      documentText,
    )}`;
    let value: unknown;
    try {
      value = document.toJS();
    } catch (cause) {
      // e.g. too many aliases (a "billion laughs" document).
      throw sourceProblem(
        channel,
        `${documentName}: ${(cause as Error).message}`,
      );
    }
    if (value === null || value === undefined) {
      return;
    }
    if (!isMapping(value)) {
      throw sourceProblem(
        channel,
        `${documentName} is ${kindOfValue(
          value,
        )}, not a Kubernetes object (a mapping)`,
      );
    }
    if (value.kind !== 'List') {
      objects.push({ object: value, documentText });
      return;
    }
    const items: unknown = value.items ?? [];
    if (!Array.isArray(items)) {
      throw sourceProblem(
        channel,
        `${documentName} is a List whose items are not a sequence`,
      );
    }
    items.forEach((item, j) => {
      if (!isMapping(item)) {
        throw sourceProblem(
          channel,
          `${documentName}, item ${j + 1} of the List, is ${kindOfValue(
            item,
          )}, not a Kubernetes object (a mapping)`,
        );
      }
      objects.push({ object: item, documentText });
    });
  });
  return objects;
}
