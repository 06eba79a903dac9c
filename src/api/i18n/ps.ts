import type { ActionType } from '../../domain/actions.ts';
import type { Catalogue } from '../../domain/errors.ts';
import type { FailureCode } from '../../domain/failures.ts';
import type { SnapshotStatus } from '../../domain/types.ts';

/**
 * Pashto (پښتو), in the words of the provider's own Pashto reference page: سنیپ شاټ, د تصدیق نښه,
 * بیا رغونه, ړنګول. Right-to-left text; ids and limits stay in Latin digits as the API writes them. Latin
 * text with punctuation (a URL, a media type) is wrapped in a left-to-right isolate (U+2066 … U+2069), so
 * its slashes and dots stay where they belong inside the right-to-left sentence.
 */
const ltr = (text: string) => `\u2066${text}\u2069`;

const STATUS: Record<SnapshotStatus, string> = {
  in_progress: 'د جوړېدو په حال کې',
  completed: 'بشپړ شوی',
  failed: 'ناکام شوی',
};

const ACTION_FAILED: Record<ActionType, string> = {
  create_snapshot: 'سنیپ شاټ جوړ نه شو',
  restore_snapshot: 'سرور بیا ونه رغول شو',
  delete_snapshot: 'د سنیپ شاټ معلومات لرې نه شول',
};

const FAILURE: Record<FailureCode, string> = {
  integrity_check_failed: 'زېرمه شوي سنیپ شاټ معلومات د بشپړتیا له ازموینې ونه وتل',
  disk_unreadable: 'د سرور ډیسک ونه لوستل شو',
  storage_full: 'د سنیپ شاټونو زېرمه ډکه ده',
  worker_died: 'هغه کارګر چې دا کار یې کاوه په هره هڅه کې ناڅاپه ودرېد',
  stopped: 'له بشپړېدو مخکې ودرول شو',
  internal_error: 'یوه داخلي ستونزه رامنځته شوه؛ ملاتړ یې د سنیپ شاټ له ID څخه موندلی شي',
};

const TYPES: Record<string, string> = {
  integer: 'صحیح عدد',
  number: 'عدد',
  string: 'متن',
  boolean: 'true یا false',
  object: 'JSON آبجکټ',
  array: 'JSON لړۍ',
  null: 'null',
};

export const pashto: Catalogue = {
  errors: {
    invalid_request: () => 'په غوښتنه کې ناسمې پیرامیټرې شته.',
    malformed_json: ({ reason }) =>
      reason === 'not_utf8'
        ? 'د غوښتنې بدن سم JSON نه دی: UTF-8 متن نه دی.'
        : 'د غوښتنې بدن سم JSON نه دی: لوستل یې ونه شول.',
    payload_too_large: ({ limit }) => `د غوښتنې بدن له ${limit} بایټه حد څخه لوی دی.`,
    unsupported_media_type: ({ type }) =>
      `د Content-Type ${ltr(type)} ملاتړ نه کېږي؛ application/json ولېږئ.`,
    bad_request: ({ reason }) =>
      reason === 'content_length' ? 'د Content-Length سرلیک له بدن سره سمون نه لري.' : 'غوښتنه سمه نه ده.',
    bad_url: () => 'URL سم نه دی.',
    not_authenticated: () => 'د تصدیق نښه ورکه یا ناسمه ده.',
    not_found: ({ method, url }) => `د ${ltr(`${method} ${url}`)} لپاره هېڅ پای ټکی شتون نلري.`,
    server_not_found: ({ id }) => `سرور ${id} شتون نلري.`,
    snapshot_not_found: ({ id }) => `سنیپ شاټ ${id} شتون نلري.`,
    action_not_found: ({ id }) => `کړنه ${id} شتون نلري.`,
    idempotency_key_reused: () =>
      'دا Idempotency-Key دمخه د یوې بلې غوښتنې لپاره کارول شوې ده؛ د نوې غوښتنې لپاره نوې کیلي ولېږئ.',
    snapshot_limit_reached: ({ serverId, limit }) =>
      `سرور ${serverId} دمخه د ${limit} سنیپ شاټونو اعظمي حد ته رسېدلی دی. د بل سنیپ شاټ له جوړولو مخکې یو ړنګ کړئ.`,
    server_restoring: ({ serverId }) =>
      `سرور ${serverId} له یوه سنیپ شاټ څخه بیا رغول کېږي؛ تر هغه انتظار وکړئ چې بیا رغونه پای ته ورسېږي.`,
    snapshot_not_restorable: ({ id, status }) =>
      `سنیپ شاټ ${id} ${STATUS[status]} دی؛ یوازې بشپړ شوی سنیپ شاټ بیا رغول کېدای شي.`,
    rate_limited: ({ retryAfterSeconds }) =>
      `ډېرې زیاتې غوښتنې؛ ${retryAfterSeconds} ثانیې وروسته بیا هڅه وکړئ.`,
    internal_error: () => 'زموږ په سیستم کې یوه ستونزه رامنځته شوه؛ ثبت شوې ده.',
  },
  field: (issue) => {
    switch (issue.rule) {
      case 'required':
        return 'دا ساحه اړینه ده.';
      case 'type':
        return `باید ${TYPES[issue.type] ?? issue.type} وي.`;
      case 'minimum':
        return `باید لږ تر لږه ${issue.limit} وي.`;
      case 'maximum':
        return `باید تر ډېره ${issue.limit} وي.`;
      case 'maxLength':
        return `باید تر ډېره ${issue.limit} توري وي.`;
      case 'minLength':
        return `باید لږ تر لږه ${issue.limit} توري وي.`;
      case 'snapshot_name':
        return 'باید له 1 تر 64 پورې توري وي: لاتین توري، شمېرې، هایفن (-) او انډر سکور (_).';
      case 'idempotency_key':
        return 'باید له 1 تر 255 پورې د چاپ وړ ASCII توري وي.';
      case 'json_object':
        return 'باید JSON آبجکټ وي.';
      case 'wrong_type':
        return 'ډول یې ناسم دی.';
      case 'lone_surrogate':
        return 'باید سم یونیکوډ متن وي (یو یوازینی سروګیټ پکې دی).';
      case 'control_characters':
        return 'باید کنټرولي توري ونلري.';
      case 'invalid':
        return 'سم نه دی.';
    }
  },
  failure: (action, code) => `${ACTION_FAILED[action]}: ${FAILURE[code]}.`,
};
