import type { Action } from '../domain/actions.ts';
import type { Server, Snapshot } from '../domain/types.ts';
import { failureText, type Language } from './i18n/index.ts';
import type { ActionBody, ServerBody, SnapshotBody } from './schemas.ts';

/** UTC, whole seconds, with a Z: the page's `2025-01-15T18:30:00Z`. */
export function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

// The domain hands out the same Snapshot objects while they are cached (see ReadCache), so their wire
// shape is computed once per object rather than once per request.
const snapshotBodies = new WeakMap<Snapshot, SnapshotBody>();

export function snapshotBody(snapshot: Snapshot): SnapshotBody {
  let body = snapshotBodies.get(snapshot);
  if (!body) {
    body = toSnapshotBody(snapshot);
    snapshotBodies.set(snapshot, body);
  }
  return body;
}

/** The wire shape in the caller's language: only a failed snapshot's reason is said in other words. */
export function snapshotBodyIn(snapshot: Snapshot, language: () => Language): SnapshotBody {
  const body = snapshotBody(snapshot);
  if (snapshot.failureCode === null) return body;
  const chosen = language();
  if (chosen === 'en') return body;
  return { ...body, failure_reason: failureText('create_snapshot', snapshot.failureCode, chosen) };
}

function toSnapshotBody(snapshot: Snapshot): SnapshotBody {
  return {
    id: snapshot.id,
    server: snapshot.server,
    name: snapshot.name,
    status: snapshot.status,
    size_mb: snapshot.sizeMb,
    created_at: timestamp(snapshot.createdAt),
    description: snapshot.description,
    progress: snapshot.progress,
    failure_reason: snapshot.failureReason,
  };
}

/** Where a client follows an action; relative, so it holds behind any proxy. */
export function actionLocation(id: number): string {
  return `/api/v1/actions/${id}/`;
}

export function actionBody(action: Action, language: Language): ActionBody {
  const at = (date: Date | null) => (date === null ? null : timestamp(date));
  return {
    id: action.id,
    type: action.type,
    status: action.status,
    progress: action.progress,
    snapshot_id: action.snapshotId,
    server_id: action.serverId,
    created_at: timestamp(action.createdAt),
    started_at: at(action.startedAt),
    finished_at: at(action.finishedAt),
    error: action.failure
      ? { code: action.failure, detail: failureText(action.type, action.failure, language) }
      : null,
  };
}

export function serverBody(server: Server): ServerBody {
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    disk_size_mb: Math.ceil(server.diskSizeBytes / (1024 * 1024)),
    created_at: timestamp(server.createdAt),
  };
}

/** Django REST Framework's page links: absolute URLs of the neighbouring pages, or null at either end. */
export function pageLinks(
  url: URL,
  page: number,
  pageSize: number,
  count: number,
): { next: string | null; previous: string | null } {
  const link = (target: number): string => {
    const next = new URL(url);
    next.searchParams.set('page', String(target));
    next.searchParams.set('page_size', String(pageSize));
    return next.toString();
  };
  return {
    next: page * pageSize < count ? link(page + 1) : null,
    previous: page > 1 ? link(Math.min(page - 1, Math.max(1, Math.ceil(count / pageSize)))) : null,
  };
}
