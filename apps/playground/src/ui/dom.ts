/**
 * A few DOM helpers: `h` builds an element from a tag, attributes and children (strings become
 * text nodes, so nothing is ever parsed as HTML), and small form builders. The page is small
 * enough that a framework would add more than it saves.
 */

/** Attributes and properties `h` sets: `on*` functions become listeners, `class`/`data-*`/aria attributes are set as attributes. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** A child: an element, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Builds an element. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (key === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (flattened; empty ones skipped). */
export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A labelled number input. */
export function numberField(
  label: string,
  id: string,
  value: number,
  opts: { min?: number; max?: number; step?: number | 'any'; hint?: string } = {},
): HTMLLabelElement {
  return h(
    'label',
    { class: 'field', for: id },
    h('span', { class: 'field-label' }, label),
    h('input', { id, type: 'number', value, min: opts.min, max: opts.max, step: opts.step ?? 'any', inputmode: 'decimal' }),
    opts.hint ? h('span', { class: 'field-hint' }, opts.hint) : null,
  );
}

/** A labelled text input. */
export function textField(label: string, id: string, value: string, opts: { placeholder?: string; hint?: string } = {}): HTMLLabelElement {
  return h(
    'label',
    { class: 'field', for: id },
    h('span', { class: 'field-label' }, label),
    h('input', { id, type: 'text', value, placeholder: opts.placeholder, spellcheck: 'false', autocomplete: 'off' }),
    opts.hint ? h('span', { class: 'field-hint' }, opts.hint) : null,
  );
}

/** A segmented control (radio buttons styled as one bar); `onChange` gets the chosen value. */
export function segmented<T extends string>(
  name: string,
  options: { value: T; label: string; title?: string }[],
  selected: T,
  onChange: (v: T) => void,
): HTMLDivElement {
  return h(
    'div',
    { class: 'segmented', role: 'radiogroup' },
    options.map((o) =>
      h(
        'label',
        { class: 'segment', title: o.title },
        h('input', { type: 'radio', name, value: o.value, checked: o.value === selected, onchange: () => onChange(o.value) }),
        h('span', {}, o.label),
      ),
    ),
  );
}

/** The number in input `id` (NaN when empty). */
export function numberValue(root: ParentNode, id: string): number {
  return Number((root.querySelector(`#${id}`) as HTMLInputElement).value);
}

/** The text in input `id`, trimmed. */
export function textValue(root: ParentNode, id: string): string {
  return (root.querySelector(`#${id}`) as HTMLInputElement).value.trim();
}

/** 4.39 M, 12.3 k, 512. */
export function compactNumber(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return n.toLocaleString('en-US');
}
