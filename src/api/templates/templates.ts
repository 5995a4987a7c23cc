// Templates: the columns an import expects, with their validation rules.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { columnRuleProblem } from '../../ingest/validate/column-rules.ts';
import { compilePattern } from '../../ingest/validate/linear-regex.ts';
import type { Column } from '../../domain/column.ts';
import {
  deleteTemplate, findTemplate, insertTemplate, listTemplates, updateTemplate, type TemplateRow,
} from '../../store/templates-queries.ts';
import type { ApiDeps } from '../http.ts';
import { CodeParams, SampleQuery, TemplateCreate, TemplatePatch } from '../schemas.ts';
import { errorAnswer, noContent, TemplateList, TemplateView } from '../answer-schemas.ts';
import { attachment } from '../requests/attachment.ts';
import { sampleCsv, sampleXlsx } from './sample-file.ts';

const tags = ['Templates'];
const noTemplate = errorAnswer('No template with this code: `not_found`');

export function templateRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/templates', {
    schema: {
      tags, operationId: 'createTemplate', summary: 'Create a template', body: TemplateCreate,
      response: { 201: TemplateView, 409: errorAnswer('A template with this code exists: `template_exists`') },
    },
  }, async (req, reply) => {
    const columns = checkColumns(req.body.columns as Column[]);
    const row = await insertTemplate(deps.db, req.projectId, { ...req.body, columns });
    if (!row) throw conflict('template_exists', `a template with code "${req.body.code}" already exists`);
    return reply.code(201).send(present(row));
  });

  r.get('/v1/templates', {
    schema: { tags, operationId: 'listTemplates', summary: 'List the templates', response: { 200: TemplateList } },
  }, async (req) => ({ templates: (await listTemplates(deps.db, req.projectId)).map(present) }));

  r.get('/v1/templates/:code', {
    schema: { tags, operationId: 'getTemplate', summary: 'Read a template', params: CodeParams, response: { 200: TemplateView, 404: noTemplate } },
  }, async (req) => present(await requireTemplate(deps, req.projectId, req.params.code)));

  r.get('/v1/templates/:code/sample', {
    schema: {
      tags, operationId: 'getTemplateSample', summary: 'A sample file to fill in: the column names as headings and one example row',
      params: CodeParams, querystring: SampleQuery,
      response: {
        200: {
          description: 'A download named `<code>-sample.csv` (or `.xlsx`)',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
          },
        },
        404: noTemplate,
      },
    },
  }, async (req, reply) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    const columns = template.columns as Column[];
    if (req.query.format === 'xlsx') {
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachment(`${template.code}-sample.xlsx`)).send(await sampleXlsx(columns));
    }
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(`${template.code}-sample.csv`)).send(sampleCsv(columns));
  });

  r.patch('/v1/templates/:code', {
    schema: {
      tags, operationId: 'updateTemplate', summary: 'Change a template\'s name or columns', params: CodeParams, body: TemplatePatch,
      response: { 200: TemplateView, 404: noTemplate },
    },
  }, async (req) => {
    const columns = req.body.columns ? checkColumns(req.body.columns as Column[]) : undefined;
    const row = await updateTemplate(deps.db, req.projectId, req.params.code, { name: req.body.name, columns });
    if (!row) throw notFound(`template "${req.params.code}"`);
    return present(row);
  });

  r.delete('/v1/templates/:code', {
    schema: {
      tags, operationId: 'deleteTemplate', summary: 'Delete a template (its uploads stay)', params: CodeParams,
      response: { 204: noContent('Deleted'), 404: noTemplate },
    },
  }, async (req, reply) => {
    if (!(await deleteTemplate(deps.db, req.projectId, req.params.code))) throw notFound(`template "${req.params.code}"`);
    return reply.code(204).send();
  });
}

export async function requireTemplate(deps: ApiDeps, projectId: string, code: string): Promise<TemplateRow> {
  const row = await findTemplate(deps.db, projectId, code);
  if (!row) throw notFound(`template "${code}"`);
  return row;
}

/** Rules the schema cannot say: keys unique, a select has its values, a regex compiles for RE2 (it runs in linear time), the rules agree with the type and each other. */
export function checkColumns(columns: Column[]): Column[] {
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    const at = `columns/${i}`;
    if (seen.has(c.key.toLowerCase())) throw badRequest('invalid_request', `${at}/key: "${c.key}" is used by an earlier column`);
    seen.add(c.key.toLowerCase());
    if (c.type === 'select' && !c.selectValues?.length) throw badRequest('invalid_request', `${at}/selectValues: a select column needs selectValues`);
    if (c.type === 'regex') {
      if (!c.regex) throw badRequest('invalid_request', `${at}/regex: a regex column needs a regex`);
      const compiled = compilePattern(c.regex);
      if ('problem' in compiled) throw badRequest('invalid_request', `${at}/regex: ${compiled.problem}`);
    }
    const problem = columnRuleProblem(c);
    if (problem) throw badRequest('invalid_request', `${at}/${problem.field}: ${problem.message}`);
  });
  return columns;
}

function present(row: TemplateRow) {
  return { code: row.code, name: row.name, columns: row.columns, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
