import { readFileSync } from 'node:fs';

/**
 * The FEEL expressions of a BPMN file: the attributes and formal expressions
 * that start with `=`, each once, XML entities resolved.
 */
export function feelExpressionsOf(file: string): string[] {
  const xml = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of xml.matchAll(/(?:="|>)=([^"<]+)["<]/g)) {
    found.add(match[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim());
  }
  return [...found];
}
