import type { FastifyRequest } from 'fastify';
import type { Page, PageRequest } from '../../domain/types.ts';
import { pageLinks } from '../serializers.ts';

/**
 * A list answer as Django REST Framework shapes it: the total, links to the neighbouring pages (absolute,
 * built from the URL the client asked for) and this page's items in their wire form.
 */
export function pageBody<T, B>(
  request: FastifyRequest,
  { page, pageSize }: PageRequest,
  result: Page<T>,
  toBody: (item: T) => B,
): { count: number; next: string | null; previous: string | null; results: B[] } {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  return {
    count: result.count,
    ...pageLinks(url, page, pageSize, result.count),
    results: result.items.map(toBody),
  };
}
