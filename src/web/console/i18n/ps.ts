import type { Messages } from './en.ts';
import { parts } from './parts.ts';

/** Latin words inside a Pashto sentence, in a left-to-right isolate so their punctuation stays put. */
const ltr = (text: string) => `\u2066${text}\u2069`;

/**
 * Pashto (پښتو), in the words of the provider's own Pashto reference page (سنیپ شاټ, بیا رغونه, ړنګول,
 * د تصدیق نښه, یادونه, خبرداری) and of the API's Pashto error sentences. Numbers in sentences are written
 * in the Eastern Arabic digits the console's Intl formatting gives; ids stay in Latin digits as the API
 * and vpsctl write them, so they can be copied into a command.
 */
export const ps: Messages = {
  pageTitle: 'سنیپ شاټونه — د VPS.org کنسول',
  brand: 'VPS.org',
  product: 'د کلاوډ کنسول',
  language: 'ژبه',
  signOut: 'ووځئ',
  mainNavigation: 'ستاسو سرورونه',

  signInTitle: 'ننوځئ',
  signInIntro:
    'د سرور سنیپ شاټونه د چټک پوائنټ-ان-ټائم بیا رغونې لپاره اداره کړئ. سنیپ شاټونه ستاسو د سرور بشپړ حالت نیسي.',
  tokenLabel: 'د تصدیق نښه',
  tokenHint: `په ${ltr('vps_')} پیلېږي — ستاسو چمتو کوونکی یې تاسو ته درکوي.`,
  tokenStorage: `نښه یوازې د دې براوزر په همدې ټب کې (${ltr('session storage')}) ساتل کېږي او کله چې ټب وتړئ هېرېږي.`,
  remember: 'په دې وسیله کې مې په یاد ولره',
  rememberHint: `نښه د دې براوزر په محلي زېرمه (${ltr('local storage')}) کې تر هغه ساتل کېږي چې ووځئ. یوازې په خپله وسیله کې یې وکاروئ.`,
  signIn: 'ننوځئ',
  signingIn: 'ننوتل کېږي…',
  tokenRequired: 'خپله د تصدیق نښه ولیکئ.',
  signedOutBecause: (detail) => parts`ستاسو ناسته پای ته ورسېده: ${detail}`,
  signedOut: 'تاسو له کنسول څخه ووتلئ.',

  networkError: 'له خدمت سره اړیکه ونه نیول شوه. خپل انټرنېټ وګورئ او بیا هڅه وکړئ.',
  badAnswer: (status) => parts`خدمت په یوې تېروتنې ځواب ورکړ (HTTP ${status}). لږ وروسته بیا هڅه وکړئ.`,
  unexpectedError: 'په کنسول کې یوه ستونزه رامنځته شوه. پاڼه بیا پورته کړئ او بیا هڅه وکړئ.',
  dismiss: 'بند یې کړئ',
  loading: 'پورته کېږي…',

  serversHeading: 'سرورونه',
  noServers: 'په دې حساب کې لا هېڅ سرور نشته.',
  serverId: (id) => parts`ID ${id}`,
  diskSize: (size) => parts`ډیسک ${size}`,
  serverStatus: { running: 'روان', stopped: 'ودرول شوی', restoring: 'بیا رغول کېږي' },
  stopServer: 'سرور ودروئ',
  startServer: 'سرور پیل کړئ',
  stopping: 'درول کېږي…',
  starting: 'پیلېږي…',
  powerUnavailable: 'تر هغه چې سرور بیا رغول کېږي، د پیلولو او درولو تڼۍ کار نه کوي.',
  restoringNotice: 'سرور له سنیپ شاټ څخه بیا رغول کېږي. دا ښايي ۵-۱۵ دقیقې ونیسي.',
  restoringProgress: (server) => parts`${server} بیا رغول کېږي`,

  snapshotsHeading: 'سنیپ شاټونه',
  snapshotsIntro:
    'د ټول سرور پوائنټ-ان-ټائم کاپي ګانې، د خطرناکو کارونو (لکه تازه کول یا د تنظیماتو بدلون) مخکې د چټک بېرته ګرځېدو لپاره.',
  snapshotCount: (count, limit) => parts`له ${limit} څخه ${count} سنیپ شاټونه`,
  noSnapshots: 'دا سرور لا هېڅ سنیپ شاټ نلري.',
  columnName: 'نوم',
  columnStatus: 'حالت',
  columnSize: 'اندازه',
  columnCreated: 'د جوړېدو نېټه',
  columnActions: 'کړنې',
  snapshotStatus: { in_progress: 'د جوړېدو په حال کې', completed: 'بشپړ شوی', failed: 'ناکام شوی' },
  progressLabel: (name) => parts`د ${name} سنیپ شاټ پرمختګ`,
  percentDone: (percent) => parts`${percent} بشپړ شوی`,
  failureReason: (reason) => parts`لامل: ${reason}`,
  noSize: '—',
  restore: 'بیا رغول',
  delete: 'ړنګول',

  createHeading: 'سنیپ شاټ جوړ کړئ',
  nameLabel: 'نوم',
  nameRule: 'لاتین توري، شمېرې، هایفن (-) او انډر سکور (_)؛ له ۱ تر ۶۴ پورې توري.',
  nameInvalid: 'یوازې لاتین توري، شمېرې، هایفن (-) او انډر سکور (_) وکاروئ، تر ډېره ۶۴ توري.',
  descriptionLabel: 'توضیحات (اختیاري)',
  characters: (count, max) => parts`${count} / ${max} توري`,
  create: 'سنیپ شاټ جوړ کړئ',
  creating: 'جوړېږي…',
  runningAdvice:
    'کله چې سرور روان وي، د سنیپ شاټ جوړول کېدای شي د فایل سیسټم د ناهمغږۍ لامل شي. د غوره پایلو لپاره، لومړی سرور ودروئ.',
  note: 'یادونه',
  limitReached: (limit) =>
    parts`دا سرور د ${limit} سنیپ شاټونو اعظمي حد ته رسېدلی دی. د بل سنیپ شاټ له جوړولو مخکې یو ړنګ کړئ.`,
  createWhileRestoring: 'تر هغه چې سرور بیا رغول کېږي، سنیپ شاټ نشي جوړېدای.',

  restoreTitle: 'له سنیپ شاټ څخه بیرته راګرځول',
  restoreIntro: (server, snapshot) =>
    parts`${server} به هغه حالت ته بیرته راوګرځول شي چې په ${snapshot} سنیپ شاټ کې نیول شوی دی.`,
  warning: 'خبرداری',
  restoreWarning:
    'له سنیپ شاټ څخه بیا رغونه به په سرور کې ټول اوسني معلومات له منځه یوسي او پر ځای به یې د سنیپ شاټ معلومات ولیکي. دا عمل بیرته نشي راوستل کیدی. سرور به د بیا رغونې له پیل مخکې په اتوماتيک ډول ودرول شي.',
  typeToConfirm: (name) => parts`د تایید لپاره د سرور نوم، ${name}، ولیکئ`,
  confirmMismatch: 'نوم لا سمون نه لري.',
  restoring: 'بیا رغول کېږي…',
  cancel: 'لغوه کړئ',

  deleteTitle: 'سنیپ شاټ ړنګ کړئ',
  deleteQuestion: (name) => parts`${name} سنیپ شاټ په دایمي ډول ړنګ کړئ؟ دا عمل بیرته نشي راوستل کیدی.`,
  deleteInProgress: 'دا سنیپ شاټ لا جوړېږي: ړنګول یې جوړېدل دروي.',
  deleting: 'ړنګېږي…',

  announceCreateStarted: (name) =>
    parts`${name} سنیپ شاټ جوړېږي. دا ښايي د سرور د اندازې له مخې ۳-۱۰ دقیقې ونیسي.`,
  announceCompleted: (name) => parts`${name} سنیپ شاټ بشپړ شو.`,
  announceFailed: (name) => parts`${name} سنیپ شاټ ناکام شو.`,
  announceDeleted: (name) => parts`${name} سنیپ شاټ ړنګ شو.`,
  announceRestoreStarted: (server) => parts`${server} سرور له سنیپ شاټ څخه بیا رغول کېږي.`,
  announceServerStatus: (server, status) => parts`${server} سرور اوس: ${status}.`,

  monthNames: [
    'جنوري',
    'فبروري',
    'مارچ',
    'اپریل',
    'مۍ',
    'جون',
    'جولای',
    'اګست',
    'سپتمبر',
    'اکتوبر',
    'نومبر',
    'دسمبر',
  ],
  // CLDR's Pashto pattern "y MMMM d 'په' HH:mm", for browsers whose Intl has no Pashto data (Chromium).
  dateAt: (year, month, day, time) => parts`${year} ${month} ${day} په ${time}`,
};
