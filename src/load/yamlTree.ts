// Parsing and walks over a parsed YAML document that stay linear and never recurse: a file with
// 50,000 keys in one mapping, nested thousands of levels deep, or a million syntax errors, is
// answered in a blink with a positioned problem instead of quadratic work or a stack overflow.
import { type Alias, type CST, Composer, type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, Parser, visit, YAMLParseError, type YAMLMap } from "yaml";

/** Syntax errors the parser may find before it stops: the first twenty are all a person reads. */
const MAX_PARSE_ERRORS = 200;

/**
 * yaml's parseDocument, except that it stops reading after MAX_PARSE_ERRORS syntax errors (`cut`):
 * a 4 MB file of one-line JSON documents made 967,000 errors, each an Error with a stack, 20 s.
 * uniqueKeys off: yaml's check is quadratic in a mapping's size; checkTree does it in one pass.
 */
export function composeDocument(text: string, lineCounter: LineCounter): { doc: Document; cut: boolean } {
  let errors = 0;
  let cut = false;
  function* tokens(): Generator<CST.Token> {
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      if (token.type === "error" && ++errors > MAX_PARSE_ERRORS) {
        cut = true;
        return;
      }
      yield token;
    }
  }
  let doc: Document | null = null;
  for (const next of new Composer({ uniqueKeys: false, prettyErrors: false }).compose(tokens(), true, text.length)) {
    if (doc) {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
      break;
    }
    doc = next;
  }
  // compose(…, forceDoc) always ends with a document.
  return { doc: doc!, cut };
}

/**
 * Deeper than any vps input needs (a workload is ~6 levels, a plan ~4), and far below where
 * yaml's, ajv's or JSON.stringify's recursion would overflow the stack.
 */
export const MAX_DEPTH = 100;

export function keyString(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

/**
 * The pair of `map` whose key reads `key` (the first such pair). The index is built once per
 * mapping: positioning one problem per key of a 50,000-key mapping must not scan it every time.
 */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (isPair(p) && !index.has(keyString(p.key))) index.set(keyString(p.key), p);
    pairIndex.set(map, index);
  }
  return index.get(key);
}

const aliasTargets = new WeakMap<Document, Map<Alias, unknown>>();

/**
 * The node an alias stands for. yaml's `Alias.resolve` searches the whole document each time, so
 * positioning one problem per item of an aliased list of 2,000 items took half a minute; this
 * maps every alias once (to the last anchor of its name before it, as YAML says).
 */
export function resolveAlias(doc: Document, alias: Alias): unknown {
  let targets = aliasTargets.get(doc);
  if (!targets) {
    const anchors = new Map<string, unknown>();
    const found = new Map<Alias, unknown>();
    visit(doc, (_key, node) => {
      if (isAlias(node)) found.set(node, anchors.get(node.source));
      else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
    });
    targets = found;
    aliasTargets.set(doc, targets);
  }
  return targets.get(alias);
}

/** A place in the document found by a walk: the node, its JSON path, its source offset. */
export interface Found {
  path: (string | number)[];
  offset: number;
}

interface Visit {
  node: unknown;
  depth: number;
  parent: Visit | null;
  seg: string | number | null;
}

function pathOf(v: Visit): (string | number)[] {
  const out: (string | number)[] = [];
  for (let at: Visit | null = v; at !== null && at.seg !== null; at = at.parent) out.push(at.seg);
  return out.reverse();
}

function offsetOf(node: unknown): number {
  return (node as Node | null)?.range?.[0] ?? 0;
}

/**
 * The first node nested deeper than MAX_DEPTH, and every key written twice in one mapping (at the
 * later copy). yaml's own `uniqueKeys` check compares each key with every earlier one, which is
 * quadratic in the size of the mapping; this keeps one set of keys per mapping.
 */
export function checkTree(doc: Document, maxDuplicates: number): { tooDeep: Found | null; duplicates: Found[] } {
  const duplicates: Found[] = [];
  const stack: Visit[] = [{ node: doc.contents, depth: 0, parent: null, seg: null }];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (v.depth > MAX_DEPTH) return { tooDeep: { path: pathOf(v), offset: offsetOf(v.node) }, duplicates };
    if (isMap(v.node)) {
      const seen = new Set<string>();
      for (const p of v.node.items) {
        const key = isScalar(p.key) ? keyString(p.key) : null;
        if (key !== null && seen.has(key) && duplicates.length < maxDuplicates) duplicates.push({ path: [...pathOf(v), key], offset: offsetOf(p.key) });
        if (key !== null) seen.add(key);
        // A complex key (`? [a, b]`) is a node too, and can be nested as deeply as a value.
        else if (p.key !== null) stack.push({ node: p.key, depth: v.depth + 1, parent: v, seg: "?" });
        stack.push({ node: p.value, depth: v.depth + 1, parent: v, seg: key ?? "?" });
      }
    } else if (isSeq(v.node)) {
      v.node.items.forEach((item, i) => stack.push({ node: item, depth: v.depth + 1, parent: v, seg: i }));
    }
  }
  duplicates.sort((a, b) => a.offset - b.offset);
  return { tooDeep: null, duplicates };
}
