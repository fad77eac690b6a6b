/** The banners above the work area: an error in plain words, a run left by an earlier page, a status line. */
import type { ErrorView } from '../messages';
import type { PendingRun } from '../protocol';
import { h, replace } from './dom';

/** The error banner: what went wrong, what to do, and the error's own message. */
export function errorBanner(): { element: HTMLElement; show: (e: ErrorView | null) => void } {
  const element = h('div', { class: 'banner error', role: 'alert', 'data-testid': 'error', hidden: true });
  const show = (e: ErrorView | null) => {
    element.hidden = !e;
    if (!e) return replace(element);
    element.dataset.kind = e.kind;
    replace(
      element,
      h('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
      h(
        'div',
        { class: 'banner-text' },
        h('strong', { 'data-testid': 'error-title' }, e.title),
        h('p', { 'data-testid': 'error-action' }, e.action),
        h('p', { class: 'detail', 'data-testid': 'error-detail' }, e.detail),
      ),
      h('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss', onclick: () => show(null) }, '×'),
    );
  };
  return { element, show };
}

/** The banner offering to resume a run an earlier page left in browser storage. */
export function pendingBanner(handlers: { resume: () => void; discard: () => void }): { element: HTMLElement; show: (run: PendingRun | null) => void } {
  const element = h('div', { class: 'banner info', 'data-testid': 'pending-run', hidden: true });
  return {
    element,
    show(run) {
      element.hidden = !run;
      if (!run) return replace(element);
      replace(
        element,
        h('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '↻'),
        h(
          'div',
          { class: 'banner-text' },
          h('strong', {}, `Run “${run.spec.name}” was interrupted`),
          h(
            'p',
            {},
            run.step > 0 ? `Its last checkpoint is at step ${run.step}${run.maxSteps ? ` of ${run.maxSteps}` : ''}` : 'It had not saved a checkpoint yet',
            ` (${run.modelDescription} on ${run.dataDescription}). Resuming continues from the same step and the same place in the data.`,
          ),
        ),
        h(
          'div',
          { class: 'banner-actions' },
          h('button', { type: 'button', class: 'primary', 'data-testid': 'resume-pending', onclick: handlers.resume }, 'Resume'),
          h('button', { type: 'button', 'data-testid': 'discard-pending', onclick: handlers.discard }, 'Discard'),
        ),
      );
    },
  };
}

/** A one-line status under the header (what the worker is doing). */
export function statusLine(): { element: HTMLElement; show: (text: string | null) => void } {
  const element = h('div', { class: 'status-line', role: 'status', 'data-testid': 'status', 'aria-live': 'polite' });
  return {
    element,
    show(text) {
      element.textContent = text ?? '';
      element.classList.toggle('visible', !!text);
    },
  };
}
