// /v1/operators/self: the caller's operator.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf } from '../context.js';
import { ApiError } from '../errors.js';
import { errors, nameText, operatorSchema } from '../schemas.js';

export function operatorRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['operators'];
  app.get('/v1/operators/self', { schema: { tags, summary: "The caller's operator", response: { 200: operatorSchema, ...errors } } }, async (req) => {
    const op = store.operators.get(actorOf(req).operatorId);
    if (!op) throw new ApiError(404, 'FG_API_NOT_FOUND', 'operator not found');
    return op;
  });
  app.put(
    '/v1/operators/self',
    {
      schema: {
        tags,
        summary: "Rename the caller's operator",
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: nameText } },
        response: { 200: operatorSchema, ...errors },
      },
    },
    async (req) => store.operators.rename(actorOf(req), (req.body as { name: string }).name),
  );
}
