import { foundText, type Problem, type Segment } from './check.js';
import { pathProblem } from './json-path.js';
import { type WrittenServer, writtenAt } from './resolve-server.js';
import { outputOf } from './server.js';
import type { Color, DeploymentSpec, OutputKind, ProbeSpec, ResponseMapping, ServerSpec } from './types.js';

/** The sections as written, to name the field a user should edit (slot or spec level). */
export interface WrittenServers {
  spec?: WrittenServer;
  blue?: WrittenServer;
  green?: WrittenServer;
}

/** Which mapping keys can carry a prediction of each output kind. */
const KIND_NEEDS: Record<OutputKind, { keys: (keyof ResponseMapping)[]; words: string }> = {
  label: { keys: ['label', 'score'], words: 'response.label (and optionally response.score)' },
  probabilities: {
    keys: ['probabilities'],
    words: 'response.probabilities (and optionally response.classes)',
  },
  regression: { keys: ['value'], words: 'response.value' },
};

type At = (key: keyof ServerSpec) => Segment[];

/** The server-section rules for one enabled slot, whose `server` parse.ts has resolved. */
export function checkServerRules(
  spec: DeploymentSpec,
  color: Color,
  written: WrittenServers,
  problems: Problem[],
): void {
  const server = spec[color].server;
  if (!server) return;
  const at: At = (key) => writtenAt(key, color, written[color]);
  const kind = outputOf(spec).kind;
  if (server.protocol === 'http-json') httpJsonRules(server, kind, at, problems);
  const template = server.request?.template;
  if (template !== undefined && !JSON.stringify(template).includes('"$input"')) {
    problems.push({
      at: [...at('request'), 'template'],
      expected: 'a JSON body with the string "$input" where the sample\'s input goes',
      found: `no "$input" in ${JSON.stringify(template).slice(0, 60)}`,
    });
  }
  if (server.response) responseRules(server.response, kind, at, problems);
  for (const key of ['health', 'readiness'] as const) probeRule(server[key], [...at(key)], problems);
  pathRules(server, at, problems);
}

/** A generic JSON server has no defaults for where samples go and where predictions are. */
function httpJsonRules(server: ServerSpec, kind: OutputKind, at: At, problems: Problem[]): void {
  if (!server.request) {
    problems.push({
      at: at('request'),
      expected: 'a request section with a path (protocol http-json sends each sample there)',
      found: 'nothing',
    });
  }
  if (!server.response) {
    problems.push({
      at: at('response'),
      expected: `a response mapping with ${KIND_NEEDS[kind].words} (protocol http-json, output.kind ${kind})`,
      found: 'nothing',
    });
  }
}

/** The mapping must point at a prediction of the declared kind. */
function responseRules(response: ResponseMapping, kind: OutputKind, at: At, problems: Problem[]): void {
  const need = KIND_NEEDS[kind];
  if (!need.keys.some((k) => response[k] !== undefined)) {
    const given = Object.keys(response);
    problems.push({
      at: at('response'),
      expected: `${need.words}, because output.kind is ${kind}`,
      found: given.length > 0 ? `only ${given.map((k) => `response.${k}`).join(', ')}` : 'an empty mapping',
    });
  }
  if (response.classes !== undefined && response.probabilities === undefined) {
    problems.push({
      at: [...at('response'), 'classes'],
      expected: 'response.probabilities beside it (classes name the entries of that vector)',
      found: foundText(response.classes),
    });
  }
}

/** Every JSON path the section names must be readable (src/spec/json-path.ts). */
function pathRules(server: ServerSpec, at: At, problems: Problem[]): void {
  const paths: [Segment[], string | undefined][] = [
    [[...at('health'), 'jsonField'], server.health.jsonField],
    [[...at('readiness'), 'jsonField'], server.readiness.jsonField],
    ...(['label', 'score', 'probabilities', 'value'] as const).map((k): [Segment[], string | undefined] => [
      [...at('response'), k],
      server.response?.[k],
    ]),
  ];
  for (const [where, path] of paths) {
    if (path !== undefined && pathProblem(path) !== undefined) {
      problems.push({
        at: where,
        expected:
          'a JSON path: keys joined by "." and list indices in brackets, e.g. "predictions[0].label" (also ["key"] and a leading "$.")',
        found: foundText(path),
      });
    }
  }
}

/** `jsonField` and `equals` say one thing together; either alone is a half-written rule. */
function probeRule(p: ProbeSpec, at: Segment[], problems: Problem[]): void {
  if ((p.jsonField === undefined) === (p.equals === undefined)) return;
  const missing = p.jsonField === undefined ? 'jsonField' : 'equals';
  problems.push({
    at: [...at, missing],
    expected: `${missing} beside ${missing === 'equals' ? 'jsonField' : 'equals'} (the answer's field and the value it must have)`,
    found: 'nothing',
  });
}
