/** The answer form page, shared by the mail links and the signed-in pages: shown empty, or again with the refusal. */
import type { Client } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import type { CheckKind } from '../domain/policy';
import type { Db } from '../lib/db';
import type { Viewer } from './access';
import { submitAnswer, type AnswerableTask } from './answering';
import { answerFromForm, formFields, type FormBody } from './forms/answer-form';
import { page } from './render';

export interface FormContext {
  /** Where the form posts: the page's own URL. */
  action: string;
  /** Answering through a mail link: the person the link was sent to. */
  as?: string;
  viewer?: Viewer;
}

type Task = AnswerableTask & { title: string };

export function showAnswerForm(reply: FastifyReply, task: Task, ctx: FormContext, refused?: { values: FormBody; errors: Record<string, string>; error: string }) {
  const data = { title: task.title, task, fields: formFields(task.kind as CheckKind), values: {}, errors: {}, action: ctx.action, as: ctx.as, ...refused };
  return page(reply, 'answer', data, ctx.viewer);
}

/** Hands the submitted form to the workflow; true once accepted, otherwise the form is shown again with why. */
export async function submitAnswerForm(temporal: Client, db: Db, reply: FastifyReply, task: Task, body: FormBody, by: string, ctx: FormContext): Promise<boolean> {
  const outcome = await submitAnswer(temporal, db, task, answerFromForm(formFields(task.kind as CheckKind), body), by);
  if (outcome.ok) return true;
  await showAnswerForm(reply.code(outcome.status), task, ctx, { values: body, errors: outcome.fieldErrors, error: outcome.message });
  return false;
}
