/** Turns a recorded notification into the mail people read: French subject, HTML and plain text, from Eta templates. */
import { Eta } from 'eta';
import { describeSchedule, type KickoffInvitation } from '../domain/kickoff';
import type { NotificationKind } from '../domain/records';
import { kickoffCalendar, type CalendarPart } from './ical';
import { appPath } from '../lib/paths';

export interface MailTask {
  id: string;
  kind: string;
  title: string;
  why: string;
  source: string;
  dueAt: Date;
  year: number | null;
  reminders: number;
  assigneeEmail: string;
}

export interface MailContext {
  kind: NotificationKind;
  collectivity: string;
  contract: { id: string; object: string; buyerName: string; buyerEmail: string; buyingService: string };
  task?: MailTask;
  data: Record<string, unknown>;
  /** The signed link that opens the task's form, when the mail asks for an answer. */
  answer?: { url: string; expiresAt: Date };
  contractUrl: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** The kickoff meeting as iCalendar: nodemailer's `icalEvent` (text/calendar alternative and .ics attachment). */
  icalEvent?: CalendarPart;
}

const views = appPath('mail', 'templates');
const htmlEngine = new Eta({ views, autoEscape: true, cache: true });
// Plain text keeps the line break after a value (Eta trims one after every tag by default: "Pourquoi : …Référence : …");
// the templates' control-tag lines end in `-%>`, which trims theirs.
const textEngine = new Eta({ views, autoEscape: false, cache: true, autoTrim: false });

const longDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });
const fmt = {
  date: (d: Date | string | undefined) => (d ? longDate.format(new Date(d)) : 'à préciser'),
  hours: (h: unknown) => (typeof h === 'number' ? `${h.toLocaleString('fr-FR')} heures` : 'à préciser'),
  euros: (n: unknown) => (typeof n === 'number' ? `${n.toLocaleString('fr-FR')} € HT` : 'à préciser'),
  schedule: describeSchedule,
};

const isKickoff = (kind: NotificationKind) => kind.startsWith('kickoff-');

/** The template of a notification: a yearly review request reads differently from the other questions. */
function templateOf(ctx: MailContext): string {
  if (isKickoff(ctx.kind)) return 'kickoff';
  return ctx.kind === 'task-opened' && ctx.task?.kind === 'annual-review' ? 'annual-review' : ctx.kind;
}

function subjectOf(ctx: MailContext): string {
  const { task, contract, data } = ctx;
  switch (templateOf(ctx)) {
    case 'annual-review':
      return `Revue annuelle du titulaire${task?.year ? ` (année ${task.year})` : ''} : ${contract.object}`;
    case 'task-opened':
      return `À décider : ${task?.title} – ${contract.object}`;
    case 'task-reminder':
      return `Relance n°${task?.reminders ?? 1} : ${task?.title} – ${contract.object}`;
    case 'task-escalation':
      return `Sans réponse, à votre attention : ${task?.title} – ${contract.object}`;
    case 'partner-kickoff':
      return `Lancement d’un marché avec clause d’insertion : ${contract.object}`;
    case 'partner-phase':
      return `Pour avis, ${String(data.phaseName ?? 'étape en cours')} : ${contract.object}`;
    case 'kickoff': {
      const when = describeSchedule(data as unknown as KickoffInvitation);
      if (ctx.kind === 'kickoff-cancel') return `Annulée : réunion de lancement du ${when} – ${contract.object}`;
      if (ctx.kind === 'kickoff-update') return `Réunion de lancement modifiée, ${when} – ${contract.object}`;
      return `Invitation : réunion de lancement du ${when} – ${contract.object}`;
    }
    default:
      return `${String(data.what ?? 'Changement')} : ${contract.object}`;
  }
}

export function renderMail(ctx: MailContext): RenderedMail {
  const name = templateOf(ctx);
  const it = { ...ctx, fmt, subject: subjectOf(ctx) };
  return {
    subject: `[SPASER] ${it.subject}`,
    html: htmlEngine.render(`./${name}.html.eta`, it),
    text: textEngine.render(`./${name}.txt.eta`, it),
    ...(isKickoff(ctx.kind) ? { icalEvent: kickoffCalendar(ctx.data as unknown as KickoffInvitation, calendarDescription(ctx)) } : {}),
  };
}

export interface DigestQuestion {
  title: string;
  contract: string;
  contractId: string;
  dueAt: Date;
  url: string;
}

/** A person's week: their questions by urgency, and for a manager the escalations by buying service. */
export interface DigestContext {
  name: string;
  collectivity: string;
  week: Date;
  overdue: DigestQuestion[];
  dueThisWeek: DigestQuestion[];
  fresh: DigestQuestion[];
  escalations: { service: string; tasks: { title: string; contract: string; contractId: string; dueAt: Date; assignee: string }[] }[];
  items: number;
  tasksUrl: string;
  preferencesUrl: string;
}

export function renderDigest(ctx: DigestContext): RenderedMail {
  const subject = `Vos questions de la semaine du ${longDate.format(ctx.week)}`;
  const it = { ...ctx, fmt, subject };
  return { subject: `[SPASER] ${subject}`, html: htmlEngine.render('./weekly-digest.html.eta', it), text: textEngine.render('./weekly-digest.txt.eta', it) };
}

/** What the calendar entry itself says, for people who only see their calendar. */
function calendarDescription({ collectivity, contract, data }: MailContext): string {
  const contractor = typeof data.contractor === 'string' ? `\nTitulaire : ${data.contractor}` : '';
  return `${collectivity} : réunion de lancement du marché ${contract.id}, « ${contract.object} ».${contractor}\nAcheteur : ${contract.buyerName} <${contract.buyerEmail}>`;
}
