/** The to-do app's own data: each person's to-do list, kept in memory by `sub`. */
import { randomUUID } from 'node:crypto';

export interface Todo {
  id: string;
  title: string;
  /** YYYY-MM-DD */
  date: string;
  /** Set once the to-do was added to the calendar: the calendar entry's id. */
  calendarEntryId?: string;
}

export const MAX_TODOS = 100;
export const MAX_TITLE = 200;

export class TodoBook {
  private readonly lists = new Map<string, Todo[]>();

  list(sub: string): Todo[] {
    return [...(this.lists.get(sub) ?? [])];
  }

  get(sub: string, id: string): Todo | undefined {
    return this.lists.get(sub)?.find((t) => t.id === id);
  }

  /** Adds a to-do; false when the list is full. */
  add(sub: string, title: string, date: string): Todo | undefined {
    const list = this.lists.get(sub) ?? [];
    if (list.length >= MAX_TODOS) return undefined;
    const todo: Todo = { id: randomUUID(), title, date };
    list.push(todo);
    this.lists.set(sub, list);
    return todo;
  }

  markInCalendar(sub: string, id: string, entryId: string): void {
    const todo = this.get(sub, id);
    if (todo) todo.calendarEntryId = entryId;
  }
}

/** A to-do from a submitted form, or the reason it is not one. */
export function parseTodoForm(body: Record<string, unknown>): { title: string; date: string } | { problem: string } {
  const title = typeof body.title === 'string' ? body.title.trim() : '';
  const date = typeof body.date === 'string' ? body.date.trim() : '';
  if (!title) return { problem: 'Give the to-do a title.' };
  if (title.length > MAX_TITLE) return { problem: `Keep the title under ${MAX_TITLE} characters.` };
  const parsed = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    return { problem: 'Pick a day for the to-do.' };
  }
  return { title, date };
}
