import type { FieldIssue, FieldIssues } from '../domain/errors.ts';

export interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  schema?: unknown;
}

/** Fields whose every length or pattern failure is one rule people can read. */
const FIELD_RULES: Record<string, Partial<Record<string, FieldIssue>>> = {
  name: {
    pattern: { rule: 'snapshot_name' },
    minLength: { rule: 'snapshot_name' },
    maxLength: { rule: 'snapshot_name' },
  },
  'idempotency-key': { pattern: { rule: 'idempotency_key' } },
};

function issueFor(field: string, issue: AjvIssue): FieldIssue {
  const special = FIELD_RULES[field]?.[issue.keyword];
  if (special) return special;
  const limit = Number(issue.params.limit);
  switch (issue.keyword) {
    case 'required':
      return { rule: 'required' };
    case 'type': {
      const type = String(issue.params.type);
      return { rule: 'type', type: type.split(',')[0] ?? type };
    }
    case 'minimum':
    case 'maximum':
    case 'maxLength':
    case 'minLength':
      return { rule: issue.keyword, limit };
    case 'anyOf':
      return { rule: 'wrong_type' };
    default:
      return issue.message ? { rule: 'invalid', message: issue.message } : { rule: 'invalid' };
  }
}

const same = (a: FieldIssue, b: FieldIssue) => JSON.stringify(a) === JSON.stringify(b);

/** Ajv's issues as `{field: [issues]}`; a body that is not an object at all becomes one `body` issue. */
export function fieldIssues(issues: AjvIssue[]): FieldIssues {
  const fields: FieldIssues = {};
  for (const issue of issues) {
    let field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'required') {
      field = [field, String(issue.params.missingProperty)].filter(Boolean).join('.');
    }
    if (!field) field = 'body';
    // TypeBox's nullable unions report each branch; the one message that says what is expected is enough.
    if (issue.keyword === 'type' && fields[field]?.length) continue;
    const found: FieldIssue =
      field === 'body' && issue.keyword === 'type' ? { rule: 'json_object' } : issueFor(field, issue);
    const list = fields[field] ?? [];
    if (!list.some((known) => same(known, found))) list.push(found);
    fields[field] = list;
  }
  return fields;
}
