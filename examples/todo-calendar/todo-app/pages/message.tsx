/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// Simple one-message pages: signed out, errors.
import { renderDocument, type Nav } from './layout.js';

export interface MessageProps {
  nav: Nav;
  title: string;
  text: string;
  /** The way on. */
  link: { href: string; label: string };
  /** Extra detail, e.g. the error code Lanekeeper returned. */
  detail?: string;
}

export function renderMessage({ nav, title, text, link, detail }: MessageProps): string {
  return renderDocument({
    title,
    nav,
    children: (
      <section class="card" aria-labelledby="message-heading">
        <h1 id="message-heading">{title}</h1>
        <p class="lead">{text}</p>
        {detail ? <p class="muted small mono">{detail}</p> : null}
        <p>
          <a class="btn btn-primary" href={link.href}>
            {link.label}
          </a>
        </p>
      </section>
    ),
  });
}
