import { ref, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useAdminStore } from '../../stores/admin.ts';
import { configChanges, type ConfigArea, type ConfigAreas } from '../../api/admin-config.ts';

/**
 * The admin panels' editing state: a form that is closed (`editing` null),
 * open on a new row (`''`) or on the row with that key, and that closes once
 * the server saved a change (the store's `savedAt`). On a refusal it stays
 * open for fixing, with the store's error shown above it.
 */
export function useConfigForm<F>(blank: F) {
  const admin = useAdminStore();
  const editing = ref<string | null>(null);
  const form = ref(blank) as Ref<F>;
  watch(
    () => admin.savedAt,
    () => {
      editing.value = null;
    },
  );
  return { admin, editing, form };
}

export interface ConfigCrudOptions<A extends ConfigArea, Row, F> {
  rows: () => readonly Row[];
  keyOf: (row: Row) => string;
  /** The form for a row, or for a new one (`undefined`). */
  toForm: (row: Row | undefined) => F;
  /** What to send: the whole row for a new one, the editable fields for an edit. */
  toBody: (form: F, isNew: boolean) => ConfigAreas[A]['create'] | ConfigAreas[A]['update'];
}

/** List + form + save + delete of one configuration area (departments, items, queues, windows). */
export function useConfigCrud<A extends ConfigArea, Row, F>(area: A, o: ConfigCrudOptions<A, Row, F>) {
  const { t } = useI18n();
  const { admin, editing, form } = useConfigForm(o.toForm(undefined));

  function open(key: string | null): void {
    editing.value = key ?? '';
    form.value = o.toForm(key === null ? undefined : o.rows().find((r) => o.keyOf(r) === key));
  }

  async function save(): Promise<void> {
    const key = editing.value;
    if (key === null) return;
    const body = o.toBody(form.value, key === '');
    if (key) await admin.change(configChanges.update(area, key, body as ConfigAreas[A]['update']));
    else await admin.change(configChanges.create(area, body as ConfigAreas[A]['create']));
  }

  async function remove(key: string): Promise<void> {
    if (confirm(t('admin.confirmDelete'))) await admin.change(configChanges.remove(area, key));
  }

  return { admin, editing, form, open, save, remove };
}
