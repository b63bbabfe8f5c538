/** The main page (greeting, to-dos, calendar), adding a to-do, and adding one to the calendar. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { entriesOf, type ApiCall } from '../calendar-client.js';
import { checkCsrf, formBody, navFor, sendHtml, type AppContext } from '../context.js';
import { explainCall } from '../explain.js';
import { pictureUrl, stringClaim, today } from '../pages/format.js';
import { renderDashboard, renderLanding } from '../pages/home.js';
import type { Session } from '../session.js';
import { parseTodoForm } from '../todos.js';
import { SignInAgain } from '../tokens.js';

/** After the session lost its tokens: back to the start, saying why. */
export function signInAgain(session: Session, reply: FastifyReply, error: SignInAgain): FastifyReply {
  session.notice = { tone: 'error', title: 'Please sign in again', text: error.message };
  return reply.redirect('/', 303);
}

export function registerTodoRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (request, reply) => {
    const session = ctx.sessions.load(request, reply);
    const notice = session.notice;
    delete session.notice;
    if (!session.user) return sendHtml(reply, renderLanding({ nav: navFor(session, 'home'), portalUrl: '/portal', ...(notice ? { notice } : {}) }));

    let calendar: ApiCall;
    try {
      calendar = await ctx.keeper.withAccessToken(session, (credential) => ctx.calendar.listEntries(credential));
    } catch (error) {
      if (error instanceof SignInAgain) return signInAgain(session, reply, error);
      throw error;
    }
    const user = session.user;
    if (!user) return reply.redirect('/', 303);
    const claims = user.claims;
    const picture = pictureUrl(claims);
    const email = stringClaim(claims, 'email');
    return sendHtml(
      reply,
      renderDashboard({
        nav: navFor(session, 'home'),
        csrf: session.csrf,
        name: stringClaim(claims, 'name') ?? email ?? String(claims.sub),
        ...(email ? { email } : {}),
        ...(picture ? { picture } : {}),
        clientId: ctx.clientId,
        todos: ctx.todos.list(String(claims.sub)),
        calendar,
        entries: entriesOf(calendar),
        scopes: user.scope.split(' ').filter(Boolean),
        ...(notice ? { notice } : {}),
        today: today(),
      }),
    );
  });

  app.post('/todos', async (request, reply) => {
    const session = ctx.sessions.peek(request);
    if (!checkCsrf(request, reply, session, navFor(session, 'none'))) return reply;
    if (!session.user) return reply.redirect('/', 303);
    const parsed = parseTodoForm(formBody(request));
    if ('problem' in parsed) {
      session.notice = { tone: 'error', title: 'The to-do was not added', text: parsed.problem };
    } else if (!ctx.todos.add(String(session.user.claims.sub), parsed.title, parsed.date)) {
      session.notice = { tone: 'error', title: 'The to-do was not added', text: 'Your list is full.' };
    }
    return reply.redirect('/', 303);
  });

  app.post<{ Params: { id: string } }>('/todos/:id/calendar', async (request, reply) => {
    const session = ctx.sessions.peek(request);
    if (!checkCsrf(request, reply, session, navFor(session, 'none'))) return reply;
    if (!session.user) return reply.redirect('/', 303);
    const sub = String(session.user.claims.sub);
    const todo = ctx.todos.get(sub, request.params.id);
    if (!todo) {
      session.notice = { tone: 'error', title: 'No such to-do', text: 'That to-do is not on your list.' };
      return reply.redirect('/', 303);
    }
    let call: ApiCall;
    try {
      call = await ctx.keeper.withAccessToken(session, (credential) => ctx.calendar.addEntry(credential, { title: todo.title, date: todo.date }));
    } catch (error) {
      if (error instanceof SignInAgain) return signInAgain(session, reply, error);
      throw error;
    }
    const entry = (call.body as { entry?: { id?: unknown } } | undefined)?.entry;
    if (call.status === 201 && typeof entry?.id === 'string') {
      ctx.todos.markInCalendar(sub, todo.id, entry.id);
      session.notice = { tone: 'ok', title: 'Added to your calendar', text: `“${todo.title}” is now an entry in your calendar.` };
    } else {
      session.notice = { tone: 'error', title: `The calendar API refused to add “${todo.title}”`, text: explainCall(call, 'access'), call };
    }
    return reply.redirect('/', 303);
  });
}
