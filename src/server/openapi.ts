/**
 * The OpenAPI 3.1 document of the admin API, built from the route table itself so that every
 * endpoint is described and request bodies are documented by the schemas that validate them.
 */
import { z } from 'zod';
import { VERSION } from '../version.js';
import type { ApiRoute } from './admin-api.js';
import { SESSION_COOKIE } from './ui-session.js';

const ERROR = { $ref: '#/components/schemas/Error' };

function errorResponse(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ERROR } } };
}

function operation(route: ApiRoute): Record<string, unknown> {
  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...Object.entries(route.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } })),
  ];
  const responses: Record<string, unknown> = {
    [route.noContent ? '204' : '200']: { description: 'Success', ...(route.noContent ? {} : { content: { 'application/json': { schema: {} } } }) },
  };
  if (route.body !== undefined || route.query !== undefined || route.params?.action !== undefined) responses['400'] = errorResponse('Invalid input: `field` names it, `error` says why');
  if (!route.public) {
    responses['401'] = errorResponse('Not authenticated (or the session ended)');
    responses['403'] = errorResponse('Not an administrator, missing CSRF token, or a cross-site request');
  }
  if (route.params !== undefined) responses['404'] = errorResponse('No such resource');
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/^\/api/, '').replace(/[{}]/g, '').replace(/[/.](\w)/g, (_, c: string) => c.toUpperCase())}`,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body !== undefined ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } } } } : {}),
    responses,
    security: route.public ? [] : [{ basic: [] }, { bearer: [] }, { session: [], csrf: [] }],
  };
}

export function openApiDocument(routes: ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Querygate admin API',
      version: VERSION,
      description:
        'Administrators only (admin.users, admin.groups). API clients authenticate as query clients do; the web UI uses a session cookie and sends its CSRF token in X-CSRF-Token on every change.',
    },
    paths,
    components: {
      schemas: { Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, field: { type: 'string' } } } },
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
    },
  };
}
