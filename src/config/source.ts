/**
 * Reading config files (YAML 1.2, or JSON, which YAML parses too) with positions: syntax errors
 * carry file, line and column, and a parsed file can say on which line a dotted path is written,
 * so that validation errors point at the line to fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { HibikiError } from '../errors.js';
import type { PathSegment } from './path.js';

/** A parsed config file. */
export interface ConfigSource {
  /** Path as given by the caller. */
  file: string;
  /** The plain JS value (mappings, lists, strings, numbers, booleans, null). Empty file -> `{}`. */
  value: unknown;
  /**
   * 1-based line where `path` is written, or the line of its nearest written ancestor when the
   * path itself is absent; `undefined` when not even the first key is in the file.
   */
  locate(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Parses config text.
 * @param text file contents
 * @param file path used in messages
 * @throws HibikiError `CONFIG_SYNTAX` with line and column of the first syntax error (duplicate
 *   keys included)
 */
export function parseConfigText(text: string, file: string): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, merge: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const reason = first.message.split('\n')[0] ?? first.message;
    throw new HibikiError('CONFIG_SYNTAX', `${pos === undefined ? '' : `column ${pos.col}: `}${reason.replace(/ at line \d+, column \d+:?$/, '')}`, {
      file,
      ...(pos === undefined ? {} : { line: pos.line }),
      expected: 'valid YAML or JSON',
      found: doc.errors.length > 1 ? `${doc.errors.length} syntax errors, the first shown` : 'a syntax error',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (cause) {
    throw new HibikiError('CONFIG_SYNTAX', 'cannot convert the document (alias or tag problem)', { file, cause });
  }
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  return {
    file,
    value: value ?? {},
    locate(path) {
      let node: unknown = doc.contents;
      let line: number | undefined;
      for (const seg of path) {
        let next: unknown;
        let at: number | undefined;
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
          if (pair !== undefined) {
            next = pair.value;
            const keyNode = pair.key as YamlNode;
            at = keyNode.range?.[0];
          }
        } else if (isSeq(node) && typeof seg === 'number') {
          next = node.items[seg];
          at = (next as YamlNode | undefined)?.range?.[0];
        }
        if (at === undefined) break;
        line = lineOf(at);
        node = next;
      }
      return line;
    },
  };
}

/**
 * Reads and parses a YAML or JSON config file.
 * @throws HibikiError `FILE_NOT_FOUND`, or `CONFIG_SYNTAX` (see parseConfigText)
 */
export function loadConfigFile(file: string): ConfigSource {
  if (!existsSync(file)) throw new HibikiError('FILE_NOT_FOUND', 'no such config file', { file });
  return parseConfigText(readFileSync(file, 'utf8'), file);
}

/** Re-export for callers that only need the segment type next to sources. */
export type { PathSegment };
