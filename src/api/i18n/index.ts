import type { FastifyReply } from 'fastify';
import type { ActionType } from '../../domain/actions.ts';
import { type AppError, type Catalogue, english, render } from '../../domain/errors.ts';
import type { FailureCode } from '../../domain/failures.ts';
import type { Language } from './negotiate.ts';
import { negotiateLanguage } from './negotiate.ts';
import { pashto } from './ps.ts';

export { type Language, negotiateLanguage } from './negotiate.ts';

/**
 * The language of an answer that has words in it: the answer says it varies with Accept-Language, and the
 * header is read only when a sentence is written (many answers have none to say).
 */
export function languageOf(reply: FastifyReply): () => Language {
  reply.header('Vary', 'Accept-Language');
  return () => negotiateLanguage(reply.request.headers['accept-language']);
}

const CATALOGUES: Record<Language, Catalogue> = { en: english, ps: pashto };

export interface ErrorBodyText {
  detail: string;
  code: string;
  errors?: Record<string, string[]>;
}

/** The JSON body of an error in a language: the code never changes, the sentences do. */
export function errorBody(error: AppError, language: Language): ErrorBodyText {
  const catalogue = CATALOGUES[language];
  const body: ErrorBodyText = { detail: render(catalogue, error.code, error.params), code: error.code };
  if (error.fields) {
    body.errors = Object.fromEntries(
      Object.entries(error.fields).map(([field, issues]) => [
        field,
        [...new Set(issues.map((issue) => catalogue.field(issue)))],
      ]),
    );
  }
  return body;
}

/** Why an action failed, as a sentence in a language. */
export function failureText(action: ActionType, code: FailureCode, language: Language): string {
  return CATALOGUES[language].failure(action, code);
}
