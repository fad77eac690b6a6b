/** The page header: the title, the device in use, and the device choice. */
import type { DeviceInfo, DevicePreference } from '../protocol';
import { h, replace } from './dom';

/** The header and a way to show the device. */
export function header(
  preference: DevicePreference,
  onDevice: (d: DevicePreference) => void,
): { element: HTMLElement; show: (info: DeviceInfo | null, starting?: boolean) => void } {
  const badge = h('div', { class: 'device-badge', 'data-testid': 'device', role: 'status' }, 'Starting…');
  const select = h(
    'select',
    { id: 'device-select', 'aria-label': 'Device', onchange: () => onDevice(select.value as DevicePreference) },
    h('option', { value: 'auto' }, 'Auto (WebGPU if available)'),
    h('option', { value: 'webgpu' }, 'WebGPU'),
    h('option', { value: 'cpu' }, 'CPU (WebAssembly)'),
  );
  select.value = preference;
  const element = h(
    'header',
    { class: 'app-header' },
    h(
      'div',
      { class: 'brand' },
      h('div', { class: 'logo', 'aria-hidden': 'true' }, 'G'),
      h(
        'div',
        {},
        h('h1', {}, 'Graft Playground'),
        h('p', { class: 'tagline' }, 'Fine-tune a pretrained transformer in your browser. Nothing leaves this page.'),
      ),
    ),
    h('div', { class: 'device' }, badge, h('label', { class: 'device-choice' }, h('span', {}, 'Device'), select)),
  );
  return {
    element,
    show(info, starting = false) {
      badge.className = `device-badge ${info ? info.backend : 'pending'}`;
      if (starting || !info) {
        replace(badge, h('span', { class: 'dot' }), 'Starting the device…');
        return;
      }
      const extra = info.backend === 'cpu' && info.webgpuNote ? h('span', { class: 'device-note' }, ` · WebGPU not used: ${info.webgpuNote}`) : null;
      const threads =
        info.backend === 'cpu' && !info.crossOriginIsolated
          ? h('span', { class: 'device-note' }, ' · one thread: the page is not cross-origin isolated')
          : null;
      badge.title = `${info.label}${info.crossOriginIsolated ? ' · cross-origin isolated' : ''}`;
      replace(badge, h('span', { class: 'dot' }), h('strong', {}, info.label), extra, threads);
    },
  };
}
