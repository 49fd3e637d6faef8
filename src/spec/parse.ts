import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { InvalidDocumentError } from '../errors.js';
import { type CheckContext, checkField, type Problem, pathText, type Segment } from './check.js';
import { DOCUMENT } from './fields.js';
import { resolveServer, type WrittenServer } from './resolve-server.js';
import { checkRules, inferPlatform, type Platform } from './rules.js';
import { DEFAULT_OUTPUT } from './server.js';
import { COLORS, type DeploymentSpec, type ValidationSpec } from './types.js';
import { ALL_GATES } from './validation-defaults.js';

/** The document after field checks, before the defaults that depend on other fields. */
type CheckedSpec = Omit<DeploymentSpec, 'apiVersion' | 'kind' | 'name' | 'namespace' | 'serviceName'> & {
  namespace?: string;
  serviceName?: string;
  /** Both slots' server section as written; each slot's own resolves over it. */
  server?: WrittenServer;
};
interface CheckedDocument {
  apiVersion: string;
  kind: 'BlueGreenDeployment';
  metadata: { name: string; namespace?: string };
  spec: CheckedSpec;
}

export interface ParseOptions {
  /** Name of the document in error messages (the file path). */
  source?: string;
  /**
   * The platform that will run it: decides whether slots need `model` (local) or `image`
   * (kubernetes). Default: `spec.platform`, else inferred from the slots.
   */
  platform?: Platform;
}

/**
 * Parse a BlueGreenDeployment YAML document into a defaulted `DeploymentSpec`; relative paths
 * resolve against `baseDir`. Throws `InvalidDocumentError` listing every problem at once.
 */
export function parseSpec(text: string, baseDir: string, opts: ParseOptions = {}): DeploymentSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const what = opts.source ? `spec ${opts.source}` : 'spec';
  if (doc.errors.length > 0) {
    throw new InvalidDocumentError(
      what,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(document)',
        expected: 'valid YAML',
        found: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      })),
    );
  }
  return checkDocument(doc.toJS({ maxAliasCount: 100 }), baseDir, opts, what, (p) => locate(doc, lines, p));
}

/**
 * The same checks for a document that is already an object: a custom resource read from the
 * Kubernetes API, or JSON from the control plane's API.
 */
export function specFromObject(value: unknown, baseDir: string, opts: ParseOptions = {}): DeploymentSpec {
  return checkDocument(value, baseDir, opts, opts.source ? `spec ${opts.source}` : 'spec');
}

function checkDocument(
  value: unknown,
  baseDir: string,
  opts: ParseOptions,
  what: string,
  where: (p: Problem) => Located = () => ({ line: Number.POSITIVE_INFINITY, text: '' }),
): DeploymentSpec {
  const ctx: CheckContext = { baseDir, problems: [] };
  const checked = checkField(DOCUMENT, value, [], ctx) as CheckedDocument | undefined;
  let spec: DeploymentSpec | undefined;
  // Rules across fields run even when some fields failed, so one run reports everything; a
  // rule adds nothing at a path that already has a problem (a bad `model` is not also "missing").
  if (checked?.spec?.blue && checked.spec.green && checked.metadata) {
    const written = {
      spec: checked.spec.server,
      blue: checked.spec.blue.server,
      green: checked.spec.green.server,
    };
    spec = assemble(checked);
    const ruleProblems: Problem[] = [];
    checkRules(spec, inferPlatform(spec, opts.platform ?? checked.spec.platform), ruleProblems, written);
    // Also once per path: two slots that inherit one spec.server section share its problem.
    const taken = new Set(ctx.problems.map((p) => pathText(p.at)));
    for (const p of ruleProblems) {
      if ([p.at, ...(p.about ?? [])].some((at) => taken.has(pathText(at)))) continue;
      taken.add(pathText(p.at));
      ctx.problems.push({ at: p.at, expected: p.expected, found: p.found });
    }
  }
  if (ctx.problems.length > 0 || !spec) {
    // In document order, so the list reads top to bottom alongside the file.
    const located = ctx.problems.map((p) => ({ p, at: where(p) })).sort((a, b) => a.at.line - b.at.line);
    throw new InvalidDocumentError(
      what,
      located.map(({ p, at }) => ({ path: pathText(p.at), expected: p.expected, found: p.found + at.text })),
    );
  }
  return spec;
}

/** Fill the defaults that depend on other fields, and shape the checked document as a DeploymentSpec. */
function assemble(doc: CheckedDocument): DeploymentSpec {
  const s = doc.spec;
  const name: string = doc.metadata.name;
  for (const c of COLORS) {
    s[c].deploymentName ??= `${name}-${c}`;
    // Every parsed slot carries its whole server section, so nothing downstream merges again.
    s[c].server = resolveServer(s[c].server, s.server);
  }
  // A section that failed its own checks is absent here; the spec is then only used for the rules.
  const v = s.validation as ValidationSpec | undefined;
  if (v) v.source ??= v.samples !== undefined ? 'both' : 'shadow';
  // The default asks only for gates that have their input: no card, no card gate (rules.ts
  // makes asking for it explicitly without one a spec error).
  if (v) v.gates ??= ALL_GATES.filter((g) => g !== 'modelCard' || s.green.modelCard !== undefined);
  if (v?.distribution) v.distribution.wassersteinThreshold ??= v.maxDriftScore;
  return {
    apiVersion: doc.apiVersion,
    kind: doc.kind,
    name,
    namespace: s.namespace ?? doc.metadata.namespace ?? 'default',
    serviceName: s.serviceName ?? name,
    ...(s.platform ? { platform: s.platform } : {}),
    blue: s.blue,
    green: s.green,
    readyTimeoutSeconds: s.readyTimeoutSeconds,
    warmupRequests: s.warmupRequests,
    output: s.output ?? { ...DEFAULT_OUTPUT },
    validation: s.validation,
    autoSwitch: s.autoSwitch,
    rollout: s.rollout,
    observation: s.observation,
    teardown: s.teardown,
    observability: s.observability,
  };
}

interface Located {
  line: number;
  text: string;
}

/** " (line 12)": where a problem sits in the YAML, or where its parent does when it is missing. */
function locate(doc: Document, lines: LineCounter, p: Problem): Located {
  for (let n = p.at.length; n > 0; n--) {
    const offset = keyOffset(doc, p.at.slice(0, n));
    if (offset === undefined) continue;
    const line = lines.linePos(offset).line;
    return {
      line,
      text: n === p.at.length ? ` (line ${line})` : ` (in ${pathText(p.at.slice(0, n))} at line ${line})`,
    };
  }
  return { line: 0, text: '' };
}

/** Offset of a mapping entry's key (the line a reader looks for) or of a list item. */
function keyOffset(doc: Document, at: Segment[]): number | undefined {
  const parent = at.length === 1 ? doc.contents : doc.getIn(at.slice(0, -1), true);
  const last = at[at.length - 1];
  let node: unknown;
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
    node = pair && (pair.key ?? pair.value);
  } else if (isSeq(parent) && typeof last === 'number') {
    node = parent.items[last];
  }
  return (node as { range?: [number, number, number] } | undefined)?.range?.[0];
}
